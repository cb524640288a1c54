"""Concurrent verdicts through the HTTP API under two accounts' tokens: 8 clients x 50 verdicts
against one server (`python -m checker serve`) on 127.0.0.1, half the clients with one reviewer's
token and half with another's. Counts what was lost: every 201 must be a stored version under the
token's account, no version number skipped or repeated, and no verdict under the other account.

    python bench/api_verdicts.py [--clients 8] [--verdicts 50] [--claims 20] [--db URL] [--index DIR] [--no-record]

--db: the verdict database (default: a new SQLite file; a PostgreSQL URL works, and should name
an empty database).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from api_load import build_demo_index, percentile
from common import record

from checker.config import load_settings
from checker.verdicts import accounts
from checker.verdicts.store import VerdictStore
from tests.apiserver import serve

NAMES = ("Ada Bench", "Bo Bench")


def client(url: str, token: str, number: int, claim_ids: list[int], n: int) -> list[tuple[float, int, int]]:
    """(seconds, status, claim id) of each verdict this client posts."""
    out = []
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token}"
        for i in range(n):
            cid = claim_ids[(number * n + i) % len(claim_ids)]
            t0 = time.perf_counter()
            try:
                status = session.post(f"{url}/v1/claims/{cid}/verdicts", timeout=120,
                                      json={"label": "Supported", "note": f"client {number} save {i}"}).status_code
            except requests.RequestException:
                status = 0
            out.append((time.perf_counter() - t0, status, cid))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--verdicts", type=int, default=50, help="verdicts per client")
    parser.add_argument("--claims", type=int, default=20, help="claims the verdicts are spread over")
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--index", type=Path, help="an index folder (default: the demo corpus, built now)")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    settings = load_settings()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        url = args.db or f"sqlite:///{home / 'verdicts.db'}"
        store = VerdictStore(url)
        tokens = []
        for name in NAMES:
            accounts.add_account(store, name, "bench password", role="reviewer")
            tokens.append(accounts.new_token(store, name)[1])
        text = " ".join(f"Claim number {i} says {i * 1000} troops moved." for i in range(args.claims))
        aid = store.add_article(text, title="api_verdicts bench")
        spans, at = [], 0
        for i in range(args.claims):
            sentence = f"Claim number {i} says {i * 1000} troops moved."
            spans.append((at, at + len(sentence), sentence, 0.9))
            at += len(sentence) + 1
        claim_ids = store.add_claims(aid, spans)
        index = args.index or build_demo_index(Path(tmp) / "index", settings.model)
        env = {"CHECKER_DB": url, "CHECKER_RATE_PER_MINUTE": "0"}
        with serve(home, index, token="", env=env) as server:
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                parts = list(pool.map(lambda k: client(server.url, tokens[k % 2], k, claim_ids, args.verdicts),
                                      range(args.clients)))
            wall = time.perf_counter() - started
        confirmed = {name: sum(1 for k, part in enumerate(parts) for _, status, _ in part
                               if status == 201 and NAMES[k % 2] == name) for name in NAMES}
        versions = store.latest_rows(all_versions=True)
        stored = collections.Counter(r.verdict.reviewer for r in versions)
        misfiled = sum(1 for r in versions if NAMES[int(r.verdict.note.split()[1]) % 2] != r.verdict.reviewer)
        by_claim = collections.defaultdict(list)
        for r in versions:
            by_claim[r.verdict.claim_id].append(r.verdict.version)
        gaps = sum(1 for vs in by_claim.values() if sorted(vs) != list(range(1, len(vs) + 1)))
        backend = store.engine.dialect.name

    results = [r for part in parts for r in part]
    errors = sum(1 for _, status, _ in results if status != 201)
    lost = sum(max(0, confirmed[name] - stored[name]) for name in NAMES)
    latencies = [t for t, _, _ in results]
    lines = [f"{args.clients} clients x {args.verdicts} verdicts through POST /v1/claims/{{id}}/verdicts, spread over "
             f"{args.claims} claims, on one server on 127.0.0.1 ({backend}); clients alternate two accounts' tokens "
             f"({', '.join(NAMES)})",
             f"confirmed (201) {sum(confirmed.values())} of {len(results)}, errors {errors}; stored versions "
             f"{len(versions)} ({', '.join(f'{n}: {stored[n]}' for n in NAMES)}); lost {lost}; recorded under the "
             f"other account {misfiled}; claims with a version gap or repeat {gaps}",
             f"{len(results) / wall:.1f} verdicts/s; latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
             f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms",
             f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in load_before)} at start, "
             f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at end (a shared machine: other jobs ran meanwhile)"]
    print("\n".join(lines))
    if not args.no_record:
        record("HTTP API and batch: api_verdicts (two accounts' tokens)", lines)
    print(json.dumps({"confirmed": sum(confirmed.values()), "stored": len(versions), "lost": lost,
                      "misfiled": misfiled, "gaps": gaps, "errors": errors}))
    if lost or misfiled or gaps or errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
