"""The evidence index: a folder with a FAISS index, BM25, the passages and a manifest.

Folder layout:
- `manifest.json`: model, dimension, counts, corpus hash, FAISS index type and its search
  parameters, creation time, library versions;
- `dense.faiss`: FAISS inner-product index over L2-normalised passage embeddings, exact
  (`flat`) for a small corpus, inverted lists with 8-bit codes (`ivf_sq8`) for a large one,
  as `choose_index_type` decides;
- `vectors.npy`: the same embeddings in float32, read row by row when loaded (`VectorFile`): the
  exact cosine of search candidates, and the cache that lets a rebuild skip unchanged passages;
- `passages.jsonl`: the passages with their metadata and content hash, one per row;
- `bm25/`: the bm25s model over the same passages;
- `rows.json`, `terms.npz`: each row's document and passage hash and its BM25 term counts, so
  that a rebuild takes unchanged documents over without splitting, tokenising or embedding them.

Writes go to a temporary folder that replaces the old one only when complete.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from checker.corpus import corpus_hash, document_hash, split_passages
from checker.embed import DEFAULT_ALIASES, Embedder, normalise
from checker.errors import IndexMismatchError, IndexMissingError
from checker.lexical import LexicalIndex, tokenize
from checker.types import Document, Passage

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ROWS = "rows.json"
TERMS = "terms.npz"
Progress = Callable[[int, int], None]

# The index for the size, measured with bench/search_scale.py (figures in bench/RESULTS.md).
INDEX_TYPES = ("flat", "ivf_sq8")
FLAT_MAX = 50_000  # below this many passages, exact search: a few ms per query, nothing to train
SCAN_FRACTION = 0.06  # IVF: probe enough lists to scan this share of the vectors...
MIN_SCAN = 30_000  # ...and at least this many, for recall@10 >= 0.95 against exact search
RERANK = 50  # IVF: candidates re-scored with their exact vectors before the top k is kept
TRAIN_PER_LIST = 50  # IVF: training vectors per list (FAISS wants at least 39)


def same_model(a: str, b: str) -> bool:
    """True when two model names mean the same model."""
    a_l, b_l = a.strip().lower(), b.strip().lower()
    return a_l == b_l or (a_l in DEFAULT_ALIASES and b_l in DEFAULT_ALIASES)


def passage_hash(passage: Passage) -> str:
    return hashlib.sha256(passage.embedding_text().encode("utf-8", "surrogatepass")).hexdigest()


@functools.lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("faiss-cpu", "sentence-transformers", "torch", "bm25s", "numpy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            continue
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
            names = cls.__dataclass_fields__
            return cls(**{k: v for k, v in data.items() if k in names})
        except (ValueError, TypeError) as exc:
            raise IndexMismatchError(
                f"the index manifest {path} is damaged ({exc}); rebuild it with: "
                f"python -m checker index --index {folder}"
            ) from exc


@dataclass(frozen=True)
class IndexSpec:
    """A FAISS index type with its parameters."""

    type: str = "flat"
    nlist: int = 0  # IVF: number of lists (k-means cells)
    nprobe: int = 0  # IVF: lists searched per query
    rerank: int = 0  # candidates re-scored with the exact vectors; 0 when scores are exact already

    def params(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if k != "type" and v}

    @classmethod
    def from_manifest(cls, manifest: Manifest, folder: Path) -> IndexSpec:
        params = manifest.index_params or {}
        try:
            spec = cls(manifest.index_type, **{k: int(v) for k, v in params.items() if k != "type"})
            if spec.type not in INDEX_TYPES or (spec.type != "flat" and min(spec.nlist, spec.nprobe) < 1):
                raise ValueError(spec)
        except (TypeError, ValueError) as exc:
            raise IndexMismatchError(
                f"the index at {folder} has index type {manifest.index_type!r} with {params}, which this "
                f"version does not read; rebuild it with: python -m checker index --index {folder}"
            ) from exc
        return spec


def choose_index_type(n: int, index_type: str | None = None) -> IndexSpec:
    """The FAISS index for `n` passages: exact below FLAT_MAX, else IVF with 8-bit codes.

    IVF: about 2·sqrt(n) lists (a power of two, each with TRAIN_PER_LIST training vectors),
    enough of them probed to scan max(SCAN_FRACTION · n, MIN_SCAN) vectors, and the best RERANK
    candidates re-scored exactly. `index_type` forces a type; too few passages to train an IVF
    index (fewer than TRAIN_PER_LIST) always get a flat one.
    """
    kind = index_type or ("flat" if n < FLAT_MAX else "ivf_sq8")
    if kind not in INDEX_TYPES:
        raise ValueError(f"unknown index type {kind!r}; choose one of: {', '.join(INDEX_TYPES)}")
    if kind == "flat" or n < TRAIN_PER_LIST:
        return IndexSpec("flat")
    nlist = min(2 ** round(math.log2(2 * math.sqrt(n))), 2 ** int(math.log2(n // TRAIN_PER_LIST)))
    nprobe = min(nlist, math.ceil(nlist * max(SCAN_FRACTION, MIN_SCAN / n)))
    return IndexSpec("ivf_sq8", nlist=nlist, nprobe=nprobe, rerank=RERANK)


def build_dense(vectors: np.ndarray, spec: IndexSpec) -> Any:
    """The FAISS index `spec` describes, over `vectors` (L2-normalised float32 rows)."""
    import faiss

    dim = vectors.shape[1]
    dense: Any
    if spec.type == "flat":
        dense = faiss.IndexFlatIP(dim)
    else:
        dense = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dim), dim, spec.nlist,
                                              faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
        size = min(len(vectors), spec.nlist * TRAIN_PER_LIST)
        sample = np.sort(np.random.default_rng(0).choice(len(vectors), size, replace=False))
        dense.train(np.ascontiguousarray(vectors[sample]))
    if len(vectors):
        dense.add(np.ascontiguousarray(vectors, dtype=np.float32))
    set_search_params(dense, spec)
    return dense


def set_search_params(dense: Any, spec: IndexSpec) -> None:
    """Apply `spec`'s search parameters to a built or loaded index; refuse one of another type."""
    import faiss

    if spec.type == "flat":
        if not isinstance(dense, faiss.IndexFlat):
            raise ValueError(f"expected a flat index, found {type(dense).__name__}")
        return
    ivf = faiss.extract_index_ivf(dense)  # raises for a non-IVF index
    if ivf.nlist != spec.nlist:
        raise ValueError(f"expected {spec.nlist} lists, found {ivf.nlist}")
    ivf.nprobe = spec.nprobe


