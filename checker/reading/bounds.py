"""Bounded work: a check that stops at a deadline, or as soon as it is cancelled (the client of an
API request went away), between model calls small enough to end within a second.

`Bound` is the deadline and the cancel flag; `BoundedScorer` wraps a reader so that it scores
`BOUNDED_CHUNK` pairs a call and looks at the bound before each; `Stopped` is what a bounded
check raises, carrying the claims finished so far (`checker.pipeline.check_article` fills it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from checker.errors import CheckerError
from checker.reading.rerank import Scorer

BOUNDED_CHUNK = 16  # sentences or reader pairs per model call when a check has a Bound: each call is well under 1 s


class Stopped(CheckerError):
    """A check ended early: past its deadline, or cancelled (the client went away). `partial` holds
    the claims whose evidence was finished (a `checker.pipeline.CheckResult`), when the check got that far."""

    def __init__(self, reason: str, partial: Any = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.partial = partial


class Bound:
    """When a check must stop: `seconds` after it was made, or as soon as `cancel` is called from any
    thread. The check looks between model calls of at most `BOUNDED_CHUNK` items."""

    def __init__(self, seconds: float | None = None, *, setting: str = "CHECKER_REQUEST_SECONDS") -> None:
        self.seconds, self.setting = seconds, setting
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self._cancelled = threading.Event()
        self._why = ""

    def cancel(self, why: str) -> None:
        self._why = why
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def reason(self) -> str | None:
        if self._cancelled.is_set():
            return self._why
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return f"the check took longer than {self.seconds:g} s ({self.setting})"
        return None

    def check(self) -> None:
        why = self.reason()
        if why:
            raise Stopped(why)


class BoundedScorer:
    """A reader that scores `BOUNDED_CHUNK` pairs at a time and stops between chunks when its bound says so."""

    def __init__(self, reader: Scorer, bound: Bound) -> None:
        self.reader, self.bound = reader, bound
        self.floor = reader.floor
        self.folder = getattr(reader, "folder", None)  # rerank reads the suggestion rule beside the weights

    def score(self, claims: Sequence[str], passages: Sequence[str], *, dense: Sequence[float] | None = None,
              batch_size: int = 32) -> Any:
        parts = []
        for lo in range(0, len(claims), BOUNDED_CHUNK):
            self.bound.check()
            hi = lo + BOUNDED_CHUNK
            parts.append(self.reader.score(claims[lo:hi], passages[lo:hi], batch_size=batch_size,
                                           dense=None if dense is None else dense[lo:hi]))
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return self.reader.score([], [], dense=[] if dense is not None else None)
        return replace(parts[0], relevance=np.concatenate([x.relevance for x in parts]),
                       stance=np.concatenate([x.stance for x in parts]))
