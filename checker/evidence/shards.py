"""Shards: the immutable parts an index version is made of, and putting them together to search.

A version folder (see `checker/evidence/index.py`) lists its shards in `manifest.json`; shard
`NAME` lives in `shards/NAME/`:
- `vectors.npy`: the passages' L2-normalised float32 embeddings, one row per passage;
- `passages.jsonl`: the passages with their metadata and content hash, one per row;
- `rows.npz`: the hashes of the shard's documents (`documents`), how many rows each has
  (`doc_rows`: a document's rows are consecutive) and each row's passage hash (`passages`);
- `terms.npz`, `vocab.json`: each row's BM25 term counts (`TermCounts`) and their terms;
- `dense.faiss` (IVF indexes only): the shard's vectors coded against the version's trained
  `quantizer.faiss`.

A shard's files never change once written: a later version takes an unchanged shard over by
hard link, and records a removed document as a range of rows deleted from its shard (in the
manifest) instead of rewriting it. Loading concatenates the shards' kept rows in manifest
order: the passages, the exact vectors (`ShardedVectors`), the FAISS index (flat: the vectors
added one shard after another; IVF: each shard's coded lists merged, deleted rows removed) and
BM25 (the shards' term counts joined, then `TermCounts.bm25`), so that search gives what a
single build of the same rows gives.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from checker.evidence.dense import IndexSpec, ShardedVectors, VectorFile, set_search_params
from checker.evidence.lexical import LexicalIndex, TermCounts
from checker.types import Passage

SHARDS = "shards"
QUANTIZER = "quantizer.faiss"
# What reading a missing, truncated or garbled index file raises: the OS, numpy (an empty .npy is
# EOFError, a broken .npz BadZipFile, a missing array KeyError) and json (ValueError).
UNREADABLE: tuple[type[Exception], ...] = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)


@dataclass(frozen=True)
class Shard:
    """A shard as the manifest lists it."""

    name: str
    rows: int  # rows in its files
    documents: int  # documents of the index whose rows are in it
    deleted: tuple[tuple[int, int], ...] = ()  # row ranges [start, stop) removed since it was written

    @property
    def passages(self) -> int:
        return self.rows - sum(stop - start for start, stop in self.deleted)

    def kept(self) -> np.ndarray | None:
        """The rows that still count, in order; None when all of them do."""
        if not self.deleted:
            return None
        keep = np.ones(self.rows, dtype=bool)
        for start, stop in self.deleted:
            keep[start:stop] = False
        return np.flatnonzero(keep)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "passages": self.passages, "rows": self.rows, "documents": self.documents,
                "deleted": [list(r) for r in self.deleted]}

    @classmethod
    def from_json(cls, data: Any) -> Shard:
        """ValueError for anything but a shard entry this version wrote."""
        try:
            name, rows, docs = str(data["name"]), int(data["rows"]), int(data["documents"])
            deleted = tuple((int(a), int(b)) for a, b in data.get("deleted", []))
        except (TypeError, KeyError, ValueError) as exc:
            raise ValueError(f"a shard entry {str(data)[:80]} is not readable") from exc
        if not name.isalnum() or rows < 0 or any(not 0 <= a < b <= rows for a, b in deleted):
            raise ValueError(f"shard entry {name!r} is not consistent")
        return cls(name, rows, docs, deleted)


def merge_ranges(ranges: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for start, stop in sorted(r for r in ranges if r[0] < r[1]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], stop))
        else:
            out.append((start, stop))
    return tuple(out)


# -- writing ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NewShard:
    """What a build writes as one shard."""

    lines: list[bytes]  # passages.jsonl
    vectors: np.ndarray
    terms: TermCounts
    doc_hashes: list[str]
    doc_rows: list[int]
    passage_hashes: list[str]


def write_shard(folder: Path, shard: NewShard, dense: Any = None) -> None:
    """The shard's files into the new folder `folder`, flushed to disk."""
    folder.mkdir(parents=True)
    np.save(folder / "vectors.npy", np.ascontiguousarray(shard.vectors, dtype=np.float32))
    with (folder / "passages.jsonl").open("wb") as fh:
        fh.writelines(shard.lines)
    np.savez(folder / "rows.npz", documents=np.array(shard.doc_hashes, dtype="S64"),
             doc_rows=np.array(shard.doc_rows, dtype=np.int64), passages=np.array(shard.passage_hashes, dtype="S64"))
    t = shard.terms
    np.savez(folder / "terms.npz", ptr=t.ptr, ids=t.ids, tf=t.tf, length=t.length)
    (folder / "vocab.json").write_text(json.dumps(t.vocab, ensure_ascii=False), encoding="utf-8")
    if dense is not None:
        import faiss

        faiss.write_index(dense, str(folder / "dense.faiss"))
    for path in folder.iterdir():
        with path.open("rb") as fh:
            os.fsync(fh.fileno())


