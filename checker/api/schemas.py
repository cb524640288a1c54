"""What the API accepts and returns, as pydantic models; they also make `/openapi.json`.

Responses are the engine's own `to_dict()` objects (the same JSON as `check --json`); the
response models here document them, and keep unknown keys so the engine can add fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from checker.types import Label

MAX_ID = 2**62  # claim ids are database integers


class ErrorOut(BaseModel):
    error: str = Field(description="what went wrong, in one line")


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="the article's text")
    date: dt.date | None = Field(default=None, description="the article's date, to resolve 'Friday' or 'last week'")
    top_k: int | None = Field(default=None, ge=1, le=50, description="evidence passages per claim")
    threshold: float | None = Field(default=None, ge=0.0, le=1.0,
                                    description="check-worthiness a sentence needs to be a claim")
    all: bool = Field(default=False, description="check every sentence, whatever its score")
    save: bool = Field(default=False, description="store the article and its claims for review (a write: needs "
                                                  "the token); each claim then carries its claim_id")


class FlexibleOut(BaseModel):
    model_config = ConfigDict(extra="allow")


class HitOut(FlexibleOut):
    doc_id: str
    passage_id: str
    title: str
    text: str
    url: str | None
    date: str | None
    publisher: str | None
    start: int
    end: int
    score: float
    dense_score: float
    lexical_score: float
    checks: list[dict[str, Any]] = Field(description="number, date, name and negation checks against the claim")
    after_article: bool | None = Field(default=None, description="dated after the article's date (null when "
                                       "either date is unknown); such a passage never carries the suggestion")


class FactCheckOut(FlexibleOut):
    claim: str | None
    claimant: str | None
    rating: str | None = Field(description="as the publisher wrote it")
    verdict: str | None = Field(description="the rating normalised: true, mixed, false or other")
    publisher: str | None
    date: str | None = Field(description="when the fact-check was published")
    url: str | None
    score: float = Field(description="fused dense + BM25 similarity to the claim")


class ClaimOut(FlexibleOut):
    text: str
    start: int
    end: int
    score: float
    reasons: list[str]
    focus: list[dict[str, Any]]
    standalone: str | None
    claimant: dict[str, Any] | None = Field(default=None, description="who the sentence attributes the claim to: "
                                            "name (null: the article itself), kind, statement offsets")
    evidence: list[HitOut]
    notes: list[str] = Field(default_factory=list, description="e.g. that the only refuting evidence is later")
    fact_checks: list[FactCheckOut] = Field(default_factory=list, description="published fact-checks of similar "
                                            "claims, at or above CHECKER_FACTCHECK_THRESHOLD")
    claim_id: int | None = Field(default=None, description="only when the check was saved")


class SummaryOut(BaseModel):
    claims: int
    states: dict[str, int] = Field(description="claims per state: supported, refuted, not settled, only later "
                                   "evidence, evidence, no relevant evidence, not searched")
    coverage: str = Field(description="e.g. 'the corpus has nothing on 6 of 6 claims'")


class CheckOut(FlexibleOut):
    claims: list[ClaimOut]
    sentences: int
    skipped_sentences: int
    summary: SummaryOut | None = Field(default=None, description="the claims at a glance")
    notes: list[str]
    article_id: int | None = Field(default=None, description="only when the check was saved")


class SearchOut(BaseModel):
    hits: list[HitOut]


class CitedOut(BaseModel):
    doc_id: str
    passage_id: str
    passage_hash: str
    title: str
    url: str | None
    excerpt: str


class VerdictOut(BaseModel):
    verdict_id: int
    claim_id: int
    version: int
    label: Label
    note: str
    reviewer: str
    claim_text: str
    created_at: str
    evidence: list[CitedOut]


class ArticleOut(BaseModel):
    article_id: int
    title: str
    url: str | None
    source: str | None
    published: str | None


class ClaimRecordOut(BaseModel):
    claim_id: int
    text: str
    start: int
    end: int
    score: float | None
    article: ArticleOut
    latest: VerdictOut | None
    verdicts: list[VerdictOut] = Field(description="every version, oldest first")


class VerdictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Label
    reviewer: str | None = Field(default=None, min_length=1, max_length=200, pattern=r"\S",
                                 description="who judged: needed with CHECKER_API_TOKEN; with an account's "
                                             "token the verdict is that account's (leave it out)")
    note: str = Field(default="", max_length=20_000)
    claim_text: str | None = Field(default=None, max_length=20_000,
                                   description="the wording reviewed, when it differs from the claim")
    cite: list[str] = Field(default_factory=list, max_length=50,
                            description="passage ids of the evidence the verdict rests on")


class HealthOut(BaseModel):
    status: str
    model: str
    index: dict[str, Any]
    database: str


class FactChecksOut(BaseModel):
    fact_checks: list[FactCheckOut]
    threshold: float
    fact_checks_indexed: int


class FactCheckImportOut(BaseModel):
    read: int
    added: int
    updated: int
    unchanged: int
    duplicates: int = Field(description="records whose URL came again later in the body (the last kept)")
    problems: list[str] = Field(description="one line per record that could not be read")
    fact_checks_indexed: int

