"""The evidence index: a folder with a FAISS index, BM25, the passages and a manifest.

Folder layout:
- `manifest.json`: model, dimension, counts, corpus hash, FAISS index type and its search
  parameters, creation time, library versions;
- `dense.faiss`: FAISS inner-product index (see `checker/evidence/dense.py`) over L2-normalised embeddings, exact
  (`flat`) for a small corpus, inverted lists with 8-bit codes (`ivf_sq8`) for a large one,
  as `choose_index_type` decides;
- `vectors.npy`: the same embeddings in float32, read row by row when loaded (`VectorFile`): the
  exact cosine of search candidates, and the cache that lets a rebuild skip unchanged passages;
- `passages.jsonl`: the passages with their metadata and content hash, one per row;
- `bm25/`: the bm25s model over the same passages;
- `rows.json`, `terms.npz`: each row's document and passage hash and its BM25 term counts, so
  that a rebuild takes unchanged documents over without splitting, tokenising or embedding them.

The index path is a link to a versioned folder beside it; a build writes a new version and
swaps the link in one atomic step (`checker/evidence/folder.py`), so a reader finds the old
index or the new one, never none, and two builds at once both succeed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from checker.errors import IndexMismatchError, IndexMissingError
from checker.evidence.corpus import corpus_hash, document_hash, split_passages
from checker.evidence.dense import (
    IndexSpec,
    VectorFile,
    build_dense,
    choose_index_type,
    search_vectors,
    set_search_params,
)
from checker.evidence.folder import fsync_tree, new_version, recover, swap_in
from checker.evidence.lexical import LexicalIndex, TermCounts, tokenize
from checker.text.embed import Embedder, normalise, same_model
from checker.types import Document, Passage

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ROWS = "rows.json"
TERMS = "terms.npz"
Progress = Callable[[int, int], None]


def passage_hash(passage: Passage) -> str:
    return hashlib.sha256(passage.embedding_text().encode("utf-8", "surrogatepass")).hexdigest()


@functools.lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("faiss-cpu", "sentence-transformers", "torch", "bm25s", "numpy"):
        with contextlib.suppress(PackageNotFoundError):
            out[pkg] = version(pkg)
    return out


@dataclass(frozen=True)
class Manifest:
    model: str
    dim: int
    passages: int
    documents: int
    corpus_hash: str
    created: str
    index_type: str = "flat"
    format_version: int = FORMAT_VERSION
    versions: dict[str, str] = field(default_factory=dict)
    index_params: dict[str, int] = field(default_factory=dict)  # absent before: a flat index

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.exists():
            raise IndexMissingError(
                f"no index at {folder}; build it with: python -m checker index --index {folder}"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError(f"a JSON {type(data).__name__}, not an object")
            names = cls.__dataclass_fields__
            return cls(**{k: v for k, v in data.items() if k in names})
        except (ValueError, TypeError, OSError) as exc:
            raise _broken(folder, f"has a damaged manifest {path.name} ({exc})") from exc


def _broken(folder: Path, what: str) -> IndexMismatchError:
    return IndexMismatchError(f"the index at {folder} {what}; rebuild it with: "
                              f"python -m checker index --index {folder}")


def _spec(manifest: Manifest, folder: Path) -> IndexSpec:
    """The FAISS index type the manifest records, or a rebuild hint."""
    try:
        return IndexSpec.from_params(manifest.index_type, manifest.index_params or {})
    except ValueError as exc:
        raise _broken(folder, f"has index type {manifest.index_type!r} with {manifest.index_params}, "
                              "which this version does not read") from exc


@dataclass(frozen=True)
class BuildReport:
    folder: Path
    documents: int
    passages: int
    embedded: int
    reused: int
    seconds: float
    up_to_date: bool = False


class EvidenceIndex:
    """A loaded index: dense search, lexical scores and the passages behind the rows."""

    def __init__(self, folder: Path, manifest: Manifest, passages: list[Passage],
                 dense: Any, lexical: LexicalIndex, vectors: np.ndarray | VectorFile) -> None:
        self.folder = folder
        self.manifest = manifest
        self.passages = passages
        self.dense = dense
        self.lexical = lexical
        self.vectors = vectors
        self.spec = _spec(manifest, folder)

    def __len__(self) -> int:
        return len(self.passages)

    def search_dense(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, rows) per query row; padding rows (-1) are removed by callers."""
        k = max(1, min(k, len(self.passages)))
        return search_vectors(self.dense, self.vectors, self.spec, queries, k)

    def check_model(self, model: str, dim: int | None = None) -> None:
        m = self.manifest
        if not same_model(m.model, model) or (dim is not None and dim != m.dim):
            raise IndexMismatchError(
                f"the index at {self.folder} was built with model {m.model!r} ({m.dim} dimensions) "
                f"but the workbench is set to use {model!r}"
                + (f" ({dim} dimensions)" if dim is not None else "")
                + f"; rebuild it with: python -m checker index --index {self.folder}"
            )


