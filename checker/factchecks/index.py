"""The fact-check index, and matching claims against it.

The index is the evidence index's machinery (checker/evidence/index.py: versioned folder,
incremental shards, FAISS over MiniLM vectors, BM25 term counts) over one document per
fact-check: its claim as the text and its headline as the title, under the record's id. A
claim is matched with the same hybrid retriever (weighted dense + BM25 fusion); a fact-check
scores as its best passage, and only scores at or above the threshold are shown. The
threshold (CHECKER_FACTCHECK_THRESHOLD) was tuned on CheckThat! 2021 2A train: bench/RESULTS.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from checker.config import Settings
from checker.errors import IndexMissingError, InputError
from checker.evidence.index import BuildReport, build_index, is_up_to_date, load_index
from checker.evidence.retrieve import Retriever
from checker.factchecks.records import FactCheck, normalise_rating
from checker.text.embed import Embedder
from checker.types import ClaimReport, Document

Lookup = Callable[[Sequence[str]], Mapping[str, FactCheck]]
Progress = Callable[[int, int], None]


def as_document(record: FactCheck) -> Document:
    return Document(doc_id=record.fc_id, title=record.headline or "", text=record.claim, url=record.url,
                    date=record.date, publisher=record.publisher, source=record.source)


def build_factcheck_index(records: Sequence[FactCheck], embedder: Embedder, folder: Path, *,
                          batch_size: int = 32, force: bool = False, max_shards: int = 8,
                          progress: Progress | None = None) -> BuildReport | None:
    """Index `records` into `folder` (unchanged records keep their vectors); None when there are none."""
    if not records:
        return None
    return build_index([as_document(r) for r in records], embedder, folder, batch_size=batch_size, force=force,
                       max_shards=max_shards, progress=progress)


@dataclass(frozen=True)
class FactCheckMatch:
    """A published fact-check of a claim similar to the one searched."""

    fc_id: str
    score: float  # fused dense + BM25 similarity, as the evidence search scores passages
    dense_score: float
    record: FactCheck | None  # None only when the database no longer holds it

    def to_dict(self) -> dict[str, Any]:
        r = self.record
        base = r.summary() if r is not None else {"claim": None, "claimant": None, "rating": None,
                                                  "verdict": None, "publisher": None, "date": None, "url": None}
        return base | {"score": round(self.score, 6), "id": self.fc_id}


class FactCheckMatcher:
    """Searches the fact-check index; `lookup` turns ids into records (the database, or a dict)."""

    def __init__(self, retriever: Retriever, lookup: Lookup, *, threshold: float = 0.0, top_k: int = 3) -> None:
        self.retriever = retriever
        self.lookup = lookup
        self.threshold = threshold
        self.top_k = top_k

    def __len__(self) -> int:
        return len(self.retriever.index)

    def ranked(self, queries: Sequence[str], *, depth: int = 10,
               vectors: np.ndarray | None = None) -> list[list[tuple[str, float, float]]]:
        """(id, score, cosine) of the best `depth` fact-checks per query, best first, no threshold."""
        results = self.retriever.search_many(list(queries), top_k=depth * 2, vectors=vectors)
        out = []
        for hits in results:
            best: dict[str, tuple[str, float, float]] = {}
            for h in hits:
                best.setdefault(h.passage.doc_id, (h.passage.doc_id, h.score, h.dense_score))
            out.append(list(best.values())[:depth])
        return out

    def match(self, queries: Sequence[str], *, vectors: np.ndarray | None = None, top_k: int | None = None,
              threshold: float | None = None) -> list[list[FactCheckMatch]]:
        """Each query's fact-checks scoring at least the threshold, best first, at most `top_k`."""
        if not queries:
            return []
        if vectors is not None and vectors.shape[1] != self.retriever.index.manifest.dim:
            vectors = None  # sentence vectors from another model: embed again
        floor = self.threshold if threshold is None else threshold
        ranked = self.ranked(queries, depth=top_k or self.top_k, vectors=vectors)
        kept = [[x for x in row if x[1] >= floor] for row in ranked]
        records = self.lookup([x[0] for row in kept for x in row]) if any(kept) else {}
        return [[FactCheckMatch(i, s, d, records.get(i)) for i, s, d in row] for row in kept]


