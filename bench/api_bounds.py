"""The API's bounds on the real server (`python -m checker serve` on 127.0.0.1), each against a
baseline from the same run:

- deadline: a check of 150 distinct claims under CHECKER_REQUEST_SECONDS (10 here), time to its
  504 against the setting; a 1.9 MB article (the demo article repeated, the issue's request) and
  1.9 MB of distinct sentences, time to their answer against the setting;
- disconnection: the same check sent on a raw socket and hung up after 2 s: time from the hang-up
  to the server's log saying the check stopped, and the server's CPU in the 2 s after, against
  its CPU in the 2 s before the hang-up (while it worked).

    python bench/api_bounds.py [--seconds 10] [--no-record]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
from common import ROOT, record

from checker.config import DEFAULT_MODEL
from checker.evidence.corpus import load_corpus
from checker.evidence.index import build_index
from checker.text.embed import get_embedder
from tests.apiserver import serve

DEMO = (ROOT / "checker" / "demo" / "article.txt").read_text(encoding="utf-8")
LONG = " ".join(f"Officials said {n:,} Russian troops were massed near the border with Ukraine on day {n}."
                for n in range(1_000, 1_150))
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its threads so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="CHECKER_REQUEST_SECONDS of the server")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    lines = [f"load average (1, 5, 15 min) at start: {load()}"]
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "demo-index"
        build_index(load_corpus([ROOT / "corpus"]).documents, get_embedder(DEFAULT_MODEL), index)
        env = {"CHECKER_REQUEST_SECONDS": f"{args.seconds:g}", "CHECKER_MAX_CLAIMS": "500",
               "CHECKER_RATE_PER_MINUTE": "0"}
        with serve(Path(tmp) / "home", index, env=env) as server:
            url = f"{server.url}/v1/check"
            requests.post(url, json={"text": DEMO}, timeout=600)  # warm
            big = "\n\n".join([DEMO] * (1_900_000 // len(DEMO)))
            distinct = " ".join(f"On day {n} officials counted {n * 7:,} vehicles and {n * 3:,} troops at site {n}."
                                for n in range(1, 30_000))[:1_900_000]
            for name, body in [("150 distinct claims (all: true)", {"text": LONG, "all": True}),
                               (f"1.9 MB article, the demo article repeated ({len(big):,} characters)",
                                {"text": big}),
                               (f"1.9 MB of distinct sentences ({len(distinct):,} characters)", {"text": distinct})]:
                t0 = time.perf_counter()
                r = requests.post(url, json=body, timeout=600)
                took = time.perf_counter() - t0
                got = r.json()
                lines.append(f"deadline {args.seconds:g} s: {name}: HTTP {r.status_code} after {took:.1f} s "
                             f"({took / args.seconds:.2f}x the deadline), {len(got.get('claims', []))} claims "
                             f"finished, {got.get('unsearched_claims', '-')} unsearched")
            parts = urlsplit(server.url)
            payload = json.dumps({"text": LONG, "all": True}).encode()
            before = server.log.read_text().count("the client disconnected")
            with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
                sock.sendall(b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             + f"Content-Length: {len(payload)}\r\n\r\n".encode() + payload)
                time.sleep(2.0)
                busy0 = cpu_seconds(server.pid)
                time.sleep(2.0)
                busy = cpu_seconds(server.pid) - busy0
            hung_up = time.perf_counter()
            while server.log.read_text().count("the client disconnected") == before:
                time.sleep(0.02)
                if time.perf_counter() - hung_up > 120:
                    raise SystemExit("the server never logged that the check stopped")
            stopped = time.perf_counter() - hung_up
            idle0 = cpu_seconds(server.pid)
            time.sleep(2.0)
            idle = cpu_seconds(server.pid) - idle0
            lines.append(f"disconnection: the check stopped {stopped:.2f} s after the client hung up; server CPU "
                         f"{idle / 2:.2f} cores in the 2 s after against {busy / 2:.2f} cores in the 2 s before "
                         f"({idle / max(busy, 1e-9):.2f}x)")
    lines.append(f"load average at the end: {load()}")
    for line in lines:
        print(line)
    if not args.no_record:
        record("api_bounds", lines)


if __name__ == "__main__":
    main()
