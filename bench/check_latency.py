"""Time to check the demo article with a warm model, against raw `model.encode` of the same
sentences, measured in the same run. Prints the ratio; appends it to bench/RESULTS.md.

    python bench/check_latency.py [--repeat 15] [--json] [--no-record]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

from common import ROOT, median_time, record

from checker.config import DEFAULT_MODEL, Settings
from checker.evidence.corpus import load_corpus
from checker.evidence.index import build_index, load_index
from checker.evidence.retrieve import Retriever
from checker.pipeline import check_article, reader_options
from checker.text.embed import get_embedder
from checker.text.sentences import split_sentences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    settings = Settings()
    text = (ROOT / "checker" / "demo" / "article.txt").read_text(encoding="utf-8")
    embedder = get_embedder(DEFAULT_MODEL)
    with tempfile.TemporaryDirectory() as tmp:
        docs = load_corpus([ROOT / "corpus"]).documents
        build_index(docs, embedder, Path(tmp) / "index")
        retriever = Retriever(load_index(Path(tmp) / "index"), embedder)
        sentences = [s.text for s in split_sentences(text)][: settings.max_sentences]  # what the check embeds
        model = embedder._load()  # the raw sentence-transformers model, for the baseline

        reading = reader_options(settings)  # the reader re-ranks and judges, as in the product

        def run_check(compare_evidence: bool = True) -> Any:
            return check_article(text, retriever=retriever, top_k=settings.top_k,
                                 threshold=settings.claim_threshold, evidence_batch=settings.evidence_batch,
                                 article_date="2022-01-21", compare_evidence=compare_evidence, **reading)

        # the reader's raw forward passes over the very pairs the check scores
        reader = reading["reader"]
        claims = [r.claim.text for r in run_check().reports]
        found = retriever.search_many(claims, top_k=max(settings.top_k, settings.rerank_depth)) if reader else []
        pair_claims = [c for c, hits in zip(claims, found, strict=True) for _ in hits]
        pair_passages = [h.passage.embedding_text() for hits in found for h in hits]

        def run_encode() -> None:
            model.encode(sentences, batch_size=settings.batch_size, show_progress_bar=False)
            if reader is not None:
                reader.logits(pair_claims, pair_passages)

        run_check(), run_encode()  # warm up
        check_s, encode_s, plain_s = [], [], []
        for _ in range(args.repeat):  # interleave so that machine noise hits all alike
            check_s.append(median_time(run_check, 1))
            encode_s.append(median_time(run_encode, 1))
            plain_s.append(median_time(lambda: run_check(False), 1))
        check, encode = statistics.median(check_s), statistics.median(encode_s)
        plain = statistics.median(plain_s)

    ratio = check / encode
    overhead = check / plain - 1
    print(f"demo article: {len(sentences)} sentences, {len(docs)} corpus documents")
    print(f"reader pairs in the baseline: {len(pair_claims)}")
    print(f"check_article (warm): {check * 1000:.1f} ms   "
          f"raw forward passes (embeddings + reader pairs): {encode * 1000:.1f} ms")
    print(f"ratio: {ratio:.2f}x (target <= 1.25x)")
    print(f"claim-against-evidence checks: {overhead:+.1%} ({plain * 1000:.1f} ms without them; target <= +15%)")
    if not args.no_record:
        record("check_latency", [f"{len(sentences)} sentences, {len(pair_claims)} reader pairs; "
                                 f"check {check * 1000:.1f} ms, "
                                 f"encode {encode * 1000:.1f} ms, ratio {ratio:.2f}x (median of {args.repeat})",
                                 f"compare.py checks add {overhead:+.1%} (check without them: {plain * 1000:.1f} ms)"])
    if args.json:
        print(json.dumps({"ratio": round(ratio, 4), "check_seconds": round(check, 5),
                          "encode_seconds": round(encode, 5), "sentences": len(sentences),
                          "compare_overhead": round(overhead, 4), "check_without_compare_seconds": round(plain, 5)}))


if __name__ == "__main__":
    main()
