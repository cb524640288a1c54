"""The evidence index: a versioned folder of shards, with a manifest that lists them.

The index path is a link to a version folder beside it; a build writes a new version and swaps
the link in one atomic step (`checker/evidence/folder.py`), so a reader finds the old index or
the new one, never none, and two builds at once both succeed. A version holds:
- `manifest.json`, written last: model, dimension, counts, corpus hash, FAISS index type and its
  search parameters, creation time, library versions, the passage splitter's version, and
  `shards`: each shard's name, rows, documents and the row ranges deleted from it since;
- `shards/NAME/`: one shard's passages, vectors and BM25 term counts (`checker/evidence/shards.py`);
- `quantizer.faiss` (IVF indexes only): the trained, empty FAISS index the shards' codes use.

Loading puts the shards together: FAISS inner-product search over L2-normalised embeddings,
exact (`flat`) for a small corpus, inverted lists with 8-bit codes (`ivf_sq8`) for a large one,
as `choose_index_type` decides (`checker/evidence/dense.py`); the exact vectors read row by
row; BM25 computed from the term counts. Rows follow the manifest's shard order.

A fresh build writes the documents, in the order given, as one shard. A rebuild takes the
unchanged shards over by hard link, writes one new shard for new and edited documents (their
rows come last) and marks the rows of removed or edited ones deleted. It compacts into one
shard again, in corpus order, reusing every embedding, when there would be more than
`max_shards` shards or more than `MAX_DELETED` of the rows deleted, or when the FAISS type or
IVF list count for the new size differs, or the splitter changed. An index of the flat format 1
(`dense.faiss`, `vectors.npy`, `passages.jsonl`, `bm25/`, `rows.json`, `terms.npz`) still
loads, and a rebuild over it reuses its rows and embeddings.
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
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from checker.errors import IndexMismatchError, IndexMissingError
from checker.evidence.corpus import corpus_hash, document_hash, split_passages
from checker.evidence.dense import (
    IndexSpec,
    ShardedVectors,
    VectorFile,
    choose_index_type,
    search_vectors,
    set_search_params,
    train_dense,
)
from checker.evidence.folder import new_version, recover, swap_in
from checker.evidence.lexical import LexicalIndex, tokenize
from checker.evidence.manifest import (
    FLAT_FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    DamagedIndexError,
    Manifest,
    broken,
    spec_of,
    versions,
)
from checker.evidence.reuse import PassageVectors, Previous, Rows, plan_increment, read_flat, read_shards, take_over
from checker.evidence.shards import (
    QUANTIZER,
    SHARDS,
    UNREADABLE,
    NewShard,
    Shard,
    StoredShard,
    assemble,
    link_file,
    link_shard,
    read_passages,
    write_shard,
)
from checker.text.embed import Embedder, normalise, same_model
from checker.types import Document, Passage

MAX_SHARDS = 8  # a build that would leave more shards compacts them into one (CHECKER_MAX_SHARDS)
MAX_DELETED = 0.25  # ...and so does one that would leave more than this share of the rows deleted
Progress = Callable[[int, int], None]
_UNLOADABLE: tuple[type[Exception], ...] = (*UNREADABLE, RuntimeError)  # RuntimeError: FAISS on a damaged file


@dataclass(frozen=True)
class BuildReport:
    folder: Path
    documents: int
    passages: int
    embedded: int
    reused: int
    seconds: float
    up_to_date: bool = False
    shards: int = 1  # in the index now
    compacted: bool = True  # written as one shard (a fresh build or a compaction), not as an increment
    damaged: str = ""  # why the index that was there could not be used, when it was rebuilt from scratch


class EvidenceIndex:
    """A loaded index: dense search, lexical scores and the passages behind the rows."""

    def __init__(self, folder: Path, manifest: Manifest, passages: list[Passage], dense: Any,
                 lexical: LexicalIndex, vectors: np.ndarray | VectorFile | ShardedVectors,
                 ids: np.ndarray | None = None) -> None:
        self.folder = folder
        self.manifest = manifest
        self.passages = passages
        self.dense = dense
        self.lexical = lexical
        self.vectors = vectors
        self.ids = ids  # FAISS id -> row, for an IVF index with deleted rows
        self.spec = spec_of(manifest, folder)

    def __len__(self) -> int:
        return len(self.passages)

    def search_dense(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, rows) per query row; padding rows (-1) are removed by callers."""
        k = max(1, min(k, len(self.passages)))
        return search_vectors(self.dense, self.vectors, self.spec, queries, k, self.ids)

    def check_model(self, model: str, dim: int | None = None) -> None:
        m = self.manifest
        if not same_model(m.model, model) or (dim is not None and dim != m.dim):
            raise IndexMismatchError(
                f"the index at {self.folder} was built with model {m.model!r} ({m.dim} dimensions) "
                f"but the workbench is set to use {model!r}"
                + (f" ({dim} dimensions)" if dim is not None else "")
                + f"; rebuild it with: python -m checker index --index {self.folder}"
            )


