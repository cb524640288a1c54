"""The Check page: article in (ui/article_input.py), claims highlighted, evidence beside each
claim, verdicts saved."""

from __future__ import annotations

import importlib
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import streamlit as st

from checker.errors import CheckerError
from checker.summary import ICONS, EvidenceSummary, evidence_state, summarise
from checker.text.decode import prepare_article
from checker.types import Label
from ui import address, article_input, factcheck_panel, queue_panel, reader_panel, resources, verdict_panel
from ui.highlight import (
    LABEL_COLOURS,
    Span,
    check_chips,
    highlighted_article,
    score_bar,
    score_colour,
    shared_words,
)
from ui.text import escape_markdown, md, safe_link

if TYPE_CHECKING:
    from types import ModuleType

    from checker import workbench as wb

def _engine() -> ModuleType:
    """checker.workbench, imported on first use: it pulls in the database and model code."""
    return importlib.import_module("checker.workbench")


BADGES = {Label.SUPPORTED: "✅", Label.REFUTED: "❌", Label.MISLEADING: "🟠",
          Label.NOT_ENOUGH_EVIDENCE: "❔", Label.NOT_CHECK_WORTHY: "➖"}
FOCUS_COLOURS = {"quantity": "#ffd6a5", "date": "#caffbf", "name": "#bde0fe", "comparison": "#e4c1f9"}


def _run_check() -> None:
    cfg = resources.settings()
    text = st.session_state.get("article", "")
    try:
        if not text.strip():
            raise CheckerError("the article is empty: paste or load some text to check")
        text, notes = prepare_article(text)
        for note in notes:
            st.info(md("{}.", note.capitalize()))
        bar = st.progress(0.0, text="Reading the article…")
        resources.wait_until_warm(lambda done, what: bar.progress(done, text=what))  # moves from the first second
        retriever = resources.retriever()
        with st.spinner("Finding claims and their evidence…"):
            bar.progress(0.0, text="Reading the article…")
            work = _engine().open_article(
                text, retriever=retriever, store=resources.store(), settings=cfg,
                title=st.session_state.get("meta_title", ""), url=st.session_state.get("meta_url") or None,
                source=st.session_state.get("meta_source") or None,
                published=st.session_state.get("meta_date") or None,
                check_all=bool(st.session_state.get("check_all")), progress=_progress_to(bar))
            bar.empty()
        resources.mark_ready()
        st.session_state["work"] = work
        st.session_state.pop("selected_claim", None)
        address.show(work.article_id)
    except CheckerError as exc:
        st.session_state.pop("work", None)
        st.error(escape_markdown(str(exc)))


def _progress_to(bar: Any) -> Callable[[int, int, str], None]:
    def show(done: int, total: int, what: str) -> None:
        bar.progress(min(1.0, done / max(total, 1)), text=what[:1].upper() + what[1:])

    return show


def _ensure_evidence(work: wb.Workbench, claim: wb.WorkClaim) -> None:
    """Search the evidence of a claim the first time the reviewer opens it."""
    if claim.loaded:
        return
    with st.spinner("Searching evidence for this claim…"):
        _engine().load_evidence(work, [claim], retriever=resources.retriever(), settings=resources.settings(),
                                store=resources.store())


def _evidence_loader(work: wb.Workbench, visible: list[wb.WorkClaim]) -> None:
    """Long texts: how many listed claims have evidence yet, and a button for the next batch."""
    waiting = [c for c in visible if not c.loaded]
    if not waiting:
        return
    n = min(resources.settings().claims_at_once(), len(waiting))  # at most CHECKER_MAX_CLAIMS a click
    note, button = st.columns([3, 1])
    note.caption(f"Evidence found for {len(visible) - len(waiting):,} of {len(visible):,} listed claims, "
                 "best first; the others load when you open them.")
    if button.button(f"Load evidence for the next {n}", key="load_more"):
        bar = st.progress(0.0, text="Searching evidence…")
        _engine().load_evidence(work, waiting[:n], retriever=resources.retriever(), settings=resources.settings(),
                                store=resources.store(), progress=_progress_to(bar))
        bar.empty()
        st.rerun()


STATES_HELP = ("✅❌🟠❔➖ verdict: the label saved; otherwise what the evidence says: 👍 supported, 👎 refuted, "
               "🤷 not settled (the reader's suggestion), 🚫 no relevant evidence, ⏱ only later evidence "
               "(published after the article), 📄 evidence, ⏳ not searched yet")


def claim_state(claim: wb.WorkClaim) -> str:
    """Where a claim stands, as an icon and words (never colour alone): its verdict, or else what
    its evidence says (checker/summary.py)."""
    if claim.verdict:
        return f"{BADGES[claim.verdict.label]} verdict: {claim.verdict.label.value}"
    state = evidence_state(claim.evidence, claim.suggestion, searched=claim.loaded)
    return f"{ICONS[state]} {state}" + (" yet" if state == "not searched" else "")


