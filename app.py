"""The fact-checking workbench (Streamlit). Pages live in `ui/`; the engine in `checker/`."""

from __future__ import annotations

import streamlit as st

from ui import check_page, corpus_page, resources, review_page

st.set_page_config(page_title="Claim checker", page_icon="🔎", layout="wide")

PAGES = {"Check": check_page.render, "Review": review_page.render, "Corpus": corpus_page.render}
with st.sidebar:
    st.markdown("### 🔎 Claim checker")
    page = st.radio("Page", list(PAGES), key="page")
    cfg = resources.settings()
    st.caption(f"Model: {cfg.model}  \nIndex: {cfg.index}")
PAGES[page]()