def _load_flat(version: Path, manifest: Manifest, spec: IndexSpec) -> EvidenceIndex:
    import faiss

    passages, _ = read_passages(version / "passages.jsonl")
    dense = faiss.read_index(str(version / "dense.faiss"))
    set_search_params(dense, spec)
    lexical = LexicalIndex.load(version / "bm25", len(passages))
    return EvidenceIndex(version, manifest, passages, dense, lexical, VectorFile(version / "vectors.npy"))


def load_index(folder: Path, *, model: str | None = None) -> EvidenceIndex:
    """Open the index in `folder`; with `model`, refuse one built with another model."""
    folder = Path(folder)
    for attempt in range(3):
        recover(folder)  # a build killed in the middle of its swap
        version = folder.resolve()  # every file from one version, even if a build swaps meanwhile
        try:
            index = _load_version(folder, version)
            break
        except (IndexMissingError, IndexMismatchError):
            if attempt == 2 or folder.resolve() == version:
                raise  # not a version removed by a newer build while it was being read
    if model is not None:
        index.check_model(model)
    return index


def _load_version(folder: Path, version: Path) -> EvidenceIndex:
    manifest = Manifest.read(version, folder)
    if manifest.format_version not in (FLAT_FORMAT, FORMAT_VERSION):
        raise broken(folder, f"has format {manifest.format_version}, this version reads {FORMAT_VERSION}")
    spec = spec_of(manifest, folder)
    try:
        if manifest.format_version == FLAT_FORMAT:
            index = _load_flat(version, manifest, spec)
        else:
            got = assemble(version, manifest.parts(), spec, manifest.dim)
            index = EvidenceIndex(version, manifest, got.passages, got.dense, got.lexical, got.vectors, got.ids)
    except _UNLOADABLE as exc:
        raise broken(folder, f"is incomplete or damaged ({type(exc).__name__}: {exc})", force=True) from exc
    dense, vectors, n = index.dense, index.vectors, len(index.passages)
    if dense.ntotal != n or dense.d != manifest.dim or len(vectors) != n or n != manifest.passages:
        raise broken(folder, f"is inconsistent ({dense.ntotal} vectors, {len(vectors)} rows in vectors.npy, "
                              f"{n} passages)", force=True)
    parts = index.vectors.parts if isinstance(index.vectors, ShardedVectors) else [index.vectors]
    for part in parts:  # a NaN vector would score NaN against every query: refuse it here, not in search
        if isinstance(part, VectorFile) and (row := part.non_finite_row()) is not None:
            where = part.path.relative_to(version) if part.path.is_relative_to(version) else part.path
            raise broken(folder, f"has a vector that is not finite (NaN or infinity) in {where}, row {row}",
                         force=True)
    index.folder = folder
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


def _is_current(folder: Path, digest: str, model: str, index_type: str | None) -> bool:
    """Whether `folder` holds the index of this corpus and model; False when it holds none.

    DamagedIndexError when its manifest is unreadable or names a format or FAISS type this
    version does not read: the caller says so, rather than taking it for "not built yet"."""
    try:
        m = Manifest.read(Path(folder))
    except IndexMissingError:
        return False
    if m.format_version not in (FLAT_FORMAT, FORMAT_VERSION):
        raise broken(folder, f"has format {m.format_version}, this version reads {FORMAT_VERSION}")
    return (same_model(m.model, model) and m.corpus_hash == digest
            and spec_of(m, folder) == choose_index_type(m.passages, index_type))


