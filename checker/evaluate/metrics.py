"""Measuring the judgement: retrieval metrics on BEIR-layout data, and check-worthiness metrics.

Retrieval metrics follow trec_eval's definitions: relevance is the qrels score (> 0 is
relevant); nDCG uses linear gains and a log2(rank + 1) discount against the ideal ordering
of all judged documents; MAP@k sums precision at each relevant rank up to k and divides by
the number of relevant documents; MRR@k is 1 / rank of the first relevant document within
k; Recall@k is the share of relevant documents in the top k. Every metric is averaged over
the queries that have at least one relevant document.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

Run = Mapping[str, Mapping[str, float]]  # query id -> document id -> score (higher is better)
Qrels = Mapping[str, Mapping[str, int]]  # query id -> document id -> relevance


def ranked(scores: Mapping[str, float]) -> list[str]:
    """Document ids best first; ties broken by id so that results are deterministic."""
    return [d for d, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))]


def ndcg_at(ranking: Sequence[str], rels: Mapping[str, int], k: int) -> float:
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranking[:k]))
    ideal = sorted((r for r in rels.values() if r > 0), reverse=True)[:k]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def ap_at(ranking: Sequence[str], rels: Mapping[str, int], k: int) -> float:
    relevant = sum(1 for r in rels.values() if r > 0)
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for i, d in enumerate(ranking[:k], start=1):
        if rels.get(d, 0) > 0:
            hits += 1
            total += hits / i
    return total / relevant


def rr_at(ranking: Sequence[str], rels: Mapping[str, int], k: int) -> float:
    for i, d in enumerate(ranking[:k], start=1):
        if rels.get(d, 0) > 0:
            return 1.0 / i
    return 0.0


def recall_at(ranking: Sequence[str], rels: Mapping[str, int], k: int) -> float:
    relevant = {d for d, r in rels.items() if r > 0}
    return len(relevant.intersection(ranking[:k])) / len(relevant) if relevant else 0.0


RETRIEVAL_METRICS = {
    "ndcg@10": lambda r, q: ndcg_at(r, q, 10),
    "map@5": lambda r, q: ap_at(r, q, 5),
    "mrr@10": lambda r, q: rr_at(r, q, 10),
    "recall@10": lambda r, q: recall_at(r, q, 10),
    "recall@100": lambda r, q: recall_at(r, q, 100),
}


def retrieval_scores(run: Run, qrels: Qrels) -> dict[str, float]:
    """Mean of every metric over the judged queries (a query missing from the run scores 0)."""
    judged = [q for q, rels in qrels.items() if any(r > 0 for r in rels.values())]
    out = {name: 0.0 for name in RETRIEVAL_METRICS}
    for q in judged:
        ranking = ranked(run.get(q, {}))
        for name, fn in RETRIEVAL_METRICS.items():
            out[name] += fn(ranking, qrels[q])
    n = max(len(judged), 1)
    return {name: value / n for name, value in out.items()} | {"queries": len(judged)}


# -- check-worthiness ---------------------------------------------------------------------------

def average_precision(labels_by_score: Sequence[int]) -> float:
    """AP of a ranking given as labels (1 = positive) in ranked order."""
    positives = sum(labels_by_score)
    if not positives:
        return 0.0
    hits, total = 0, 0.0
    for i, label in enumerate(labels_by_score, start=1):
        if label:
            hits += 1
            total += hits / i
    return total / positives


def rank_labels(scores: Sequence[float], labels: Sequence[int]) -> list[int]:
    """Labels ordered by descending score; ties keep the input order (stable)."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    return [labels[i] for i in order]


def classification_scores(scores: Sequence[float], labels: Sequence[int], threshold: float,
                          groups: Sequence[str | None] | None = None) -> dict[str, float]:
    """Positive-class precision, recall and F1 at `threshold`; AP; and mean per-group AP."""
    predicted = [s >= threshold for s in scores]
    tp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y)
    fp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and not y)
    fn = sum(1 for p, y in zip(predicted, labels, strict=True) if not p and y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out = {"precision": precision, "recall": recall, "f1": f1,
           "ap": average_precision(rank_labels(scores, labels)), "map": float("nan"),
           "rows": len(labels)}
    if groups is not None and any(g is not None for g in groups):
        by_group: dict[str, list[int]] = {}
        for i, g in enumerate(groups):
            by_group.setdefault(str(g), []).append(i)
        aps = [average_precision(rank_labels([scores[i] for i in idx], [labels[i] for i in idx]))
               for idx in by_group.values()]
        out["map"] = sum(aps) / len(aps)
    return out



def best_f1_threshold(scores: Sequence[float], labels: Sequence[int]) -> tuple[float, float]:
    """(threshold, F1): the threshold on a 0.05–0.95 grid (steps of 0.01) with the best
    positive-class F1, the lowest of ties. Trainers pick their threshold this way on dev."""
    best = (0.05, -1.0)
    for step in range(5, 96):
        threshold = step / 100
        f1 = classification_scores(scores, labels, threshold)["f1"]
        if f1 > best[1]:
            best = (threshold, f1)
    return best

# -- stance ---------------------------------------------------------------------------------

STANCE_LABELS = ("SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO")


def stance_scores(predicted: Sequence[str], gold: Sequence[str],
                  labels: Sequence[str] = STANCE_LABELS) -> dict[str, Any]:
    """Accuracy, macro-F1 over `labels`, per-class precision/recall/F1, and the confusion
    matrix as {gold label: {predicted label: count}}."""
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold labels differ in length")
    confusion = {g: {p: 0 for p in labels} for g in labels}
    for p, g in zip(predicted, gold, strict=True):
        confusion[g][p] += 1
    per_class: dict[str, dict[str, float]] = {}
    for lab in labels:
        tp = confusion[lab][lab]
        fp = sum(confusion[g][lab] for g in labels if g != lab)
        fn = sum(confusion[lab][p] for p in labels if p != lab)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[lab] = {"precision": precision, "recall": recall, "f1": f1}
    n = len(gold)
    return {"n": n, "accuracy": sum(1 for p, g in zip(predicted, gold, strict=True) if p == g) / n if n else 0.0,
            "macro_f1": sum(c["f1"] for c in per_class.values()) / len(labels),
            "per_class": per_class, "confusion": confusion}
