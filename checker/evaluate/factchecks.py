"""Measuring claim matching through the product's fact-check path (CheckThat! 2021 2A and 2B).

The BEIR corpus is indexed as fact-check records (checker/factchecks/index.py), each query is
matched by the same `FactCheckMatcher` a check uses, and besides the ranking figures the shown
matches are counted: a match is shown when it is among the first `shown` and scores at least
the threshold. Precision is the share of shown matches that the qrels call relevant; recall the
share of relevant pairs that are shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Run = dict[str, dict[str, float]]


def run_factchecks(matcher: Any, queries: Mapping[str, str], *, top_k: int = 100, batch: int = 64,
                   progress: Any = None) -> Run:
    """{query id: {fact-check id: fused score}} for the best `top_k` fact-checks of each query."""
    ids = list(queries)
    run: Run = {}
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        for qid, ranked in zip(chunk, matcher.ranked([queries[q] for q in chunk], depth=top_k), strict=True):
            run[qid] = {doc: score for doc, score, _ in ranked}
        if callable(progress):
            progress(min(start + batch, len(ids)), len(ids))
    return run


def shown_scores(run: Run, qrels: Mapping[str, Mapping[str, int]], threshold: float, *,
                 shown: int = 3) -> dict[str, float]:
    """Precision and recall of the matches a claim would show at `threshold`, and how many."""
    relevant = sum(1 for q in qrels for r in qrels[q].values() if r > 0)
    shown_n = hits = queries_with = 0
    for qid, scores in run.items():
        top = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:shown]
        kept = [d for d, s in top if s >= threshold]
        shown_n += len(kept)
        hits += sum(1 for d in kept if qrels.get(qid, {}).get(d, 0) > 0)
        queries_with += bool(kept)
    return {"threshold": threshold, "shown": shown_n, "correct": hits,
            "precision": hits / shown_n if shown_n else float("nan"),
            "recall": hits / relevant if relevant else float("nan"),
            "queries_with_a_match": queries_with}


def tune_threshold(run: Run, qrels: Mapping[str, Mapping[str, int]], *, precision: float = 0.9,
                   shown: int = 3, step: float = 0.01) -> float | None:
    """The lowest threshold (a multiple of `step`) whose shown matches reach `precision` on this data,
    or None when none does. Tune on a training split, then report on another."""
    t = 0.0
    while t <= 1.5 + 1e-9:
        got = shown_scores(run, qrels, round(t, 4), shown=shown)
        if got["shown"] and got["precision"] >= precision:
            return round(t, 4)
        t += step
    return None
