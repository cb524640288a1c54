"""HTML for highlighted text. Every piece of user or corpus text is escaped here; the only
markup in the output is the <mark>, <span> and <div> tags this module writes itself."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from checker.compare import Check
from checker.evidence.lexical import tokenize
from checker.types import Hit, Label
from ui.text import break_autolinks

LABEL_COLOURS = {
    Label.SUPPORTED: "#b7e4c7",
    Label.REFUTED: "#f4a6a6",
    Label.MISLEADING: "#f9c784",
    Label.NOT_ENOUGH_EVIDENCE: "#cfd8e3",
    Label.NOT_CHECK_WORTHY: "#e6e6e6",
}
_WORD = re.compile(r"\w+(?:[,.]\d+)*", re.U)
# Words too common to be worth pointing at, on top of BM25's own stop words.
_COMMON = frozenset(
    """
about after all also any been before being but can could did does doing down each few from had
has have having her here hers him his how into its just more most must now off once only other
our out over own same she should some such than that their them then there these they this those
through too under until very was were what when where which while who whom why will with would
you your said says told
"""
    .split()
)
# Stop words that carry what a claim says, so they stay marked: figures, order, and a few nouns.
_KEEP = frozenset("one two three four five six eight nine ten eleven twelve fifteen twenty forty fifty sixty "
                  "hundred first third last bill fire system interest amount".split())


@functools.cache
def _not_shared() -> frozenset[str]:
    """Words never marked as shared: pronouns and other stop words (scikit-learn's English list,
    less `_KEEP`), and `_COMMON`. Imported on first use, to keep the first page quick."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return _COMMON | (frozenset(ENGLISH_STOP_WORDS) - _KEEP)


def score_colour(score: float) -> str:
    """Yellow whose strength follows check-worthiness."""
    alpha = 0.15 + 0.6 * max(0.0, min(1.0, score))
    return f"rgba(255, 200, 0, {alpha:.2f})"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    colour: str
    tooltip: str = ""
    selected: bool = False


# Characters that start Markdown (or Streamlit's Markdown extensions: math, directives) are
# written as numeric character references: the browser shows them as themselves, and
# Markdown never reads them as syntax, even where our HTML ends up inside a paragraph.
_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;",
            ord("'"): "&#x27;", ord("\n"): "&#10;", ord("\r"): "&#10;",
            **{ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~$:=^"}}


def _esc(text: str) -> str:
    """Text as HTML that neither HTML nor Markdown reads as markup.

    Line breaks become `&#10;`: with no raw line break, and so no blank line, in what this
    module writes, Markdown never ends our HTML block and parses the rest as Markdown.
    """
    return text.replace("\r\n", "\n").translate(_ESCAPES)


def highlighted_article(text: str, spans: Sequence[Span], *, block: bool = True) -> str:
    """The article as escaped HTML, each span wrapped in a coloured <mark>.

    `block=False` gives a <span> for use inside a line of Markdown: there the text between
    our tags is Markdown text, whose bare URLs would become links unless broken.
    """
    def esc(piece: str) -> str:
        return _esc(piece if block else break_autolinks(piece))

    out, pos = [], 0
    for s in sorted(spans, key=lambda s: s.start):
        if s.start < pos or s.end > len(text) or s.start >= s.end:
            continue
        out.append(esc(text[pos : s.start]))
        border = "outline: 2px solid #1f6feb;" if s.selected else ""
        out.append(f'<mark class="claim" style="background:{s.colour};{border}" '
                   f'title="{_esc(s.tooltip)}">{esc(text[s.start : s.end])}</mark>')
        pos = s.end
    out.append(esc(text[pos:]))
    if not block:
        return f'<span class="claim-focus">{"".join(out)}</span>'
    return f'<div class="article" style="white-space: pre-wrap; line-height: 1.6">{"".join(out)}</div>'


def shared_words(passage: str, query: str, *, flagged: Sequence[tuple[int, int]] = ()) -> str:
    """The passage as escaped HTML: words shared with `query` marked yellow, `flagged` spans red."""
    wanted = set(tokenize(query))
    skip = _not_shared()
    marks: list[tuple[int, int, str]] = [(s, e, "#ffb3b3") for s, e in flagged if 0 <= s < e <= len(passage)]
    for m in _WORD.finditer(passage):
        word = m.group()
        stems = tokenize(word) if len(word) > 1 and word.lower() not in skip else []
        if stems and stems[0] in wanted and not any(s < m.end() and m.start() < e for s, e, _ in marks):
            marks.append((m.start(), m.end(), "#fff3a3"))
    out, pos = [], 0
    for s, e, colour in sorted(marks):
        if s < pos:
            continue
        out.append(_esc(passage[pos:s]))
        out.append(f'<mark style="background:{colour}">{_esc(passage[s:e])}</mark>')
        pos = e
    out.append(_esc(passage[pos:]))
    return "".join(out)


CHIP_COLOURS = {"differs": "#f4a6a6", "missing": "#f9e0a0", "agrees": "#d8f0dc"}


def check_chips(checks: Sequence[Check]) -> str:
    """The claim-against-evidence checks as small coloured labels, disagreements first."""
    order = {"differs": 0, "missing": 1, "agrees": 2}
    flagged = sorted((c for c in checks if c.is_flag()), key=lambda c: order[c.status])
    agree = [c for c in checks if c.status == "agrees"]
    chips = [f'<span style="background:{CHIP_COLOURS[c.status]};border-radius:4px;padding:1px 6px;'
             f'margin:0 4px 4px 0;display:inline-block;font-size:0.8em" title="{_esc(c.kind)}">'
             f'{_esc(c.kind)} {_esc(c.status)}: {_esc(c.detail)}</span>' for c in flagged]
    if agree:  # which checks agree, not just how many
        chips.append('<span style="font-size:0.8em;color:#3a7d44">agrees: '
                     + "; ".join(f"{_esc(c.kind)} ({_esc(c.detail)})" for c in agree) + "</span>")
    return "<div>" + "".join(chips) + "</div>"


def score_bar(hit: Hit, *, best_possible: float) -> str:
    """A bar for the fused score, split into its dense and lexical parts (negative parts show as 0)."""
    dense = max(0.0, 100 * hit.dense_part / best_possible) if best_possible else 0
    lexical = max(0.0, 100 * hit.lexical_part / best_possible) if best_possible else 0
    return (
        '<div style="display:flex;height:10px;width:100%;background:#eee;border-radius:3px" '
        f'title="fused {hit.score:.4f}: dense {hit.dense_part:.4f} + lexical {hit.lexical_part:.4f}">'
        f'<div style="width:{dense:.1f}%;background:#4c78a8"></div>'
        f'<div style="width:{lexical:.1f}%;background:#f58518"></div></div>'
        f'<div style="font-size:0.8em;color:#555">fused {hit.score:.4f} · '
        f'<span style="color:#4c78a8">■</span> dense cosine {hit.dense_score:.3f} · '
        f'<span style="color:#f58518">■</span> BM25 {hit.lexical_score:.2f}</div>'
    )
