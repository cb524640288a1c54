"""Sentence splitting with exact character offsets into the original text.

sentencex finds the boundaries (it handles "U.S.", "Gen." and "Jan. 21" well), on a copy of
the text without quotation marks, so that a quote of two sentences gives two and a stray mark
cannot swallow the sentences up to the next quote. Around it we add what news text needs: a
line break ends a sentence (headlines, datelines) unless the next line clearly continues it, a
"sentence" that starts in lower case belongs to the one before it, so does a bare reporting
frame after a quoted question or exclamation ('"Why now?" Blinken asked.'), and surrounding
white space is trimmed. Offsets always satisfy `text[start:end] == s.text`.
"""

from __future__ import annotations

import re

from checker.types import Sentence

_CONTINUES = re.compile(r"[,;\-–—(/&]$|\b(and|or|but|of|the|a|an|to|in|on|for|with|by|at)$", re.I)
_OPENING = "\"'“‘(«["
# "…?" Blinken asked.  /  "…!" President Joe Biden told reporters on Friday.
_FRAME = re.compile(r"^(?:[A-Z][\w.’'-]*\s+){1,4}(?:said|says|asked|asks|told|tells|added|adds|replied|"
                    r"wrote|writes|tweeted|continued|insisted|warned|noted|explained|shouted|cried)\b"
                    r"[^\"“”.!?]{0,80}[.!?]?$")
_QUOTE_END = re.compile(r"[!?]\s?[\"”’']+$")


# a quotation mark: any double mark, or a single one that is not an apostrophe inside a word ("Russia's")
_QUOTE_MARK = re.compile(r"[\"“”„‟«»‹›]|(?<!\w)['‘’‚‛]|['‘’‚‛](?!\w)")


def _raw_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of `text` from sentencex, found with the quotation marks blanked out.

    sentencex keeps a quotation together, pairing its marks. In news text that hides real
    boundaries: a quote of several sentences becomes one, and a single stray mark (copied
    tweets, `ones.".`) pairs with the next quote and swallows every sentence in between. So
    the boundaries are found on a copy without quotation marks, and each mark is then given
    back to the sentence it touches: a closing mark to the one it follows, an opening mark to
    the one it precedes.
    """
    from sentencex import get_sentence_boundaries

    marks = {m.start() for m in _QUOTE_MARK.finditer(text)}
    blank = _QUOTE_MARK.sub(" ", text)  # one character for one: offsets still match
    spans: list[tuple[int, int]] = []
    for b in get_sentence_boundaries("en", blank):
        if b.get("is_paragraph_break"):
            continue
        start, end = int(b["start_index"]), int(b["end_index"])
        if blank[start:end] != b["text"]:  # never trust offsets blindly
            found = blank.find(b["text"], spans[-1][1] if spans else 0)
            if found < 0:
                continue
            start, end = found, found + len(b["text"])
        start, end = _trim(blank, start, end)
        if start >= end:
            continue
        while end in marks:  # closing marks right after the sentence
            end += 1
        floor = spans[-1][1] if spans else 0
        while start > floor and start - 1 in marks:  # opening marks right before it
            start -= 1
        spans.append((start, end))
    return spans


def _split_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Break a span at line breaks, except where the next line continues the sentence."""
    out: list[tuple[int, int]] = []
    cur = start
    for m in re.finditer(r"\n", text[start:end]):
        pos = start + m.start()
        before = text[cur:pos].rstrip()
        after = text[pos + 1 : end].lstrip()
        if not before.strip():
            cur = pos + 1
            continue
        if after[:1].islower() or _CONTINUES.search(before):
            continue
        out.append((cur, pos))
        cur = pos + 1
    out.append((cur, end))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _starts_lower(s: str) -> bool:
    s = s.lstrip(_OPENING)
    return bool(s) and s[0].islower()


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences whose offsets index `text` exactly."""
    if not text or not text.strip():
        return []
    spans: list[tuple[int, int]] = []
    carry: int | None = None  # start of a lone opening quote waiting for its sentence
    for start, end in _raw_spans(text):
        for s, e in _split_lines(text, start, end):
            s, e = _trim(text, s, e)
            if s >= e:
                continue
            piece = text[s:e]
            if all(ch in _OPENING for ch in piece) and (carry is None):
                carry = s
                continue
            if carry is not None:
                s, carry = carry, None
                piece = text[s:e]
            prev_end = spans[-1][1] if spans else -1
            joins = spans and "\n" not in text[prev_end:s] and (
                _starts_lower(piece) or not any(ch.isalnum() for ch in piece)
                or (_FRAME.match(piece) is not None and _QUOTE_END.search(text[spans[-1][0]:prev_end]) is not None)
            )
            if joins:
                spans[-1] = (spans[-1][0], e)
            else:
                spans.append((s, e))
    return [Sentence(text=text[s:e], start=s, end=e) for s, e in spans]