def _read_passages(path: Path) -> tuple[list[Passage], list[str]]:
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


def load_index(folder: Path, *, model: str | None = None) -> EvidenceIndex:
    """Open the index in `folder`; with `model`, refuse one built with another model."""
    import faiss

    folder = Path(folder)
    recover(folder)  # a build killed in the middle of its swap
    manifest = Manifest.read(folder)
    if manifest.format_version != FORMAT_VERSION:
        raise _broken(folder, f"has format {manifest.format_version}, this version reads {FORMAT_VERSION}")
    spec = _spec(manifest, folder)
    try:
        passages, _ = _read_passages(folder / "passages.jsonl")
        dense = faiss.read_index(str(folder / "dense.faiss"))
        set_search_params(dense, spec)
        lexical = LexicalIndex.load(folder / "bm25", len(passages))
        vectors = VectorFile(folder / "vectors.npy")
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        raise _broken(folder, f"is incomplete or damaged ({type(exc).__name__}: {exc})") from exc
    if dense.ntotal != len(passages) or dense.d != manifest.dim or len(vectors) != len(passages):
        raise _broken(folder, f"is inconsistent ({dense.ntotal} vectors, {len(vectors)} rows in vectors.npy, "
                              f"{len(passages)} passages)")
    index = EvidenceIndex(folder, manifest, passages, dense, lexical, vectors)
    if model is not None:
        index.check_model(model)
    return index


# -- building -----------------------------------------------------------------------------------

_PROBE = Document("probe", "Probe", " ".join(
    f"On Jan. {i} the U.S. said {i * 1000:,} troops were massing; talks didn't achieve a breakthrough."
    for i in range(1, 30)))


@functools.lru_cache(maxsize=1)
def _pipeline_version() -> str:
    """Changes when passage splitting or tokenising does, so that old rows are not taken over."""
    passages = split_passages(_PROBE)
    probe = [[p.start, p.end, tokenize(p.embedding_text())] for p in passages]
    return hashlib.sha256(json.dumps(probe).encode()).hexdigest()[:16]


def _corpus_digest(doc_hashes: Sequence[str]) -> str:
    """`corpus_hash` of the documents with these `document_hash`es."""
    h = hashlib.sha256()
    for digest in sorted(doc_hashes):
        h.update(digest.encode())
    return h.hexdigest()


@dataclass(frozen=True)
class _Previous:
    """What the index already in a folder offers a rebuild."""

    vectors: np.ndarray  # memory-mapped
    passage_hashes: list[str]
    rows_of_document: dict[str, list[int]]  # document hash -> its rows; empty for an older index
    lines: list[bytes]  # passages.jsonl, one per row; empty for an older index
    terms: TermCounts

    @functools.cached_property
    def row_of_passage(self) -> dict[str, int]:
        return {h: i for i, h in enumerate(self.passage_hashes) if h}


def _read_previous(folder: Path, model: str, dim: int) -> _Previous | None:
    """The index in `folder` if it was built with this model; None if there is none to reuse."""
    try:
        manifest = Manifest.read(folder)
        if not same_model(manifest.model, model) or manifest.dim != dim:
            return None
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        rows = json.loads((folder / ROWS).read_text(encoding="utf-8")) if (folder / ROWS).exists() else {}
        hashes = rows.get("passages")
        if hashes is None:  # an index from before rows.json: embeddings only
            _, hashes = _read_passages(folder / "passages.jsonl")
        if len(hashes) != len(vectors) or vectors.shape[1:] != (dim,):
            return None
    except Exception:  # an unreadable old index is simply not reused
        return None
    try:
        if rows.get("version") != _pipeline_version():
            raise ValueError("rows split or tokenised differently")
        with np.load(folder / TERMS) as z:
            terms = TermCounts(rows["vocab"], z["ptr"], z["ids"], z["tf"], z["length"])
        lines = (folder / "passages.jsonl").read_bytes().splitlines(keepends=True)
        if not (len(lines) == len(rows["documents"]) == len(terms.length) == len(hashes)
                and len(terms.ptr) == len(hashes) + 1 and terms.ptr[-1] == len(terms.ids)):
            raise ValueError("rows disagree")
    except Exception:  # older or damaged rows: reuse the embeddings only
        return _Previous(vectors, hashes, {}, [], TermCounts.empty())
    by_document: dict[str, list[int]] = {}
    for row, doc in enumerate(rows["documents"]):
        by_document.setdefault(doc, []).append(row)
    return _Previous(vectors, hashes, by_document, lines, terms)


def _is_current(folder: Path, digest: str, model: str, index_type: str | None) -> bool:
    try:
        m = Manifest.read(Path(folder))
        return (m.format_version == FORMAT_VERSION and same_model(m.model, model) and m.corpus_hash == digest
                and _spec(m, folder) == choose_index_type(m.passages, index_type))
    except Exception:
        return False


def is_up_to_date(folder: Path, documents: Sequence[Document], model: str) -> bool:
    return _is_current(Path(folder), corpus_hash(documents), model, None)


