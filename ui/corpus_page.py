"""The Corpus page: what the index holds, uploads, incremental updates, and the manifest."""

from __future__ import annotations

import dataclasses

import streamlit as st

from checker import workbench as wb
from checker.errors import CheckerError
from ui import account, resources
from ui.text import escape_markdown, md


def _refused(what: str) -> bool:
    """True (and an error shown) when the signed-in account may not do this: it is an editor's."""
    if account.may_edit():
        return False
    who = account.current()
    st.error(md("Only an editor may {}; you are signed in as {}, a reviewer.", what, who.name if who else "?"))
    return True


def _update_index() -> None:
    from checker.evidence.corpus import load_corpus
    from checker.evidence.index import build_index
    from checker.text.embed import get_embedder

    cfg = resources.settings()
    bar = st.progress(0.0, text="Reading the corpus…")
    try:
        loaded = load_corpus(cfg.corpus_paths())
        for problem in loaded.problems:
            st.warning(escape_markdown(problem))

        def progress(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"Embedding new passages: {done} of {total}")

        report = build_index(loaded.documents, get_embedder(cfg.model), cfg.index,
                             batch_size=cfg.batch_size, progress=progress, max_shards=cfg.max_shards)
    except CheckerError as exc:
        bar.empty()
        st.error(escape_markdown(str(exc)))
        return
    bar.progress(1.0, text="Done")
    if report.damaged:
        st.warning(escape_markdown(f"{report.damaged}; rebuilt it from scratch."))
    if report.up_to_date:
        st.success("The index is already up to date.")
    else:
        st.success(md("Indexed {} documents as {} passages: {} embedded, {} reused, in {:.1f} s.", report.documents,
                      report.passages, report.embedded, report.reused, report.seconds))


def render() -> None:
    import pandas as pd  # here, not at import: it costs the first page a third of a second

    st.title("Corpus")
    cfg = resources.settings()
    with st.form("upload_form", clear_on_submit=True):
        files = st.file_uploader("Add reference documents", type=list(wb.UPLOAD_TYPES),
                                 accept_multiple_files=True, key="corpus_upload",
                                 max_upload_size=resources.upload_limit_mb())
        added = st.form_submit_button("Add to the corpus")
    if added and not _refused("add documents to the corpus"):
        for f in files or []:
            try:
                _, count, problems = wb.save_upload(f.name, f.getvalue(), settings=cfg)
                st.success(md("Added {}: {} document(s). Update the index to search them.", f.name, count))
                for problem in problems:
                    st.warning(escape_markdown(problem))
            except CheckerError as exc:
                st.error(escape_markdown(str(exc)))
    if st.button("Update the index", key="update_index", type="primary") and not _refused("update the index"):
        _update_index()

    try:
        index = resources.index()
    except CheckerError as exc:
        st.error(escape_markdown(str(exc)))
        return
    docs = wb.corpus_summary(index.passages)
    st.metric("Documents", len(docs))
    st.caption(md("{} passages · model {} · built {}", len(index.passages), index.manifest.model,
                  index.manifest.created))
    if docs:
        st.dataframe(pd.DataFrame([dataclasses.asdict(d) for d in docs]), hide_index=True,
                     width="stretch")
    else:
        st.info("The index is empty. Add documents above, then update the index.")
    with st.expander("Index manifest"):
        st.json(dataclasses.asdict(index.manifest))
