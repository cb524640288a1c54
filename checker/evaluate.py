"""Measuring the judgement: retrieval metrics on BEIR-layout data, and check-worthiness metrics.

Retrieval metrics follow trec_eval's definitions: relevance is the qrels score (> 0 is
relevant); nDCG uses linear gains and a log2(rank + 1) discount against the ideal ordering
of all judged documents; MAP@k sums precision at each relevant rank up to k and divides by
the number of relevant documents; MRR@k is 1 / rank of the first relevant document within
k; Recall@k is the share of relevant documents in the top k. Every metric is averaged over
the queries that have at least one relevant document.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.errors import InputError

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


# -- data loading -------------------------------------------------------------------------------

@dataclass(frozen=True)
class BeirData:
    folder: Path
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


def _jsonl(path: Path) -> Iterable[tuple[int, dict]]:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise InputError(f"{path}:{lineno}: not valid JSON ({exc})") from exc
            if not isinstance(row, dict):
                raise InputError(f"{path}:{lineno}: not a JSON object")
            yield lineno, row


def load_beir(folder: Path, split: str) -> BeirData:
    """Queries and qrels of one split of a BEIR-layout folder (the corpus is read separately)."""
    folder = Path(folder)
    for need in ("corpus.jsonl", "queries.jsonl", f"qrels/{split}.tsv"):
        if not (folder / need).is_file():
            raise InputError(f"{folder / need}: missing (expected the BEIR layout: corpus.jsonl, "
                             "queries.jsonl, qrels/SPLIT.tsv)")
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels" / f"{split}.tsv").open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            parts = line.rstrip("\n").split("\t")
            if lineno == 1 and parts[:1] == ["query-id"]:
                continue
            if not line.strip():
                continue
            if len(parts) != 3:
                raise InputError(f"{folder}/qrels/{split}.tsv:{lineno}: expected 3 tab-separated columns")
            try:
                qrels.setdefault(parts[0], {})[parts[1]] = int(float(parts[2]))
            except ValueError as exc:
                raise InputError(f"{folder}/qrels/{split}.tsv:{lineno}: bad score {parts[2]!r}") from exc
    queries = {str(row.get("_id")): str(row.get("text", "")) for _, row in _jsonl(folder / "queries.jsonl")
               if str(row.get("_id")) in qrels}
    missing = set(qrels) - set(queries)
    if missing:
        raise InputError(f"{len(missing)} queries of qrels/{split}.tsv are not in queries.jsonl "
                         f"(e.g. {sorted(missing)[0]!r})")
    return BeirData(folder, queries, qrels)


def load_checkworthiness(path: Path) -> tuple[list[str], list[int], list[str | None]]:
    texts, labels, groups = [], [], []
    for lineno, row in _jsonl(Path(path)):
        if not isinstance(row.get("text"), str) or row.get("label") not in (0, 1, "0", "1"):
            raise InputError(f"{path}:{lineno}: needs a string \"text\" and a \"label\" of 0 or 1")
        texts.append(row["text"])
        labels.append(int(row["label"]))
        g = row.get("group")
        groups.append(None if g is None else str(g))
    if not texts:
        raise InputError(f"{path}: no rows")
    return texts, labels, groups


# -- running the engine on a benchmark ----------------------------------------------------------

def cached_index(corpus_file: Path, *, embedder: object, cache_root: Path,
                 progress: object = None) -> Path:
    """Index a BEIR corpus with the workbench's own pipeline, cached by corpus hash and model."""
    import hashlib
    import re as _re

    from checker.corpus import corpus_hash, load_corpus
    from checker.index import build_index, is_up_to_date

    loaded = load_corpus([corpus_file])
    if not loaded.documents:
        raise InputError(f"{corpus_file}: no documents")
    name = getattr(embedder, "name", "model")
    key = hashlib.sha256(f"{corpus_hash(loaded.documents)}|{name}".encode()).hexdigest()[:16]
    slug = _re.sub(r"[^A-Za-z0-9]+", "-", f"{corpus_file.parent.name}-{name}")[-60:]
    folder = Path(cache_root) / f"{slug}-{key}"
    if not is_up_to_date(folder, loaded.documents, name):
        build_index(loaded.documents, embedder, folder, progress=progress)  # type: ignore[arg-type]
    return folder


def run_retrieval(retriever: object, queries: Mapping[str, str], *, top_k: int = 100,
                  passages_per_doc: int = 3, batch: int = 64, progress: object = None) -> dict[str, dict[str, float]]:
    """{query id: {doc id: score}}, a document scoring as its best passage."""
    ids = list(queries)
    run: dict[str, dict[str, float]] = {}
    depth = top_k * passages_per_doc
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        results = retriever.search_many([queries[q] for q in chunk], top_k=depth)  # type: ignore[attr-defined]
        for qid, hits in zip(chunk, results, strict=True):
            docs: dict[str, float] = {}
            for h in hits:
                if h.passage.doc_id not in docs:
                    docs[h.passage.doc_id] = h.score
            run[qid] = dict(list(docs.items())[:top_k])
        if callable(progress):
            progress(min(start + batch, len(ids)), len(ids))
    return run
