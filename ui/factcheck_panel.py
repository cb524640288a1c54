"""Above a claim's evidence: the published fact-checks of similar claims, each with a link and a
button that cites it in the verdict's note (verdict citations take passages of the corpus)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from checker.errors import CheckerError
from ui import resources
from ui.text import escape_markdown, md, safe_link

if TYPE_CHECKING:
    from checker import workbench as wb
    from checker.factchecks.index import FactCheckMatch, FactCheckMatcher


@st.cache_resource(show_spinner="Opening the fact-check index…", max_entries=2)
def _matcher(folder: str, stamp: str) -> FactCheckMatcher | None:
    from checker.factchecks.index import open_matcher

    return open_matcher(resources.settings(), resources.retriever().embedder, index_dir=Path(folder))


def matcher() -> FactCheckMatcher | None:
    folder = resources.settings().factcheck_index
    return _matcher(str(folder), resources._stamp(folder))


def headline(m: FactCheckMatch) -> str:
    """'PolitiFact rated a similar claim False on 2020-10-22' (plain text: shown through md)."""
    r = m.record
    if r is None:
        return "a fact-check that is no longer in the database"
    who = r.publisher or "A fact-checker"
    return f"{who} rated a similar claim {r.rating or r.verdict}" + (f" on {r.date}" if r.date else "")


def citation(m: FactCheckMatch) -> str:
    """The line the Cite button adds to the verdict's note."""
    r = m.record
    if r is None:
        return ""
    return f"Already fact-checked: {headline(m)}: “{r.claim}” {r.url}"


def _cite(claim_id: int, line: str) -> None:
    key = f"note_{claim_id}"
    note = str(st.session_state.get(key) or "")
    if line and line not in note:
        st.session_state[key] = f"{note.rstrip()}\n{line}".strip()
    st.session_state["factcheck_cited"] = claim_id


def matches_for(query: str) -> list[Any]:
    """The fact-checks shown for `query` (cached for the session, per index version)."""
    found = matcher()
    if found is None:
        return []
    cache: dict[tuple[str, str], list[Any]] = st.session_state.setdefault("factcheck_matches", {})
    key = (resources._stamp(resources.settings().factcheck_index), query)
    if key not in cache:
        cache[key] = found.match([query])[0]
    return cache[key]


def render(claim: wb.WorkClaim) -> None:
    try:
        matches = matches_for(claim.query)
    except CheckerError as exc:
        st.error(escape_markdown(f"The fact-check index cannot be searched: {exc}"))
        return
    for n, m in enumerate(matches):
        r = m.record
        with st.container(border=True):
            st.warning(md("**Already fact-checked:** {} (similarity {:.2f})", headline(m), m.score))
            if r is None:
                continue
            who = md(" — claimed by {}", r.claimant) if r.claimant else md("")
            st.caption(md("“{}”{} · {}", r.claim, who, safe_link(r.url, "read the fact-check")))
            st.button("Cite it in the verdict", key=f"cite_factcheck_{claim.claim_id}_{n}", on_click=_cite,
                      args=(claim.claim_id, citation(m)),
                      help="Adds this fact-check, with its address, to the verdict's note")
    if st.session_state.get("factcheck_cited") == claim.claim_id:
        st.caption("Cited in the verdict's note below; save the verdict to keep it.")
