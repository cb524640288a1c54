"""Small frozen values that travel between the stages of the engine."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import StrEnum
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
    focus: tuple[Any, ...] = ()  # checker.claims.focus.Focus spans, in article offsets
    standalone: str | None = None  # a wording that stands on its own, for searching
    claimant: Any = None  # checker.claims.claimant.Claimant: who the sentence attributes it to (article offsets)


@dataclass(frozen=True)
class Hit:
    """One evidence passage found for a query, with each signal that ranked it."""

    passage: Passage
    score: float  # fused score; higher is better
    dense_score: float  # cosine similarity in [-1, 1]
    lexical_score: float  # BM25 score, >= 0
    rank: int = 0
    dense_part: float = 0.0  # the share of `score` that the dense ranking contributed
    lexical_part: float = 0.0  # the share that the BM25 ranking contributed
    checks: tuple[Any, ...] = ()  # checker.compare.Check: numbers, dates, names, negation
    relevance: float | None = None  # the reader's calibrated probability that the passage bears on the claim
    stance: str | None = None  # the reader's SUPPORTS, REFUTES or NOT_ENOUGH_INFO
    stance_probabilities: tuple[tuple[str, float], ...] = ()  # (label, probability), for each label
    after_article: bool | None = None  # dated after the article; None when either date is unknown

    def differs(self) -> bool:
        return any(c.status == "differs" for c in self.checks)

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
            "checks": [c.to_dict() for c in self.checks],
            "relevance": None if self.relevance is None else round(self.relevance, 6),
            "stance": None if self.stance is None else {"label": self.stance,
                                                        "probabilities": dict(self.stance_probabilities)},
            "after_article": self.after_article,
        }


SUGGESTED_VERDICT = {"SUPPORTS": "Supported", "REFUTES": "Refuted", "NOT_ENOUGH_INFO": "Not enough evidence"}


@dataclass(frozen=True)
class Suggestion:
    """The reader's suggested verdict on a claim, from the evidence above the relevance floor."""

    label: str  # SUPPORTS, REFUTES or NOT_ENOUGH_INFO
    confidence: float
    evidence: tuple[str, ...] = ()  # passage ids it rests on

    def verdict(self) -> str:
        """The verdict form's label for it (a `Label` value)."""
        return SUGGESTED_VERDICT[self.label]

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "confidence": round(self.confidence, 6), "evidence": list(self.evidence)}


@dataclass(frozen=True)
class ClaimReport:
    """A claim and the evidence retrieved for it."""

    claim: Claim
    evidence: tuple[Hit, ...] = field(default_factory=tuple)  # above the relevance floor when the reader ran
    weaker: tuple[Hit, ...] = ()  # below the floor: not evidence, no checks
    suggestion: Suggestion | None = None
    notes: tuple[str, ...] = ()  # what a reviewer should know about the evidence (e.g. refuted only by later passages)
    fact_checks: tuple[Any, ...] = ()  # checker.factchecks.index.FactCheckMatch: published checks of similar claims
    searched: bool = True  # False: listed without evidence (beyond CHECKER_MAX_CLAIMS), searched on demand

    def to_dict(self) -> dict[str, Any]:
        c = self.claim
        return {
            "text": c.text,
            "start": c.start,
            "end": c.end,
            "score": round(c.score, 6),
            "reasons": list(c.reasons),
            "focus": [f.to_dict() for f in c.focus],
            "standalone": c.standalone,
            "claimant": None if c.claimant is None else c.claimant.to_dict(),
            "evidence": [h.to_dict() for h in self.evidence],
            "weaker_matches": [h.to_dict() for h in self.weaker],
            "suggestion": None if self.suggestion is None else self.suggestion.to_dict(),
            "notes": list(self.notes),
            "fact_checks": [m.to_dict() for m in self.fact_checks],
            "searched": self.searched,
        }


class Label(StrEnum):
    """A reviewer's verdict on a claim."""

    SUPPORTED = "Supported"
    REFUTED = "Refuted"
    MISLEADING = "Misleading"
    NOT_ENOUGH_EVIDENCE = "Not enough evidence"
    NOT_CHECK_WORTHY = "Not check-worthy"


@dataclass(frozen=True)
class CitedEvidence:
    """A passage a verdict rests on, with the hash of its text when the verdict was saved."""

    doc_id: str
    passage_id: str
    passage_hash: str
    title: str = ""
    url: str | None = None
    excerpt: str = ""


@dataclass(frozen=True)
class Verdict:
    """One saved version of a verdict on a claim; versions are never overwritten."""

    verdict_id: int
    claim_id: int
    version: int
    label: Label
    note: str
    reviewer: str
    claim_text: str
    created_at: str
    evidence: tuple[CitedEvidence, ...] = ()


def text_hash(text: str) -> str:
    """The content hash used for articles and cited passages."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
