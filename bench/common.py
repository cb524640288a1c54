"""Helpers shared by the benchmark scripts: machine description and RESULTS.md records."""

from __future__ import annotations

import os
import platform
import shlex
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
sys.path.insert(0, str(ROOT))


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def command_line() -> str:
    return "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])


def record(title: str, lines: list[str]) -> None:
    """Append one measurement to bench/RESULTS.md under a dated heading."""
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    block = [f"\n### {title} — {stamp}", f"- command: `{command_line()}`", f"- machine: {machine()}"]
    block += [f"- {line}" for line in lines]
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(block) + "\n")


def median_time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """Median wall time of `repeat` calls of `fn`."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