def is_up_to_date(folder: Path, documents: Sequence[Document], model: str) -> bool:
    """False also for a damaged index: `build_index` then rebuilds it and its report says why."""
    try:
        return _is_current(Path(folder), corpus_hash(documents), model, None)
    except DamagedIndexError:
        return False


class _Vanished(Exception):
    """The version a build was taking shards over from was removed by another build meanwhile."""


def build_index(
    documents: Sequence[Document],
    embedder: Embedder,
    folder: Path,
    *,
    batch_size: int = 32,
    progress: Progress | None = None,
    force: bool = False,
    index_type: str | None = None,
    max_shards: int = MAX_SHARDS,
) -> BuildReport:
    """Build the index for `documents` into `folder`, reusing what it holds for unchanged ones.

    A document whose hash is unchanged keeps its passages, embeddings and term counts; the
    passages of a new or edited document are split and counted, and embedded unless the old
    index has their exact text. `force` reuses nothing. `index_type` (one of INDEX_TYPES)
    overrides the choice by size. See the module's docstring for when shards are compacted.
    """
    started = time.perf_counter()
    folder = Path(folder)
    doc_hashes = [document_hash(d) for d in documents]
    digest = _corpus_digest(doc_hashes)
    damaged = ""
    if not force:
        try:
            current = _is_current(folder, digest, embedder.name, index_type)
        except DamagedIndexError as exc:  # rebuilt from scratch below, and reported
            current, damaged, force = False, exc.reason, True
        if current:
            m = Manifest.read(folder)
            return BuildReport(folder, m.documents, m.passages, 0, m.passages, 0.0, up_to_date=True,
                               shards=len(m.shards) or 1, compacted=False)
    for attempt in range(3):
        try:
            report = _build(documents, doc_hashes, digest, embedder, folder, batch_size=batch_size,
                            progress=progress, force=force, index_type=index_type, max_shards=max(1, max_shards))
            break
        except _Vanished:
            if attempt == 2:
                raise
    return BuildReport(folder, len(documents), report.passages, report.embedded, report.reused,
                       time.perf_counter() - started, shards=report.shards, compacted=report.compacted,
                       damaged=damaged or report.damaged)


def _build(documents: Sequence[Document], doc_hashes: list[str], digest: str, embedder: Embedder, folder: Path, *,
           batch_size: int, progress: Progress | None, force: bool, index_type: str | None,
           max_shards: int) -> BuildReport:
    dim = embedder.dim
    version = folder.resolve()  # read the previous index from one version, whatever swaps meanwhile
    manifest = None
    with contextlib.suppress(IndexMissingError, IndexMismatchError):  # none, or damaged: build afresh
        manifest = Manifest.read(version)
    usable = (not force and manifest is not None and same_model(manifest.model, embedder.name)
              and manifest.dim == dim)
    stored: list[StoredShard] = []
    damaged = ""
    if usable and manifest is not None and manifest.format_version == FORMAT_VERSION:
        try:
            stored = [StoredShard(version / SHARDS / s.name, s, dim) for s in manifest.parts()]
        except UNREADABLE as exc:
            if not version.exists():
                raise _Vanished() from exc
            usable = False  # a damaged shard: build afresh, and say so
            damaged = f"the index at {folder} has a damaged shard ({type(exc).__name__}: {exc})"
        usable = usable and (manifest.index_type == "flat" or (version / QUANTIZER).is_file())
    build = functools.partial(_write_version, folder, version, embedder, digest, len(documents), batch_size,
                              progress)
    if usable and manifest is not None and manifest.format_version == FORMAT_VERSION \
            and manifest.pipeline == _pipeline_version():
        plan = plan_increment(stored, documents, doc_hashes)
        fresh = [(doc, h, split_passages(doc)) for doc, h in plan.fresh]
        total = sum(s.passages for _, s in plan.kept) + sum(len(p) for _, _, p in fresh)
        spec = choose_index_type(total, index_type)
        old = spec_of(manifest, folder)
        shards = len(plan.kept) + any(p for _, _, p in fresh)
        if shards <= max_shards and plan.deleted_rows <= MAX_DELETED * plan.stored_rows \
                and (spec.type, spec.nlist) == (old.type, old.nlist):
            return build(spec, plan.kept, fresh, PassageVectors(stored), None)
    previous: Previous | None = None
    if usable and manifest is not None:
        try:
            previous = read_shards(stored, dim, manifest.pipeline == _pipeline_version()) if stored \
                else read_flat(version, dim, _pipeline_version())
        except UNREADABLE as exc:
            if not version.exists():
                raise _Vanished() from exc
            damaged = f"the index at {folder} is incomplete or damaged ({type(exc).__name__}: {exc})"
    old_rows = previous or Previous.nothing(dim)
    rows = take_over(documents, doc_hashes, old_rows, split_passages)
    spec = choose_index_type(len(rows.lines), index_type)
    return replace(build(spec, [], rows, None, old_rows), damaged=damaged)


