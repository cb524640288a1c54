"""The Check page: article in, claims highlighted, evidence beside each claim, verdicts saved."""

from __future__ import annotations

import importlib
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from checker.errors import CheckerError
from checker.textio import decode_text, prepare_article
from checker.types import Label
from ui import resources
from ui.highlight import (
    LABEL_COLOURS,
    Span,
    check_chips,
    highlighted_article,
    score_bar,
    score_colour,
    shared_words,
)
from ui.text import escape_markdown, safe_link

if TYPE_CHECKING:
    from types import ModuleType

    from checker import workbench as wb

def _engine() -> ModuleType:
    """checker.workbench, imported on first use: it pulls in the database and model code."""
    return importlib.import_module("checker.workbench")


DEMO_ARTICLE = Path(__file__).resolve().parent.parent / "checker" / "demo" / "article.txt"
LABELS = [label.value for label in Label]
BADGES = {Label.SUPPORTED: "✅", Label.REFUTED: "❌", Label.MISLEADING: "⚠️",
          Label.NOT_ENOUGH_EVIDENCE: "❔", Label.NOT_CHECK_WORTHY: "➖"}
DETAILS = ("meta_title", "meta_source", "meta_url", "meta_date")
FOCUS_COLOURS = {"quantity": "#ffd6a5", "date": "#caffbf", "name": "#bde0fe", "comparison": "#e4c1f9"}


def _load_example() -> None:
    st.session_state["article"] = DEMO_ARTICLE.read_text(encoding="utf-8")
    st.session_state.update(meta_title="Blinken leaves Geneva talks with Lavrov open to another "
                            "Biden-Putin summit", meta_source="Workbench demo", meta_url="",
                            meta_date="2022-01-21")


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
            from checker.corpus import parse_html_document

            doc = parse_html_document(text, doc_id=upload.name, source=upload.name)
            text = doc.text
            st.session_state.update(meta_title=doc.title, meta_source=doc.publisher or "",
                                    meta_url=doc.url or "", meta_date=doc.date or "")
        st.session_state["article"] = text
        st.session_state.pop("input_error", None)
    except CheckerError as exc:
        st.session_state["input_error"] = str(exc)


def _fetch_url() -> None:
    from checker.fetch import fetch_article

    cfg = resources.settings()
    try:
        got = fetch_article(st.session_state.get("article_url", ""), timeout=cfg.fetch_timeout,
                            max_bytes=cfg.max_upload_bytes, allow_private=cfg.allow_private_urls)
        st.session_state["article"] = got.text
        st.session_state.update(meta_title=got.title, meta_source=got.source or "",
                                meta_url=got.url, meta_date=got.published or "")
        st.session_state.pop("input_error", None)
    except CheckerError as exc:
        st.session_state["input_error"] = str(exc)


def _input_area() -> None:
    paste, upload, url = st.tabs(["Paste", "Upload a file", "From a URL"])
    with paste:
        st.text_area("Article text", key="article", height=240,
                     placeholder="Paste the text of a news article here, then press Check.")
        st.button("Load the example article", key="load_example", on_click=_load_example)
    with upload:
        st.file_uploader("A .txt, .md or .html file", type=["txt", "md", "html", "htm"], key="upload",
                         on_change=_load_upload)
    with url:
        st.text_input("Address of the article", key="article_url", placeholder="https://…")
        st.button("Fetch", key="fetch", on_click=_fetch_url)
    with st.expander("Article details (used in exports)"):
        c1, c2 = st.columns(2)
        c1.text_input("Headline", key="meta_title")
        c2.text_input("Source (who published the claim)", key="meta_source")
        c1.text_input("URL", key="meta_url")
        c2.text_input("Date (YYYY-MM-DD)", key="meta_date")
    if err := st.session_state.get("input_error"):
        st.error(err)


def _run_check() -> None:
    cfg = resources.settings()
    text = st.session_state.get("article", "")
    try:
        if not text.strip():
            raise CheckerError("the article is empty: paste or load some text to check")
        text, notes = prepare_article(text)
        for note in notes:
            st.info(note.capitalize() + ".")
        retriever = resources.retriever()
        with st.spinner("Finding claims and their evidence…"):
            work = _engine().open_article(
                text, retriever=retriever, store=resources.store(), settings=cfg,
                title=st.session_state.get("meta_title", ""), url=st.session_state.get("meta_url") or None,
                source=st.session_state.get("meta_source") or None,
                published=st.session_state.get("meta_date") or None)
        st.session_state["work"] = work
        st.session_state.pop("selected_claim", None)
    except CheckerError as exc:
        st.session_state.pop("work", None)
        st.error(str(exc))


def _claim_label(claim: wb.WorkClaim) -> str:
    """Must not change while the reviewer works: the widget keeps its selection by label."""
    seen = "🔁 " if claim.match else ""
    attention = "⚠️ " if claim.attention else ""
    return f"{attention}{seen}**{claim.score:.2f}** {escape_markdown(textwrap.shorten(claim.sentence, 160))}"


