"""`check_article`: claims out of an article, and evidence for each. Wiring only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from checker.claims.claimant import find_claimant
from checker.claims.focus import focus_spans, standalone
from checker.config import Settings
from checker.errors import InputError
from checker.evidence.retrieve import Retriever
from checker.reading.bounds import BOUNDED_CHUNK, Bound, BoundedScorer, Stopped
from checker.reading.rerank import Reading, Scorer, rerank
from checker.reading.timing import later_refutation_notes, mark_after
from checker.summary import EvidenceSummary, evidence_state, summarise
from checker.text.decode import replace_surrogates
from checker.text.sentences import split_sentences
from checker.types import Claim, ClaimReport, Hit, Sentence

Progress = Callable[[int, int, str], None]
def validate_article(text: str, *, max_chars: int) -> str:
    """The article text to check (lone surrogates replaced), or InputError saying what is wrong with it.

    A lone surrogate (from a JSON `\\ud800` escape, say) cannot be encoded, and the sentence
    splitter, the tokenizer and the database all encode: each becomes U+FFFD, one character
    for one, so offsets into the text still hold.
    """
    if text is None or not text.strip():
        raise InputError("the article is empty: paste or load some text to check")
    if len(text) > max_chars:
        raise InputError(
            f"the article has {len(text):,} characters; the limit is {max_chars:,} "
            "(set CHECKER_MAX_ARTICLE_CHARS to raise it)"
        )
    return replace_surrogates(text)


CONTEXT_CHARS = 5_000  # text before a claim searched for the person a leading pronoun names (not the whole article)
BOUNDED_BATCH = 2  # claims searched together in a bounded check, so a stopped one has finished all but these
SHORT_TEXT = 2  # a text of at most this many sentences is checked whole: the user's intent wins
SCORE_CHUNK = 256  # sentences embedded and scored per call, so that long texts stay bounded in memory


def checks_every_sentence(sentences: int, *, check_all: bool = False) -> bool:
    """Whether every sentence is a claim whatever its score: asked for, or a text of one or two sentences."""
    return check_all or 0 < sentences <= SHORT_TEXT


@dataclass(frozen=True)
class ScoredArticle:
    """Every sentence considered, with its check-worthiness, reasons and embedding."""

    sentences: list[Sentence]
    scores: list[float]
    reasons: list[tuple[str, ...]]
    vectors: np.ndarray
    skipped: int  # sentences beyond the CHECKER_MAX_SENTENCES limit, not scored (the notes say so)

    def ranked(self) -> list[int]:
        """Sentence indices, most check-worthy first; ties keep article order."""
        return sorted(range(len(self.sentences)), key=lambda i: (-self.scores[i], self.sentences[i].start))

    def picked(self, threshold: float, *, check_all: bool = False) -> list[int]:
        """The claims, best first: every sentence scoring at least `threshold`, or every sentence
        when `checks_every_sentence` says so."""
        every = checks_every_sentence(len(self.sentences) + self.skipped, check_all=check_all)
        return [i for i in self.ranked() if every or self.scores[i] >= threshold]

    def claim(self, i: int, text: str, date: str | None = None) -> Claim:
        """Sentence `i` as a claim, with its focus spans and standalone wording (`text` is the article,
        `date` its date, which places relative times in the standalone wording)."""
        s = self.sentences[i]
        before = text[max(0, s.start - CONTEXT_CHARS) : s.start]
        return Claim(text=s.text, start=s.start, end=s.end, score=self.scores[i], reasons=self.reasons[i],
                     focus=tuple(focus_spans(s.text, offset=s.start)),
                     standalone=standalone(s.text, before=before, date=date),
                     claimant=find_claimant(s.text, before=before, offset=s.start))


Scored = list[tuple[float, tuple[str, ...]]]
SentencePass = Callable[[list[str]], tuple[np.ndarray, Scored]]


def sentence_pass(retriever: Retriever, *, batch_size: int = 32) -> SentencePass:
    """Embeds and scores sentences: with the default MiniLM embedder and the fine-tuned
    classifier in one pass through their shared lower layers (`embed_and_score`), otherwise
    by embedding and then scoring."""
    from checker.claims.checkworthy import embed_and_score, score_sentences, shares_lower_layers

    if shares_lower_layers(retriever.embedder):
        def shared(texts: list[str]) -> tuple[np.ndarray, Scored]:
            vectors, scored = embed_and_score(texts, batch_size=batch_size)
            return retriever.check_vectors(vectors), scored
        return shared

    def separate(texts: list[str]) -> tuple[np.ndarray, Scored]:
        vectors = retriever.embed(texts, batch_size=batch_size)
        return vectors, score_sentences(texts, vectors=vectors, embedding_model=retriever.embedder.name)
    return separate


def score_article(text: str, *, retriever: Retriever, max_sentences: int = 2_000,
                  batch_size: int = 32, progress: Progress | None = None,
                  passes: SentencePass | None = None, bound: Bound | None = None) -> ScoredArticle:
    """Split, embed and score every sentence of an article, `SCORE_CHUNK` at a time, with
    `passes` (default: `sentence_pass` of the retriever); a sentence repeated in the article is
    embedded and scored once. With a `bound`, the passes take `BOUNDED_CHUNK` sentences at a
    time and it is checked before each.

    Only a text beyond `max_sentences` (a limit that protects the machine) is cut, and the
    result counts what was left out, so that the notes can say so.
    """
    run = passes or sentence_pass(retriever, batch_size=batch_size)
    sentences = split_sentences(text)
    kept = sentences[:max_sentences]
    texts = [s.text for s in kept]
    scores: list[float] = []
    reasons: list[tuple[str, ...]] = []
    seen: dict[str, int] = {}  # sentence text -> its row in `parts`
    parts: list[np.ndarray] = []
    rows: list[int] = []
    step = SCORE_CHUNK if bound is None else BOUNDED_CHUNK
    for lo in range(0, len(texts), step):
        if progress and lo % SCORE_CHUNK == 0:
            progress(lo, len(texts), f"scoring sentences {lo + 1:,}–{min(lo + SCORE_CHUNK, len(texts)):,} "
                                     f"of {len(texts):,}")
        if bound is not None:
            bound.check()
        chunk = texts[lo : lo + step]
        new = [t for t in dict.fromkeys(chunk) if t not in seen]
        if new:
            vectors, scored = run(new)
            for t, (score, why) in zip(new, scored, strict=True):
                seen[t] = len(scores)
                scores.append(score)
                reasons.append(why)
            parts.append(vectors)
        rows += [seen[t] for t in chunk]
    unique = np.concatenate(parts) if parts else np.zeros((0, 1), dtype=np.float32)
    matrix = unique[rows] if rows else unique
    scores, reasons = [scores[r] for r in rows], [reasons[r] for r in rows]
    return ScoredArticle(kept, scores, reasons, matrix, skipped=len(sentences) - len(kept))


def skipped_note(sentences: int, skipped: int) -> list[str]:
    """What the notes say when a text was cut at the sentence limit (nothing otherwise)."""
    if not skipped:
        return []
    return [f"only the first {sentences - skipped:,} of {sentences:,} sentences were scored "
            "(CHECKER_MAX_SENTENCES protects the machine; raise it to read the rest)"]


@dataclass(frozen=True)
class CheckResult:
    """The reports of one check: every claim, each with its evidence (or marked as not searched)."""

    reports: list[ClaimReport]
    sentences: int  # sentences in the article
    skipped_sentences: int  # beyond the sentence limit, not scored
    every_sentence: bool = False  # every sentence was checked, whatever its score (asked for, or a short text)
    max_claims: int | None = None  # the cap on distinct claims searched, when one applied
    stopped: str | None = None  # why the check ended early (a partial result)

    def unsearched(self) -> int:
        return sum(not r.searched for r in self.reports)

    def notes(self) -> list[str]:
        notes = skipped_note(self.sentences, self.skipped_sentences)
        if self.unsearched():
            searched = len(self.reports) - self.unsearched()
            notes.append(f"evidence was searched for {searched:,} of {len(self.reports):,} claims, the first "
                         f"{self.max_claims:,} distinct ones (CHECKER_MAX_CLAIMS); the other {self.unsearched():,} "
                         "are listed with \"searched\": false and no evidence")
        if self.stopped:
            notes.append(f"stopped early, {self.stopped}: the {len(self.reports):,} claims listed are those "
                         "whose evidence was finished")
        return notes

    def summary(self) -> EvidenceSummary:
        """What the evidence says about the claims, at a glance (checker/summary.py)."""
        return summarise(evidence_state(r.evidence, r.suggestion, searched=r.searched) for r in self.reports)

    def to_dict(self) -> dict[str, object]:
        return {"claims": [r.to_dict() for r in self.reports], "sentences": self.sentences,
                "skipped_sentences": self.skipped_sentences, "every_sentence": self.every_sentence,
                "unsearched_claims": self.unsearched(), "summary": self.summary().to_dict(), "notes": self.notes()}


def with_checks(claim: str, hits: list[Hit], *, article_date: str | None = None) -> list[Hit]:
    """The hits, each carrying its number, date, name and negation checks against the claim."""
    from checker.compare import compare

    return [replace(h, checks=tuple(compare(claim, h.passage.text, claim_date=article_date,
                                            evidence_date=h.passage.date))) for h in hits]


def find_evidence(queries: Sequence[str], *, retriever: Retriever, top_k: int = 5, vectors: np.ndarray | None = None,
                  article_date: str | None = None, compare_evidence: bool = True, reader: Scorer | None = None,
                  rerank_depth: int = 20, relevance_floor: float | None = None) -> list[Reading]:
    """Each query's evidence: with a reader, the fused candidates re-ranked and cut at the
    relevance floor (checker/reading/rerank.py); the checks run on the evidence above it only.
    Every hit is marked when it is dated after `article_date` (checker/reading/timing.py), and
    such a hit never carries the suggestion. A query given twice is searched and judged once."""
    unique = list(dict.fromkeys(queries))
    if len(unique) < len(queries):
        first = {q: i for i, q in reversed(list(enumerate(queries)))}
        got = find_evidence(unique, retriever=retriever, top_k=top_k, article_date=article_date,
                            vectors=None if vectors is None else vectors[[first[q] for q in unique]],
                            compare_evidence=compare_evidence, reader=reader, rerank_depth=rerank_depth,
                            relevance_floor=relevance_floor)
        by_query = dict(zip(unique, got, strict=True))
        return [Reading(list(by_query[q].shown), list(by_query[q].weaker), by_query[q].suggestion) for q in queries]
    depth = top_k if reader is None else max(top_k, rerank_depth)
    found = [mark_after(hs, article_date) for hs in retriever.search_many(queries, top_k=depth, vectors=vectors)]
    if reader is None:
        readings = [Reading(list(h), [], None) for h in found]
    else:
        readings = rerank(reader, queries, found, top_k=top_k, floor=relevance_floor)
    if compare_evidence:
        readings = [replace(r, shown=with_checks(q, r.shown, article_date=article_date))
                    for q, r in zip(queries, readings, strict=True)]
    return readings


def open_reader(settings: Settings) -> Scorer | None:
    """The shipped reader when it is switched on (CHECKER_READER), else None; ModelError if broken."""
    if not settings.reader:
        return None
    from checker.reading.model import get_reader

    return get_reader(settings.reader_dir)


def reader_options(settings: Settings) -> dict[str, Any]:
    """The reader keywords of `check_article` from the settings (the reader is the default)."""
    return {"reader": open_reader(settings), "rerank_depth": settings.rerank_depth,
            "relevance_floor": settings.relevance_floor}


def search_evidence(claims: Sequence[Claim], vectors: np.ndarray | None, *, retriever: Retriever, top_k: int = 5,
                    article_date: str | None = None, compare_evidence: bool = True, reader: Scorer | None = None,
                    rerank_depth: int = 20, relevance_floor: float | None = None) -> list[ClaimReport]:
    """One report per claim: its evidence, and the checks of each passage against it."""
    readings = find_evidence([c.text for c in claims], retriever=retriever, top_k=top_k, vectors=vectors,
                             article_date=article_date, compare_evidence=compare_evidence, reader=reader,
                             rerank_depth=rerank_depth, relevance_floor=relevance_floor)
    return [ClaimReport(claim=c, evidence=tuple(r.shown), weaker=tuple(r.weaker), suggestion=r.suggestion,
                        notes=tuple(later_refutation_notes(r.shown)))
            for c, r in zip(claims, readings, strict=True)]


def check_claims(texts: Sequence[str], *, retriever: Retriever, top_k: int = 5, article_date: str | None = None,
                 reader: Scorer | None = None, rerank_depth: int = 20,
                 relevance_floor: float | None = None) -> list[ClaimReport]:
    """Each text checked as one claim, whole (as a text of one sentence is, without splitting or
    check-worthiness): the evidence, weaker matches, suggestion and notes `check_article` gives."""
    claims = [Claim(text=t, start=0, end=len(t), score=1.0) for t in texts]
    return search_evidence(claims, None, retriever=retriever, top_k=top_k, article_date=article_date,
                           reader=reader, rerank_depth=rerank_depth, relevance_floor=relevance_floor)


def check_article(
    text: str,
    *,
    retriever: Retriever,
    top_k: int = 5,
    threshold: float = Settings.claim_threshold,
    check_all: bool = False,
    evidence_batch: int = 20,
    max_chars: int = 10_000_000,
    max_sentences: int = 2_000,
    article_date: str | None = None,
    compare_evidence: bool = True,
    progress: Progress | None = None,
    on_reports: Callable[[list[ClaimReport]], None] | None = None,
    reader: Scorer | None = None,
    rerank_depth: int = 20,
    relevance_floor: float | None = None,
    passes: SentencePass | None = None,
    max_claims: int | None = None,
    bound: Bound | None = None,
) -> CheckResult:
    """One report per claim, most check-worthy first, each with its evidence.

    The claims are the sentences scoring at least `threshold`, or every sentence with
    `check_all` or in a text of one or two sentences. Every sentence is scored; evidence is
    searched `evidence_batch` claims at a time, best first, and each batch goes to
    `on_reports` as soon as it is ready, so a caller can show the first claims early.
    `passes` embeds and scores the sentences (see `score_article`). A sentence repeated in the
    article is scored and searched once. With `max_claims`, only the claims of the first
    `max_claims` distinct texts are searched; the rest are reported with `searched` False and
    no evidence (the notes say so). With a `bound`, the check raises `Stopped` at its deadline
    or when cancelled, carrying the claims finished so far.
    """
    text = validate_article(text, max_chars=max_chars)
    reports: list[ClaimReport] = []
    total, skipped, every = 0, 0, check_all
    if bound is not None and reader is not None:
        reader = BoundedScorer(reader, bound)
    try:
        article = score_article(text, retriever=retriever, max_sentences=max_sentences, progress=progress,
                                passes=passes, bound=bound)
        total, skipped = len(article.sentences) + article.skipped, article.skipped
        every = checks_every_sentence(total, check_all=check_all)
        picked = article.picked(threshold, check_all=check_all)
        claims = [article.claim(i, text, article_date) for i in picked]
        cut = capped(claims, max_claims)
        found: dict[str, ClaimReport] = {}  # claim text -> its report: a repeated sentence is searched once
        step = max(1, evidence_batch) if bound is None else min(max(1, evidence_batch), BOUNDED_BATCH)
        for lo in range(0, cut, step):
            if bound is not None:
                bound.check()
            if progress:
                progress(lo, cut, f"searching evidence for claims {lo + 1:,}–{min(lo + step, cut):,} of {cut:,}")
            part = range(lo, min(lo + step, cut))
            new: dict[str, int] = {}
            for j in part:
                if claims[j].text not in found:
                    new.setdefault(claims[j].text, j)
            rows = [picked[j] for j in new.values()]
            fresh = search_evidence([claims[j] for j in new.values()], article.vectors[rows], retriever=retriever,
                                    top_k=top_k, article_date=article_date, compare_evidence=compare_evidence,
                                    reader=reader, rerank_depth=rerank_depth,
                                    relevance_floor=relevance_floor) if new else []
            found.update(zip(new, fresh, strict=True))
            batch = [replace(found[claims[j].text], claim=claims[j]) for j in part]
            reports += batch
            if on_reports:
                on_reports(batch)
        rest = [replace(found[c.text], claim=c) if c.text in found else ClaimReport(claim=c, searched=False)
                for c in claims[cut:]]
        if rest:
            reports += rest
            if on_reports:
                on_reports(rest)
    except Stopped as exc:
        raise Stopped(exc.reason, CheckResult(reports, total, skipped, every, max_claims, stopped=exc.reason)) \
            from None
    if progress:
        progress(cut, cut, "done")
    return CheckResult(reports, total, skipped, every, max_claims)


def capped(claims: Sequence[Claim], max_claims: int | None) -> int:
    """How many of the ranked `claims` get evidence: all of them, or those before the claim that
    would be the `max_claims` + 1st distinct text."""
    if max_claims is None:
        return len(claims)
    texts: set[str] = set()
    for j, c in enumerate(claims):
        if c.text not in texts and len(texts) >= max(1, max_claims):
            return j
        texts.add(c.text)
    return len(claims)


def open_retriever(settings: Settings, *, index_dir: Path | None = None) -> Retriever:
    """The retriever for the configured model and index, refusing a mismatched pair."""
    from checker.evidence.index import load_index
    from checker.text.embed import get_embedder

    folder = Path(index_dir or settings.index)
    index = load_index(folder, model=settings.model)
    return Retriever(index, get_embedder(settings.model), config=settings.retrieval_config())