class VectorFile:
    """The rows of a 2-d .npy file, read from disk when asked for.

    Search wants the exact vectors of a few candidate rows per query. Read with `os.pread`, they
    stay out of the process's resident memory (the kernel's page cache may keep them, and gives
    that back under pressure). A memory map would count every page it touches as resident, and
    the kernel maps the cached neighbourhood of each touched page too: after a few thousand
    queries the whole file counts, as much again as the vectors themselves.
    """

    def __init__(self, path: Path) -> None:
        with Path(path).open("rb") as fh:
            version = np.lib.format.read_magic(fh)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read_header(fh)
            self._offset = fh.tell()
        if len(shape) != 2 or fortran:
            raise ValueError(f"{path} is not a row-major matrix")
        self.path = Path(path)
        self.shape: tuple[int, int] = (int(shape[0]), int(shape[1]))
        self.dtype = np.dtype(dtype)
        self._row_bytes = self.dtype.itemsize * self.shape[1]
        self._fd = os.open(path, os.O_RDONLY)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: Any) -> np.ndarray:
        """Rows by index, slice or sequence of indices (negative ones count from the end)."""
        if isinstance(key, int | np.integer):
            return self._rows(np.array([key]))[0]
        if isinstance(key, slice):
            return self._rows(np.arange(len(self))[key])
        return self._rows(np.asarray(key, dtype=np.int64).reshape(-1))

    def _rows(self, rows: np.ndarray) -> np.ndarray:
        rows = np.where(rows < 0, rows + len(self), rows)
        if rows.size and (rows.min() < 0 or rows.max() >= len(self)):
            raise IndexError(f"row out of range for {len(self)} vectors")
        out = np.empty((len(rows), self.shape[1]), dtype=self.dtype)
        for i, row in enumerate(rows.tolist()):
            data = os.pread(self._fd, self._row_bytes, self._offset + row * self._row_bytes)
            out[i] = np.frombuffer(data, dtype=self.dtype)
        return out

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        whole = np.fromfile(self.path, dtype=self.dtype, count=self.shape[0] * self.shape[1],
                            offset=self._offset).reshape(self.shape)
        return whole if dtype is None else whole.astype(dtype)

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)


