"""What a rebuild takes over from the index already in a folder.

Two ways: an incremental build (`plan_increment`) keeps the shards as they are, finds which
of their documents are still in the corpus, and marks the rows of the others deleted; a full
build or compaction (`Previous`) reads every row of the old index, flat (format 1) or in shards,
and copies the rows of unchanged documents into one new shard. Both take the embedding of any
new passage whose exact text the old index holds, by passage hash, instead of embedding it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from checker.evidence.dense import ShardedVectors
from checker.evidence.lexical import TermCounts
from checker.evidence.shards import UNREADABLE, Shard, StoredShard, merge_ranges, read_passages
from checker.types import Document, Passage

# what reading the old rows raises: an unreadable file (UNREADABLE) or a rows.json value of the wrong type
_ROWS_UNREADABLE: tuple[type[Exception], ...] = (*UNREADABLE, TypeError)


@dataclass(frozen=True)
class Previous:
    """The old index's rows one after another (a shard's deleted rows too) for a full build."""

    vectors: Any  # rows by index: an array, a memory map or `ShardedVectors` of memory maps
    passage_hashes: list[str]
    rows_of_document: dict[str, list[int]]  # document hash -> its rows; empty when rows are not taken over
    lines: list[bytes]  # passages.jsonl, one per row; empty when rows are not taken over
    terms: TermCounts

    @functools.cached_property
    def row_of_passage(self) -> dict[str, int]:
        return {h: i for i, h in enumerate(self.passage_hashes) if h}

    @classmethod
    def nothing(cls, dim: int) -> Previous:
        return cls(np.zeros((0, dim), np.float32), [], {}, [], TermCounts.empty())


def read_flat(folder: Path, dim: int, pipeline: str) -> Previous | None:
    """A format-1 index (one flat folder); its rows are taken over if they were split by `pipeline`."""
    try:
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        rows = json.loads((folder / "rows.json").read_text(encoding="utf-8")) if (folder / "rows.json").exists() \
            else {}
        if not isinstance(rows, dict):
            return None
        hashes = rows.get("passages")
        if hashes is None:  # an index from before rows.json: embeddings only
            _, hashes = read_passages(folder / "passages.jsonl")
        if not isinstance(hashes, list) or len(hashes) != len(vectors) or vectors.shape[1:] != (dim,):
            return None
    except UNREADABLE:  # an unreadable old index is simply not reused
        return None
    try:
        if rows.get("version") != pipeline:
            raise ValueError("rows split or tokenised differently")
        with np.load(folder / "terms.npz") as z:
            terms = TermCounts(rows["vocab"], z["ptr"], z["ids"], z["tf"], z["length"])
        lines = (folder / "passages.jsonl").read_bytes().splitlines(keepends=True)
        if not (len(lines) == len(rows["documents"]) == len(terms.length) == len(hashes)
                and len(terms.ptr) == len(hashes) + 1 and terms.ptr[-1] == len(terms.ids)):
            raise ValueError("rows disagree")
    except _ROWS_UNREADABLE:  # older or damaged rows: reuse the embeddings only
        return Previous(vectors, hashes, {}, [], TermCounts.empty())
    by_document: dict[str, list[int]] = {}
    for row, doc in enumerate(rows["documents"]):
        by_document.setdefault(doc, []).append(row)
    return Previous(vectors, hashes, by_document, lines, terms)


def read_shards(stored: Sequence[StoredShard], dim: int, take_rows: bool) -> Previous:
    """Every row of the shards in `stored`; with `take_rows`, their kept documents' rows to take over."""
    maps = [s.vectors for s in stored]
    vectors: Any = maps[0] if len(maps) == 1 else ShardedVectors(maps, [None] * len(maps), dim)
    hashes = [h.decode() for s in stored for h in s.passage_hashes]
    if not take_rows:
        return Previous(vectors, hashes, {}, [], TermCounts.empty())
    by_document: dict[str, list[int]] = {}
    offset = 0
    for s in stored:
        for doc, start, stop, kept in zip(s.doc_hashes, s.doc_starts[:-1].tolist(), s.doc_starts[1:].tolist(),
                                          s.doc_kept.tolist(), strict=True):
            if kept:
                by_document.setdefault(doc, list(range(offset + start, offset + stop)))
        offset += s.shard.rows
    lines = [line for s in stored for line in s.lines()]
    terms = TermCounts.join([s.terms() for s in stored])
    if not len(lines) == len(hashes) == len(terms.length) == offset:
        raise ValueError("the shards' files disagree")
    return Previous(vectors, hashes, by_document, lines, terms)


@dataclass(frozen=True)
class Increment:
    """An incremental build: the old shards kept (with their new deletions) and the documents to add."""

    kept: list[tuple[StoredShard, Shard]]
    fresh: list[tuple[Document, str]]  # new or edited documents with their hashes, in corpus order
    deleted_rows: int  # rows of the kept shards marked deleted
    stored_rows: int  # rows in the kept shards' files