def build_index(
    documents: Sequence[Document],
    embedder: Embedder,
    folder: Path,
    *,
    batch_size: int = 32,
    progress: Progress | None = None,
    force: bool = False,
    index_type: str | None = None,
) -> BuildReport:
    """Build the index for `documents` into `folder`, reusing what it holds for unchanged ones.

    A document whose hash is unchanged keeps its passages, embeddings and term counts; the
    passages of a new or edited document are split and counted, and embedded unless the old
    index has their exact text. `force` reuses nothing. `index_type` (one of INDEX_TYPES)
    overrides the choice by size.
    """

    started = time.perf_counter()
    folder = Path(folder)
    doc_hashes = [document_hash(d) for d in documents]
    digest = _corpus_digest(doc_hashes)
    if not force and _is_current(folder, digest, embedder.name, index_type):
        m = Manifest.read(folder)
        return BuildReport(folder, m.documents, m.passages, 0, m.passages, 0.0, up_to_date=True)

    dim = embedder.dim
    prev = None if force else _read_previous(folder, embedder.name, dim)
    old = prev if prev is not None else _Previous(np.zeros((0, dim), np.float32), [], {}, [], TermCounts.empty())

    # rows: taken over from the previous index (`source` >= 0), or split now (`fresh`)
    lines: list[bytes] = []
    hashes: list[str] = []
    row_docs: list[str] = []
    source: list[int] = []
    fresh: list[Passage] = []
    for doc, doc_hash in zip(documents, doc_hashes, strict=True):
        kept = old.rows_of_document.get(doc_hash)
        if kept is not None:
            lines += [old.lines[r] for r in kept]
            hashes += [old.passage_hashes[r] for r in kept]
            source += kept
            row_docs += [doc_hash] * len(kept)
            continue
        for p in split_passages(doc):
            h = passage_hash(p)
            lines.append((json.dumps({**p.to_dict(), "hash": h}, ensure_ascii=False) + "\n").encode("utf-8"))
            hashes.append(h)
            source.append(-1)
            row_docs.append(doc_hash)
            fresh.append(p)
    src = np.asarray(source, dtype=np.int64)
    is_new = src < 0

    vectors = np.empty((len(src), dim), dtype=np.float32)
    vectors[~is_new] = old.vectors[src[~is_new]]
    to_embed: dict[str, tuple[str, list[int]]] = {}
    for row, p in zip(np.flatnonzero(is_new).tolist(), fresh, strict=True):
        seen = old.row_of_passage.get(hashes[row])
        if seen is not None:
            vectors[row] = old.vectors[seen]
        else:
            to_embed.setdefault(hashes[row], (p.embedding_text(), []))[1].append(row)
    if to_embed:
        fresh_vectors = embedder.encode([text for text, _ in to_embed.values()], batch_size=batch_size,
                                        progress=progress)
        for vec, (_, rows) in zip(normalise(fresh_vectors), to_embed.values(), strict=True):
            vectors[rows] = vec

    new_terms = TermCounts.count([p.embedding_text() for p in fresh], old.terms.vocab)
    picked = np.where(is_new, len(old.terms.length) + np.cumsum(is_new) - 1, src)
    terms = old.terms.concat(new_terms).take(picked)
    spec = choose_index_type(len(src), index_type)
    dense = build_dense(vectors, spec)
    manifest = Manifest(
        model=embedder.name,
        dim=dim,
        passages=len(src),
        documents=len(documents),
        corpus_hash=digest,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        index_type=spec.type,
        index_params=spec.params(),
        versions=dict(_versions()),
    )

    tmp = new_version(folder)
    rows_file = {"version": _pipeline_version(), "documents": row_docs, "passages": hashes, "vocab": terms.vocab}
    try:
        _write(tmp, dense, vectors, lines, terms, rows_file, manifest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    swap_in(tmp, folder)
    return BuildReport(folder, len(documents), len(src), len(to_embed), len(src) - len(to_embed),
                       time.perf_counter() - started)


def _write(tmp: Path, dense: Any, vectors: np.ndarray, lines: list[bytes], terms: TermCounts,
           rows_file: dict[str, Any], manifest: Manifest) -> None:
    """Every file of the index into the new version folder `tmp`; the manifest last."""
    import faiss

    faiss.write_index(dense, str(tmp / "dense.faiss"))
    np.save(tmp / "vectors.npy", vectors)
    with (tmp / "passages.jsonl").open("wb") as fh:
        fh.writelines(lines)
    terms.bm25().save(tmp / "bm25")
    np.savez(tmp / TERMS, ptr=terms.ptr, ids=terms.ids, tf=terms.tf, length=terms.length)
    (tmp / ROWS).write_text(json.dumps(rows_file), encoding="utf-8")
    fsync_tree(tmp)
    with (tmp / MANIFEST).open("w", encoding="utf-8") as fh:  # last: it marks the version complete
        fh.write(json.dumps(asdict(manifest), indent=2))
        fh.flush()
        os.fsync(fh.fileno())
