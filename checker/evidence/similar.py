"""Claims already judged that say the same as a new claim, found with the two signals evidence
retrieval uses: the dense cosine of the sentence embeddings and the lexical overlap of the BM25
terms (the same tokenizer, stemmer and stop words), fused as retrieval's weighted fusion does:
`w * cosine + (1 - w) * overlap`. The overlap is the Dice coefficient of the two term sets, a
similarity in [0, 1] that does not depend on the rest of the pool, so one threshold means the
same thing however many claims have been judged. `w` and the threshold were tuned on CheckThat!
2021 task 2A train (tweets against verified claims); bench/match_paraphrases.py measures them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from checker.evidence.lexical import tokenize

DENSE_WEIGHT = 0.5  # best F1 on CheckThat! 2A train of 1.0, 0.85, 0.7 and 0.5 (threshold 0.38)


def terms(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient of two term sets."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def lexical_scores(query_terms: Sequence[frozenset[str]], pool_terms: Sequence[frozenset[str]]) -> np.ndarray:
    """(queries x pool) Dice overlap of the term sets, through one sparse product."""
    from scipy import sparse

    vocab: dict[str, int] = {}

    def matrix(sets: Sequence[frozenset[str]]) -> sparse.csr_matrix:
        rows, cols = [], []
        for i, s in enumerate(sets):
            for term in s:
                rows.append(i)
                cols.append(vocab.setdefault(term, len(vocab)))
        return sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                                 shape=(len(sets), max(len(vocab), 1)))

    q, p = matrix(query_terms), matrix(pool_terms)
    p.resize((len(pool_terms), max(len(vocab), 1)))
    q.resize((len(query_terms), max(len(vocab), 1)))
    shared = (q @ p.T).toarray()
    sizes = np.asarray(q.sum(axis=1)).reshape(-1, 1) + np.asarray(p.sum(axis=1)).reshape(1, -1)
    return np.divide(2 * shared, sizes, out=np.zeros_like(shared), where=sizes > 0).astype(np.float32)


def fused_scores(query_vectors: np.ndarray, query_terms: Sequence[frozenset[str]], vectors: np.ndarray,
                 pool_terms: Sequence[frozenset[str]], *, dense_weight: float = DENSE_WEIGHT) -> np.ndarray:
    """(queries x pool) fused similarity."""
    dense = np.asarray(query_vectors, dtype=np.float32) @ np.asarray(vectors, dtype=np.float32).T
    if dense_weight >= 1.0:
        return dense
    return dense_weight * dense + (1 - dense_weight) * lexical_scores(query_terms, pool_terms)


def best_matches(query_texts: Sequence[str], query_vectors: np.ndarray, texts: Sequence[str],
                 vectors: np.ndarray, *, threshold: float,
                 dense_weight: float = DENSE_WEIGHT) -> list[tuple[int, float] | None]:
    """For each query, (row, score) of the most similar text if its fused score reaches `threshold`."""
    if not len(texts) or not len(query_texts):
        return [None] * len(query_texts)
    scores = fused_scores(query_vectors, [terms(q) for q in query_texts], vectors, [terms(t) for t in texts],
                          dense_weight=dense_weight)
    out: list[tuple[int, float] | None] = []
    for row in scores:
        best = int(np.argmax(row))
        out.append((best, float(row[best])) if row[best] >= threshold else None)
    return out