def plan_increment(stored: Sequence[StoredShard], documents: Sequence[Document],
                   doc_hashes: Sequence[str]) -> Increment:
    """Which documents the shards already hold, which rows to delete and what to add."""
    where: dict[str, list[tuple[int, int]]] = {}
    for i, s in enumerate(stored):
        for j in np.flatnonzero(s.doc_kept).tolist():
            where.setdefault(s.doc_hashes[j], []).append((i, j))
    claimed: list[set[int]] = [set() for _ in stored]
    fresh = []
    for doc, digest in zip(documents, doc_hashes, strict=True):
        slots = where.get(digest)
        if slots:
            i, j = slots.pop(0)
            claimed[i].add(j)
        else:
            fresh.append((doc, digest))
    kept, deleted_rows, stored_rows = [], 0, 0
    for s, mine in zip(stored, claimed, strict=True):
        gone = [(int(s.doc_starts[j]), int(s.doc_starts[j + 1])) for j in np.flatnonzero(s.doc_kept).tolist()
                if j not in mine]
        shard = Shard(s.shard.name, s.shard.rows, len(mine), merge_ranges([*s.shard.deleted, *gone]))
        if shard.passages:  # a shard left without rows is dropped
            kept.append((s, shard))
            deleted_rows += shard.rows - shard.passages
            stored_rows += shard.rows
    return Increment(kept, fresh, deleted_rows, stored_rows)


class PassageVectors:
    """Embeddings the old shards hold, by passage hash (read when first asked for)."""

    def __init__(self, stored: Sequence[StoredShard]) -> None:
        self.stored = stored

    @functools.cached_property
    def _where(self) -> dict[bytes, tuple[int, int]]:
        out: dict[bytes, tuple[int, int]] = {}
        for i, s in enumerate(self.stored):
            for row, h in enumerate(s.passage_hashes):
                out.setdefault(h, (i, row))
        return out

    def get(self, passage_hash: str) -> np.ndarray | None:
        found = self._where.get(passage_hash.encode())
        return None if found is None else np.asarray(self.stored[found[0]].vectors[found[1]])


def passage_hash(passage: Passage) -> str:
    return hashlib.sha256(passage.embedding_text().encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Rows:
    """A new shard's rows: taken over from the old index (`source` >= 0) or split now."""

    lines: list[bytes] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    source: list[int] = field(default_factory=list)
    fresh: list[Passage] = field(default_factory=list)
    doc_hashes: list[str] = field(default_factory=list)
    doc_rows: list[int] = field(default_factory=list)

    def add_split(self, doc_hash: str, passages: Sequence[Passage]) -> None:
        for p in passages:
            h = passage_hash(p)
            self.lines.append((json.dumps({**p.to_dict(), "hash": h}, ensure_ascii=False) + "\n").encode("utf-8"))
            self.hashes.append(h)
            self.source.append(-1)
            self.fresh.append(p)
        self.doc_hashes.append(doc_hash)
        self.doc_rows.append(len(passages))

    def vectors(self, dim: int, old: Previous | None,
                by_passage: PassageVectors | None) -> tuple[np.ndarray, dict[str, tuple[str, list[int]]]]:
        """Each row's vector where the old index has it, and what is left to embed: passage hash ->
        (text, rows)."""
        src = np.asarray(self.source, dtype=np.int64)
        is_new = src < 0
        vectors = np.empty((len(src), dim), dtype=np.float32)
        if old is not None:
            vectors[~is_new] = old.vectors[src[~is_new]]
        to_embed: dict[str, tuple[str, list[int]]] = {}
        for row, p in zip(np.flatnonzero(is_new).tolist(), self.fresh, strict=True):
            h = self.hashes[row]
            seen = old.row_of_passage.get(h) if old is not None else None
            vector = old.vectors[seen] if old is not None and seen is not None else \
                by_passage.get(h) if by_passage is not None else None
            if vector is not None:
                vectors[row] = vector
            else:
                to_embed.setdefault(h, (p.embedding_text(), []))[1].append(row)
        return vectors, to_embed

    def terms(self, old: Previous | None) -> TermCounts:
        """The rows' BM25 term counts: counted now for split rows, taken from `old` for the rest."""
        texts = [p.embedding_text() for p in self.fresh]
        if old is None:
            return TermCounts.count(texts, [])
        src = np.asarray(self.source, dtype=np.int64)
        is_new = src < 0
        picked = np.where(is_new, len(old.terms.length) + np.cumsum(is_new) - 1, src)
        return old.terms.concat(TermCounts.count(texts, old.terms.vocab)).take(picked)


def take_over(documents: Sequence[Document], doc_hashes: Sequence[str], old: Previous,
              split: Callable[[Document], list[Passage]]) -> Rows:
    """Every document's rows, in corpus order: taken over from `old` if unchanged, else split."""
    rows = Rows()
    for doc, doc_hash in zip(documents, doc_hashes, strict=True):
        kept = old.rows_of_document.get(doc_hash)
        if kept is None:
            rows.add_split(doc_hash, split(doc))
            continue
        rows.lines += [old.lines[r] for r in kept]
        rows.hashes += [old.passage_hashes[r] for r in kept]
        rows.source += kept
        rows.doc_hashes.append(doc_hash)
        rows.doc_rows.append(len(kept))
    return rows