def article_summary(visible: list[wb.WorkClaim]) -> EvidenceSummary:
    """The listed claims at a glance: what their evidence says, how many have a verdict."""
    return summarise((evidence_state(c.evidence, c.suggestion, searched=c.loaded) for c in visible),
                     verdicts=sum(c.verdict is not None for c in visible))


def _summary_box(visible: list[wb.WorkClaim]) -> None:
    """Above the claims: the article's summary and the corpus's coverage of it."""
    if not visible:
        return
    summary = article_summary(visible)
    coverage = summary.coverage()
    nothing = summary.count("no relevant evidence")
    searched = summary.claims - summary.count("not searched")
    (st.warning if searched and nothing == searched else st.info)(md(
        "**Summary of {} claims:** {}  \n{}{}", summary.claims, summary.icon_line(),
        coverage[:1].upper() + coverage[1:],
        ". Rewording a claim, or adding documents on the Corpus page, may find some." if nothing else "."))


def _claim_label(claim: wb.WorkClaim) -> str:
    """The list's label of a claim; it changes when a verdict's badge appears (see _claims_list)."""
    seen = "🔁 " if claim.match else ""
    attention = "⚠️ " if claim.attention else ""
    return (f"{claim_state(claim)} · {attention}{seen}**{claim.score:.2f}** "
            f"{escape_markdown(textwrap.shorten(claim.sentence, 160))}")


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
    current = st.session_state.get("selected_claim")
    # Set on every run, not only when it is missing: when an option's label changes (a verdict's
    # badge appears), the browser's radio falls back to its first option without telling the
    # server, and the next click anywhere sent claim #1. A value set here is one the browser takes.
    st.session_state["selected_claim"] = current if current in ids else ids[0]
    done = [c for c in visible if c.verdict]
    if done:
        counts = [(label, sum(c.verdict.label is label for c in done if c.verdict)) for label in Label]
        st.caption(md(" · ".join("{} {}: {}" for _, n in counts if n),
                      *(x for label, n in counts if n for x in (BADGES[label], label.value, n))))
    return st.radio("Claims, most check-worthy first (⚠️ = the best evidence disagrees on a number, date or "
                    "negation; 🔁 = a similar claim was checked before)", ids, help=STATES_HELP,
                    key="selected_claim", format_func=lambda cid: _claim_label(work.get(cid)))


def _promote(work: wb.Workbench, others: list) -> None:
    """Callback (runs before the page is drawn, so it may select the new claim)."""
    choice = st.session_state.get("promote_choice")
    if choice is None or choice >= len(others):
        return
    try:
        claim = _engine().promote(work, others[choice], retriever=resources.retriever(),
                                  store=resources.store(), settings=resources.settings())
        st.session_state["selected_claim"] = claim.claim_id
        st.session_state.pop("promote_error", None)
    except CheckerError as exc:
        st.session_state["promote_error"] = str(exc)


def _promote_box(work: wb.Workbench, visible: list[wb.WorkClaim]) -> None:
    shown = {(c.start, c.end) for c in visible}
    others = [s for s in work.sentences if (s.start, s.end) not in shown]
    if not others:
        return
    with st.expander("Make another sentence a claim"):
        st.selectbox("Sentence", range(len(others)), key="promote_choice",
                     format_func=lambda i: textwrap.shorten(others[i].text, 120))
        st.button("Make it a claim", key="promote", on_click=_promote, args=(work, others))
        if err := st.session_state.pop("promote_error", None):
            st.error(escape_markdown(err))


_HOW = {"said": "says it", "according_to": "according to the article", "quote": "quoted",
        "pronoun": "named earlier in the article"}


