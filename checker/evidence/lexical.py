"""BM25 over the passages, through bm25s, with English stop words and Snowball stemming."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@functools.lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop words dropped, stemmed word tokens."""
    stop = _stopwords()
    words = [w for w in _TOKEN.findall(text.lower()) if w not in stop]
    return list(_stemmer().stemWords(words))


class LexicalIndex:
    """A BM25 model over a fixed list of texts; row i is text i."""

    def __init__(self, model: Any, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        import bm25s

        model = bm25s.BM25()
        if texts:
            model.index([tokenize(t) for t in texts], show_progress=False)
        return cls(model, len(texts))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.size:
            self._model.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        import bm25s

        if size == 0:
            return cls(bm25s.BM25(), 0)
        return cls(bm25s.BM25.load(str(folder), show_progress=False), size)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for `query` (zeros where no term matches)."""
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        vocab = self._model.vocab_dict
        terms = [t for t in tokenize(query) if t in vocab]
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores(terms), dtype=np.float32)


@dataclass(frozen=True)
class TermCounts:
    """BM25 term counts per row, as CSR: row i holds the terms `ids[ptr[i]:ptr[i + 1]]` of
    `vocab`, `tf` times each; `length` is the row's number of tokens."""

    vocab: list[str]
    ptr: np.ndarray  # int64, one more than rows
    ids: np.ndarray  # int32
    tf: np.ndarray  # int32
    length: np.ndarray  # int32

    @classmethod
    def empty(cls) -> TermCounts:
        return cls([], np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int32))

    @classmethod
    def count(cls, texts: Sequence[str], vocab: Sequence[str]) -> TermCounts:
        """Term counts of `texts`, with term ids from `vocab` extended by their new terms."""
        ids_of = {t: i for i, t in enumerate(vocab)}
        tokens = [[ids_of.setdefault(t, len(ids_of)) for t in tokenize(text)] for text in texts]
        length = np.array([len(t) for t in tokens], dtype=np.int32)
        size = max(len(ids_of), 1)
        keys = np.repeat(np.arange(len(texts), dtype=np.int64), length) * size
        keys += np.fromiter((i for row in tokens for i in row), dtype=np.int64, count=int(length.sum()))
        keys, tf = np.unique(keys, return_counts=True)  # sorted by row, then term
        ptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys // size, minlength=len(texts)), out=ptr[1:])
        return cls(list(ids_of), ptr, (keys % size).astype(np.int32), tf.astype(np.int32), length)

    def concat(self, other: TermCounts) -> TermCounts:
        """These rows, then `other`'s (whose vocabulary extends this one's)."""
        return TermCounts(other.vocab, np.concatenate([self.ptr, other.ptr[1:] + self.ptr[-1]]),
                      np.concatenate([self.ids, other.ids]), np.concatenate([self.tf, other.tf]),
                      np.concatenate([self.length, other.length]))

    @classmethod
    def join(cls, parts: Sequence[TermCounts]) -> TermCounts:
        """The rows of `parts` one after another; each part's term ids are renumbered into one
        vocabulary (the first part's terms first, then each later part's new ones)."""
        if len(parts) == 1:
            return parts[0]
        ids_of: dict[str, int] = {}
        ptrs, ids, tfs, lengths = [np.zeros(1, np.int64)], [], [], []
        offset = 0
        for part in parts:
            remap = np.fromiter((ids_of.setdefault(t, len(ids_of)) for t in part.vocab), dtype=np.int32,
                                count=len(part.vocab))
            ids.append(remap[part.ids])
            tfs.append(part.tf)
            lengths.append(part.length)
            ptrs.append(part.ptr[1:] + offset)
            offset += int(part.ptr[-1])
        if not parts:
            return cls.empty()
        return cls(list(ids_of), np.concatenate(ptrs), np.concatenate(ids).astype(np.int32, copy=False),
                   np.concatenate(tfs).astype(np.int32, copy=False),
                   np.concatenate(lengths).astype(np.int32, copy=False))

    def take(self, rows: np.ndarray) -> TermCounts:
        """The given rows, in that order, without the terms none of them uses."""
        sizes = self.ptr[rows + 1] - self.ptr[rows]
        ptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(sizes, out=ptr[1:])
        at = np.repeat(self.ptr[rows] - ptr[:-1], sizes) + np.arange(ptr[-1])
        ids = self.ids[at]
        used = np.flatnonzero(np.bincount(ids, minlength=len(self.vocab)))
        if len(used) == len(self.vocab):
            return TermCounts(self.vocab, ptr, ids, self.tf[at], self.length[rows])
        renumber = np.zeros(len(self.vocab), dtype=np.int32)
        renumber[used] = np.arange(len(used), dtype=np.int32)
        return TermCounts([self.vocab[i] for i in used], ptr, renumber[ids], self.tf[at], self.length[rows])

    def bm25(self) -> LexicalIndex:
        """The bm25s model that `LexicalIndex.build` makes of the same texts, computed from the
        counts with numpy (bm25s's own build loops over every token in Python)."""
        import bm25s

        model = bm25s.BM25()
        n = len(self.length)
        if not n:
            return LexicalIndex(model, 0)
        if model.method != "lucene" or model.idf_method not in (None, "lucene"):
            raise RuntimeError(f"bm25s defaults changed (method {model.method!r}); update checker/evidence/lexical.py")
        df = np.bincount(self.ids, minlength=len(self.vocab))
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        # the term-frequency part as bm25s computes it: float64, then float32 scores
        doc_len = np.repeat(self.length.astype(np.float64), np.diff(self.ptr))
        tf = self.tf.astype(np.float64)
        k1, b, avg_len = model.k1, model.b, self.length.mean()
        scores = (idf[self.ids] * (tf / (k1 * ((1 - b) + b * doc_len / avg_len) + tf))).astype(np.float32)
        # bm25s keeps the scores by term (CSC); numpy sorts 16-bit keys by radix, much faster
        keys = self.ids.astype(np.uint16) if len(self.vocab) < 2**16 else self.ids
        order = np.argsort(keys, kind="stable")
        vocab = {t: i for i, t in enumerate(self.vocab)}
        vocab.setdefault("", len(vocab))  # bm25s's empty token, as `index` adds it
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.ids, minlength=len(vocab)), out=indptr[1:])
        rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(self.ptr))
        # the attributes `BM25.index` sets
        model.scores = {"data": scores[order], "indices": rows[order], "indptr": indptr, "num_docs": n}
        model.nonoccurrence_array = None  # only BM25L and BM25+ have one
        model.vocab_dict = vocab
        model.unique_token_ids_set = set(vocab.values())
        return LexicalIndex(model, n)
