"""Embedding passages on a Ray cluster, for corpora that outgrow one machine.

`RayEmbedder` is an `Embedder`: `build_index` hands it only the passages that need embedding
(new or changed ones; unchanged passages are reused as in a local build), and it runs them as
a Ray Data job. `map_batches` runs a pool of workers, each loading the model once; every block
a worker returns is written as a shard (`shard-NNNNN.npz`: row numbers and vectors) in a
scratch folder as it arrives, and the shards are merged by row number into one array, which
`build_index` writes into the usual index folder (same ids, same manifest, same layout).

The index is swapped in only after every shard has arrived, so a job that fails leaves the
previous index answering. Ray is imported only when a `RayEmbedder` encodes something.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from checker.config import PROJECT_ROOT
from checker.errors import CheckerError
from checker.text.embed import Progress, get_embedder, normalise


class RayJobError(CheckerError):
    """The Ray job could not start or did not finish."""


def _reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast when nothing listens at HOST:PORT (Ray itself retries for minutes)."""
    import socket

    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout):
            pass
    except (OSError, ValueError) as exc:
        raise RayJobError(f"cannot connect to the Ray cluster at {address}: {exc}") from exc


class _EncodeBlocks:
    """One Ray worker: the model loads once, in the constructor, then encodes block after block."""

    def __init__(self, model: str, batch_size: int) -> None:
        self.embedder = get_embedder(model)
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.embedder.encode([str(t) for t in batch["text"]], batch_size=self.batch_size)
        return {"row": np.asarray(batch["row"], dtype=np.int64), "vector": vectors}


class RayEmbedder:
    """Encodes on a Ray cluster (`address`), or on a Ray started in this process when it is None."""

    def __init__(self, name: str, *, address: str | None = None, workers: int = 1, block_rows: int = 256,
                 scratch: Path | None = None) -> None:
        if workers < 1:
            raise RayJobError("--ray-workers must be at least 1")
        self.name = name
        self.address = address
        self.workers = workers
        self.block_rows = block_rows
        self.scratch = scratch
        self.shards_written = 0
        if address:
            _reachable(address)

    @property
    def dim(self) -> int:
        return get_embedder(self.name).dim

    def _connect(self) -> Any:
        try:
            import ray
        except ImportError as exc:
            raise RayJobError("--engine ray needs Ray: pip install -r requirements-ray.txt") from exc
        if ray.is_initialized():
            return ray
        env = {"PYTHONPATH": os.pathsep.join(p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH")) if p),
               "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        local: dict[str, Any] = {} if self.address else {"num_cpus": max(self.workers, 1)}
        try:
            ray.init(address=self.address, runtime_env={"env_vars": env}, include_dashboard=False,
                     log_to_driver=False, configure_logging=False, **local)
        except Exception as exc:  # ConnectionError, RuntimeError, ValueError: all mean "no cluster"
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray instance"
            raise RayJobError(f"cannot connect to {where}: {type(exc).__name__}: "
                              f"{str(exc).splitlines()[0] if str(exc) else ''}") from exc
        return ray

    def encode(self, texts: Sequence[str], *, batch_size: int = 32,
               progress: Progress | None = None) -> np.ndarray:
        texts = list(texts)
        dim = self.dim
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        ray = self._connect()
        scratch = Path(tempfile.mkdtemp(prefix="ray-shards-", dir=self.scratch))
        try:
            ds = ray.data.from_items([{"row": i, "text": t} for i, t in enumerate(texts)],
                                     override_num_blocks=max(1, -(-len(texts) // self.block_rows)))
            ds = ds.map_batches(_EncodeBlocks, fn_constructor_kwargs={"model": self.name, "batch_size": batch_size},
                                batch_size=self.block_rows, batch_format="numpy", concurrency=self.workers,
                                num_cpus=1)
            done = 0
            for k, block in enumerate(ds.iter_batches(batch_size=None, batch_format="numpy")):
                np.savez(scratch / f"shard-{k:05d}.npz", row=block["row"], vector=block["vector"])
                done += len(block["row"])
                self.shards_written = k + 1
                if progress:
                    progress(done, len(texts))
            return self._merge(scratch, len(texts), dim)
        except CheckerError:
            raise
        except Exception as exc:  # Ray raises many types (RayTaskError, ActorDiedError, ...)
            raise RayJobError(f"the Ray embedding job failed: {type(exc).__name__}: "
                              f"{str(exc).strip().splitlines()[0] if str(exc).strip() else ''}; "
                              "the previous index is unchanged") from exc
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    @staticmethod
    def _merge(scratch: Path, n: int, dim: int) -> np.ndarray:
        """Every shard's vectors placed at their row numbers; each row exactly once."""
        out = np.zeros((n, dim), dtype=np.float32)
        seen = np.zeros(n, dtype=bool)
        for shard in sorted(scratch.glob("shard-*.npz")):
            with np.load(shard) as part:
                rows = part["row"]
                if seen[rows].any():
                    raise RayJobError(f"{shard.name}: rows embedded twice")
                out[rows] = part["vector"]
                seen[rows] = True
        if not seen.all():
            raise RayJobError(f"the Ray job returned {int(seen.sum())} of {n} passages")
        return normalise(out)