def _article_view(work: wb.Workbench, visible: list[wb.WorkClaim], selected: int | None) -> None:
    spans = [
        Span(c.start, c.end,
             LABEL_COLOURS[c.verdict.label] if c.verdict else score_colour(c.score),
             f"check-worthiness {c.score:.2f}" + (f" · {c.verdict.label.value}" if c.verdict else ""),
             selected=c.claim_id == selected)
        for c in visible
    ]
    st.markdown(highlighted_article(work.text, spans), unsafe_allow_html=True)


def _claims_list(work: wb.Workbench, visible: list[wb.WorkClaim]) -> int | None:
    if not visible:
        st.info("No claims above this threshold. Lower it, or make a sentence a claim below.")
        return None
    ids = [c.claim_id for c in visible]
    if st.session_state.get("selected_claim") not in ids:
        st.session_state["selected_claim"] = ids[0]
    done = [c for c in visible if c.verdict]
    if done:
        st.caption(" · ".join(f"{BADGES[label]} {label.value}: {n}" for label in Label
                              if (n := sum(c.verdict.label is label for c in done if c.verdict))))
    return st.radio("Claims, most check-worthy first (⚠️ = the best evidence disagrees on a number, date or "
                    "negation; 🔁 = a similar claim was checked before)", ids,
                    key="selected_claim", format_func=lambda cid: _claim_label(work.get(cid)))


def _promote_box(work: wb.Workbench, visible: list[wb.WorkClaim]) -> None:
    shown = {(c.start, c.end) for c in visible}
    others = [s for s in work.sentences if (s.start, s.end) not in shown]
    if not others:
        return
    with st.expander("Make another sentence a claim"):
        choice = st.selectbox("Sentence", range(len(others)), key="promote_choice",
                              format_func=lambda i: textwrap.shorten(others[i].text, 120))
        if st.button("Make it a claim", key="promote") and choice is not None:
            try:
                claim = _engine().promote(work, others[choice], retriever=resources.retriever(),
                                   store=resources.store(), settings=resources.settings())
                st.session_state["selected_claim"] = claim.claim_id
                st.rerun()
            except CheckerError as exc:
                st.error(str(exc))


def _claim_panel(work: wb.Workbench, claim: wb.WorkClaim) -> None:
    cid = claim.claim_id
    st.markdown("#### Claim")
    st.markdown(f"> {escape_markdown(claim.query)}")
    if claim.focus:
        spans = [Span(f.start - claim.start, f.end - claim.start, FOCUS_COLOURS.get(f.kind, "#eee"), f.kind)
                 for f in claim.focus]
        st.markdown("Checkable parts: " + highlighted_article(claim.sentence, spans, block=False),
                    unsafe_allow_html=True)
    if claim.standalone and claim.standalone != claim.query:
        st.caption("Standalone wording: " + escape_markdown(claim.standalone))
        if st.button("Search with the standalone wording", key=f"standalone_{claim.claim_id}"):
            try:
                _engine().reword(claim, claim.standalone, retriever=resources.retriever(),
                                 settings=resources.settings(), article_date=work.published)
                st.rerun()
            except CheckerError as exc:
                st.error(str(exc))
    context = work.context(claim)
    if context != claim.sentence:
        st.caption("In context: " + escape_markdown(context))
    st.caption(f"Check-worthiness {claim.score:.2f} — " + escape_markdown(", ".join(claim.reasons)))
    if claim.match:
        m = claim.match.row.verdict
        st.warning(f"Already checked: **{m.label.value}** by {escape_markdown(m.reviewer)} on "
                   f"{m.created_at[:10]} (similarity {claim.match.similarity:.2f}) — "
                   f"“{escape_markdown(textwrap.shorten(m.claim_text, 160))}”")
    with st.form(key=f"reword_{cid}", border=False):
        query = st.text_input("Wording to search with", value=claim.query, key=f"query_{cid}")
        c1, c2 = st.columns(2)
        search = c1.form_submit_button("Search with this wording")
        dismiss = c2.form_submit_button("Dismiss this claim")
    if search:
        try:
            _engine().reword(claim, query, retriever=resources.retriever(), settings=resources.settings(),
                      article_date=work.published)
            st.rerun()
        except CheckerError as exc:
            st.error(str(exc))
    if dismiss:
        claim.dismissed = True
        st.rerun()
    _verdict_form(claim)
    _history(claim)


