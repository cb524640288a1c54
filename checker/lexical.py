"""BM25 over the passages, through bm25s, with English stop words and Snowball stemming."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
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
