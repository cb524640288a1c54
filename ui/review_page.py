"""The Review page: every claim and verdict across articles, filtered, with history and exports."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import streamlit as st

from checker.errors import CheckerError
from checker.types import Label
from checker.verdicts.export import is_placeholder_url, row_record, to_claimreview, to_csv
from checker.verdicts.store import VerdictRow
from ui import account, resources
from ui.text import escape_markdown, md


def render() -> None:
    import pandas as pd  # here, not at import: it costs the first page a third of a second

    st.title("Review")
    store = resources.store()
    c1, c2, c3 = st.columns(3)
    labels = c1.multiselect("Label", [label.value for label in Label], key="f_labels")
    reviewer = c2.selectbox("Reviewer", ["Everyone", *store.reviewer_names()], key="f_reviewer")
    articles = store.article_list()
    titles = {aid: f"#{aid} {title[:70]}" for aid, title in articles}
    article = c3.selectbox("Article", [None, *titles], key="f_article",
                           format_func=lambda a: "All articles" if a is None else titles[a])
    c4, c5 = st.columns([2, 1])
    period = c4.date_input("Saved between", value=(), key="f_dates")
    all_versions = c5.toggle("Every version", key="f_all_versions")
    since = until = None
    if isinstance(period, tuple) and len(period) == 2:
        since, until = period[0].isoformat(), (period[1] + timedelta(days=1)).isoformat()
    elif isinstance(period, date):
        since = period.isoformat()

    rows = store.latest_rows(labels=labels, reviewer=None if reviewer == "Everyone" else reviewer,
                             article_id=article, since=since, until=until, all_versions=all_versions,
                             claimants=True)  # the ClaimReview download names them
    if not rows:
        st.info("No verdicts match. Verdicts saved on the Check page appear here.")
        return
    table = pd.DataFrame([row_record(r) for r in rows])
    st.dataframe(table[["claim_id", "version", "label", "claim", "reviewer", "saved_at", "note",
                        "article_title"]], hide_index=True, width="stretch")
    d1, d2 = st.columns(2)
    if not account.may_edit():
        st.info("Exports are an editor's: ask one, or sign in as one, to download the verdicts.")
    else:
        _exports(d1, d2, rows)
    _history(rows)


def _exports(d1: Any, d2: Any, rows: list[VerdictRow]) -> None:
    cfg = resources.settings()
    d1.download_button("Export CSV", to_csv(rows), file_name="verdicts.csv", mime="text/csv",
                       key="export_csv")
    try:
        claimreview = to_claimreview(rows, organisation=cfg.organisation, url_template=cfg.review_url,
                                     scale=cfg.rating_scale)
    except CheckerError as exc:
        d2.error(escape_markdown(str(exc)))
        return
    d2.download_button("Export ClaimReview JSON-LD", claimreview, file_name="claimreview.json",
                       mime="application/ld+json", key="export_claimreview")
    if is_placeholder_url(cfg.review_url):
        d2.caption(md("The review URLs point at the placeholder {}: set CHECKER_REVIEW_URL before you publish.",
                      cfg.review_url))


def _history(rows: list[VerdictRow]) -> None:
    store = resources.store()
    st.subheader("History of a claim")
    claim_ids = list(dict.fromkeys(r.verdict.claim_id for r in rows))
    texts = {r.verdict.claim_id: r.verdict.claim_text for r in rows}
    chosen = st.selectbox("Claim", claim_ids, key="history_claim",
                          format_func=lambda cid: f"#{cid} {texts[cid][:100]}")
    for v in reversed(store.history(chosen)):
        with st.container(border=True):
            st.markdown(md("**v{} · {}** by {} at {}", v.version, v.label.value, v.reviewer,
                           v.created_at[:19].replace("T", " ")))
            st.markdown(escape_markdown(v.claim_text))
            if v.note:
                st.caption(escape_markdown(v.note))
            for e in v.evidence:
                st.caption(md("cites {} ({})", e.title, e.passage_id))
