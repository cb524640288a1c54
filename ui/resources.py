"""Shared, cached resources: one model, index and store per server process, not per tab."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from checker.config import Settings, load_settings
from checker.errors import CheckerError

if TYPE_CHECKING:  # imported when first used, so that the first page appears sooner
    from checker.evidence.index import EvidenceIndex
    from checker.evidence.retrieve import Retriever
    from checker.verdicts.store import VerdictStore


def settings() -> Settings:
    return load_settings()


def _stamp(folder: Path) -> str:
    """Changes whenever the index on disk is rebuilt, so caches refresh."""
    from checker.evidence.index import Manifest

    try:
        return Manifest.read(folder).created + str((folder / "manifest.json").stat().st_mtime_ns)
    except (CheckerError, OSError):  # none or damaged (loading it says which), or swapped out meanwhile
        return "missing"


@st.cache_resource(show_spinner="Opening the evidence index…", max_entries=2)
def _index(folder: str, stamp: str) -> EvidenceIndex:
    from checker.evidence.index import load_index

    return load_index(Path(folder))


_warm_lock = threading.Lock()
_warm: dict[str, Any] = {}  # model name -> {"thread", "error", "seconds"}
_checked: set[str] = set()  # models that have finished a check in this process: loaded, whatever the warm-up says


WARM_TEXT = "Officials said 100,000 troops were massed near the border on Friday."
# what the warm-up does, in order, with the seconds each took on this 2-core machine (for the progress bar)
WARM_STAGES = (("importing the engine (torch, sentence-transformers)", 7.0),
               ("opening the evidence index and the embedder", 2.0),
               ("loading the reader", 2.0),
               ("loading the check-worthiness model and running each model once", 4.0))


def _load_model(model: str) -> None:
    """In a background thread: open the index, load the models (embedder, check-worthiness,
    reader) and run one check of a sentence, so that the first real check waits for none of it."""
    state = _warm[model]
    started = time.perf_counter()
    state["error"] = "an unexpected error (its traceback is in the server's log)"  # unless it gets through
    try:
        _stage(state, 0)
        importlib.import_module("checker.workbench")
        from checker.pipeline import check_article, reader_options

        cfg = settings()
        _stage(state, 1)
        loaded = retriever()
        _stage(state, 2)
        options = reader_options(cfg)
        _stage(state, 3)
        check_article(WARM_TEXT, retriever=loaded, top_k=cfg.top_k, **options)
        state["error"] = None
    except CheckerError as exc:  # shown on the page; the check itself reports it properly
        state["error"] = (str(exc) or type(exc).__name__).splitlines()[0][:200]
    finally:  # any other error goes on to the thread's excepthook, which logs it
        state["seconds"] = time.perf_counter() - started


def _stage(state: dict[str, Any], stage: int) -> None:
    state["stage"], state["stage_started"] = stage, time.perf_counter()


def warm_progress(state: dict[str, Any], now: float) -> tuple[float, str]:
    """How far a warm-up is, 0..1, and what it is waiting for: each stage counts as its share of the
    expected time, and moves on within the stage as the seconds pass (never past 95% of it)."""
    stage = int(state.get("stage", 0))
    total = sum(seconds for _, seconds in WARM_STAGES)
    done = sum(seconds for _, seconds in WARM_STAGES[:stage])
    what, expected = WARM_STAGES[min(stage, len(WARM_STAGES) - 1)]
    within = min(0.95, (now - state.get("stage_started", now)) / expected) * expected
    return min(1.0, (done + within) / total), f"Loading the models ({stage + 1} of {len(WARM_STAGES)}): {what}…"


def wait_until_warm(show: Callable[[float, str], None], *, poll: float = 0.25) -> None:
    """Start the warm-up if it has not started, and wait for it, telling `show` where it is every `poll` s,
    so that a first check's progress bar moves from the first second."""
    warm_up()
    state = _warm.get(settings().model)
    if state is None or state["thread"] is threading.current_thread():
        return
    while state["thread"].is_alive():
        show(*warm_progress(state, time.perf_counter()))
        state["thread"].join(poll)


def warm_up() -> None:
    """Start loading the model in the background (once per server process)."""
    model = settings().model
    with _warm_lock:
        if model not in _warm:
            thread = threading.Thread(target=_load_model, args=(model,), name=f"warm-{model}", daemon=True)
            _warm[model] = {"thread": thread, "error": None, "seconds": None}
            thread.start()


def mark_ready() -> None:
    """A check has finished: the configured model is loaded (and the sidebar says so)."""
    _checked.add(settings().model)


def model_status() -> str:
    """'loading', 'ready' or 'failed: …' for the configured model."""
    if settings().model in _checked:
        return "ready"
    state = _warm.get(settings().model)
    if state is None:
        return "loading" if settings().warm_up else "loads with the first check"
    if state["thread"].is_alive():
        return "loading"
    return f"failed: {state['error']}" if state["error"] else "ready"


def _wait_for_warm_up(model: str) -> None:
    state = _warm.get(model)
    if state is not None and state["thread"] is not threading.current_thread():
        state["thread"].join()


@st.cache_resource(show_spinner="Loading the language model (first time only)…", max_entries=2)
def _retriever(folder: str, model: str, stamp: str) -> Retriever:
    from checker.evidence.retrieve import Retriever
    from checker.text.embed import get_embedder

    _wait_for_warm_up(model)  # never load the same model twice at once
    cfg = settings()
    index = _index(folder, stamp)
    return Retriever(index, get_embedder(model), config=cfg.retrieval_config())


@st.cache_resource(show_spinner=False, max_entries=4)
def _store(url: str) -> VerdictStore:
    from checker.verdicts.store import VerdictStore

    return VerdictStore(url)


def index() -> EvidenceIndex:
    folder = settings().index
    return _index(str(folder), _stamp(folder))


def retriever() -> Retriever:
    cfg = settings()
    return _retriever(str(cfg.index), cfg.model, _stamp(cfg.index))


def store() -> VerdictStore:
    return _store(settings().db)


def upload_limit_mb() -> int:
    """The upload limit in whole megabytes, as the file uploader states it (never above the real one)."""
    return max(1, settings().max_upload_bytes // 1_000_000)
