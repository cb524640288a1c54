"""A check under its request's bounds: at most `CHECKER_REQUEST_SECONDS`, and no longer than the
client stays connected.

The check runs in a worker thread with a `checker.reading.bounds.Bound`; the request's task
looks at the connection every `POLL` seconds and cancels the bound when the client has gone,
so the worker stops at its next small model call (well within a second). A check past its
deadline answers 504 with the JSON error and the claims finished so far (`install` adds that
handler); a cancelled one is logged with what it had finished.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from checker.reading.bounds import Bound, Stopped

POLL = 0.2  # seconds between looks at the client's connection
GONE = "the client disconnected"
log = logging.getLogger("checker.api")
T = TypeVar("T")


async def run_bounded(request: Request, seconds: float, work: Callable[[Bound], T]) -> T:
    """`work(bound)` in a worker thread; the bound ends it at `seconds` or when the client disconnects."""
    bound = Bound(seconds)
    task = asyncio.ensure_future(run_in_threadpool(work, bound))
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=POLL)
            if not task.done() and not bound.cancelled and await request.is_disconnected():
                bound.cancel(GONE)
        return task.result()
    except Stopped as exc:
        done = len(exc.partial.reports) if exc.partial is not None else 0
        log.warning("a check stopped: %s; %d claims were finished", exc.reason, done)
        raise
    except asyncio.CancelledError:  # the server is shutting down: let the worker stop too
        bound.cancel("the server is shutting down")
        raise


def stopped_body(exc: Stopped) -> dict[str, Any]:
    """The JSON error of a stopped check: its reason, and the `check --json` object of what was finished."""
    partial = exc.partial.to_dict() if exc.partial is not None else {"claims": [], "notes": []}
    finished = len(partial["claims"])
    return {"error": f"{exc.reason}; the {finished:,} claims below were finished, the rest were not searched"} \
        | partial


def install(app: FastAPI) -> None:
    """Answer a stopped check with 504 and the claims finished so far (499 when the client has gone)."""

    @app.exception_handler(Stopped)
    async def stopped(_: Request, exc: Stopped) -> JSONResponse:
        return JSONResponse(stopped_body(exc), status_code=499 if exc.reason == GONE else 504)
