"""The fact-checking workbench (Streamlit). Pages call the engine in `checker/`; no logic here."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from checker.config import load_settings
from checker.errors import CheckerError
from ui.text import escape_markdown

DEMO_ARTICLE = Path(__file__).parent / "checker" / "demo" / "article.txt"

st.set_page_config(page_title="Claim checker", page_icon="🔎", layout="wide")
settings = load_settings()


@st.cache_resource(show_spinner="Loading the model and the evidence index…")
def get_retriever(index_dir: str, model: str):  # type: ignore[no-untyped-def]
    from checker.pipeline import open_retriever

    return open_retriever(settings.with_(model=model), index_dir=Path(index_dir))


def show_report(report, n: int) -> None:  # type: ignore[no-untyped-def]
    claim = report.claim
    with st.expander(f"{n}. ({claim.score:.2f}) {claim.text[:140]}", expanded=n <= 3):
        left, right = st.columns([2, 3])
        with left:
            st.markdown(f"**Claim** · check-worthiness {claim.score:.2f}")
            st.markdown(escape_markdown(claim.text))
            if claim.reasons:
                st.caption("Why: " + escape_markdown(", ".join(claim.reasons)))
        with right:
            if not report.evidence:
                st.info("No evidence found in the corpus.")
            for hit in report.evidence:
                p = hit.passage
                meta = " · ".join(x for x in (p.publisher, p.date) if x)
                heading = f"**{escape_markdown(p.title)}**"
                st.markdown(heading + (f"  \n{escape_markdown(meta)}" if meta else ""))
                st.markdown(escape_markdown(p.text))
                st.caption(f"score {hit.score:.4f} · dense {hit.dense_score:.3f} · "
                           f"BM25 {hit.lexical_score:.2f}")
                if p.url:
                    st.markdown(f"[{escape_markdown(p.url)}](<{p.url.replace('>', '%3E')}>)")
                st.divider()


st.title("Claim checker")
st.caption("Paste an article; the workbench finds the claims worth checking and the evidence for them.")

if "article" not in st.session_state:
    st.session_state["article"] = ""
if st.button("Load the example article", key="load_example"):
    st.session_state["article"] = DEMO_ARTICLE.read_text(encoding="utf-8")

article = st.text_area("Article", key="article", height=260,
                       placeholder="Paste the text of a news article here…")
if st.button("Check", type="primary", key="check"):
    try:
        from checker.pipeline import check_article

        retriever = get_retriever(str(settings.index), settings.model)
        with st.spinner("Finding claims and evidence…"):
            reports = check_article(article, retriever=retriever, top_k=settings.top_k,
                                    threshold=settings.claim_threshold,
                                    max_claims=settings.max_claims,
                                    max_chars=settings.max_article_chars)
        st.session_state["reports"] = reports
    except CheckerError as exc:
        st.session_state.pop("reports", None)
        st.error(str(exc))

reports = st.session_state.get("reports")
if reports is not None:
    if not reports:
        st.info("No check-worthy claims found in this text.")
    else:
        st.subheader(f"{len(reports)} claims, most check-worthy first")
        for i, report in enumerate(reports, start=1):
            show_report(report, i)
