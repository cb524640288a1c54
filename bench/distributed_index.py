"""Indexing throughput on Ray (1 and 2 workers) against the single-process build, in one run.

    python bench/distributed_index.py [--passages 6000] [--no-record]

The corpus: synthetic short news sentences, one passage each (the same generator shape as the
Ray test). Each build starts from an empty folder and embeds every passage with the real
model. The Ray builds join one Ray instance started once for the run (its start-up is
reported apart: a cluster is already running where this matters); each includes its workers'
model loading. On this 2-core machine no gain is expected: the ratios show Ray's overhead.
A Ray worker has one CPU and so one torch thread; the single process is also timed on one
thread, and "per core" compares each worker with it (2 workers against twice its throughput).

As root the script re-runs itself in a network namespace of its own with only the loopback
interface (Ray binds every interface), as the tests do.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import record

from checker.config import DEFAULT_MODEL
from checker.evidence.distributed import RayEmbedder
from checker.evidence.index import build_index
from checker.text.embed import get_embedder
from checker.types import Document


def documents(n: int) -> list[Document]:
    rng = np.random.default_rng(7)
    subjects = "ministers troops negotiators diplomats officials analysts farmers engineers".split()
    verbs = "met discussed rejected approved reported estimated questioned welcomed".split()
    objects = "proposal border budget treaty figures talks plan sanctions".split()
    return [Document(f"s{i}", "", f"In report {i}, {rng.choice(subjects)} {rng.choice(verbs)} the "
                     f"{rng.choice(objects)} on day {int(rng.integers(1, 366))} of year {2000 + i % 25}.")
            for i in range(n)]


def timed_build(docs: list[Document], embedder: object, folder: Path) -> float:
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    build_index(docs, embedder, folder)  # type: ignore[arg-type]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=6000)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if os.geteuid() == 0 and not args.inside and shutil.which("unshare"):
        inner = f"ip link set lo up && exec {sys.executable} {' '.join(sys.argv)} --inside"
        sys.exit(subprocess.call(["unshare", "--net", "sh", "-c", inner]))

    import ray

    docs = documents(args.passages)
    work = Path(tempfile.mkdtemp(prefix="bench-ray-"))
    try:
        get_embedder(DEFAULT_MODEL).encode(["warm up"])  # model loaded before the local timing
        local = timed_build(docs, get_embedder(DEFAULT_MODEL), work / "local")
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # what one Ray worker (num_cpus=1) gets: Ray's overhead like for like
        try:
            local1 = timed_build(docs, get_embedder(DEFAULT_MODEL), work / "local1")
        finally:
            torch.set_num_threads(threads)
        started = time.perf_counter()
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
                 runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1", "PYTHONPATH": str(Path(__file__).parents[1])}})
        ray_start = time.perf_counter() - started
        results = {"passages": args.passages, "local_s": round(local, 1), "local_one_thread_s": round(local1, 1),
                   "ray_start_s": round(ray_start, 1)}
        for workers in (1, 2):
            seconds = timed_build(docs, RayEmbedder(DEFAULT_MODEL, workers=workers), work / f"ray{workers}")
            results[f"ray{workers}_s"] = round(seconds, 1)
            results[f"ray{workers}_ratio"] = round(local / seconds, 3)
            # per core: the workers' throughput against `workers` one-thread processes (each worker has one core)
            results[f"ray{workers}_ratio_per_core"] = round(local1 / (workers * seconds), 3)
        print(json.dumps(results))
        if not args.no_record:
            record("distributed_index", [
                f"{args.passages:,} synthetic one-sentence passages, every one embedded; Ray started once "
                f"in {ray_start:.1f} s (not counted)",
                f"single process: {local:.1f} s ({args.passages / local:.0f} passages/s)",
                *(f"Ray, {w} worker{'s' if w > 1 else ''}: {results[f'ray{w}_s']} s "
                  f"({args.passages / results[f'ray{w}_s']:.0f} passages/s), throughput "
                  f"{results[f'ray{w}_ratio']:.2f}x the single process (overhead "
                  f"{(1 / results[f'ray{w}_ratio'] - 1) * 100:.0f}%)" for w in (1, 2)),
                f"single process on one thread (what one worker gets): {local1:.1f} s; per core, Ray runs at "
                + ", ".join(f"{results[f'ray{w}_ratio_per_core']:.2f}x with {w} worker{'s' if w > 1 else ''}"
                            for w in (1, 2))
                + " of it (overhead " + ", ".join(f"{(1 / results[f'ray{w}_ratio_per_core'] - 1) * 100:.0f}%"
                                                  for w in (1, 2)) + "; target under 15%)",
            ])
    finally:
        ray.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
