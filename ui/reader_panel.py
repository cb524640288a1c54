"""What the reader says, on the Check page: the suggested verdict and why, each passage's
stance, and the weaker matches below the relevance floor. Nothing here saves anything: the
suggestion button only fills the verdict form, and the reviewer saves it.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from typing import TYPE_CHECKING

import streamlit as st

from checker.reading.timing import later_refutation_notes
from checker.types import Hit
from ui.text import Markdown, escape_markdown, md

if TYPE_CHECKING:
    from checker import workbench as wb

NO_RELEVANT = "No relevant evidence in the corpus: no passage reached the reader's relevance floor."
AFTER_ARTICLE = "⏱ published after the article: shown, but it does not count towards the suggested verdict"
STANCE_WORDS = {"SUPPORTS": "supports", "REFUTES": "refutes", "NOT_ENOUGH_INFO": "not enough information"}
_VERBS = {"SUPPORTS": "supported by", "REFUTES": "refuted by", "NOT_ENOUGH_INFO": "not settled by"}


def why(claim: wb.WorkClaim) -> str:
    """'refuted by 2 passages: «A», «B»' for the claim's suggestion (plain text)."""
    s = claim.suggestion
    if s is None:
        return ""
    titles = {h.passage.passage_id: h.passage.title or h.passage.doc_id for h in claim.evidence}
    named = [titles.get(pid, pid) for pid in s.evidence]
    n = len(named)
    each = Counter(named)  # two passages of one document name it once, with their number
    return (f"{_VERBS[s.label]} {n} passage{'s' if n != 1 else ''}: "
            + ", ".join(f"«{textwrap.shorten(t, 70)}»" + (f" ({each[t]} passages)" if each[t] > 1 else "")
                        for t in each))


def _fill_form(claim: wb.WorkClaim) -> None:
    """Callback: put the suggestion into the verdict form's widgets (before the page is drawn)."""
    s = claim.suggestion
    if s is None:
        return
    cid = claim.claim_id
    st.session_state[f"label_{cid}"] = s.verdict()
    st.session_state[f"note_{cid}"] = f"Reader's suggestion ({s.confidence:.0%}): {why(claim)}"
    for h in claim.evidence:
        st.session_state[f"cite_{cid}_{h.passage.passage_id}"] = h.passage.passage_id in s.evidence


def suggestion_block(claim: wb.WorkClaim) -> None:
    """The suggested verdict and why, with a button that fills the form; or the empty state."""
    if claim.suggestion is not None:
        s = claim.suggestion
        st.markdown(md("**Suggested verdict: {}** ({:.0%}) — {}", s.verdict(), s.confidence, why(claim)))
        st.button("Use this suggestion in the verdict form", key=f"suggest_{claim.claim_id}",
                  on_click=_fill_form, args=(claim,),
                  help="Fills the label, note and cited passages; nothing is saved until you save the verdict.")
    elif claim.loaded and not claim.evidence and claim.weaker:
        st.info(NO_RELEVANT)
    for note in later_refutation_notes(claim.evidence):
        st.warning(escape_markdown(note[0].upper() + note[1:] + "."))


def stance_line(hit: Hit) -> Markdown | None:
    """'Reader: refutes (82%) · relevance 0.91' as Markdown, or None without a reader."""
    if hit.relevance is None or hit.stance is None:
        return None
    p = dict(hit.stance_probabilities).get(hit.stance, 0.0)
    return md("Reader: **{}** ({:.0%}) · relevance {:.2f}", STANCE_WORDS[hit.stance], p, hit.relevance)


def weaker_matches(claim: wb.WorkClaim) -> None:
    """Passages below the relevance floor, out of the way: not evidence, no checks, no ⚠️."""
    if not claim.weaker:
        return
    with st.expander(f"Weaker matches ({len(claim.weaker)}): below the relevance floor, not evidence"):
        for h in claim.weaker:
            st.markdown(md("**{}** · relevance {:.2f}  \n{}", h.passage.title or h.passage.doc_id, h.relevance or 0.0,
                           textwrap.shorten(h.passage.text, 240)))
