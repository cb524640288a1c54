"""Small frozen values that travel between the stages of the engine."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """A reference document as loaded from the corpus, before it is split."""

    doc_id: str
    title: str
    text: str
    url: str | None = None
    date: str | None = None
    publisher: str | None = None
    source: str | None = None  # the file it came from, for messages


@dataclass(frozen=True)
class Passage:
    """A sentence-aligned window of a document; `text == document.text[start:end]`."""

    passage_id: str
    doc_id: str
    text: str
    start: int
    end: int
    title: str
    url: str | None = None
    date: str | None = None
    publisher: str | None = None

    def embedding_text(self) -> str:
        """What the embedder and BM25 see: the title gives a short passage its topic."""
        return f"{self.title}\n{self.text}" if self.title else self.text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class Sentence:
    """A span of an article: `article[start:end] == text`."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Claim:
    """A sentence with its check-worthiness score in [0, 1] and the reasons for it."""

    text: str
    start: int
    end: int
    score: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """One evidence passage found for a query, with each signal that ranked it."""

    passage: Passage
    score: float  # fused score; higher is better
    dense_score: float  # cosine similarity in [-1, 1]
    lexical_score: float  # BM25 score, >= 0
    rank: int = 0

    def to_dict(self) -> dict[str, Any]:
        p = self.passage
        return {
            "doc_id": p.doc_id,
            "passage_id": p.passage_id,
            "title": p.title,
            "text": p.text,
            "url": p.url,
            "date": p.date,
            "publisher": p.publisher,
            "start": p.start,
            "end": p.end,
            "score": round(self.score, 6),
            "dense_score": round(self.dense_score, 6),
            "lexical_score": round(self.lexical_score, 6),
        }


@dataclass(frozen=True)
class ClaimReport:
    """A claim and the evidence retrieved for it."""

    claim: Claim
    evidence: tuple[Hit, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        c = self.claim
        return {
            "text": c.text,
            "start": c.start,
            "end": c.end,
            "score": round(c.score, 6),
            "reasons": list(c.reasons),
            "evidence": [h.to_dict() for h in self.evidence],
        }
