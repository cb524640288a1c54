"""The reviewer's working state for one article, without any user interface.

`open_article` checks an article, stores it and its claims, and finds earlier verdicts on
similar claims. The other functions change that state the way a reviewer does: promote a
sentence to a claim, dismiss a claim, reword it and search again, or save a verdict.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checker.checkworthy import score_sentences
from checker.config import Settings
from checker.errors import CheckerError, InputError
from checker.focus import Focus, focus_spans, standalone
from checker.pipeline import score_article, validate_article, with_checks
from checker.retrieve import Retriever
from checker.store import Match, VerdictStore
from checker.types import CitedEvidence, Hit, Label, Passage, Sentence, Verdict, text_hash


@dataclass
class WorkClaim:
    """A claim as the reviewer sees it."""

    claim_id: int
    start: int
    end: int
    sentence: str  # the article's own words
    score: float
    reasons: tuple[str, ...]
    query: str  # what is searched: the sentence, or the reviewer's rewording
    evidence: list[Hit] = field(default_factory=list)
    match: Match | None = None  # an earlier verdict on a similar claim in another article
    verdict: Verdict | None = None  # the latest verdict on this very claim
    dismissed: bool = False
    promoted: bool = False
    attention: bool = False  # its best evidence disagreed on a number, date or negation when checked
    focus: tuple[Focus, ...] = ()  # checkable spans, in article offsets
    standalone: str | None = None  # the claim reworded to stand on its own


@dataclass
class Workbench:
    article_id: int
    text: str
    sentences: list[Sentence]
    claims: list[WorkClaim]
    truncated: int = 0  # sentences left out because of the claim limit
    published: str | None = None  # the article's date, for resolving relative dates

    def visible(self, threshold: float) -> list[WorkClaim]:
        """Claims to list: above the threshold or promoted, not dismissed, best first."""
        shown = [c for c in self.claims if not c.dismissed and (c.promoted or c.score >= threshold)]
        return sorted(shown, key=lambda c: (-c.score, c.start))

    def get(self, claim_id: int) -> WorkClaim:
        return next(c for c in self.claims if c.claim_id == claim_id)

    def context(self, claim: WorkClaim, *, sentences: int = 1) -> str:
        """The claim with the sentences around it."""
        idx = next((i for i, s in enumerate(self.sentences) if s.start == claim.start), None)
        if idx is None:
            return claim.sentence
        lo, hi = max(0, idx - sentences), min(len(self.sentences), idx + sentences + 1)
        return self.text[self.sentences[lo].start : self.sentences[hi - 1].end]


def open_article(text: str, *, retriever: Retriever, store: VerdictStore, settings: Settings,
                 title: str = "", url: str | None = None, source: str | None = None,
                 published: str | None = None) -> Workbench:
    """Check an article, save it with its claims, and attach evidence and earlier verdicts."""
    validate_article(text, max_chars=settings.max_article_chars)
    article = score_article(text, retriever=retriever, batch_size=settings.batch_size,
                            max_sentences=settings.max_sentences)
    if not article.sentences:
        raise InputError("no sentences found in the article")
    kept = article.ranked()[: settings.max_claims]
    article_id = store.add_article(text, title=title, url=url, source=source, published=published)
    texts = [article.sentences[i].text for i in kept]
    vectors = article.vectors[kept]
    ids = store.add_claims(article_id, [(article.sentences[i].start, article.sentences[i].end,
                                         article.sentences[i].text, article.scores[i]) for i in kept],
                           vectors=vectors, model=retriever.embedder.name)
    hits = [with_checks(t, h, article_date=published)
            for t, h in zip(texts, retriever.search_many(texts, top_k=settings.top_k, vectors=vectors), strict=True)]
    matches = store.similar_verdicts(vectors, model=retriever.embedder.name,
                                     threshold=settings.match_threshold, exclude_article=article_id)
    claims = [
        WorkClaim(claim_id=cid, start=article.sentences[i].start, end=article.sentences[i].end,
                  sentence=article.sentences[i].text, score=article.scores[i], reasons=article.reasons[i],
                  query=article.sentences[i].text, evidence=h, match=m, verdict=store.latest(cid),
                  focus=tuple(focus_spans(article.sentences[i].text, offset=article.sentences[i].start)),
                  standalone=standalone(article.sentences[i].text, before=text[: article.sentences[i].start]),
                  attention=bool(h) and h[0].differs())
        for i, cid, h, m in zip(kept, ids, hits, matches, strict=True)
    ]
    sentences = article.sentences
    truncated = len(sentences) + article.skipped - len(kept)
    return Workbench(article_id=article_id, text=text, sentences=sentences, claims=claims,
                     truncated=max(0, truncated), published=published)


def promote(work: Workbench, sentence: Sentence, *, retriever: Retriever, store: VerdictStore,
            settings: Settings) -> WorkClaim:
    """Make any sentence of the article a claim (or bring back a dismissed one)."""
    for c in work.claims:
        if c.start == sentence.start and c.end == sentence.end:
            c.dismissed, c.promoted = False, True
            return c
    vector = retriever.embed([sentence.text])
    ((score, reasons),) = score_sentences([sentence.text], vectors=vector, embedding_model=retriever.embedder.name)
    (cid,) = store.add_claims(work.article_id, [(sentence.start, sentence.end, sentence.text, score)],
                              vectors=vector, model=retriever.embedder.name)
    (hits,) = retriever.search_many([sentence.text], top_k=settings.top_k, vectors=vector)
    hits = with_checks(sentence.text, hits, article_date=work.published)
    (match,) = store.similar_verdicts(vector, model=retriever.embedder.name,
                                      threshold=settings.match_threshold, exclude_article=work.article_id)
    claim = WorkClaim(claim_id=cid, start=sentence.start, end=sentence.end, sentence=sentence.text,
                      score=score, reasons=reasons, query=sentence.text, evidence=hits, match=match,
                      verdict=store.latest(cid), promoted=True,
                      focus=tuple(focus_spans(sentence.text, offset=sentence.start)),
                      standalone=standalone(sentence.text, before=work.text[: sentence.start]))
    work.claims.append(claim)
    return claim


def reword(claim: WorkClaim, query: str, *, retriever: Retriever, settings: Settings,
           article_date: str | None = None) -> None:
    """Search again with the reviewer's wording of the claim."""
    query = query.strip()
    if not query:
        raise InputError("the claim's wording is empty")
    claim.query = query
    claim.evidence = with_checks(query, retriever.search(query, top_k=settings.top_k), article_date=article_date)


