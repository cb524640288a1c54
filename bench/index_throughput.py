"""Indexing throughput: passages per second through `build_index` (from scratch, into a temporary
folder) against raw `model.encode` of the same passage texts, measured in the same run. The raw
encode runs before and after the build and the baseline is their mean, so that a slow drift of the
machine's load hits both sides alike. Prints the ratio; appends it to bench/RESULTS.md.

    python bench/index_throughput.py [--limit 600] [--json] [--no-record]

--limit: the first N SciFact documents (default 600: 985 passages, a few minutes in all; 0 = the
whole corpus, 5,183 documents and 8,781 passages, about 20 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from common import ROOT, record

from checker.config import DEFAULT_MODEL, load_settings
from checker.evidence.corpus import load_corpus, split_passages
from checker.evidence.index import build_index
from checker.text.embed import get_embedder

SCIFACT = ROOT.parent / "shared" / "data" / "beir" / "scifact" / "corpus.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=600, help="SciFact documents (0: all)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    load = os.getloadavg()[0]
    batch_size = load_settings().batch_size
    docs = load_corpus([SCIFACT]).documents
    docs = docs[: args.limit] if args.limit else docs
    texts = [p.embedding_text() for d in docs for p in split_passages(d)]
    embedder = get_embedder(DEFAULT_MODEL)
    model = embedder._load()  # the raw sentence-transformers model, for the baseline
    model.encode(texts[:batch_size], batch_size=batch_size, show_progress_bar=False)  # warm up

    def raw_encode() -> float:
        t0 = time.perf_counter()
        model.encode(texts, batch_size=batch_size, show_progress_bar=False)
        return time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        before = raw_encode()
        t0 = time.perf_counter()
        report = build_index(docs, embedder, Path(tmp) / "index", batch_size=batch_size, force=True)
        build = time.perf_counter() - t0
        after = raw_encode()
    assert report.passages == len(texts) and report.embedded <= len(texts)

    encode = (before + after) / 2
    build_rate, encode_rate = len(texts) / build, len(texts) / encode
    ratio = build_rate / encode_rate
    print(f"SciFact: {len(docs)} documents, {len(texts)} passages ({report.embedded} distinct embedded)")
    print(f"build_index: {build:.1f} s = {build_rate:.1f} passages/s")
    print(f"raw model.encode: {before:.1f} s before, {after:.1f} s after = {encode_rate:.1f} passages/s")
    print(f"ratio: {ratio:.2f}x of raw encoding throughput (target >= 0.9x)")
    if not args.no_record:
        record("index_throughput", [
            f"SciFact, first {len(docs)} documents, {len(texts)} passages, batch {batch_size}; "
            f"load average at start {load:.1f}",
            f"build_index {build:.1f} s ({build_rate:.1f} passages/s); raw model.encode {before:.1f} s before and "
            f"{after:.1f} s after ({encode_rate:.1f} passages/s); ratio {ratio:.2f}x (target >= 0.9x)",
        ])
    if args.json:
        print(json.dumps({"ratio": round(ratio, 4), "documents": len(docs), "passages": len(texts),
                          "build_seconds": round(build, 3), "encode_seconds_before": round(before, 3),
                          "encode_seconds_after": round(after, 3), "build_passages_per_s": round(build_rate, 2),
                          "encode_passages_per_s": round(encode_rate, 2)}))


if __name__ == "__main__":
    main()
