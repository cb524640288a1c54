"""Hybrid retrieval: dense (FAISS) and lexical (BM25) candidates, fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from checker.embed import Embedder
from checker.index import EvidenceIndex
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
                 candidates: int = 50) -> None:
        index.check_model(embedder.name)
        self.index = index
        self.embedder = embedder
        self.rrf_k = rrf_k
        self.candidates = candidates
        self._dim_checked = False

    def embed(self, queries: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        vectors = self.embedder.encode(list(queries), batch_size=batch_size)
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
        if vectors is None:
            vectors = self.embed(queries)
        depth = max(self.candidates, top_k)
        _, dense_rows = self.index.search_dense(vectors, depth)
        return [self._fuse(q, vectors[i], dense_rows[i], top_k) for i, q in enumerate(queries)]

    def _fuse(self, query: str, vector: np.ndarray, dense_rows: np.ndarray, top_k: int) -> list[Hit]:
        dense_ranking = [int(r) for r in dense_rows if r >= 0]  # FAISS pads with -1
        lexical = self.index.lexical.scores(query)
        depth = min(max(self.candidates, top_k), len(lexical))
        lexical_ranking: list[int] = []
        if depth and lexical.any():
            top = np.argpartition(-lexical, depth - 1)[:depth]
            top = top[np.argsort(-lexical[top], kind="stable")]
            lexical_ranking = [int(r) for r in top if lexical[r] > 0]
        dense_part = rrf([dense_ranking], k=self.rrf_k)
        lexical_part = rrf([lexical_ranking], k=self.rrf_k)
        fused = rrf([dense_ranking, lexical_ranking], k=self.rrf_k)
        rows = list(fused)
        dense = np.asarray(self.index.vectors[rows], dtype=np.float32) @ vector
        order = sorted(range(len(rows)), key=lambda i: (-fused[rows[i]], -dense[i], rows[i]))
        hits = []
        for rank, i in enumerate(order[:top_k], start=1):
            row = rows[i]
            hits.append(Hit(passage=self.index.passages[row], score=fused[row],
                            dense_score=float(dense[i]), lexical_score=float(lexical[row]),
                            rank=rank, dense_part=dense_part.get(row, 0.0),
                            lexical_part=lexical_part.get(row, 0.0)))
        return hits
