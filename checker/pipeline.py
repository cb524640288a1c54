"""`check_article`: claims out of an article, and evidence for each. Wiring only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from checker.config import Settings
from checker.errors import InputError
from checker.focus import focus_spans, standalone
from checker.retrieve import Retriever
from checker.sentences import split_sentences
from checker.types import Claim, ClaimReport, Hit, Sentence

Progress = Callable[[int, int, str], None]


def validate_article(text: str, *, max_chars: int) -> str:
    """The article text, or InputError saying what is wrong with it."""
    if text is None or not text.strip():
        raise InputError("the article is empty: paste or load some text to check")
    if len(text) > max_chars:
        raise InputError(
            f"the article has {len(text):,} characters; the limit is {max_chars:,} "
            "(set CHECKER_MAX_ARTICLE_CHARS to raise it)"
        )
    return text


@dataclass(frozen=True)
class ScoredArticle:
    """Every sentence considered, with its check-worthiness, reasons and embedding."""

    sentences: list[Sentence]
    scores: list[float]
    reasons: list[tuple[str, ...]]
    vectors: np.ndarray
    skipped: int  # sentences beyond the limit, not scored

    def ranked(self) -> list[int]:
        """Sentence indices, most check-worthy first; ties keep article order."""
        return sorted(range(len(self.sentences)), key=lambda i: (-self.scores[i], self.sentences[i].start))


def score_article(text: str, *, retriever: Retriever, max_sentences: int = 300,
                  batch_size: int = 32) -> ScoredArticle:
    """Split, embed and score the sentences of an article (the first `max_sentences` of them)."""
    from checker.checkworthy import score_sentences

    sentences = split_sentences(text)
    kept = sentences[:max_sentences]
    texts = [s.text for s in kept]
    vectors = retriever.embed(texts, batch_size=batch_size) if texts else np.zeros((0, 1), dtype=np.float32)
    scored = score_sentences(texts, vectors=vectors, embedding_model=retriever.embedder.name)
    return ScoredArticle(kept, [s for s, _ in scored], [r for _, r in scored], vectors,
                         skipped=len(sentences) - len(kept))


@dataclass(frozen=True)
class CheckResult:
    """The reports of one check, and what was left out to keep it bounded."""

    reports: list[ClaimReport]
    sentences: int  # sentences in the article
    skipped_sentences: int  # beyond the scoring limit
    dropped_claims: int  # above the threshold but beyond the claim limit

    def notes(self) -> list[str]:
        out = []
        if self.skipped_sentences:
            out.append(f"only the first {self.sentences - self.skipped_sentences:,} of {self.sentences:,} "
                       "sentences were scored (CHECKER_MAX_SENTENCES)")
        if self.dropped_claims:
            out.append(f"{self.dropped_claims:,} more claims passed the threshold but were not searched "
                       "(CHECKER_MAX_CLAIMS)")
        return out

    def to_dict(self) -> dict[str, object]:
        return {"claims": [r.to_dict() for r in self.reports], "sentences": self.sentences,
                "skipped_sentences": self.skipped_sentences, "notes": self.notes()}


def with_checks(claim: str, hits: list[Hit], *, article_date: str | None = None) -> list[Hit]:
    """The hits, each carrying its number, date, name and negation checks against the claim."""
    from checker.compare import compare

    return [replace(h, checks=tuple(compare(claim, h.passage.text, claim_date=article_date,
                                            evidence_date=h.passage.date))) for h in hits]


def check_article(
    text: str,
    *,
    retriever: Retriever,
    top_k: int = 5,
    threshold: float = 0.35,
    max_claims: int = 40,
    max_chars: int = 10_000_000,
    max_sentences: int = 300,
    article_date: str | None = None,
    compare_evidence: bool = True,
    progress: Progress | None = None,
) -> CheckResult:
    """One report per claim scoring at least `threshold`, most check-worthy first.

    At most `max_sentences` sentences are scored and `max_claims` claims searched; the result
    says what was left out.
    """
    validate_article(text, max_chars=max_chars)
    if progress:
        progress(0, 2, "finding claims")
    article = score_article(text, retriever=retriever, max_sentences=max_sentences)
    passing = [i for i in article.ranked() if article.scores[i] >= threshold]
    picked = passing[:max_claims]
    total = len(article.sentences) + article.skipped
    if not picked:
        return CheckResult([], total, article.skipped, 0)
    claims = [Claim(text=article.sentences[i].text, start=article.sentences[i].start,
                    end=article.sentences[i].end, score=article.scores[i], reasons=article.reasons[i],
                    focus=tuple(focus_spans(article.sentences[i].text, offset=article.sentences[i].start)),
                    standalone=standalone(article.sentences[i].text, before=text[: article.sentences[i].start]))
              for i in picked]
    if progress:
        progress(1, 2, f"searching evidence for {len(claims)} claims")
    vectors = article.vectors[picked]
    hits = retriever.search_many([c.text for c in claims], top_k=top_k, vectors=vectors)
    if compare_evidence:
        hits = [with_checks(c.text, h, article_date=article_date) for c, h in zip(claims, hits, strict=True)]
    if progress:
        progress(2, 2, "done")
    reports = [ClaimReport(claim=c, evidence=tuple(h)) for c, h in zip(claims, hits, strict=True)]
    return CheckResult(reports, total, article.skipped, len(passing) - len(picked))


def open_retriever(settings: Settings, *, index_dir: Path | None = None) -> Retriever:
    """The retriever for the configured model and index, refusing a mismatched pair."""
    from checker.embed import get_embedder
    from checker.index import load_index

    folder = Path(index_dir or settings.index)
    index = load_index(folder, model=settings.model)
    return Retriever(index, get_embedder(settings.model), config=settings.retrieval_config())
