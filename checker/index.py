"""The evidence index: a folder with a FAISS index, BM25, the passages and a manifest.

Folder layout:
- `manifest.json`: model, dimension, counts, corpus hash, creation time, library versions;
- `dense.faiss`: FAISS inner-product index over L2-normalised passage embeddings;
- `vectors.npy`: the same embeddings, the cache that lets a rebuild skip unchanged passages;
- `passages.jsonl`: the passages with their metadata and content hash, one per row;
- `bm25/`: the bm25s model over the same passages.

Writes go to a temporary folder that replaces the old one only when complete.
"""

from __future__ import annotations

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

from checker.corpus import corpus_hash, split_passages
from checker.embed import DEFAULT_ALIASES, Embedder, normalise
from checker.errors import IndexMismatchError, IndexMissingError
from checker.lexical import LexicalIndex
from checker.types import Document, Passage

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
Progress = Callable[[int, int], None]


def same_model(a: str, b: str) -> bool:
    """True when two model names mean the same model."""
    a_l, b_l = a.strip().lower(), b.strip().lower()
    return a_l == b_l or (a_l in DEFAULT_ALIASES and b_l in DEFAULT_ALIASES)


def passage_hash(passage: Passage) -> str:
    return hashlib.sha256(passage.embedding_text().encode("utf-8", "surrogatepass")).hexdigest()


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
                 dense: Any, lexical: LexicalIndex, vectors: np.ndarray) -> None:
        self.folder = folder
        self.manifest = manifest
        self.passages = passages
        self.dense = dense
        self.lexical = lexical
        self.vectors = vectors

    def __len__(self) -> int:
        return len(self.passages)

    def search_dense(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, rows) per query row; padding rows (-1) are removed by callers."""
        k = max(1, min(k, len(self.passages)))
        scores, rows = self.dense.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return scores, rows

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
    try:
        passages, _ = _read_passages(folder / "passages.jsonl")
        dense = faiss.read_index(str(folder / "dense.faiss"))
        lexical = LexicalIndex.load(folder / "bm25", len(passages))
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
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


def _previous_vectors(folder: Path, model: str, dim: int) -> dict[str, np.ndarray]:
    """Embeddings of the index already in `folder`, by passage hash, if its model matches."""
    try:
        manifest = Manifest.read(folder)
        if not same_model(manifest.model, model) or manifest.dim != dim:
            return {}
        _, hashes = _read_passages(folder / "passages.jsonl")
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
    except Exception:  # an unreadable old index is simply not reused
        return {}
    if len(hashes) != len(vectors):
        return {}
    return {h: vectors[i] for i, h in enumerate(hashes) if h}


def is_up_to_date(folder: Path, documents: Sequence[Document], model: str) -> bool:
    try:
        m = Manifest.read(Path(folder))
    except Exception:
        return False
    return (m.format_version == FORMAT_VERSION and same_model(m.model, model)
            and m.corpus_hash == corpus_hash(documents))


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
) -> BuildReport:
    """Build the index for `documents` into `folder`, reusing embeddings of unchanged passages."""
    import faiss

    started = time.perf_counter()
    folder = Path(folder)
    if not force and is_up_to_date(folder, documents, embedder.name):
        m = Manifest.read(folder)
        return BuildReport(folder, m.documents, m.passages, 0, m.passages, 0.0, up_to_date=True)

    passages = [p for d in documents for p in split_passages(d)]
    hashes = [passage_hash(p) for p in passages]
    dim = embedder.dim
    cache = {} if force else _previous_vectors(folder, embedder.name, dim)
    missing = sorted({h: i for i, h in enumerate(hashes) if h not in cache}.items(),
                     key=lambda kv: kv[1])
    if missing:
        fresh = embedder.encode([passages[i].embedding_text() for _, i in missing],
                                batch_size=batch_size, progress=progress)
        for (h, _), vec in zip(missing, fresh, strict=True):
            cache[h] = vec
    vectors = (normalise(np.stack([cache[h] for h in hashes])) if passages
               else np.zeros((0, dim), dtype=np.float32))

    dense = faiss.IndexFlatIP(dim)
    if len(vectors):
        dense.add(vectors)
    lexical = LexicalIndex.build([p.embedding_text() for p in passages])
    manifest = Manifest(
        model=embedder.name,
        dim=dim,
        passages=len(passages),
        documents=len(documents),
        corpus_hash=corpus_hash(documents),
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        versions=_versions(),
    )

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    faiss.write_index(dense, str(tmp / "dense.faiss"))
    np.save(tmp / "vectors.npy", vectors)
    with (tmp / "passages.jsonl").open("w", encoding="utf-8") as fh:
        for p, h in zip(passages, hashes, strict=True):
            fh.write(json.dumps({**p.to_dict(), "hash": h}, ensure_ascii=False) + "\n")
    lexical.save(tmp / "bm25")
    (tmp / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")
    _fsync_tree(tmp)
    _replace_folder(tmp, folder)
    embedded = len(missing)
    return BuildReport(folder, len(documents), len(passages), embedded,
                       len(passages) - embedded, time.perf_counter() - started)


def _replace_folder(new: Path, target: Path) -> None:
    """Put `new` where `target` is; the old folder is only removed after the swap."""
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