def _faiss_search(dense: Any, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """`dense.search`; a single query runs on one thread. FAISS's threads cost it more than they
    bring (exact search over 50k vectors: 3.7 ms on one thread, 8-24 ms on two when the machine
    is busy). The thread count is per calling thread, so other threads are not affected."""
    if len(queries) != 1:
        return dense.search(queries, k)
    import faiss

    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return dense.search(queries, k)
    finally:
        faiss.omp_set_num_threads(threads)


def search_vectors(dense: Any, vectors: np.ndarray | VectorFile, spec: IndexSpec, queries: np.ndarray,
                   k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, rows) per query; rows are -1 where fewer than k were found.

    With `spec.rerank`, the index proposes max(k, rerank) candidates whose exact cosine, from
    `vectors`, decides the order: 8-bit codes alone blur near ties.
    """
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    if not spec.rerank:
        return _faiss_search(dense, queries, k)
    _, candidates = _faiss_search(dense, queries, max(k, spec.rerank))
    scores = np.full((len(queries), k), -np.finfo(np.float32).max, dtype=np.float32)
    rows = np.full((len(queries), k), -1, dtype=np.int64)
    for i, found in enumerate(candidates):
        found = found[found >= 0]
        exact = np.asarray(vectors[found], dtype=np.float32) @ queries[i]
        best = np.argsort(-exact, kind="stable")[:k]
        scores[i, : len(best)] = exact[best]
        rows[i, : len(best)] = found[best]
    return scores, rows


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
        self.spec = IndexSpec.from_manifest(manifest, folder)

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
        for line in fh:
            row = json.loads(line)
            hashes.append(row.pop("hash", ""))
            passages.append(Passage.from_dict(row))
    return passages, hashes


def load_index(folder: Path, *, model: str | None = None) -> EvidenceIndex:
    """Open the index in `folder`; with `model`, refuse one built with another model."""
    import faiss

    folder = Path(folder)
    manifest = Manifest.read(folder)
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"the index at {folder} has format {manifest.format_version}, this version reads "
            f"{FORMAT_VERSION}; rebuild it with: python -m checker index --index {folder}"
        )
    spec = IndexSpec.from_manifest(manifest, folder)
    try:
        passages, _ = _read_passages(folder / "passages.jsonl")
        dense = faiss.read_index(str(folder / "dense.faiss"))
        set_search_params(dense, spec)
        lexical = LexicalIndex.load(folder / "bm25", len(passages))
        vectors = VectorFile(folder / "vectors.npy")
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        raise IndexMismatchError(
            f"the index at {folder} is incomplete or damaged ({type(exc).__name__}); "
            f"rebuild it with: python -m checker index --index {folder}"
        ) from exc
    if dense.ntotal != len(passages) or dense.d != manifest.dim or len(vectors) != len(passages):
        raise IndexMismatchError(
            f"the index at {folder} is inconsistent ({dense.ntotal} vectors, {len(passages)} "
            f"passages); rebuild it with: python -m checker index --index {folder}"
        )
    index = EvidenceIndex(folder, manifest, passages, dense, lexical, vectors)
    if model is not None:
        index.check_model(model)
    return index


# -- BM25 from term counts ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Terms:
    """BM25 term counts per row, as CSR: row i holds the terms `ids[ptr[i]:ptr[i + 1]]` of
    `vocab`, `tf` times each; `length` is the row's number of tokens."""

    vocab: list[str]
    ptr: np.ndarray  # int64, one more than rows
    ids: np.ndarray  # int32
    tf: np.ndarray  # int32
    length: np.ndarray  # int32

    @classmethod
    def empty(cls) -> _Terms:
        return cls([], np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int32))

    @classmethod
    def count(cls, texts: Sequence[str], vocab: Sequence[str]) -> _Terms:
        """Term counts of `texts`, with term ids from `vocab` extended by their new terms."""
        ids_of = {t: i for i, t in enumerate(vocab)}
        tokens = [[ids_of.setdefault(t, len(ids_of)) for t in tokenize(text)] for text in texts]
        length = np.array([len(t) for t in tokens], dtype=np.int32)
        size = max(len(ids_of), 1)
        keys = np.repeat(np.arange(len(texts), dtype=np.int64), length) * size
        keys += np.fromiter((i for row in tokens for i in row), dtype=np.int64, count=int(length.sum()))
        keys, tf = np.unique(keys, return_counts=True)  # sorted by row, then term
        ptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys // size, minlength=len(texts)), out=ptr[1:])
        return cls(list(ids_of), ptr, (keys % size).astype(np.int32), tf.astype(np.int32), length)

    def concat(self, other: _Terms) -> _Terms:
        """These rows, then `other`'s (whose vocabulary extends this one's)."""
        return _Terms(other.vocab, np.concatenate([self.ptr, other.ptr[1:] + self.ptr[-1]]),
                      np.concatenate([self.ids, other.ids]), np.concatenate([self.tf, other.tf]),
                      np.concatenate([self.length, other.length]))

    def take(self, rows: np.ndarray) -> _Terms:
        """The given rows, in that order, without the terms none of them uses."""
        sizes = self.ptr[rows + 1] - self.ptr[rows]
        ptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(sizes, out=ptr[1:])
        at = np.repeat(self.ptr[rows] - ptr[:-1], sizes) + np.arange(ptr[-1])
        ids = self.ids[at]
        used = np.flatnonzero(np.bincount(ids, minlength=len(self.vocab)))
        if len(used) == len(self.vocab):
            return _Terms(self.vocab, ptr, ids, self.tf[at], self.length[rows])
        renumber = np.zeros(len(self.vocab), dtype=np.int32)
        renumber[used] = np.arange(len(used), dtype=np.int32)
        return _Terms([self.vocab[i] for i in used], ptr, renumber[ids], self.tf[at], self.length[rows])

    def bm25(self) -> LexicalIndex:
        """The bm25s model that `LexicalIndex.build` makes of the same texts, computed from the
        counts with numpy (bm25s's own build loops over every token in Python)."""
        import bm25s

        model = bm25s.BM25()
        n = len(self.length)
        if not n:
            return LexicalIndex(model, 0)
        if model.method != "lucene" or model.idf_method not in (None, "lucene"):
            raise RuntimeError(f"bm25s defaults changed (method {model.method!r}); update checker/index.py")
        df = np.bincount(self.ids, minlength=len(self.vocab))
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        # the term-frequency part as bm25s computes it: float64, then float32 scores
        doc_len = np.repeat(self.length.astype(np.float64), np.diff(self.ptr))
        tf = self.tf.astype(np.float64)
        k1, b, avg_len = model.k1, model.b, self.length.mean()
        scores = (idf[self.ids] * (tf / (k1 * ((1 - b) + b * doc_len / avg_len) + tf))).astype(np.float32)
        # bm25s keeps the scores by term (CSC); numpy sorts 16-bit keys by radix, much faster
        keys = self.ids.astype(np.uint16) if len(self.vocab) < 2**16 else self.ids
        order = np.argsort(keys, kind="stable")
        vocab = {t: i for i, t in enumerate(self.vocab)}
        vocab.setdefault("", len(vocab))  # bm25s's empty token, as `index` adds it
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.ids, minlength=len(vocab)), out=indptr[1:])
        rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(self.ptr))
        # the attributes `BM25.index` sets
        model.scores = {"data": scores[order], "indices": rows[order], "indptr": indptr, "num_docs": n}
        model.nonoccurrence_array = None  # only BM25L and BM25+ have one
        model.vocab_dict = vocab
        model.unique_token_ids_set = set(vocab.values())
        return LexicalIndex(model, n)


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
    terms: _Terms

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
            terms = _Terms(rows["vocab"], z["ptr"], z["ids"], z["tf"], z["length"])
        lines = (folder / "passages.jsonl").read_bytes().splitlines(keepends=True)
        if not (len(lines) == len(rows["documents"]) == len(terms.length) == len(hashes)
                and len(terms.ptr) == len(hashes) + 1 and terms.ptr[-1] == len(terms.ids)):
            raise ValueError("rows disagree")
    except Exception:  # older or damaged rows: reuse the embeddings only
        return _Previous(vectors, hashes, {}, [], _Terms.empty())
    by_document: dict[str, list[int]] = {}
    for row, doc in enumerate(rows["documents"]):
        by_document.setdefault(doc, []).append(row)
    return _Previous(vectors, hashes, by_document, lines, terms)


