"""The verdict form of a claim and its history of versions.

Saving runs in the submit button's callback, before the page is drawn, so everything the page
shows after a save (the current version, the claims list, the summary, the highlight colour)
already includes it. The evidence a verdict rests on is picked with one checkbox per passage:
no dropdown to close first, and no "select all" to hit by mistake.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import streamlit as st

from checker.errors import CheckerError
from checker.types import Label
from ui import account, resources
from ui.queue_panel import reviewer
from ui.text import Markdown, escape_markdown, md

if TYPE_CHECKING:
    from checker import workbench as wb

LABELS = [label.value for label in Label]


def _save(claim: wb.WorkClaim) -> None:
    cid = claim.claim_id
    label = st.session_state.get(f"label_{cid}")
    if not label:
        st.session_state["verdict_message"] = (cid, False, "Not saved: choose a label first.")
        return
    signed_in = account.current()
    name = signed_in.name if signed_in else str(st.session_state.get(f"reviewer_{cid}") or "").strip() or reviewer()
    cited = [h for h in claim.evidence if st.session_state.get(f"cite_{cid}_{h.passage.passage_id}")]
    try:
        engine = importlib.import_module("checker.workbench")
        verdict = engine.save_verdict(claim, store=resources.store(), label=label,
                                      note=str(st.session_state.get(f"note_{cid}") or ""),
                                      reviewer=name, cited=cited)
    except CheckerError as exc:
        st.session_state["verdict_message"] = (cid, False, f"Not saved: {exc}")
        return
    if not signed_in and not st.session_state.get("reviewer_name"):
        st.session_state["reviewer_name"] = name
        st.query_params["reviewer"] = name
    st.session_state[f"status_{cid}"] = claim.status
    st.session_state["verdict_message"] = (cid, True, f"Saved version {verdict.version}: {verdict.label.value}.")


def _follow_sidebar_name(cid: int) -> None:
    """The form's Reviewer box shows the sidebar's name, and follows it when the name is typed or
    changed after the form was first drawn, unless the reviewer typed another name in the box."""
    box, name = f"reviewer_{cid}", reviewer()
    if st.session_state.get(box, "") in ("", st.session_state.get(f"{box}_from")):
        st.session_state[box] = name
        st.session_state[f"{box}_from"] = name


def verdict_form(claim: wb.WorkClaim) -> None:
    cid = claim.claim_id
    latest = claim.verdict
    st.markdown("#### Verdict")
    if latest:
        st.markdown(md("Current: **{}** (version {}, by {}, {})", latest.label.value, latest.version,
                       latest.reviewer, latest.created_at[:16].replace("T", " ")))
    cited = {e.passage_id for e in latest.evidence} if latest else set()
    # The form starts from the latest verdict through the session state, not through the widgets'
    # defaults: "Use this suggestion" writes the same keys, and a widget given both warns.
    start = {f"label_{cid}": latest.label.value if latest else None, f"note_{cid}": latest.note if latest else "",
             **{f"cite_{cid}_{h.passage.passage_id}": h.passage.passage_id in cited for h in claim.evidence}}
    for key, value in start.items():
        st.session_state.setdefault(key, value)
    _follow_sidebar_name(cid)
    with st.form(key=f"verdict_form_{cid}"):
        st.radio("Label", LABELS, horizontal=True, key=f"label_{cid}", index=None)
        st.text_area("Note", key=f"note_{cid}", placeholder="What the evidence shows, and why")
        st.markdown("Evidence it rests on")
        for number, h in enumerate(claim.evidence, 1):  # the numbers of the evidence cards
            pid = h.passage.passage_id
            st.checkbox(f"{number}. " + escape_markdown(h.passage.title[:80]), key=f"cite_{cid}_{pid}")
        if not claim.evidence:
            st.caption("No evidence passages to cite.")
        if account.current() is None:  # with accounts, the verdict is the signed-in account's
            st.text_input("Reviewer", key=f"reviewer_{cid}")
        st.form_submit_button("Save verdict", type="primary", on_click=_save, args=(claim,))
    message = st.session_state.get("verdict_message")
    if message and message[0] == cid:
        (st.success if message[1] else st.error)(escape_markdown(message[2]))
        st.session_state.pop("verdict_message", None)


def _revert(claim: wb.WorkClaim, version: int, reviewer: str) -> None:
    try:
        claim.verdict = resources.store().revert(claim.claim_id, version, reviewer=reviewer)
        st.session_state["verdict_message"] = (claim.claim_id, True, f"Restored version {version}.")
    except CheckerError as exc:
        st.session_state["verdict_message"] = (claim.claim_id, False, f"Not restored: {exc}")


def history(claim: wb.WorkClaim) -> None:
    if not claim.verdict:
        return
    store = resources.store()
    versions = store.history(claim.claim_id)
    with st.expander(f"History ({len(versions)} versions)"):
        engine = importlib.import_module("checker.workbench")
        from checker.verdicts.store import changed_evidence

        current = engine.current_hashes(resources.index().passages)
        for v in reversed(versions):
            st.markdown(md("**v{} · {}** by {} at {}", v.version, v.label.value, v.reviewer,
                           v.created_at[:19].replace("T", " ")))
            if v.note:
                st.caption(escape_markdown(v.note))
            stale = set(changed_evidence(v.evidence, current))
            for e in v.evidence:
                changed = " — ⚠️ this passage has changed since" if e in stale else ""
                st.caption(md("cites {} ({}){}", e.title, e.passage_id, Markdown(changed)))
            if v.version != claim.verdict.version:
                st.button(f"Restore version {v.version}", key=f"revert_{claim.claim_id}_{v.version}",
                          on_click=_revert, args=(claim, v.version,
                                                  reviewer() or v.reviewer))
