"""What a fact-check's document should hold for matching: its headline and claim (as shipped), or the
claim alone. Indexes CheckThat! 2021 2A and 2B both ways with the product's index and matcher, and
prints MAP@5 on train (to choose) and dev (to report).

    python bench/factcheck_fields.py [--data ../shared/data/beir] [--no-record]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path

from common import ROOT, record


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "beir"))
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    from checker.config import load_settings
    from checker.evaluate.data import load_beir
    from checker.evaluate.factchecks import run_factchecks
    from checker.evaluate.metrics import retrieval_scores
    from checker.evidence.index import build_index, is_up_to_date, load_index
    from checker.evidence.retrieve import Retriever
    from checker.factchecks.index import FactCheckMatcher, as_document, records_from_beir
    from checker.text.embed import get_embedder

    settings = load_settings()
    embedder = get_embedder(settings.model)
    before = os.getloadavg()
    lines = []
    for name in ("checkthat2021-2a", "checkthat2021-2b"):
        folder = Path(args.data) / name
        records = records_from_beir(folder / "corpus.jsonl")
        for variant in ("headline + claim", "claim only"):
            docs = [as_document(r) for r in records]
            if variant == "claim only":
                docs = [dataclasses.replace(d, title="") for d in docs]
            index_dir = settings.cache / f"fields-{name}-{'both' if variant != 'claim only' else 'claim'}"
            if not is_up_to_date(index_dir, docs, embedder.name):
                build_index(docs, embedder, index_dir)
            retriever = Retriever(load_index(index_dir), embedder,
                                  config=settings.retrieval_config(dense_weight=settings.factcheck_dense_weight))
            matcher = FactCheckMatcher(retriever, lambda ids: {})
            got = []
            for split in ("train", "dev"):
                data = load_beir(folder, split)
                scores = retrieval_scores(run_factchecks(matcher, data.queries, top_k=100), data.qrels)
                got.append(f"{split} MAP@5 {scores['map@5']:.4f}")
            lines.append(f"{name}, {variant}: " + ", ".join(got))
            print(lines[-1], flush=True)
    after = os.getloadavg()
    lines.append(f"dense weight {settings.factcheck_dense_weight}; load average before {before[0]:.2f} / "
                 f"{before[1]:.2f}, after {after[0]:.2f} / {after[1]:.2f}")
    if not args.no_record:
        record("factcheck_fields", lines)


if __name__ == "__main__":
    main()