def _is_current(folder: Path, digest: str, model: str, index_type: str | None) -> bool:
    try:
        m = Manifest.read(Path(folder))
        return (m.format_version == FORMAT_VERSION and same_model(m.model, model) and m.corpus_hash == digest
                and IndexSpec.from_manifest(m, folder) == choose_index_type(m.passages, index_type))
    except Exception:
        return False


def is_up_to_date(folder: Path, documents: Sequence[Document], model: str) -> bool:
    return _is_current(Path(folder), corpus_hash(documents), model, None)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())


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
    import faiss

    started = time.perf_counter()
    folder = Path(folder)
    doc_hashes = [document_hash(d) for d in documents]
    digest = _corpus_digest(doc_hashes)
    if not force and _is_current(folder, digest, embedder.name, index_type):
        m = Manifest.read(folder)
        return BuildReport(folder, m.documents, m.passages, 0, m.passages, 0.0, up_to_date=True)

    dim = embedder.dim
    prev = None if force else _read_previous(folder, embedder.name, dim)
    old = prev if prev is not None else _Previous(np.zeros((0, dim), np.float32), [], {}, [], _Terms.empty())

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

    new_terms = _Terms.count([p.embedding_text() for p in fresh], old.terms.vocab)
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

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    faiss.write_index(dense, str(tmp / "dense.faiss"))
    np.save(tmp / "vectors.npy", vectors)
    with (tmp / "passages.jsonl").open("wb") as fh:
        fh.writelines(lines)
    terms.bm25().save(tmp / "bm25")
    np.savez(tmp / TERMS, ptr=terms.ptr, ids=terms.ids, tf=terms.tf, length=terms.length)
    rows_file = {"version": _pipeline_version(), "documents": row_docs, "passages": hashes, "vocab": terms.vocab}
    (tmp / ROWS).write_text(json.dumps(rows_file), encoding="utf-8")
    (tmp / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")
    _fsync_tree(tmp)
    _replace_folder(tmp, folder)
    return BuildReport(folder, len(documents), len(src), len(to_embed), len(src) - len(to_embed),
                       time.perf_counter() - started)


def _replace_folder(new: Path, target: Path) -> None:
    """Put `new` where `target` is; the old folder is only removed after the swap."""
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
