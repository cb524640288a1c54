"""What an index version says about itself: `manifest.json`, written last, marks it complete."""

from __future__ import annotations

import contextlib
import functools
import json
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.errors import IndexMismatchError, IndexMissingError
from checker.evidence.dense import IndexSpec
from checker.evidence.shards import Shard

FORMAT_VERSION = 2  # a version folder of shards (checker/evidence/shards.py)
FLAT_FORMAT = 1  # one folder with every file, no shards: still read
MANIFEST = "manifest.json"


@functools.lru_cache(maxsize=1)
def versions() -> dict[str, str]:
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
    shards: list[dict[str, Any]] = field(default_factory=list)  # format 2: `Shard.as_json()` of each
    pipeline: str = ""  # format 2: the splitter's version (`_pipeline_version`) the shards were split with

    @classmethod
    def read(cls, folder: Path, shown: Path | None = None) -> Manifest:
        """The manifest in `folder`; errors name `shown` (the index path) instead when given."""
        shown = shown or folder
        path = folder / MANIFEST
        if not path.exists():
            raise IndexMissingError(
                f"no index at {shown}; build it with: python -m checker index --index {shown}"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError(f"a JSON {type(data).__name__}, not an object")
            names = cls.__dataclass_fields__
            manifest = cls(**{k: v for k, v in data.items() if k in names})
            manifest._check_types()
            manifest.parts()
            return manifest
        except (ValueError, TypeError, OSError) as exc:
            raise broken(shown, f"has a damaged manifest {path.name} ({exc})") from exc

    def _check_types(self) -> None:
        """TypeError naming the first field whose JSON value has the wrong type."""
        for name, hint in typing.get_type_hints(type(self)).items():
            kind = typing.get_origin(hint) or hint  # dict[str, str] -> dict
            value = getattr(self, name)
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise TypeError(f"{name} is {type(value).__name__}, not {kind.__name__}")

    def parts(self) -> list[Shard]:
        return [Shard.from_json(s) for s in self.shards]


class DamagedIndexError(IndexMismatchError):
    """An index folder that cannot be read as it is; `reason` is the message without the rebuild hint."""

    reason: str = ""


def broken(folder: Path, what: str, *, force: bool = False) -> DamagedIndexError:
    """The error for an index that cannot be read; `force` when only a rebuild that reuses nothing mends it
    (a plain one takes unchanged shards over as they are)."""
    command = f"python -m checker index --index {folder}" + (" --force" if force else "")
    exc = DamagedIndexError(f"the index at {folder} {what}; rebuild it with: {command}")
    exc.reason = f"the index at {folder} {what}"
    return exc


def spec_of(manifest: Manifest, folder: Path) -> IndexSpec:
    """The FAISS index type the manifest records, or a rebuild hint."""
    try:
        return IndexSpec.from_params(manifest.index_type, manifest.index_params or {})
    except ValueError as exc:
        raise broken(folder, f"has index type {manifest.index_type!r} with {manifest.index_params}, "
                              "which this version does not read") from exc
