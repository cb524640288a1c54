"""The reviewer's working state for one article, without any user interface.

`open_article` checks an article, stores it and its claims, and finds earlier verdicts on
similar claims. The other functions change that state the way a reviewer does: promote a
sentence to a claim, dismiss a claim, reword it and search again, or save a verdict.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from checker.claims.checkworthy import score_sentences
from checker.claims.claimant import Claimant, find_claimant
from checker.claims.focus import Focus, focus_spans, standalone
from checker.config import Settings
from checker.errors import CheckerError, InputError
from checker.evidence.retrieve import Retriever
from checker.evidence.similar import best_matches
from checker.pipeline import (
    Progress,
    checks_every_sentence,
    find_evidence,
    open_reader,
    score_article,
    validate_article,
)
from checker.reading.rerank import Reading
from checker.reading.suggest import shipped_rule, suggest
from checker.reading.timing import before_article
from checker.text.sentences import split_sentences
from checker.types import CitedEvidence, Hit, Label, Passage, Sentence, Suggestion, Verdict, text_hash
from checker.verdicts import worklog
from checker.verdicts.hits import evidence_records, stored_hits
from checker.verdicts.store import Match, VerdictStore


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
    claimant: Claimant | None = None  # who the sentence attributes it to
    loaded: bool = True  # its evidence has been searched (long texts load the rest on demand)
    vector: np.ndarray | None = field(default=None, repr=False, compare=False)  # the sentence's embedding
    status: str = "to check"  # its place in the work queue: to check, in review, done
    assignee: str | None = None
    weaker: list[Hit] = field(default_factory=list)  # below the reader's relevance floor: not evidence
    suggestion: Suggestion | None = None  # the reader's suggested verdict (never saved by itself)

    def read(self, reading: Reading) -> None:
        """Take the evidence, weaker matches and suggestion of one search."""
        self.evidence, self.weaker, self.suggestion = reading.shown, reading.weaker, reading.suggestion
        self.attention = bool(self.evidence) and self.evidence[0].differs()


@dataclass
class Workbench:
    article_id: int
    text: str
    sentences: list[Sentence]
    claims: list[WorkClaim]
    truncated: int = 0  # sentences beyond the CHECKER_MAX_SENTENCES limit, not scored (the page says so)
    published: str | None = None  # the article's date, for resolving relative dates
    every_sentence: bool = False  # every sentence is a claim (asked for, or a text of one or two sentences)
    title: str = ""
    url: str | None = None
    source: str | None = None

    def visible(self, threshold: float) -> list[WorkClaim]:
        """Claims to list: above the threshold or promoted, not dismissed, best first."""
        shown = [c for c in self.claims if not c.dismissed and (c.promoted or c.score >= threshold)]
        return sorted(shown, key=lambda c: (-c.score, c.start))

    def waiting(self, threshold: float) -> list[WorkClaim]:
        """Listed claims whose evidence has not been searched yet, best first."""
        return [c for c in self.visible(threshold) if not c.loaded]

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
                 published: str | None = None, check_all: bool = False,
                 progress: Progress | None = None) -> Workbench:
    """Check an article, save it with its claims, and attach evidence and earlier verdicts.

    Every sentence is scored and kept, so the threshold can move; with `check_all`, or in a
    text of one or two sentences, every sentence is a claim whatever its score. Evidence is
    searched at once for the first `settings.claims_at_once()` claims; `load_evidence` fetches
    the rest when the reviewer opens them or asks for the next batch.
    """
    text = validate_article(text, max_chars=settings.max_article_chars)
    article = score_article(text, retriever=retriever, batch_size=settings.batch_size,
                            max_sentences=settings.max_sentences, progress=progress)
    if not article.sentences:
        raise InputError("no sentences found in the article")
    every = checks_every_sentence(len(article.sentences) + article.skipped, check_all=check_all)
    kept = article.ranked()
    article_id = store.add_article(text, title=title, url=url, source=source, published=published)
    title, url, source, published = worklog.article_details(store, article_id)  # as a reopening shows them
    ids = store.add_claims(article_id, [(article.sentences[i].start, article.sentences[i].end,
                                         article.sentences[i].text, article.scores[i]) for i in kept],
                           vectors=article.vectors[kept], model=retriever.embedder.name)
    matches = earlier_verdicts(store, [article.sentences[i].text for i in kept], article.vectors[kept],
                               model=retriever.embedder.name, settings=settings, exclude_article=article_id)
    claims = []
    for i, cid, m in zip(kept, ids, matches, strict=True):
        c = article.claim(i, text, published)
        claim = WorkClaim(claim_id=cid, start=c.start, end=c.end, sentence=c.text, score=c.score,
                          reasons=c.reasons, query=c.text, match=m, verdict=store.latest(cid),
                          focus=c.focus, standalone=c.standalone, claimant=c.claimant, loaded=False, promoted=every,
                          vector=article.vectors[i])
        claim.status, claim.assignee = worklog.claim_status(store, cid)
        claims.append(claim)
    work = Workbench(article_id=article_id, text=text, sentences=article.sentences, claims=claims,
                     truncated=article.skipped, published=published, every_sentence=every, title=title,
                     url=url, source=source)
    first = work.waiting(settings.claim_threshold)[: settings.claims_at_once()]  # never above CHECKER_MAX_CLAIMS
    load_evidence(work, first, retriever=retriever, settings=settings, progress=progress)
    worklog.record_check(store, article_id, [_saved(c) for c in claims], truncated=article.skipped)
    return work


def load_evidence(work: Workbench, claims: Sequence[WorkClaim], *, retriever: Retriever, settings: Settings,
                  store: VerdictStore | None = None, progress: Progress | None = None) -> int:
    """Search evidence for those of `claims` still without it, `settings.evidence_batch` at a time
    (and remember it when `store` is given). Returns how many were searched.
    """
    todo = [c for c in claims if not c.loaded]
    step = max(1, settings.evidence_batch)
    for lo in range(0, len(todo), step):
        batch = todo[lo : lo + step]
        if progress:
            progress(lo, len(todo), f"searching evidence for claims {lo + 1:,}–{lo + len(batch):,} of {len(todo):,}")
        missing = [c for c in batch if c.vector is None]
        if missing:
            for c, v in zip(missing, retriever.embed([c.query for c in missing]), strict=True):
                c.vector = v
        vectors = np.stack([np.asarray(c.vector, dtype=np.float32) for c in batch])
        found = _find(settings, [c.query for c in batch], retriever=retriever, vectors=vectors,
                      article_date=work.published)
        for c, reading in zip(batch, found, strict=True):
            c.read(reading)
            c.loaded = True
            if store is not None:
                worklog.update_claim(store, work.article_id, _saved(c))
    if progress and todo:
        progress(len(todo), len(todo), "done")
    return len(todo)


def promote(work: Workbench, sentence: Sentence, *, retriever: Retriever, store: VerdictStore,
            settings: Settings) -> WorkClaim:
    """Make any sentence of the article a claim (or bring back a dismissed one)."""
    for c in work.claims:
        if c.start == sentence.start and c.end == sentence.end:
            c.dismissed, c.promoted = False, True
            worklog.update_claim(store, work.article_id, _saved(c))
            return c
    vector = retriever.embed([sentence.text])
    ((score, reasons),) = score_sentences([sentence.text], vectors=vector, embedding_model=retriever.embedder.name)
    (cid,) = store.add_claims(work.article_id, [(sentence.start, sentence.end, sentence.text, score)],
                              vectors=vector, model=retriever.embedder.name)
    (reading,) = _find(settings, [sentence.text], retriever=retriever, vectors=vector, article_date=work.published)
    (match,) = earlier_verdicts(store, [sentence.text], vector, model=retriever.embedder.name,
                                settings=settings, exclude_article=work.article_id)
    claim = WorkClaim(claim_id=cid, start=sentence.start, end=sentence.end, sentence=sentence.text,
                      score=score, reasons=reasons, query=sentence.text, match=match,
                      verdict=store.latest(cid), promoted=True,
                      focus=tuple(focus_spans(sentence.text, offset=sentence.start)),
                      standalone=standalone(sentence.text, before=work.text[: sentence.start], date=work.published),
                      claimant=find_claimant(sentence.text, before=work.text[: sentence.start], offset=sentence.start))
    claim.read(reading)
    claim.status, claim.assignee = worklog.claim_status(store, cid)
    work.claims.append(claim)
    worklog.update_claim(store, work.article_id, _saved(claim))
    return claim


def reword(claim: WorkClaim, query: str, *, retriever: Retriever, settings: Settings,
           article_date: str | None = None, store: VerdictStore | None = None,
           article_id: int | None = None) -> None:
    """Search again with the reviewer's wording of the claim (remembered when `store` is given)."""
    query = query.strip()
    if not query:
        raise InputError("the claim's wording is empty")
    claim.query = query
    (reading,) = _find(settings, [query], retriever=retriever, article_date=article_date)
    claim.read(reading)
    if store is not None and article_id is not None:
        worklog.update_claim(store, article_id, _saved(claim))


