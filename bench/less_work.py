"""Less work per check, each figure a ratio against a baseline from the same run:

- the reader's memory: a warm check of the demo article whose (claim, passage) pairs the reader
  has judged before, against the same check with the memory emptied first;
- repeated sentences: the demo article ten times over, against the demo article once (both with
  the memory emptied), so a ratio near 1 means the copies cost nothing;
- bounded input: `python -m checker check` of a 5 MB article (the demo article repeated) from
  process start to JSON, against `check` of the demo article alone (target: within 120 s).

    python bench/less_work.py [--repeat 5] [--no-cli] [--no-record]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT, record

from checker.config import DEFAULT_MODEL, Settings
from checker.evidence.corpus import load_corpus
from checker.evidence.index import build_index, load_index
from checker.evidence.retrieve import Retriever
from checker.pipeline import check_article, reader_options
from checker.text.embed import get_embedder

DEMO = (ROOT / "checker" / "demo" / "article.txt").read_text(encoding="utf-8")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def cli_seconds(path: Path, home: Path) -> tuple[float, dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKER_")} | {"CHECKER_HOME": str(home)}
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "checker", "check", str(path), "--json"], cwd=ROOT, env=env,
                         capture_output=True, timeout=1200, check=True)
    return time.perf_counter() - t0, json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-cli", action="store_true", help="skip the 5 MB `check` through the command line")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    settings = Settings()
    loads = [load()]
    embedder = get_embedder(DEFAULT_MODEL)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        build_index(load_corpus([ROOT / "corpus"]).documents, embedder, home / "index")
        retriever = Retriever(load_index(home / "index"), embedder)
        options = reader_options(settings)
        reader = options["reader"]

        def check(text: str) -> Any:
            return check_article(text, retriever=retriever, top_k=settings.top_k, threshold=settings.claim_threshold,
                                 evidence_batch=settings.evidence_batch, max_claims=settings.max_claims,
                                 article_date="2022-01-21", **options)

        def forget() -> None:
            reader._judged.clear()

        ten = "\n\n".join([DEMO] * 10)
        check(DEMO)  # warm up the models
        cold, warm, single, repeated = [], [], [], []
        pairs: dict[str, int] = {}
        for _ in range(args.repeat):  # interleaved, so that machine noise hits all alike
            forget()
            before = reader.forward_pairs
            cold.append(timed(lambda: check(DEMO)))
            pairs["cold"] = reader.forward_pairs - before
            before = reader.forward_pairs
            warm.append(timed(lambda: check(DEMO)))
            pairs["warm"] = reader.forward_pairs - before
            forget()
            single.append(timed(lambda: check(DEMO)))
            forget()
            before = reader.forward_pairs
            repeated.append(timed(lambda: check(ten)))
            pairs["ten"] = reader.forward_pairs - before
        loads.append(load())
        c, w, s, r = (statistics.median(x) for x in (cold, warm, single, repeated))
        lines = [f"load average (1, 5, 15 min) at start {loads[0]}, after the in-process runs {loads[1]}",
                 f"reader memory: warm check of the demo article {w:.2f} s against {c:.2f} s with the memory "
                 f"emptied: {w / c:.2f}x ({pairs['warm']} reader pairs run against {pairs['cold']}); "
                 f"median of {args.repeat}",
                 f"repeated sentences: the demo article ten times over {r:.2f} s against once {s:.2f} s: "
                 f"{r / s:.2f}x ({pairs['ten']} reader pairs run for the ten copies); median of {args.repeat}"]
        if not args.no_cli:
            big = home / "big.txt"
            big.write_text("\n\n".join([DEMO] * (5_000_000 // len(DEMO) + 1))[:5_000_000], encoding="utf-8")
            one_s, _ = cli_seconds(ROOT / "checker" / "demo" / "article.txt", home)
            big_s, data = cli_seconds(big, home)
            loads.append(load())
            lines.append(f"`check --json` of a 5 MB article (the demo article repeated, {data['sentences']:,} "
                         f"sentences, {len(data['claims']):,} claims listed, {data['unsearched_claims']:,} "
                         f"unsearched), process start to JSON: {big_s:.1f} s against {one_s:.1f} s for the demo "
                         f"article alone: {big_s / one_s:.2f}x (target: within 120 s); notes: {data['notes']}; "
                         f"load average after: {loads[2]}")
    for line in lines:
        print(line)
    if not args.no_record:
        record("less_work", lines)


if __name__ == "__main__":
    main()