def _verdict_form(claim: wb.WorkClaim) -> None:
    cid = claim.claim_id
    latest = claim.verdict
    st.markdown("#### Verdict")
    if latest:
        st.markdown(f"Current: **{latest.label.value}** (version {latest.version}, by "
                    f"{escape_markdown(latest.reviewer)}, {latest.created_at[:16].replace('T', ' ')})")
    hits = {h.passage.passage_id: h for h in claim.evidence}
    with st.form(key=f"verdict_form_{cid}"):
        label = st.radio("Label", LABELS, horizontal=True, key=f"label_{cid}",
                         index=LABELS.index(latest.label.value) if latest else None)
        note = st.text_area("Note", value=latest.note if latest else "", key=f"note_{cid}",
                            placeholder="What the evidence shows, and why")
        cited = st.multiselect("Evidence it rests on", list(hits), key=f"cite_{cid}",
                               default=[e.passage_id for e in latest.evidence if e.passage_id in hits]
                               if latest else [],
                               format_func=lambda pid: f"{hits[pid].rank}. {hits[pid].passage.title[:80]}")
        reviewer = st.text_input("Reviewer", value=st.session_state.get("reviewer_name", ""),
                                 key=f"reviewer_{cid}")
        saved = st.form_submit_button("Save verdict", type="primary")
    if saved:
        if not label:
            st.error("Choose a label before saving.")
            return
        try:
            verdict = _engine().save_verdict(claim, store=resources.store(), label=label, note=note,
                                      reviewer=reviewer, cited=[hits[p] for p in cited])
            st.session_state["reviewer_name"] = reviewer.strip()
            st.success(f"Saved version {verdict.version}: {verdict.label.value}.")
        except CheckerError as exc:
            st.error(f"Not saved: {exc}")


def _history(claim: wb.WorkClaim) -> None:
    if not claim.verdict:
        return
    store = resources.store()
    versions = store.history(claim.claim_id)
    with st.expander(f"History ({len(versions)} versions)"):
        current = _engine().current_hashes(resources.index().passages)
        for v in reversed(versions):
            st.markdown(f"**v{v.version} · {v.label.value}** by {escape_markdown(v.reviewer)} at "
                        f"{v.created_at[:19].replace('T', ' ')}")
            if v.note:
                st.caption(escape_markdown(v.note))
            for e in v.evidence:
                changed = (" — ⚠️ this passage has changed since"
                           if current.get(e.passage_id) != e.passage_hash else "")
                st.caption(f"cites {escape_markdown(e.title)} ({escape_markdown(e.passage_id)}){changed}")
            if v.version != claim.verdict.version and st.button(
                    f"Restore version {v.version}", key=f"revert_{claim.claim_id}_{v.version}"):
                try:
                    claim.verdict = store.revert(claim.claim_id, v.version,
                                                 reviewer=st.session_state.get("reviewer_name") or v.reviewer)
                    st.rerun()
                except CheckerError as exc:
                    st.error(str(exc))


def _evidence_cards(claim: wb.WorkClaim) -> None:
    st.markdown(f"#### Evidence ({len(claim.evidence)})")
    if not claim.evidence:
        st.info("No evidence found in the corpus for this claim. Try rewording it.")
    best = resources.retriever().config.best_possible()
    for hit in claim.evidence:
        p = hit.passage
        with st.container(border=True):
            st.markdown(f"**{hit.rank}. {escape_markdown(p.title)}**")
            meta = " · ".join(escape_markdown(x) for x in (p.publisher, p.date) if x)
            if p.url:
                meta += (" · " if meta else "") + safe_link(p.url)
            if meta:
                st.caption(meta)
            st.markdown(score_bar(hit, best_possible=best), unsafe_allow_html=True)
            if hit.checks:
                st.markdown(check_chips(hit.checks), unsafe_allow_html=True)
            differing = [Span(c.claim_span[0], c.claim_span[1], "#ffb3b3", c.detail)
                         for c in hit.checks if c.status == "differs"]
            if differing:  # the checks ran on the searched wording, so their spans index it
                st.markdown('<div style="font-size:0.85em">In the claim: '
                            + highlighted_article(claim.query, differing, block=False) + "</div>",
                            unsafe_allow_html=True)
            spans = [c.evidence_span for c in hit.checks if c.status == "differs" and c.evidence_span]
            st.markdown(f'<div style="font-size:0.92em">{shared_words(p.text, claim.query, flagged=spans)}</div>',
                        unsafe_allow_html=True)


def render() -> None:
    st.title("Check an article")
    _input_area()
    if st.button("Check", type="primary", key="check"):
        _run_check()
    work: wb.Workbench | None = st.session_state.get("work")
    if work is None:
        st.info("Paste an article (or load the example) and press **Check**. The workbench "
                "highlights the sentences worth checking and finds evidence for each.")
        return
    cfg = resources.settings()
    threshold = st.slider("Check-worthiness threshold", 0.0, 1.0, cfg.claim_threshold, 0.05,
                          key="threshold")
    visible = work.visible(threshold)
    if work.truncated:
        st.caption(f"Only the {len(work.claims)} most check-worthy sentences were scored for "
                   f"evidence; {work.truncated} more were left out (CHECKER_MAX_CLAIMS).")
    left, right = st.columns([3, 2])
    with right:
        st.markdown(f"#### {len(visible)} claims")
        selected = _claims_list(work, visible)
        _promote_box(work, visible)
    with left:
        _article_view(work, visible, selected)
    if selected is None:
        return
    st.divider()
    claim = work.get(selected)
    col_claim, col_evidence = st.columns([2, 3])
    with col_claim:
        _claim_panel(work, claim)
    with col_evidence:
        _evidence_cards(claim)