def _find(settings: Settings, queries: list[str], *, retriever: Retriever, vectors: np.ndarray | None = None,
          article_date: str | None = None) -> list[Reading]:
    return find_evidence(queries, retriever=retriever, top_k=settings.top_k, vectors=vectors,
                         article_date=article_date, reader=open_reader(settings),
                         rerank_depth=settings.rerank_depth, relevance_floor=settings.relevance_floor)


def dismiss(work: Workbench, claim: WorkClaim, *, store: VerdictStore) -> None:
    """Take a claim off the list (promoting its sentence brings it back)."""
    claim.dismissed, claim.promoted = True, False
    worklog.update_claim(store, work.article_id, _saved(claim))


def earlier_verdicts(store: VerdictStore, texts: Sequence[str], vectors: np.ndarray, *, model: str,
                     settings: Settings, exclude_article: int | None = None) -> list[Match | None]:
    """For each claim, the earlier verdict on the judged claim (in another article) that says the
    same, by the dense + lexical similarity of checker.evidence.similar, or None."""
    rows, matrix = store.judged_claims(model=model, exclude_article=exclude_article)
    if matrix is None or matrix.shape[1] != np.asarray(vectors).shape[1]:
        return [None] * len(texts)
    found = best_matches(texts, vectors, [r.original_text for r in rows], matrix,
                         threshold=settings.match_threshold, dense_weight=settings.match_dense_weight)
    return [None if f is None else Match(rows[f[0]], f[1]) for f in found]