def with_fact_checks(reports: Sequence[ClaimReport], matcher: FactCheckMatcher | None,
                     vectors: np.ndarray | None = None) -> list[ClaimReport]:
    """The reports, each carrying the published fact-checks of claims like it (none without a matcher);
    a claim text given more than once (a sentence repeated in the article) is matched once."""
    if matcher is None or not reports:
        return list(reports)
    first: dict[str, int] = {}
    for i, r in enumerate(reports):
        first.setdefault(r.claim.text, i)
    found = matcher.match(list(first), vectors=None if vectors is None else vectors[list(first.values())])
    by_text = dict(zip(first, found, strict=True))
    return [replace(r, fact_checks=tuple(by_text[r.claim.text])) for r in reports]


def open_matcher(settings: Settings, embedder: Embedder | None = None, *, lookup: Lookup | None = None,
                 index_dir: Path | None = None) -> FactCheckMatcher | None:
    """The matcher over the configured fact-check index; None when no fact-check was imported yet."""
    from checker.text.embed import get_embedder

    folder = Path(index_dir or settings.factcheck_index)
    try:
        index = load_index(folder, model=settings.model)
    except IndexMissingError:
        return None
    if lookup is None:
        from checker.factchecks.store import FactCheckStore

        lookup = FactCheckStore.open(settings.db).get
    retriever = Retriever(index, embedder or get_embedder(settings.model),
                          config=settings.retrieval_config(dense_weight=settings.factcheck_dense_weight))
    return FactCheckMatcher(retriever, lookup, threshold=settings.factcheck_threshold, top_k=settings.factcheck_top_k)


# -- a BEIR corpus as fact-checks (CheckThat! 2021 2A and 2B), for measuring the product's path --------

def records_from_beir(corpus_file: Path) -> list[FactCheck]:
    """Each `{"_id", "title", "text", "metadata"}` line as a fact-check under its own id: the text is
    the claim, the title the headline; 2B's metadata gives claimant (speaker), rating and url."""
    out: list[FactCheck] = []
    with Path(corpus_file).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise InputError(f"{corpus_file}:{lineno}: not valid JSON ({exc})") from exc
            meta = row.get("metadata") if isinstance(row.get("metadata"), dict) else {}
            doc_id, text = str(row.get("_id", "")), str(row.get("text") or "").strip()
            if not doc_id or not text:
                continue
            rating = str(meta.get("rating") or "")
            out.append(FactCheck(url=str(meta.get("url") or f"beir:{doc_id}"), claim=text, rating=rating,
                                 verdict=normalise_rating(rating), claimant=meta.get("speaker"),
                                 headline=str(row.get("title") or "") or None, date=meta.get("date"),
                                 source=Path(corpus_file).parent.name, fc_id=doc_id))
    if not out:
        raise InputError(f"{corpus_file}: no documents")
    return out


def cached_factcheck_index(corpus_file: Path, *, embedder: Embedder, cache_root: Path,
                           progress: Progress | None = None) -> tuple[Path, dict[str, FactCheck]]:
    """The fact-check index of a BEIR corpus, built once per corpus and model under `cache_root`."""
    import hashlib
    import re

    from checker.evidence.corpus import corpus_hash

    records = records_from_beir(corpus_file)
    docs = [as_document(r) for r in records]
    key = hashlib.sha256(f"{corpus_hash(docs)}|{embedder.name}".encode()).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9]+", "-", f"factchecks-{Path(corpus_file).parent.name}-{embedder.name}")[-70:]
    folder = Path(cache_root) / f"{slug}-{key}"
    if not is_up_to_date(folder, docs, embedder.name):
        build_index(docs, embedder, folder, progress=progress)
    return folder, {r.fc_id: r for r in records}