def cite(hits: Sequence[Hit]) -> list[CitedEvidence]:
    """What a verdict records about the passages it rests on."""
    return [CitedEvidence(doc_id=h.passage.doc_id, passage_id=h.passage.passage_id,
                          passage_hash=text_hash(h.passage.text), title=h.passage.title,
                          url=h.passage.url, excerpt=h.passage.text[:500]) for h in hits]


def save_verdict(claim: WorkClaim, *, store: VerdictStore, label: Label | str, note: str,
                 reviewer: str, cited: Sequence[Hit]) -> Verdict:
    """Save a new version of the verdict on a claim, with the wording that was reviewed."""
    verdict = store.save_verdict(claim.claim_id, label=label, note=note, reviewer=reviewer,
                                 claim_text=claim.query, cited=cite(cited))
    claim.verdict = verdict
    return verdict


def current_hashes(passages: Sequence[Passage]) -> dict[str, str]:
    """passage_id -> hash of its text, for telling whether cited evidence changed since."""
    return {p.passage_id: text_hash(p.text) for p in passages}


@dataclass(frozen=True)
class DocumentSummary:
    doc_id: str
    title: str
    publisher: str | None
    date: str | None
    url: str | None
    passages: int


def corpus_summary(passages: Sequence[Passage]) -> list[DocumentSummary]:
    """One line per indexed document, with its number of passages, in index order."""
    counts: dict[str, int] = {}
    first: dict[str, Passage] = {}
    for p in passages:
        counts[p.doc_id] = counts.get(p.doc_id, 0) + 1
        first.setdefault(p.doc_id, p)
    return [DocumentSummary(d, first[d].title, first[d].publisher, first[d].date, first[d].url, n)
            for d, n in counts.items()]


UPLOAD_TYPES = ("md", "txt", "html", "htm", "pdf", "jsonl")


def save_upload(name: str, data: bytes, *, settings: Settings) -> tuple[Path, int, list[str]]:
    """Check an uploaded corpus file and keep it in the uploads folder.

    Returns the saved path, the number of documents in it and any problems with single lines.
    Raises InputError (and saves nothing) when the file is too big, of the wrong type, or
    holds no usable document.
    """
    from checker.corpus import load_bytes

    suffix = Path(name).suffix.lower()
    if suffix.lstrip(".") not in UPLOAD_TYPES:
        raise InputError(f"{name}: only {', '.join(UPLOAD_TYPES)} files can be added")
    if len(data) > settings.max_upload_bytes:
        raise InputError(f"{name}: larger than the {settings.max_upload_bytes:,}-byte upload limit")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(name).stem).strip("-.") or "document"
    problems: list[str] = []
    try:
        docs = load_bytes(data, name=name, suffix=suffix, doc_id=stem, problems=problems)
    except CheckerError as exc:
        raise InputError(str(exc)) from exc
    if not docs:
        raise InputError(f"{name}: no usable document in the file")
    settings.uploads.mkdir(parents=True, exist_ok=True)
    target = settings.uploads / f"{stem}{suffix}"
    tmp = target.with_name(f".{target.name}.part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target, len(docs), problems