def _saved(claim: WorkClaim) -> dict[str, Any]:
    return {"claim_id": claim.claim_id, "query": claim.query, "reasons": list(claim.reasons),
            # the weaker matches travel in the same list, flagged, so a reopened claim shows them again
            "evidence": evidence_records(claim.evidence, claim.weaker) if claim.loaded else None,
            "dismissed": claim.dismissed,
            "promoted": claim.promoted}


def reopen_article(article_id: int, *, store: VerdictStore, settings: Settings) -> Workbench | None:
    """A checked article as it was left, from the store: no model, no search. None if unknown.

    Earlier verdicts on similar claims are looked up again with the stored claim vectors, so a
    verdict saved since on another article shows up."""
    saved = worklog.load_article(store, article_id)
    if saved is None:
        return None
    claims = [WorkClaim(claim_id=c.claim_id, start=c.start, end=c.end, sentence=c.sentence, score=c.score,
                        reasons=c.reasons, query=c.query,
                        evidence=stored_hits(c.evidence, saved.published),
                        weaker=stored_hits(c.evidence, None, weaker=True),
                        verdict=store.latest(c.claim_id), dismissed=c.dismissed, promoted=c.promoted,
                        focus=tuple(focus_spans(c.sentence, offset=c.start)),
                        standalone=standalone(c.sentence, before=saved.text[: c.start], date=saved.published),
                        claimant=find_claimant(c.sentence, before=saved.text[: c.start], offset=c.start),
                        status=c.status, assignee=c.assignee, loaded=c.evidence is not None)
              for c in saved.claims]
    for c in claims:
        c.attention = bool(c.evidence) and c.evidence[0].differs()
        c.suggestion = suggest(before_article(c.evidence), shipped_rule(settings.reader_dir / "reader.json"))
    if claims:
        model, vectors = worklog.claim_vectors(store, [c.claim_id for c in claims])
        if vectors is not None:
            for c, m in zip(claims, earlier_verdicts(store, [c.sentence for c in claims], vectors, model=model,
                                                     settings=settings, exclude_article=article_id), strict=True):
                c.match = m
    return Workbench(article_id=saved.article_id, text=saved.text, sentences=split_sentences(saved.text),
                     claims=claims, truncated=saved.truncated, published=saved.published, title=saved.title,
                     url=saved.url, source=saved.source)


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
    try:
        worklog.set_status(store, claim.claim_id, status="done")
        claim.status = "done"
    except CheckerError:
        pass  # a claim saved outside a checked article has no place in the queue
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


def upload_stem(name: str, *, limit: int = 100) -> str:
    """A safe, short file stem for an upload; different names never share one.

    Odd characters are replaced (`report .md`, `report!.md`), folders dropped (`/etc/x/evil.md`)
    and suffixes lower-cased (`report.MD`): only a name that is already its own lower-case file
    name keeps its stem, any other (and one cut to `limit`) gets a hash of the whole name.
    """
    original = Path(name).stem
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", original).strip("-.") or "document"
    plain = name == f"{stem}{Path(name).suffix.lower()}" and stem == stem.lower()
    if not plain or len(stem) > limit:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        stem = f"{stem[: limit - 11]}-{digest}"
    return stem


def save_upload(name: str, data: bytes, *, settings: Settings) -> tuple[Path, int, list[str]]:
    """Check an uploaded corpus file and keep it in the uploads folder.

    Returns the saved path, the number of documents in it and any problems with single lines.
    Raises InputError (and saves nothing) when the file is too big, of the wrong type, or
    holds no usable document.
    """
    from checker.evidence.corpus import load_bytes

    suffix = Path(name).suffix.lower()
    if suffix.lstrip(".") not in UPLOAD_TYPES:
        raise InputError(f"{name}: only {', '.join(UPLOAD_TYPES)} files can be added")
    if len(data) > settings.max_upload_bytes:
        raise InputError(f"{name}: larger than the {settings.max_upload_bytes:,}-byte upload limit")
    stem = upload_stem(name)
    problems: list[str] = []
    try:
        docs = load_bytes(data, name=name, suffix=suffix, doc_id=stem, problems=problems)
    except CheckerError as exc:
        raise InputError(str(exc)) from exc
    if not docs:
        raise InputError(f"{name}: no usable document in the file")
    settings.uploads.mkdir(parents=True, exist_ok=True)
    target = settings.uploads / f"{stem}{suffix}"
    if target.exists():
        problems.append(f"{name}: replaced the earlier upload of the same name")
    tmp = target.with_name(f".{target.name}.part")
    try:
        tmp.write_bytes(data)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{name}: could not be saved in {settings.uploads} ({exc.strerror or exc})") from exc
    return target, len(docs), problems
