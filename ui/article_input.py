"""Where the Check page's article comes from: pasted, uploaded (.txt, .md, .html) or fetched from
a URL, with its details (headline, source, URL, date) for exports and dates. Each input fills
the same session keys ("article" and the details), so the Check button reads one place."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from checker.errors import CheckerError
from checker.text.decode import decode_text, prepare_article
from ui import resources
from ui.text import escape_markdown

DEMO_ARTICLE = Path(__file__).resolve().parent.parent / "checker" / "demo" / "article.txt"
DETAILS = ("meta_title", "meta_source", "meta_url", "meta_date")


def _load_example() -> None:
    st.session_state["article"] = DEMO_ARTICLE.read_text(encoding="utf-8")
    st.session_state.update(meta_title="Blinken leaves Geneva talks with Lavrov open to another "
                            "Biden-Putin summit", meta_source="Workbench demo", meta_url="",
                            meta_date="2022-01-21")


def _clear_details() -> None:
    """A new article starts with empty details: the previous article's must not stick to it."""
    for key in DETAILS:
        st.session_state[key] = ""


def _load_upload() -> None:
    upload = st.session_state.get("upload")
    if upload is None:
        return
    try:
        data = upload.getvalue()
        if len(data) > resources.settings().max_upload_bytes:
            raise CheckerError(f"{upload.name} is larger than the upload limit")
        text = decode_text(data, name=upload.name)
        if upload.name.lower().endswith((".html", ".htm")) or prepare_article(text)[1]:
            from checker.evidence.corpus import parse_html_document

            doc = parse_html_document(text, doc_id=upload.name, source=upload.name)
            text = doc.text
            st.session_state.update(meta_title=doc.title, meta_source=doc.publisher or "",
                                    meta_url=doc.url or "", meta_date=doc.date or "")
        else:
            _clear_details()
        st.session_state["article"] = text
        st.session_state.pop("input_error", None)
    except CheckerError as exc:
        st.session_state["input_error"] = str(exc)


def _fetch_url() -> None:
    from checker.evidence.fetch import fetch_article

    cfg = resources.settings()
    try:
        got = fetch_article(st.session_state.get("article_url", ""), timeout=cfg.fetch_timeout,
                            max_bytes=cfg.max_upload_bytes, allow_private=cfg.allow_private_urls)
        st.session_state["article"] = got.text
        st.session_state.update(meta_title=got.title, meta_source=got.source or "",
                                meta_url=got.url, meta_date=got.published or "")
        st.session_state.pop("input_error", None)
        st.session_state["input_note"] = (f"Fetched “{got.title or got.url}” ({len(got.text.split()):,} words). "
                                          "The text is now in the Paste tab: press Check.")
    except CheckerError as exc:
        st.session_state["input_error"] = str(exc)


def render() -> None:
    """The tabs that bring the article in, and its details."""
    paste, upload, url = st.tabs(["Paste", "Upload a file", "From a URL"])
    with paste:
        st.text_area("Article text", key="article", height=240, on_change=_clear_details,
                     placeholder="Paste the text of a news article here, then press Check.")
        st.button("Load the example article", key="load_example", on_click=_load_example)
    with upload:
        st.file_uploader("A .txt, .md or .html file", type=["txt", "md", "html", "htm"], key="upload",
                         on_change=_load_upload, max_upload_size=resources.upload_limit_mb())
    with url:
        st.text_input("Address of the article", key="article_url", placeholder="https://…")
        st.button("Fetch", key="fetch", on_click=_fetch_url)
    with st.expander("Article details (used in exports)"):
        c1, c2 = st.columns(2)
        c1.text_input("Headline", key="meta_title")
        c2.text_input("Source (who published the claim)", key="meta_source")
        c1.text_input("URL", key="meta_url")
        c2.text_input("Date (YYYY-MM-DD)", key="meta_date")
    if note := st.session_state.pop("input_note", None):
        st.success(escape_markdown(note))
    if err := st.session_state.get("input_error"):
        st.error(escape_markdown(err))
