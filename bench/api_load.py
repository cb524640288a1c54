"""Load on the HTTP API: 4 concurrent clients x 50 checks of the demo article against one server
(`python -m checker serve`) on 127.0.0.1. Prints p50/p95 latency, errors, and the throughput as a
ratio to the raw forward passes of the same 200 checks, measured in the same run.

    python bench/api_load.py [--clients 4] [--requests 50] [--index DIR] [--no-record]

The server runs with the settings of the environment (CHECKER_MODEL, CHECKER_READER, ...).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from common import ROOT, record
from forward_passes import raw_forward_passes

from checker.config import load_settings
from checker.pipeline import check_article, open_retriever, reader_options
from tests.apiserver import serve

DATE = "2022-01-21"


def build_demo_index(folder: Path, model: str) -> Path:
    from checker.evidence.corpus import load_corpus
    from checker.evidence.index import build_index
    from checker.text.embed import get_embedder

    build_index(load_corpus([ROOT / "corpus"]).documents, get_embedder(model), folder)
    return folder


def client(url: str, body: dict, n: int) -> list[tuple[float, int]]:
    out = []
    with requests.Session() as session:
        for _ in range(n):
            t0 = time.perf_counter()
            try:
                status = session.post(f"{url}/v1/check", json=body, timeout=600).status_code
            except requests.RequestException:
                status = 0
            out.append((time.perf_counter() - t0, status))
            if len(out) % 10 == 0:
                print(f"a client has made {len(out)} of {n} checks", file=sys.stderr, flush=True)
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=50, help="checks per client")
    parser.add_argument("--index", type=Path, help="an index folder (default: the demo corpus, built now)")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    settings = load_settings()
    text = (ROOT / "checker" / "demo" / "article.txt").read_text(encoding="utf-8")
    body = {"text": text, "date": DATE}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index or build_demo_index(Path(tmp) / "index", settings.model)
        # every client is 127.0.0.1: the load test measures throughput, not the rate limit (unless asked for)
        passthrough = {"CHECKER_RATE_PER_MINUTE": "0"} | {k: v for k, v in os.environ.items()
                                                         if k.startswith("CHECKER_") and k != "CHECKER_HOME"}
        with serve(Path(tmp) / "home", index, env=passthrough) as server:
            for _ in range(2):  # warm up
                requests.post(f"{server.url}/v1/check", json=body, timeout=600).raise_for_status()
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                results = [r for part in pool.map(lambda _: client(server.url, body, args.requests),
                                                  range(args.clients)) for r in part]
            wall = time.perf_counter() - started
        # the baseline, in this process, with the server stopped: the same forward passes, bare
        retriever = open_retriever(settings.with_(index=index))
        reading = reader_options(settings)
        result = check_article(text, retriever=retriever, article_date=DATE, top_k=settings.top_k,
                               threshold=settings.claim_threshold, **reading)
        claims = [r.claim.text for r in result.reports]
        run_raw, covers = raw_forward_passes([text], [claims], retriever=retriever, settings=settings,
                                             reading=reading)
        run_raw()  # warm up
        reps = 20
        t0 = time.perf_counter()
        for _ in range(reps):
            run_raw()
        raw_per_check = (time.perf_counter() - t0) / reps

    latencies = [t for t, _ in results]
    errors = sum(1 for _, status in results if status != 200)
    total = len(results)
    throughput = total / wall
    raw_throughput = 1 / raw_per_check
    ratio = throughput / raw_throughput
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    lines = [f"{args.clients} clients x {args.requests} checks of the demo article ({len(claims)} claims) on one "
             f"server on 127.0.0.1; reader {'on' if reading.get('reader') else 'off'}; model {settings.model}",
             f"latency p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; errors {errors} of {total}",
             f"throughput {throughput:.2f} checks/s vs raw forward passes {raw_throughput:.2f} checks/s "
             f"(mean of {reps} repetitions): ratio {ratio:.2f}x",
             f"baseline covers: {covers}",
             f"load average 1 min: {load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end "
             "(a shared machine: other jobs ran at the same time)"]
    print("\n".join(lines))
    if not args.no_record:
        record("HTTP API and batch: api_load", lines)
    print(json.dumps({"p50_s": round(p50, 4), "p95_s": round(p95, 4), "errors": errors, "requests": total,
                      "throughput": round(throughput, 3), "raw_throughput": round(raw_throughput, 3),
                      "ratio": round(ratio, 3)}))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
