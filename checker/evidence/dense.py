"""Dense search with FAISS: which index suits the corpus size, building and searching it, and
reading the exact vectors row by row.

Exact inner-product search (`flat`) for a small corpus; inverted lists with 8-bit codes
(`ivf_sq8`) for a large one, whose best candidates are re-scored with their exact vectors.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

# The index for the size, measured with bench/search_scale.py (figures in bench/RESULTS.md).
INDEX_TYPES = ("flat", "ivf_sq8")
FLAT_MAX = 50_000  # below this many passages, exact search: a few ms per query, nothing to train
SCAN_FRACTION = 0.06  # IVF: probe enough lists to scan this share of the vectors...
MIN_SCAN = 30_000  # ...and at least this many, for recall@10 >= 0.95 against exact search
RERANK = 50  # IVF: candidates re-scored with their exact vectors before the top k is kept
TRAIN_PER_LIST = 50  # IVF: training vectors per list (FAISS wants at least 39)


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
    def from_params(cls, index_type: str, params: dict[str, int]) -> IndexSpec:
        """The spec a manifest records; ValueError when this version cannot read it."""
        try:
            spec = cls(index_type, **{k: int(v) for k, v in params.items() if k != "type"})
        except TypeError as exc:
            raise ValueError(f"unknown index parameters {params}") from exc
        if spec.type not in INDEX_TYPES or (spec.type != "flat" and min(spec.nlist, spec.nprobe) < 1):
            raise ValueError(f"unreadable index type {index_type!r} with {params}")
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


def train_dense(vectors: np.ndarray, spec: IndexSpec) -> Any:
    """The empty FAISS index `spec` describes, trained (IVF) on a sample of `vectors`."""
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
    return dense


def build_dense(vectors: np.ndarray, spec: IndexSpec) -> Any:
    """The FAISS index `spec` describes, over `vectors` (L2-normalised float32 rows), in one step.

    What `bench/search_scale.py` measures at a million passages; the index folder builds the same
    thing shard by shard (`train_dense`, then each shard's codes)."""
    dense = train_dense(vectors, spec)
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


class RowMatrix:
    """A read-only (rows x dim) matrix that fetches only the rows asked for; subclasses
    implement `_fetch` for checked, non-negative row numbers."""

    shape: tuple[int, int]
    dtype: np.dtype

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
        return self._fetch(rows)

    def _fetch(self, rows: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class VectorFile(RowMatrix):
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
        if os.path.getsize(path) < self._offset + self._row_bytes * self.shape[0]:
            raise ValueError(f"{self.path.name} is shorter than its {self.shape[0]} rows: it was cut off")
        self._fd = os.open(path, os.O_RDONLY)

    def _fetch(self, rows: np.ndarray) -> np.ndarray:
        out = np.empty((len(rows), self.shape[1]), dtype=self.dtype)
        for i, row in enumerate(rows.tolist()):
            data = os.pread(self._fd, self._row_bytes, self._offset + row * self._row_bytes)
            out[i] = np.frombuffer(data, dtype=self.dtype)
        return out

    def non_finite_row(self, chunk_bytes: int = 1 << 24) -> int | None:
        """The first row holding NaN or infinity, or None; read in chunks that do not stay resident."""
        per_chunk = max(1, chunk_bytes // max(1, self._row_bytes))
        for start in range(0, self.shape[0], per_chunk):
            n = min(per_chunk, self.shape[0] - start)
            data = os.pread(self._fd, n * self._row_bytes, self._offset + start * self._row_bytes)
            bad = ~np.isfinite(np.frombuffer(data, dtype=self.dtype).reshape(n, self.shape[1])).all(axis=1)
            if bad.any():
                return start + int(np.argmax(bad))
        return None

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        whole = np.fromfile(self.path, dtype=self.dtype, count=self.shape[0] * self.shape[1],
                            offset=self._offset).reshape(self.shape)
        return whole if dtype is None else whole.astype(dtype)

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)


class ShardedVectors(RowMatrix):
    """Several vector files (or arrays) as one matrix: each part's kept rows, one part after another.

    An index made of shards reads its exact vectors through this; rows are fetched from each
    part as that part fetches them (a `VectorFile` reads them from disk when asked).
    """

    def __init__(self, parts: Sequence[Any], kept: Sequence[np.ndarray | None], dim: int) -> None:
        self.parts = list(parts)
        self.kept = list(kept)  # per part: the rows of it that count, in order; None: all of them
        sizes = [len(p) if k is None else len(k) for p, k in zip(self.parts, self.kept, strict=True)]
        self.starts = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=self.starts[1:])
        self.shape: tuple[int, int] = (int(self.starts[-1]), dim)
        self.dtype = np.dtype(np.float32)

    def _fetch(self, rows: np.ndarray) -> np.ndarray:
        out = np.empty((len(rows), self.shape[1]), dtype=np.float32)
        part_of = np.searchsorted(self.starts, rows, side="right") - 1
        for part in np.unique(part_of).tolist():
            at = np.flatnonzero(part_of == part)
            local = rows[at] - self.starts[part]
            kept = self.kept[part]
            out[at] = self.parts[part][local if kept is None else kept[local]]
        return out

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = np.empty(self.shape, dtype=np.float32)
        for part, kept, start, stop in zip(self.parts, self.kept, self.starts[:-1], self.starts[1:], strict=True):
            whole = np.asarray(part, dtype=np.float32)
            out[start:stop] = whole if kept is None else whole[kept]
        return out if dtype is None else out.astype(dtype)


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


def search_vectors(dense: Any, vectors: np.ndarray | VectorFile | ShardedVectors, spec: IndexSpec,
                   queries: np.ndarray, k: int, ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, rows) per query; rows are -1 where fewer than k were found.

    With `spec.rerank`, the index proposes max(k, rerank) candidates whose exact cosine, from
    `vectors`, decides the order: 8-bit codes alone blur near ties. `ids`, when given, maps the
    ids FAISS holds to rows of `vectors` (an index of shards with removed rows numbers its
    entries by their place in the shards' files).
    """
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    if not spec.rerank:
        scores, found = _faiss_search(dense, queries, k)
        return scores, found if ids is None else np.where(found >= 0, ids[np.maximum(found, 0)], -1)
    _, candidates = _faiss_search(dense, queries, max(k, spec.rerank))
    if ids is not None:
        candidates = np.where(candidates >= 0, ids[np.maximum(candidates, 0)], -1)
    scores = np.full((len(queries), k), -np.finfo(np.float32).max, dtype=np.float32)
    rows = np.full((len(queries), k), -1, dtype=np.int64)
    for i, found in enumerate(candidates):
        found = found[found >= 0]
        exact = np.asarray(vectors[found], dtype=np.float32) @ queries[i]
        best = np.argsort(-exact, kind="stable")[:k]
        scores[i, : len(best)] = exact[best]
        rows[i, : len(best)] = found[best]
    return scores, rows
