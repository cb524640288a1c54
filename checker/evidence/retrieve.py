"""Hybrid retrieval: dense (FAISS) and lexical (BM25) candidates, fused into one ranking.

Fusion methods:
- `rrf`: reciprocal rank fusion, each ranking adds 1 / (k + rank);
- `weighted`: w * cosine + (1 - w) * BM25 / (the query's best BM25), over the union of both
  candidate lists.
`mode` can also switch one side off (`dense`, `lexical`), for measurement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from checker.config import RetrievalConfig
from checker.evidence.index import EvidenceIndex
from checker.text.clean import clean_query
from checker.text.embed import Embedder
from checker.types import Hit


def rrf(rankings: Sequence[Sequence[int]], *, k: int = 60) -> dict[int, float]:
    """Reciprocal rank fusion: each list adds 1 / (k + rank) to its items, rank from 1."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, row in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + 1.0 / (k + rank)
    return fused


class Retriever:
    """Searches one index with one embedder; checks that they belong together."""

    def __init__(self, index: EvidenceIndex, embedder: Embedder, *, rrf_k: int = 60,
                 candidates: int = 50, config: RetrievalConfig | None = None) -> None:
        index.check_model(embedder.name)
        self.index = index
        self.embedder = embedder
        self.config = config or RetrievalConfig(rrf_k=rrf_k, candidates=candidates)
        self._dim_checked = False

    def embed(self, queries: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        return self.check_vectors(self.embedder.encode(list(queries), batch_size=batch_size))

    def check_vectors(self, vectors: np.ndarray) -> np.ndarray:
        """`vectors`, once their dimension was checked against the index's (the first time)."""
        if not self._dim_checked:
            self.index.check_model(self.embedder.name, vectors.shape[1])
            self._dim_checked = True
        return vectors

    def search(self, query: str, *, top_k: int = 5) -> list[Hit]:
        return self.search_many([query], top_k=top_k)[0]

    def search_many(self, queries: Sequence[str], *, top_k: int = 5,
                    vectors: np.ndarray | None = None) -> list[list[Hit]]:
        """Top `top_k` hits for each query; `vectors` skips embedding when given."""
        if not queries:
            return []
        if len(self.index) == 0 or top_k <= 0:
            return [[] for _ in queries]
        if self.config.clean_queries:
            queries = [clean_query(q) for q in queries]
        if vectors is None:
            vectors = self.embed(queries)
        depth = max(self.config.candidates, top_k)
        _, dense_rows = self.index.search_dense(vectors, depth)
        return [self._fuse(q, vectors[i], dense_rows[i], top_k, depth) for i, q in enumerate(queries)]

    def candidates(self, query: str, vector: np.ndarray, dense_rows: np.ndarray, depth: int) -> Candidates:
        """Everything fusion needs for one query: the union of both candidate lists and their scores."""
        cfg = self.config
        dense_ranking = [int(r) for r in dense_rows if r >= 0] if cfg.mode != "lexical" else []
        lexical = self.index.lexical.scores(query)
        lexical_ranking = _top_rows(lexical, depth) if cfg.mode != "dense" else []
        rows = list(dict.fromkeys(dense_ranking + lexical_ranking))
        dense = (np.asarray(self.index.vectors[rows], dtype=np.float32) @ vector if rows
                 else np.zeros(0, dtype=np.float32))
        return Candidates(rows, dense, lexical[rows] if rows else np.zeros(0, dtype=np.float32),
                          float(lexical.max()) if len(lexical) else 0.0, dense_ranking, lexical_ranking)

    def _fuse(self, query: str, vector: np.ndarray, dense_rows: np.ndarray, top_k: int,
              depth: int) -> list[Hit]:
        cand = self.candidates(query, vector, dense_rows, depth)
        parts = fuse(cand, self.config)
        fused = [a + b for a, b in parts]
        order = sorted(range(len(cand.rows)), key=lambda i: (-fused[i], -cand.dense[i], cand.rows[i]))
        return [
            Hit(passage=self.index.passages[cand.rows[i]], score=fused[i], dense_score=float(cand.dense[i]),
                lexical_score=float(cand.lexical[i]), rank=rank, dense_part=parts[i][0],
                lexical_part=parts[i][1])
            for rank, i in enumerate(order[:top_k], start=1)
        ]


@dataclass(frozen=True)
class Candidates:
    """One query's candidate passages (index rows) with their dense and lexical evidence."""

    rows: list[int]
    dense: np.ndarray  # cosine of each row
    lexical: np.ndarray  # BM25 of each row
    lexical_best: float  # the best BM25 score over the whole index for this query
    dense_ranking: list[int]
    lexical_ranking: list[int]


def _top_rows(scores: np.ndarray, depth: int) -> list[int]:
    """Rows of the `depth` highest positive scores, best first."""
    depth = min(depth, len(scores))
    if not depth or not scores.any():
        return []
    top = np.argpartition(-scores, depth - 1)[:depth]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [int(r) for r in top if scores[r] > 0]


def fuse(cand: Candidates, config: RetrievalConfig) -> list[tuple[float, float]]:
    """(dense part, lexical part) of each candidate's fused score."""
    if config.fusion == "rrf" or config.mode != "hybrid":
        dense_part = rrf([cand.dense_ranking], k=config.rrf_k) if config.mode != "lexical" else {}
        lexical_part = rrf([cand.lexical_ranking], k=config.rrf_k) if config.mode != "dense" else {}
        return [(dense_part.get(r, 0.0), lexical_part.get(r, 0.0)) for r in cand.rows]
    w = config.dense_weight
    best = cand.lexical_best or 1.0
    return [(w * float(d), (1 - w) * float(x) / best) for d, x in zip(cand.dense, cand.lexical, strict=True)]