def link_file(source: Path, target: Path) -> None:
    """`target` becomes another name of `source` (a copy where hard links are not possible)."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copy2(source, target)


def link_shard(source: Path, target: Path) -> None:
    """Take the shard in folder `source` over into the new folder `target`, by hard links."""
    target.mkdir(parents=True)
    for path in source.iterdir():
        link_file(path, target / path.name)


# -- reading ------------------------------------------------------------------------------------

def read_passages(path: Path) -> tuple[list[Passage], list[str]]:
    passages, hashes = [], []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            try:
                row = json.loads(line)
                hashes.append(row.pop("hash", ""))
                passages.append(Passage.from_dict(row))
            except (ValueError, TypeError, AttributeError, KeyError) as exc:
                raise ValueError(f"{path.name} line {lineno} is not a passage") from exc
    return passages, hashes


def read_terms(folder: Path) -> TermCounts:
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    with np.load(folder / "terms.npz") as z:
        terms = TermCounts(vocab, z["ptr"], z["ids"], z["tf"], z["length"])
    if len(terms.ptr) != len(terms.length) + 1 or terms.ptr[-1] != len(terms.ids) or \
            (len(terms.ids) and int(terms.ids.max()) >= len(vocab)):
        raise ValueError(f"{folder.name}/terms.npz disagrees with itself")
    return terms


class StoredShard:
    """A shard of the previous version, as a build sees it: its documents and their rows."""

    FILES = ("vectors.npy", "passages.jsonl", "rows.npz", "terms.npz", "vocab.json")

    def __init__(self, folder: Path, shard: Shard, dim: int) -> None:
        """ValueError or OSError when the shard's files are missing or disagree with the manifest."""
        self.folder = folder
        self.shard = shard
        missing = [name for name in self.FILES if not (folder / name).is_file()]
        if missing:
            raise ValueError(f"shard {shard.name} lacks {', '.join(missing)}")
        if self.vectors.shape != (shard.rows, dim):
            raise ValueError(f"shard {shard.name}: vectors.npy is {self.vectors.shape}, not {(shard.rows, dim)}")
        with np.load(folder / "rows.npz") as z:
            self.doc_hashes = [h.decode() for h in z["documents"].tolist()]
            doc_rows = z["doc_rows"]
        self.doc_starts = np.zeros(len(doc_rows) + 1, dtype=np.int64)
        np.cumsum(doc_rows, out=self.doc_starts[1:])
        if self.doc_starts[-1] != shard.rows:
            raise ValueError(f"shard {shard.name}: its documents have {self.doc_starts[-1]} rows, not {shard.rows}")
        deleted = np.zeros(shard.rows + 1, dtype=bool)
        for start, stop in shard.deleted:
            deleted[start:stop] = True
        # a document counts while its rows do (one without rows always does)
        self.doc_kept = ~deleted[self.doc_starts[:-1]] | (doc_rows == 0)

    @functools.cached_property
    def passage_hashes(self) -> list[bytes]:
        with np.load(self.folder / "rows.npz") as z:
            hashes: list[bytes] = z["passages"].tolist()
        return hashes

    @functools.cached_property
    def vectors(self) -> np.ndarray:
        return np.load(self.folder / "vectors.npy", mmap_mode="r")

    def lines(self) -> list[bytes]:
        return (self.folder / "passages.jsonl").read_bytes().splitlines(keepends=True)

    def terms(self) -> TermCounts:
        return read_terms(self.folder)


# -- putting the shards together ----------------------------------------------------------------

@dataclass(frozen=True)
class Assembled:
    passages: list[Passage]
    dense: Any
    lexical: LexicalIndex
    vectors: ShardedVectors
    ids: np.ndarray | None  # FAISS id -> row, where they differ


def assemble(version: Path, shards: Sequence[Shard], spec: IndexSpec, dim: int) -> Assembled:
    """The searchable index of `shards` (rows in manifest order); OSError/ValueError when damaged."""
    import faiss

    passages: list[Passage] = []
    parts, kept, terms = [], [], []
    for shard in shards:
        folder = version / SHARDS / shard.name
        rows = shard.kept()
        got, _ = read_passages(folder / "passages.jsonl")
        part = VectorFile(folder / "vectors.npy")
        counts = read_terms(folder)
        if not len(got) == len(part) == len(counts.length) == shard.rows or part.shape[1] != dim:
            raise ValueError(f"shard {shard.name} is inconsistent ({len(got)} passages, {len(part)} vectors, "
                             f"{len(counts.length)} term rows, {shard.rows} in the manifest)")
        passages += got if rows is None else [got[i] for i in rows.tolist()]
        parts.append(part)
        kept.append(rows)
        terms.append(counts if rows is None else counts.take(rows))
    vectors = ShardedVectors(parts, kept, dim)
    lexical = TermCounts.join(terms).bm25() if terms else LexicalIndex.load(version, 0)
    ids = None
    dense: Any
    if spec.type == "flat":
        dense = faiss.IndexFlatIP(dim)
        for shard, rows in zip(shards, kept, strict=True):
            whole = np.load(version / SHARDS / shard.name / "vectors.npy", mmap_mode="r")
            dense.add(np.ascontiguousarray(whole if rows is None else whole[rows], dtype=np.float32))
    else:
        dense = faiss.read_index(str(version / QUANTIZER))
        offset, removed = 0, []
        for shard in shards:
            codes = faiss.read_index(str(version / SHARDS / shard.name / "dense.faiss"))
            if codes.ntotal != shard.rows:
                raise ValueError(f"shard {shard.name}: dense.faiss holds {codes.ntotal} vectors, not {shard.rows}")
            dense.merge_from(codes, offset)
            removed += [np.arange(offset + a, offset + b) for a, b in shard.deleted]
            offset += shard.rows
        if removed:
            dense.remove_ids(faiss.IDSelectorBatch(np.concatenate(removed).astype(np.int64)))
            ids = np.full(offset, -1, dtype=np.int64)
            live = np.concatenate([np.arange(s.rows) if r is None else r for s, r in zip(shards, kept, strict=True)])
            starts = np.repeat(np.cumsum([0] + [s.rows for s in shards])[:-1], [s.passages for s in shards])
            ids[live + starts] = np.arange(len(live))
    set_search_params(dense, spec)
    return Assembled(passages, dense, lexical, vectors, ids)