def _claim_panel(work: wb.Workbench, claim: wb.WorkClaim) -> None:
    cid = claim.claim_id
    st.markdown("#### Claim")
    st.markdown(md("> {}", claim.query))
    if (who := claim.claimant) is not None:  # who the sentence attributes it to
        st.caption(md("Claimant: the article (nobody is quoted)") if who.name is None
                   else md("Claimant: **{}** ({})", who.name, _HOW.get(who.kind, who.kind)))
    if claim.focus:
        spans = [Span(f.start - claim.start, f.end - claim.start, FOCUS_COLOURS.get(f.kind, "#eee"), f.kind)
                 for f in claim.focus]
        st.markdown("Checkable parts: " + highlighted_article(claim.sentence, spans, block=False),
                    unsafe_allow_html=True)
    if claim.standalone and claim.standalone != claim.query:
        st.caption(md("Standalone wording: {}", claim.standalone))
        if st.button("Search with the standalone wording", key=f"standalone_{claim.claim_id}"):
            try:
                _engine().reword(claim, claim.standalone, retriever=resources.retriever(),
                                 settings=resources.settings(), article_date=work.published,
                                 store=resources.store(), article_id=work.article_id)
                st.rerun()
            except CheckerError as exc:
                st.error(escape_markdown(str(exc)))
    context = work.context(claim)
    if context != claim.sentence:
        st.caption(md("In context: {}", context))
    st.caption(md("Check-worthiness {:.2f} — {}", claim.score, ", ".join(claim.reasons)))
    reader_panel.suggestion_block(claim)
    if claim.match:
        m = claim.match.row.verdict
        st.warning(md("Already checked: **{}** by {} on {} (similarity {:.2f}) — “{}”", m.label.value, m.reviewer,
                      m.created_at[:10], claim.match.similarity, textwrap.shorten(m.claim_text, 160)))
    with st.form(key=f"reword_{cid}", border=False):
        query = st.text_input("Wording to search with", value=claim.query, key=f"query_{cid}")
        c1, c2 = st.columns(2)
        search = c1.form_submit_button("Search with this wording")
        dismiss = c2.form_submit_button("Dismiss this claim")
    if search:
        try:
            _engine().reword(claim, query, retriever=resources.retriever(), settings=resources.settings(),
                             article_date=work.published, store=resources.store(), article_id=work.article_id)
            st.rerun()
        except CheckerError as exc:
            st.error(escape_markdown(str(exc)))
    if dismiss:
        _engine().dismiss(work, claim, store=resources.store())
        st.rerun()
    verdict_panel.verdict_form(claim)
    verdict_panel.history(claim)
    queue_panel.render(claim)


def _evidence_cards(claim: wb.WorkClaim) -> None:
    factcheck_panel.render(claim)  # published fact-checks of similar claims, above the evidence
    st.markdown(md("#### Evidence ({})", len(claim.evidence)))
    if not claim.evidence:
        st.info("Nothing reached the relevance floor; the weaker matches are below." if claim.weaker
                else "No evidence found in the corpus for this claim. Try rewording it.")
    best = resources.retriever().config.best_possible()
    for number, hit in enumerate(claim.evidence, 1):  # numbered as shown, not by search rank (the reader drops some)
        p = hit.passage
        with st.container(border=True):
            st.markdown(md("**{}. {}**", number, p.title))
            parts = [md("{}", x) for x in (p.publisher, p.date) if x] + ([safe_link(p.url)] if p.url else [])
            if parts:
                st.caption(md(" · ".join("{}" for _ in parts), *parts))
            if hit.after_article:
                st.caption(reader_panel.AFTER_ARTICLE)
            st.markdown(score_bar(hit, best_possible=best), unsafe_allow_html=True)
            if stance := reader_panel.stance_line(hit):
                st.markdown(md("{}", stance))
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
    reader_panel.weaker_matches(claim)


def render() -> None:
    st.title("Check an article")
    address.reopen(_engine())
    article_input.render()
    st.toggle("Check every sentence", key="check_all",
              help="Make every sentence a claim, whatever its check-worthiness. A text of one or two "
                   "sentences is always checked whole.")
    if st.button("Check", type="primary", key="check"):
        _run_check()
    work: wb.Workbench | None = st.session_state.get("work")
    if work is None:
        st.info("Paste an article (or load the example) and press **Check**. The workbench "
                "highlights the sentences worth checking and finds evidence for each.")
        return
    cfg = resources.settings()
    threshold = st.slider("Check-worthiness threshold", 0.0, 1.0, cfg.claim_threshold, 0.01,
                          key="threshold")
    visible = address.filter_mine(work.visible(threshold))
    st.caption(md("Article #{}: {}", work.article_id, work.title or "(untitled)"))
    if work.truncated:
        st.warning(md("Only the first {:,} of {:,} sentences were scored (CHECKER_MAX_SENTENCES protects the "
                      "machine; raise it to read the rest).", len(work.sentences),
                      len(work.sentences) + work.truncated))
    if work.every_sentence:
        st.caption("Every sentence is checked as a claim, whatever its score.")
    chosen = st.session_state.get("selected_claim")
    if chosen in {c.claim_id for c in visible}:
        _ensure_evidence(work, work.get(chosen))  # before the list and summary, so that they count it at once
    _summary_box(visible)
    _evidence_loader(work, visible)
    left, right = st.columns([3, 2])
    with right:
        st.markdown(md("#### {} claims", len(visible)))
        selected = _claims_list(work, visible)
        _promote_box(work, visible)
    with left:
        _article_view(work, visible, selected)
    if selected is None:
        return
    address.show(work.article_id, selected)
    st.divider()
    claim = work.get(selected)
    _ensure_evidence(work, claim)
    col_claim, col_evidence = st.columns([2, 3])
    with col_claim:
        _claim_panel(work, claim)
    with col_evidence:
        _evidence_cards(claim)

