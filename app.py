"""The fact-checking workbench (Streamlit). Pages live in `ui/`; the engine in `checker/`.

Each page's module is imported only when that page is shown, and the model only when an
article is first checked, so the first page appears quickly.
"""

from __future__ import annotations

import importlib

import streamlit as st

st.set_page_config(page_title="Claim checker", page_icon="🔎", layout="wide")

PAGES = {"Check": "ui.check_page", "Review": "ui.review_page", "Corpus": "ui.corpus_page"}
with st.sidebar:
    st.markdown("### 🔎 Claim checker")
    page = st.radio("Page", list(PAGES), key="page")
    from ui import resources

    cfg = resources.settings()
    st.caption(f"Model: {cfg.model}  \nIndex: {cfg.index}")
importlib.import_module(PAGES[page]).render()
