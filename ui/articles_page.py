"""The Articles page: every checked article, newest first, to reopen; and the claims assigned to me."""

from __future__ import annotations

import textwrap

import streamlit as st

from checker.verdicts import worklog
from ui import resources
from ui.queue_panel import reviewer
from ui.text import escape_markdown, md


def open_article(article_id: int, claim_id: int | None = None) -> None:
    """Callback: show this article (and claim) on the Check page, and put them in the address."""
    st.session_state["page"] = "Check"
    st.session_state.pop("work", None)
    st.query_params["article"] = str(article_id)
    if claim_id is None:
        st.query_params.pop("claim", None)
    else:
        st.query_params["claim"] = str(claim_id)


def render() -> None:
    st.title("Articles")
    store = resources.store()
    me = reviewer()
    mine = st.toggle("My claims", key="my_claims", help="Only the claims assigned to you")
    if mine:
        _my_claims(me)
        return
    summaries = worklog.article_summaries(store, threshold=resources.settings().claim_threshold)
    if not summaries:
        st.info("No article has been checked yet. Check one on the Check page and it is listed here.")
        return
    st.caption("Newest first. Open one to see its claims and evidence as they were left.")
    from checker.reading.suggest import shipped_rule
    from checker.summary import stored_summary

    cfg = resources.settings()
    rule = shipped_rule(cfg.reader_dir / "reader.json")
    for s in summaries:
        with st.container(border=True):
            c1, c2 = st.columns([5, 1])
            c1.markdown(f"**#{s.article_id}**")
            c1.text(textwrap.shorten(s.title or "(untitled)", 150))
            c1.caption(f"Checked {s.checked_at[:16].replace('T', ' ')} · {s.claims} claims · "
                       f"{s.verdicts} with a verdict · {s.open} open")
            glance = stored_summary(store, s.article_id, rule=rule, threshold=cfg.claim_threshold)
            if glance is not None and glance.claims:
                c1.caption(md("{} — {}", glance.icon_line(), glance.coverage()))
            c2.button("Open", key=f"open_article_{s.article_id}", on_click=open_article, args=(s.article_id,))


def _my_claims(me: str) -> None:
    if not me:
        st.info("Choose your name in the sidebar to see the claims assigned to you.")
        return
    items = worklog.queue(resources.store(), assignee=me)
    if not items:
        st.info("No claims are assigned to you. Assign one on the Check page (“Assign to me”).")
        return
    st.caption(md("{} claims assigned to you, newest article first.", len(items)))
    for item in items:
        with st.container(border=True):
            c1, c2 = st.columns([5, 1])
            c1.text(textwrap.shorten(item.sentence, 200))
            c1.caption(f"{item.status} · {item.label or 'no verdict yet'} · article #{item.article_id}: "
                       + escape_markdown(textwrap.shorten(item.article_title or "(untitled)", 80)))
            c2.button("Open", key=f"open_claim_{item.claim_id}", on_click=open_article,
                      args=(item.article_id, item.claim_id))
