"""Many articles in one process: `check_articles` shares the model calls of several articles.

The articles of a chunk are split first; all their sentences go to the model in one call
(each distinct sentence once, embedded and scored in the pipeline's `sentence_pass`), and then
every article is checked by `checker.pipeline.check_article` exactly as on its own, answering
from those vectors and scores. An article that cannot be checked gives an error outcome; the rest go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

import numpy as np

from checker.errors import CheckerError, InputError
from checker.evidence.retrieve import Retriever
from checker.pipeline import CheckResult, Scored, check_article, sentence_pass, validate_article
from checker.text.sentences import split_sentences


def valid_date(value: Any) -> str | None:
    """An article's date as YYYY-MM-DD (None when absent); InputError when it is not a date."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f"the date must be a YYYY-MM-DD string, not {type(value).__name__}")
    text = value.strip()
    if len(text) == 10:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise InputError(f"the date must be a calendar date like 2022-01-21, not {value[:40]!r}")


@dataclass(frozen=True)
class Article:
    """One article to check, with the id its output line carries."""

    id: str | int | None
    text: str
    date: str | None = None
    error: str | None = None  # set when the input itself was unusable (e.g. a bad JSON line)


@dataclass(frozen=True)
class Outcome:
    """The result of one article, or why it has none."""

    article: Article
    result: CheckResult | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        head: dict[str, Any] = {"id": self.article.id}
        if self.result is None:
            return head | {"error": self.error or "not checked"}
        return head | self.result.to_dict()


class PrefetchedRetriever(Retriever):
    """A retriever whose `embed` answers from vectors computed beforehand (and falls back to
    the model for any text it has not seen). Searching is the wrapped retriever's own."""

    def __init__(self, base: Retriever, vectors: dict[str, np.ndarray]) -> None:
        vars(self).update(vars(base))  # share index, embedder and configuration, no re-check
        self._base = base
        self._vectors = vectors
        self.answered = 0  # texts answered from the prefetched vectors

    def embed(self, queries: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        queries = list(queries)
        missing = [q for q in dict.fromkeys(queries) if q not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self._base.embed(missing, batch_size=batch_size), strict=True))
        if not queries:
            return self._base.embed([], batch_size=batch_size)
        self.answered += len(queries) - len(missing)
        return np.stack([self._vectors[q] for q in queries])


class Prefetched:
    """The vectors and scores of every distinct sentence of a chunk of articles, from one
    `sentence_pass` call; as a `SentencePass` it answers from them (the model for the rest)."""

    def __init__(self, texts: Sequence[str], *, retriever: Retriever, max_chars: int, max_sentences: int,
                 batch_size: int = 32) -> None:
        self._run = sentence_pass(retriever, batch_size=batch_size)
        wanted: dict[str, None] = {}
        for text in texts:
            try:
                text = validate_article(text, max_chars=max_chars)
            except CheckerError:
                continue
            for s in split_sentences(text)[:max_sentences]:
                wanted.setdefault(s.text)
        self.vectors: dict[str, np.ndarray] = {}
        self.scored: dict[str, tuple[float, tuple[str, ...]]] = {}
        self._add(list(wanted))
        self.answered = 0  # sentences answered from what was computed beforehand

    def _add(self, texts: list[str]) -> None:
        if texts:
            vectors, scored = self._run(texts)
            self.vectors.update(zip(texts, vectors, strict=True))
            self.scored.update(zip(texts, scored, strict=True))

    def __call__(self, texts: list[str]) -> tuple[np.ndarray, Scored]:
        missing = [t for t in dict.fromkeys(texts) if t not in self.scored]
        self.answered += len(texts) - len(missing)
        self._add(missing)
        if not texts:
            return self._run([])
        return np.stack([self.vectors[t] for t in texts]), [self.scored[t] for t in texts]


def check_articles(
    articles: Iterable[Article],
    *,
    retriever: Retriever,
    chunk: int = 32,
    batch_size: int = 32,
    max_chars: int = 10_000_000,
    max_sentences: int = 300,
    progress: Callable[[int], None] | None = None,
    debug: bool = False,
    **options: Any,
) -> Iterator[Outcome]:
    """One outcome per article, in input order, `chunk` articles sharing one model call.

    `options` go to `check_article` as they are (top_k, threshold, ...); an
    article's own date is its `article_date`. `progress(n)` is called after each article.
    """
    done = 0
    stream = iter(articles)
    while group := list(islice(stream, max(1, chunk))):
        usable = [a.text for a in group if a.error is None]
        passes = Prefetched(usable, retriever=retriever, max_chars=max_chars, max_sentences=max_sentences,
                            batch_size=batch_size) if chunk > 1 else None
        shared = PrefetchedRetriever(retriever, passes.vectors if passes else {})
        for article in group:
            yield _one(article, shared, max_chars=max_chars, max_sentences=max_sentences, debug=debug,
                       passes=passes, **options)
            done += 1
            if progress:
                progress(done)


def _one(article: Article, retriever: Retriever, *, debug: bool, **options: Any) -> Outcome:
    if article.error is not None:
        return Outcome(article, error=article.error)
    try:
        result = check_article(article.text, retriever=retriever, article_date=article.date, **options)
    except CheckerError as exc:
        return Outcome(article, error=str(exc))
    except Exception as exc:  # one broken article must not stop a nightly batch
        if debug:
            raise
        return Outcome(article, error=f"unexpected {type(exc).__name__}: {exc}")
    return Outcome(article, result=result)
