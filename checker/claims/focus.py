"""What makes a claim checkable, marked inside it; and a standalone wording for searching.

`focus_spans` marks quantities, dates, named people/places/organisations and comparisons,
with offsets into the article. `standalone` drops a reporting frame ("He noted that …",
"…, Blinken told ABC") and replaces a leading pronoun with the last name mentioned before.
Both are rules, fast and transparent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}\s+{_MONTHS}(?:\s+\d{{4}})?|{_MONTHS}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|{_MONTHS}\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
    r"(?:last|next|this)\s+(?:week|month|year)|yesterday|today|tomorrow|(?:in|since|by)\s+(?:19|20)\d{2})\b")
_QUANTITY = re.compile(
    r"(?:[$€£]\s?)?\b\d[\d,.\s]*\d\b(?:\s?(?:%|per ?cent|percent|million|billion|thousand|trillion|k\b|bn\b))?"
    r"|(?:[$€£]\s?)?\b\d+(?:\.\d+)?\s?(?:%|per ?cent|percent|million|billion|thousand|trillion)"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred|dozens?|"
    r"hundreds|thousands|millions)(?:[\s-]+(?:hundred|thousand|million|billion))*\b",
    re.I)
_COMPARISON = re.compile(r"\b(?:more|less|fewer|greater|larger|smaller|higher|lower)\s+than\b|"
                         r"\b(?:most|least|largest|biggest|highest|lowest|first|record)\b|"
                         r"\b(?:doubled|tripled|halved|increased|decreased|rose|fell)\b", re.I)
_TOKEN = r"(?:(?:[A-Z]\.){2,}|[A-Z][A-Za-z’'.]*(?:-[A-Z][A-Za-z’'.]*)*)"
_NAME = re.compile(rf"\b{_TOKEN}(?:\s+(?:of\s+the\s+|of\s+)?{_TOKEN})*")
_NOT_NAMES = {"The", "A", "An", "In", "On", "At", "He", "She", "It", "They", "We", "I", "But", "And", "If",
              "As", "After", "Before", "This", "That", "These", "Those", "There", "What", "When", "Asked"}
_ACRONYM_END = re.compile(r"(?:^|\s)(?:[A-Z]\.){2,}$")
_PRONOUN_FRAME = re.compile(r"^(?:He|She|They|It)\s+(?:\w+\s+)?(?:said|says|noted|added|argued|insisted|"
                            r"claimed|stated|told\s+\w+|warned|confirmed|acknowledged|conceded)\s+(?:that\s+)?", re.I)
_TRAILING_FRAME = re.compile(r"[,\s]*[\"”’']?\s*,?\s*(?:[A-Z][\w.’'-]*\s*){1,3}(?:said|told|added|noted|wrote|"
                             r"tweeted)\b[^.\"”]*[.!?]?$")
# …," he added.  /  …?" she asked.  (a pronoun frame only counts right after a closing quotation mark)
_QUOTED_PRONOUN_FRAME = re.compile(r"([,.!?]?)[\"”’']\s*,?\s*(?:he|she|they)\s+(?:said|told\s+\w+|added|noted|wrote|"
                                   r"tweeted|continued|explained|insisted|warned|asked)\b[^.\"”]*[.!?]?$")
_SECOND_VERB = re.compile(r",?\s+(?:but|and|while)\s+(?:instead\s+|also\s+|then\s+|still\s+)?(?:said|noted|added|"
                          r"argued|insisted|claimed|stated|warned|confirmed|acknowledged|conceded|stressed|"
                          r"suggested|maintained|denied|called|urged|told|refused|declined|promised|vowed)\b")
_LEADING_PRONOUN = re.compile(r"^(He|She|They)\b")
_PERSON = re.compile(r"\b([A-Z][a-z]+)(?:\s+([A-Z][a-z]+))?\s+(?:said|told|noted|added|warned|met|spoke)\b")


@dataclass(frozen=True)
class Focus:
    start: int
    end: int
    kind: str  # quantity | date | name | comparison

    def to_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "kind": self.kind}


def focus_spans(sentence: str, *, offset: int = 0) -> list[Focus]:
    """Non-overlapping spans of `sentence` worth checking, as article offsets (`offset` + index)."""
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(sentence)

    def add(start: int, end: int, kind: str) -> None:
        while end > start and sentence[end - 1] in " ,." and not _ACRONYM_END.search(sentence[start:end]):
            end -= 1
        if end > start and not any(taken[start:end]):
            found.append((start, end, kind))
            for i in range(start, end):
                taken[i] = True

    for m in _DATE.finditer(sentence):
        add(m.start(), m.end(), "date")
    for m in _QUANTITY.finditer(sentence):
        add(m.start(), m.end(), "quantity")
    for m in _COMPARISON.finditer(sentence):
        add(m.start(), m.end(), "comparison")
    for m in _NAME.finditer(sentence):
        words = m.group().split()
        if m.start() == 0 or sentence[:m.start()].rstrip().endswith(("\"", "“")):
            while words and words[0] in _NOT_NAMES:
                words = words[1:]
        if not words or (len(words) == 1 and words[0] in _NOT_NAMES):
            continue
        start = m.end() - len(" ".join(words))
        add(start, m.end(), "name")
    return [Focus(offset + s, offset + e, k) for s, e, k in sorted(found)]


_RELATIVE = re.compile(r"(?:last|next|this)\s+(?:week|month|year)|yesterday|today|tomorrow|"
                       r"(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)", re.I)
_AFTER_PREPOSITION = re.compile(r"\b(?:since|until|by|from|for|before|after|during|of|in|on|at|to|till)\s*$", re.I)


def absolute_times(text: str, date: str | None) -> str:
    """Relative times placed on the article's date (checker/compare's date reading): "next week"
    -> "in the week of 24 January 2022", "yesterday" -> "on 20 January 2022", "on Thursday" ->
    "on Thursday 20 January 2022". Without a date, or for a time it cannot place, unchanged."""
    import datetime as dt

    from checker.compare.date_expressions import dates_in
    from checker.compare.text import Text

    try:
        ref = dt.date.fromisoformat(date) if date else None
    except ValueError:
        ref = None
    if ref is None:
        return text
    out = text
    for d in reversed(dates_in(Text(text, ref))):
        if d.lo is None or not _RELATIVE.fullmatch(d.text):
            continue
        low, day = d.text.lower(), f"{d.lo.day} {d.lo:%B %Y}"
        bare = _AFTER_PREPOSITION.search(out[: d.start]) is not None or low.startswith("on ")
        if "week" in low:
            new = f"the week of {day}" if bare else f"in the week of {day}"
        elif "month" in low:
            new = f"{d.lo:%B %Y}" if bare else f"in {d.lo:%B %Y}"
        elif "year" in low:
            new = f"{d.lo.year}" if bare else f"in {d.lo.year}"
        elif low in ("yesterday", "today", "tomorrow"):
            new = day if bare else f"on {day}"
        else:  # a weekday
            new = f"{d.text} {day}"
        if d.start == 0:
            new = new[:1].upper() + new[1:]
        out = out[: d.start] + new + out[d.end :]
    return out


def standalone(sentence: str, *, before: str = "", date: str | None = None) -> str | None:
    """A wording that stands on its own, or None when the sentence already does.

    `before` is the article text preceding the sentence, used to resolve a leading pronoun;
    `date` (the article's, YYYY-MM-DD) places relative times ("next week").
    """
    text = sentence.strip()
    changed = text
    frame = _PRONOUN_FRAME.match(changed)
    if frame:
        changed = changed[frame.end():]
        changed = changed[:1].upper() + changed[1:]
        # "He noted that there was no breakthrough but instead insisted that ...": the second verb's
        # subject went with the frame, so the reported statement ends before it.
        second = _SECOND_VERB.search(changed)
        if second and second.start() > 15:
            changed = changed[: second.start()].rstrip(" ,;") + "."
    else:
        trailing = _TRAILING_FRAME.search(changed)
        quoted = _QUOTED_PRONOUN_FRAME.search(changed)
        if trailing and trailing.start() > 20:
            changed = changed[: trailing.start()].strip(" ,\"“”'") + "."
        elif quoted and quoted.start() > 20:
            end = quoted.group(1) if quoted.group(1) in ("!", "?") else "."
            changed = changed[: quoted.start()].strip(" ,\"“”'") + end
        pronoun = _LEADING_PRONOUN.match(changed)
        if pronoun:
            people = _PERSON.findall(before)
            if people:
                first, last = people[-1]
                changed = (last or first) + changed[pronoun.end():]
    changed = absolute_times(changed.strip().strip("\"“”").strip(), date)
    return changed if changed and changed != text else None
