"""The fact-checking workbench (Streamlit). Pages live in `ui/`; the engine in `checker/`.

Each page's module is imported only when that page is shown, and the model only when an
article is first checked, so the first page appears quickly.
"""

from __future__ import annotations

import importlib

import streamlit as st

from ui import account

st.set_page_config(page_title="Claim checker", page_icon="🔎", layout="wide")

PAGES = {"Check": "ui.check_page", "Articles": "ui.articles_page", "Review": "ui.review_page",
         "Corpus": "ui.corpus_page"}


def _remember_name() -> None:
    """The reviewer's name lives in the session and in the address, so a reload keeps it."""
    name = str(st.session_state.get("reviewer_name") or "").strip()
    if name:
        st.query_params["reviewer"] = name
    else:
        st.query_params.pop("reviewer", None)


signed_in = account.gate()  # with accounts: the signed-in one, or the sign-in form and a stop
if "reviewer_name" not in st.session_state:
    st.session_state["reviewer_name"] = "" if signed_in else st.query_params.get("reviewer", "")
with st.sidebar:
    st.markdown("### 🔎 Claim checker")
    page = st.radio("Page", list(PAGES), key="page")
    if signed_in:
        account.sidebar(signed_in)
    else:  # no accounts: the one local user names their work
        st.text_input("Your name", key="reviewer_name", on_change=_remember_name,
                      help="Used for verdicts, assignments and comments; kept in the page address.")
    from ui import resources
    from ui.text import md

    cfg = resources.settings()
    model_line = st.empty()  # filled after the page: a check on this run loads the model
importlib.import_module(PAGES[page]).render()
status = resources.model_status()
ready = {"loading": "⏳ loading in the background", "ready": "✅ ready"}.get(status, status)
model_line.caption(md("Model: {} ({})  \nIndex: {}", cfg.model, ready, cfg.index))
if cfg.warm_up:
    resources.warm_up()  # after the page is drawn, so that it does not delay the page
