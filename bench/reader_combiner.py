"""The reader's stance head against the stance combiner (its logits beside the rule checks), on
every held-out set of `checker/training/reader_data.py`.

    python bench/reader_combiner.py [--reader DIR] [--stance DIR] [--no-record]

The reader folder's `reader.json` must hold a "combiner" (`python -m checker train combiner`).
Both columns read the same logits: the stance head's argmax, and the combiner's. FEVER-Symmetric
is also scored as SUPPORTS vs REFUTES only (its NOT_ENOUGH_INFO is rare).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from common import ROOT, record

from checker.config import load_settings
from checker.evaluate.metrics import stance_scores
from checker.reading.model import DEFAULT_DIR, LABELS, Reader
from checker.reading.stance_rules import features
from checker.text.embed import get_embedder
from checker.training.reader_data import build

VERBATIM = "Russia has massed about 100,000 troops near the border with Ukraine."
SANITY = {"verbatim": VERBATIM,
          "with its source": f"{VERBATIM} US officials said so on Friday.",
          "30,000 troops": "Russia has massed about 30,000 troops near the border with Ukraine."}


def figures(pred: list[str], gold: list[str], two: list[str] | None = None) -> str:
    s = stance_scores(pred, gold)
    text = f"{s['macro_f1']:.3f} / {s['per_class']['REFUTES']['f1']:.3f}"
    if two is not None:
        text += f" (S vs R acc {sum(p == g for p, g in zip(two, gold, strict=True)) / len(gold):.3f})"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reader", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--stance", type=Path, default=ROOT.parent / "shared" / "data" / "stance")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    settings = load_settings()
    reader = Reader(args.reader)
    if reader.combiner is None:
        raise SystemExit(f"error: {args.reader}/reader.json holds no combiner (run `python -m checker train combiner`)")
    data = build(args.stance, embedder=get_embedder(settings.model), seed=args.seed, sources=[],
                 synthetic_per_label=0, cache=settings.cache)
    lines = ["macro-F1 / REFUTES F1 of the stance head's argmax, then of the combiner's, on the same logits"]
    for name, pairs in sorted(data.held_out.items()):
        if name.endswith("calibration"):
            continue
        claims, passages = [p.claim for p in pairs], [p.passage for p in pairs]
        _, logits = reader.logits(claims, passages)
        probs = reader.combiner.probabilities(features(claims, passages, logits.astype(np.float64)))
        gold = [p.label for p in pairs]
        head = [LABELS[int(i)] for i in logits.argmax(axis=1)]
        comb = [LABELS[int(i)] for i in probs.argmax(axis=1)]
        fever = name.startswith("feversym")
        two_head = [LABELS[0] if r[0] >= r[1] else LABELS[1] for r in logits] if fever else None
        two_comb = [LABELS[0] if r[0] >= r[1] else LABELS[1] for r in probs] if fever else None
        lines.append(f"{name} (n {len(pairs)}): head {figures(head, gold, two_head)}; "
                     f"combiner {figures(comb, gold, two_comb)}")
        print(lines[-1], flush=True)
    claims = [VERBATIM] * len(SANITY)
    scores = reader.score(claims, list(SANITY.values()))
    lines.append("sanity, combiner: " + "; ".join(
        f"{k} {scores.label(i)} {max(scores.probabilities(i).values()):.2f}" for i, k in enumerate(SANITY)))
    print(lines[-1])
    if not args.no_record:
        record(f"Reader stance head against its combiner ({args.reader.name})", lines)


if __name__ == "__main__":
    main()