def _write_version(folder: Path, version: Path, embedder: Embedder, digest: str, documents: int, batch_size: int,
                   progress: Progress | None, spec: IndexSpec,
                   kept: list[tuple[StoredShard, Shard]], fresh: list[tuple[Document, str, list[Passage]]] | Rows,
                   by_passage: PassageVectors | None, old: Previous | None) -> BuildReport:
    """Embed what is new, write the new shard, link the kept ones and swap the version in."""
    import faiss

    if isinstance(fresh, Rows):
        rows = fresh
    else:
        rows = Rows()
        for _, doc_hash, passages in fresh:
            rows.add_split(doc_hash, passages)
    dim = embedder.dim
    vectors, to_embed = rows.vectors(dim, old, by_passage)
    if to_embed:
        fresh_vectors = embedder.encode([text for text, _ in to_embed.values()], batch_size=batch_size,
                                        progress=progress)
        for vec, (_, at) in zip(normalise(fresh_vectors), to_embed.values(), strict=True):
            vectors[at] = vec
    terms = rows.terms(old)

    codes = quantizer = None
    if spec.type != "flat":
        if kept:  # the trained quantizer of the version the kept shards belong to
            codes = faiss.read_index(str(version / QUANTIZER))
        else:
            codes = train_dense(vectors, spec)
            quantizer = faiss.clone_index(codes)
        codes.add(np.ascontiguousarray(vectors))
    names = [int(s.name) for _, s in kept]
    name = f"{max(names) + 1 if names else 0:05d}"
    new_rows = len(rows.lines)
    shards = [s for _, s in kept] + ([Shard(name, new_rows, len(rows.doc_hashes))] if new_rows else [])
    out = Manifest(
        model=embedder.name, dim=dim, passages=sum(s.passages for s in shards), documents=documents,
        corpus_hash=digest, created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), index_type=spec.type,
        index_params=spec.params(), versions=dict(versions()), shards=[s.as_json() for s in shards],
        pipeline=_pipeline_version(),
    )
    tmp = new_version(folder)
    try:
        try:
            for stored, shard in kept:
                link_shard(stored.folder, tmp / SHARDS / shard.name)
            if kept and spec.type != "flat":
                link_file(version / QUANTIZER, tmp / QUANTIZER)
        except FileNotFoundError as exc:
            if not version.exists():
                raise _Vanished() from exc
            raise
        if quantizer is not None:
            faiss.write_index(quantizer, str(tmp / QUANTIZER))
        if new_rows:
            write_shard(tmp / SHARDS / name, NewShard(rows.lines, vectors, terms, rows.doc_hashes, rows.doc_rows,
                                                      rows.hashes), codes)
        with (tmp / MANIFEST).open("w", encoding="utf-8") as fh:  # last: it marks the version complete
            fh.write(json.dumps(asdict(out), indent=2))
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    swap_in(tmp, folder)
    return BuildReport(folder, documents, out.passages, len(to_embed), out.passages - len(to_embed), 0.0,
                       shards=len(shards), compacted=not kept)
