"""Shared, cached resources: one model, index and store per server process, not per tab."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from checker.config import Settings, load_settings

if TYPE_CHECKING:  # imported when first used, so that the first page appears sooner
    from checker.index import EvidenceIndex
    from checker.retrieve import Retriever
    from checker.store import VerdictStore


def settings() -> Settings:
    return load_settings()


def _stamp(folder: Path) -> str:
    """Changes whenever the index on disk is rebuilt, so caches refresh."""
    from checker.index import Manifest

    try:
        return Manifest.read(folder).created + str((folder / "manifest.json").stat().st_mtime_ns)
    except Exception:
        return "missing"


@st.cache_resource(show_spinner="Opening the evidence index…", max_entries=2)
def _index(folder: str, stamp: str) -> EvidenceIndex:
    from checker.index import load_index

    return load_index(Path(folder))


@st.cache_resource(show_spinner="Loading the language model (first time only)…", max_entries=2)
def _retriever(folder: str, model: str, stamp: str) -> Retriever:
    from checker.embed import get_embedder
    from checker.retrieve import Retriever

    cfg = settings()
    index = _index(folder, stamp)
    return Retriever(index, get_embedder(model), config=cfg.retrieval_config())


@st.cache_resource(show_spinner=False, max_entries=4)
def _store(url: str) -> VerdictStore:
    from checker.store import VerdictStore

    return VerdictStore(url)


def index() -> EvidenceIndex:
    folder = settings().index
    return _index(str(folder), _stamp(folder))


def retriever() -> Retriever:
    cfg = settings()
    return _retriever(str(cfg.index), cfg.model, _stamp(cfg.index))


def store() -> VerdictStore:
    return _store(settings().db)
