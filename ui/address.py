"""The page address carries the article and the claim (`?article=12&claim=345`), so a reload, a
bookmark or a link sent to a colleague opens the same article at the same claim, from the store
and without checking it again."""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

import streamlit as st

from ui import resources
from ui.queue_panel import reviewer
from ui.text import escape_markdown

if TYPE_CHECKING:
    from checker import workbench as wb


def _number(name: str) -> int | None:
    raw = st.query_params.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        st.query_params.pop(name, None)
        return None


def reopen(engine: ModuleType) -> None:
    """Before the page is drawn: open the article the address names, if it is not open yet."""
    article_id = _number("article")
    work: wb.Workbench | None = st.session_state.get("work")
    if article_id is None or (work is not None and work.article_id == article_id):
        return
    cfg = resources.settings()
    reopened = engine.reopen_article(article_id, store=resources.store(), settings=cfg)
    if reopened is None:
        st.error(escape_markdown(f"No checked article #{article_id} in the verdict database."))
        st.query_params.pop("article", None)
        st.query_params.pop("claim", None)
        return
    st.session_state["work"] = reopened
    st.session_state["article"] = reopened.text
    st.session_state.update(meta_title=reopened.title, meta_source=reopened.source or "",
                            meta_url=reopened.url or "", meta_date=reopened.published or "")
    claim_id = _number("claim")
    if claim_id is not None and any(c.claim_id == claim_id for c in reopened.claims):
        st.session_state["selected_claim"] = claim_id
        if reopened.get(claim_id).score < st.session_state.get("threshold", cfg.claim_threshold):
            st.session_state["threshold"] = 0.0  # so that the claim is listed
    else:
        st.session_state.pop("selected_claim", None)


def show(article_id: int, claim_id: int | None = None) -> None:
    """Put the open article (and claim) in the address."""
    if st.query_params.get("article") != str(article_id):
        st.query_params["article"] = str(article_id)
    if claim_id is None:
        st.query_params.pop("claim", None)
    elif st.query_params.get("claim") != str(claim_id):
        st.query_params["claim"] = str(claim_id)


def filter_mine(claims: list[wb.WorkClaim]) -> list[wb.WorkClaim]:
    """The claims list, or only the claims assigned to this reviewer when "My claims" is on."""
    if not st.toggle("My claims", key="mine_only", help="Only the claims assigned to you"):
        return claims
    me = reviewer()
    if not me:
        st.info("Choose your name in the sidebar to see the claims assigned to you.")
        return []
    return [c for c in claims if c.assignee == me]
