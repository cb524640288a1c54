"""Batch checking: 200 articles through `python -m checker check --jsonl FILE` against the raw
forward passes of the same sentences (target: at least 0.8x their throughput), and what sharing
model calls across articles (`checker.batch.check_articles`) gains over one article at a time.

    python bench/batch_check.py [--articles 200] [--share-sample 40] [--index DIR] [--no-record]

Articles: 15 consecutive sentences of the CheckThat! 2020 task 5 debate transcripts in
../shared/data (distinct texts); without that folder, windows of the demo corpus's sentences
(fewer distinct sentences, so sharing gains more). Settings come from the environment.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from api_load import build_demo_index
from common import ROOT, record
from forward_passes import raw_forward_passes

from checker.batch import Article, check_articles
from checker.config import load_settings
from checker.pipeline import open_retriever, reader_options
from checker.text.sentences import split_sentences

DEBATES = ROOT.parent / "shared" / "data" / "checkthat2020_task5_en_debates" / "train"
PER_ARTICLE = 15


def debate_articles(n: int) -> tuple[list[str], str]:
    if DEBATES.is_dir():
        out: list[str] = []
        for path in sorted(DEBATES.glob("*.tsv")):
            with path.open(encoding="utf-8", newline="") as fh:
                lines = [row[2].strip() for row in csv.reader(fh, delimiter="\t") if len(row) >= 3 and row[2].strip()]
            out += [" ".join(lines[i : i + PER_ARTICLE]) for i in range(0, len(lines) - PER_ARTICLE + 1, PER_ARTICLE)]
            if len(out) >= n:
                return out[:n], f"CheckThat! 2020 task 5 debates, {PER_ARTICLE} lines each"
    from checker.evidence.corpus import load_corpus

    sentences = [s.text for d in load_corpus([ROOT / "corpus"]).documents for s in split_sentences(d.text)]
    out = [" ".join(sentences[(i * 7) % len(sentences) :][:PER_ARTICLE]) for i in range(n)]
    return out, f"windows of the demo corpus's sentences ({DEBATES} is absent)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--share-sample", type=int, default=40, help="articles for the sharing comparison (0: skip)")
    parser.add_argument("--index", type=Path, help="an index folder (default: the demo corpus, built now)")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    settings = load_settings()
    articles, source = debate_articles(args.articles)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index or build_demo_index(Path(tmp) / "index", settings.model)
        home = Path(tmp) / "home"
        home.mkdir()
        (home / "index").symlink_to(index)
        jsonl = Path(tmp) / "articles.jsonl"
        jsonl.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(articles)),
                         encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "CHECKER_HOME"} | {"CHECKER_HOME": str(home)}
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "checker", "check", "--jsonl", str(jsonl)], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        wall = time.perf_counter() - t0
        lines = [json.loads(x) for x in done.stdout.splitlines()]
        summary = re.search(r"checked (\d+) of (\d+) articles in ([\d.]+) s", done.stderr)
        if summary is None or len(lines) != len(articles):
            sys.exit(f"check --jsonl failed ({done.returncode}): {done.stderr[-800:]}")
        in_process = float(summary.group(3))
        errors = sum(1 for x in lines if "error" in x)
        claims = [[c["text"] for c in x.get("claims", [])] for x in lines]

        retriever = open_retriever(settings.with_(index=index))
        reading = reader_options(settings)
        run_raw, covers = raw_forward_passes(articles, claims, retriever=retriever, settings=settings,
                                             reading=reading)
        options = {"top_k": settings.top_k, "threshold": settings.claim_threshold, **reading}
        for _ in check_articles([Article(0, t) for t in articles[:2]], retriever=retriever, **options):
            pass  # warm up: every model a check uses is loaded now
        t0 = time.perf_counter()
        run_raw()
        raw = time.perf_counter() - t0

        share_line = None
        if args.share_sample:
            sample = [Article(i, t) for i, t in enumerate(articles[: args.share_sample])]
            timings = {}
            for chunk in (1, 32):
                t0 = time.perf_counter()
                for _ in check_articles(sample, retriever=retriever, chunk=chunk, max_sentences=settings.max_sentences,
                                        **options):
                    pass
                timings[chunk] = min(timings.get(chunk, float("inf")), time.perf_counter() - t0)
            share_line = (f"sharing model calls, {len(sample)} articles in process: chunk 32 {timings[32]:.1f} s "
                          f"vs one article at a time {timings[1]:.1f} s: {timings[1] / timings[32]:.2f}x faster")

    sentences = sum(len(split_sentences(t)) for t in articles)
    distinct = len({s.text for t in articles for s in split_sentences(t)})
    lines_out = [f"{len(articles)} articles ({source}): {sentences:,} sentences ({distinct:,} distinct), "
                 f"{sum(map(len, claims)):,} claims; {errors} error lines; reader "
                 f"{'on' if reading.get('reader') else 'off'}; model {settings.model}",
                 f"`check --jsonl`: {wall:.1f} s for the whole command, {in_process:.1f} s after start-up "
                 f"(its own summary line); raw forward passes of the same work: {raw:.1f} s",
                 f"throughput vs raw forward passes: {raw / in_process:.2f}x after start-up, {raw / wall:.2f}x "
                 "including start-up (target >= 0.8x)",
                 f"baseline covers: {covers}"]
    if share_line:
        lines_out.append(share_line)
    lines_out.append(f"load average 1 min: {load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end "
                     "(a shared machine: other jobs ran at the same time)")
    print("\n".join(lines_out))
    if not args.no_record:
        record("HTTP API and batch: batch_check", lines_out)


if __name__ == "__main__":
    main()
