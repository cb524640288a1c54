""""Already checked": how well the fused (dense + lexical) similarity finds an earlier judged claim
that a new claim paraphrases, on CheckThat! 2021 task 2A (tweets against verified claims).

    python bench/match_paraphrases.py [--record]

Each tweet is tried twice: against every verified claim (a hit when the best-scoring claim is one
of its relevant ones and scores at least the threshold; a wrong claim above the threshold is a
false alarm; nothing above it, a miss), and against the pool without its relevant claims (then
anything above the threshold is a false alarm: most new claims have no earlier verdict). For each
dense weight, the threshold that maximises F1 on train is chosen; precision and recall are
reported on dev at that threshold. Dense weight 1.0 is the former cosine-only rule.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys

import numpy as np
from common import ROOT, record

from checker.config import DEFAULT_MODEL
from checker.evidence.similar import lexical_scores, terms
from checker.text.embed import get_embedder

DATA = ROOT.parent / "shared" / "data" / "beir" / "checkthat2021-2a"
WEIGHTS = (1.0, 0.85, 0.7, 0.5)


def _read(split: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    with (DATA / "qrels" / f"{split}.tsv").open() as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if int(row["score"]) > 0:
                out.setdefault(row["query-id"], set()).add(row["corpus-id"])
    return out


def _trials(scores: np.ndarray, qids: list[str], ids: list[str], qrels: dict[str, set[str]]):
    """Per tweet: (best score, best is relevant) over the whole pool, and best score without its relevant claims."""
    pos, neg = [], []
    index = {d: j for j, d in enumerate(ids)}
    for i, q in enumerate(qids):
        row = scores[i].copy()
        best = int(np.argmax(row))
        pos.append((float(row[best]), ids[best] in qrels[q]))
        row[[index[d] for d in qrels[q] if d in index]] = -np.inf
        neg.append(float(row.max()))
    return np.array([p[0] for p in pos]), np.array([p[1] for p in pos]), np.array(neg)


def _prf(t: float, pos: np.ndarray, right: np.ndarray, neg: np.ndarray) -> tuple[float, float, float]:
    tp = int(((pos >= t) & right).sum())
    fp = int(((pos >= t) & ~right).sum() + (neg >= t).sum())
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / len(pos)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--record", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"error: {DATA} is missing", file=sys.stderr)
        return 2
    corpus = [json.loads(line) for line in (DATA / "corpus.jsonl").open()]
    queries = {q["_id"]: q["text"] for q in map(json.loads, (DATA / "queries.jsonl").open())}
    ids, texts = [d["_id"] for d in corpus], [d["text"] for d in corpus]
    splits = {s: _read(s) for s in ("train", "dev")}
    embedder = get_embedder(DEFAULT_MODEL)
    pool_vectors = embedder.encode(texts, batch_size=64)
    pool_terms = [terms(t) for t in texts]
    parts = {}
    for split, qrels in splits.items():
        qids = sorted(qrels)
        qtexts = [queries[q] for q in qids]
        dense = embedder.encode(qtexts, batch_size=64) @ pool_vectors.T
        parts[split] = (qids, dense, lexical_scores([terms(q) for q in qtexts], pool_terms))
    rows = []
    for weight in WEIGHTS:
        result = {split: _trials(weight * dense + (1 - weight) * lexical, qids, ids, splits[split])
                  for split, (qids, dense, lexical) in parts.items()}
        grid = np.round(np.arange(0.30, 0.951, 0.01), 2)
        best_t = max(grid, key=lambda t: _prf(t, *result["train"])[2])
        tr, dv = _prf(best_t, *result["train"]), _prf(best_t, *result["dev"])
        old = _prf(0.85, *result["dev"]) if weight == 1.0 else None
        rows.append(f"dense weight {weight:.2f}: threshold {best_t:.2f} (best F1 on train: P {tr[0]:.3f} "
                    f"R {tr[1]:.3f} F1 {tr[2]:.3f}) → dev P {dv[0]:.3f} R {dv[1]:.3f} F1 {dv[2]:.3f}"
                    + (f"; the former rule, cosine ≥ 0.85, on dev: P {old[0]:.3f} R {old[1]:.3f} "
                       f"F1 {old[2]:.3f}" if old else ""))
        print(rows[-1], flush=True)
    if args.record:
        record("Already checked: paraphrase matching on CheckThat! 2021 2A (train → dev)",
               [f"pool: {len(ids):,} verified claims; {len(splits['train'])} train and {len(splits['dev'])} dev "
                "tweets, each tried against the whole pool and against the pool without its relevant claims",
                *rows])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
