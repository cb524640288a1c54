"""A claim's place in the work queue (status, assignee) and the reviewers' comments on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from checker.errors import CheckerError
from checker.verdicts import worklog
from ui import account, resources
from ui.text import md

if TYPE_CHECKING:
    from checker import workbench as wb


def reviewer() -> str:
    """The name this browser session works under: the signed-in account's, or (with no accounts)
    the name typed in the sidebar ('' until chosen)."""
    signed_in = account.current()
    if signed_in is not None:
        return signed_in.name
    return str(st.session_state.get("reviewer_name") or "").strip()


def _save_queue(claim: wb.WorkClaim) -> None:
    cid = claim.claim_id
    status = st.session_state.get(f"status_{cid}", claim.status)
    assignee = str(st.session_state.get(f"assignee_{cid}") or "").strip()
    try:
        worklog.set_status(resources.store(), cid, status=status, assignee=assignee or None,
                           unassign=not assignee)
        claim.status, claim.assignee = status, assignee or None
        st.session_state["queue_message"] = (cid, True, md("Saved: {}, assigned to {}.", status, assignee)
                                             if assignee else md("Saved: {}, unassigned.", status))
    except CheckerError as exc:
        st.session_state["queue_message"] = (cid, False, md("Not saved: {}", exc))


def _assign_to_me(claim: wb.WorkClaim) -> None:
    me = reviewer()
    if not me:
        st.session_state["queue_message"] = (claim.claim_id, False,
                                             md("Not saved: choose your name in the sidebar first."))
        return
    st.session_state[f"assignee_{claim.claim_id}"] = me
    if claim.status == "to check":
        st.session_state[f"status_{claim.claim_id}"] = "in review"
    _save_queue(claim)


def _add_comment(claim: wb.WorkClaim) -> None:
    key = f"comment_{claim.claim_id}"
    try:
        worklog.add_comment(resources.store(), claim.claim_id, author=reviewer(),
                            text=str(st.session_state.get(key) or ""))
        st.session_state[key] = ""
        st.session_state.pop("comment_error", None)
    except CheckerError as exc:
        message = str(exc)
        if "author" in message:
            message = "choose your name in the sidebar before commenting"
        st.session_state["comment_error"] = (claim.claim_id, md("Not added: {}.", message))


def render(claim: wb.WorkClaim) -> None:
    """Status, assignee and comments of one claim."""
    cid = claim.claim_id
    st.markdown("#### Work")
    st.session_state.setdefault(f"status_{cid}", claim.status)
    st.session_state.setdefault(f"assignee_{cid}", claim.assignee or "")
    c1, c2 = st.columns(2)
    c1.selectbox("Status", worklog.STATUSES, key=f"status_{cid}")
    if account.current() is not None:  # an account's name, never a typed one
        options = ["", *account.names()]
        if st.session_state[f"assignee_{cid}"] not in options:  # assigned before accounts, or removed since
            options.append(st.session_state[f"assignee_{cid}"])
        c2.selectbox("Assigned to", options, key=f"assignee_{cid}", format_func=lambda n: n or "nobody")
    else:
        c2.text_input("Assigned to", key=f"assignee_{cid}", placeholder="nobody")
    b1, b2 = st.columns(2)
    b1.button("Save status", key=f"save_status_{cid}", on_click=_save_queue, args=(claim,))
    b2.button("Assign to me", key=f"assign_me_{cid}", on_click=_assign_to_me, args=(claim,))
    message = st.session_state.get("queue_message")
    if message and message[0] == cid:
        (st.success if message[1] else st.error)(md("{}", message[2]))
    notes = worklog.comment_list(resources.store(), cid)
    with st.expander(f"Comments ({len(notes)})", expanded=bool(notes)):
        for note in notes:
            st.markdown(md("**{}** · {}", note.author, note.created_at[:16].replace("T", " ")))
            st.text(note.text)
        st.text_area("Comment", key=f"comment_{cid}", placeholder="A question or a note for other reviewers")
        st.button("Add comment", key=f"add_comment_{cid}", on_click=_add_comment, args=(claim,))
        error = st.session_state.get("comment_error")
        if error and error[0] == cid:
            st.error(md("{}", error[1]))
