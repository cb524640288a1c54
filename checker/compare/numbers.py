"""The number check: each quantity of the claim against the evidence quantities about the same
kind of thing (the same unit or noun, or a synonym such as troops/forces/soldiers, and a word in
common nearby). Qualifiers make ranges ("about" ±10%, "more than" open above, "nearly" just
below) and ranges are compared, not points. A figure about something else is no difference; a
claim figure with nothing comparable is "missing"."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from checker.compare.checks import Check
from checker.compare.figures import CURRENCIES, SCALE, Figure, find_figures
from checker.compare.text import STOP, Text, canon, per_text, stem_of
from checker.compare.units import COUNT_GROUPS, MODIFIERS, UNIT_GROUPS

APPROX_TOLERANCE = 0.10  # "about 100,000" is 90,000 to 110,000
NEARLY_FLOOR = 0.85  # "nearly 100,000" is 85,000 to 100,000
UP_TO_FLOOR = 0.60  # "up to 50,000" is 30,000 to 50,000
ROUNDING_CAP = 0.05  # a bare round figure stands for at most ±5% ("100,000" is 95,000 to 105,000)
EXACT_TOLERANCE = 0.01  # and any bare figure for at least ±1%


_STAT_AFTER = frozenset({"ci", "confidence", "cl"})
_QUALIFIERS = {
    ("about",): "approx", ("around",): "approx", ("roughly",): "approx", ("approximately",): "approx",
    ("some",): "approx", ("an", "estimated"): "approx", ("estimated",): "approx", ("nearer", "to"): "approx",
    ("an", "average", "of"): "approx", ("closer", "to"): "approx",
    ("nearly",): "below", ("almost",): "below", ("just", "under"): "below", ("just", "below"): "below",
    ("close", "to"): "close",
    ("more", "than"): "above", ("over",): "above", ("above",): "above", ("in", "excess", "of"): "above",
    ("upwards", "of"): "above", ("exceeded",): "above", ("exceeds",): "above", ("exceeding",): "above",
    ("topped",): "above", ("surpassed",): "above",
    ("at", "least"): "floor", ("no", "fewer", "than"): "floor", ("no", "less", "than"): "floor",
    ("just", "over"): "just over",
    ("up", "to"): "up to", ("as", "many", "as"): "up to", ("as", "much", "as"): "up to",
    ("at", "most"): "ceiling", ("no", "more", "than"): "ceiling",
    ("fewer", "than"): "under", ("less", "than"): "under", ("under",): "under", ("below",): "under",
}
_QUALIFIERS_AFTER = {("or", "more"): "floor", ("or", "so"): "approx", ("plus",): "floor", ("+",): "floor",
                     ("or", "fewer"): "ceiling", ("or", "less"): "ceiling"}


_DEATH_AFTER = frozenset({"killed", "died", "dead"})
_DEATH_BEFORE = frozenset({"killed", "killing", "kills"})


@dataclass(frozen=True)
class _Quantity:
    i: int  # token range of the figure
    j: int
    start: int  # character span of the figure and its unit
    end: int
    text: str
    lo: float  # in the unit group's base unit
    hi: float
    value: float  # the stated figure, in base units
    group: str  # "troops", "share", "money:usd", "duration", ... or "noun:<stem>"
    context: frozenset[str]  # content words around the figure
    sentence: frozenset[str]  # content words of its whole sentence
    sent: int
    vague: bool = False  # "tens of thousands": an order of magnitude
    event: str | None = None  # the verb whose occurrences it counts: "scored" in "scored three goals"
    phrase: str = ""  # an order of magnitude's own words: "tens of thousands"


def _same_thing(c: _Quantity, e: _Quantity) -> bool:
    """The same kind of thing: the same group, or a bare count of an event ("scored twice",
    "scored three times") against a count of what that event produced ("scored three goals")."""
    if c.group == e.group:
        return True
    return (c.group.startswith("event:") and c.group[6:] == e.event) or (
        e.group.startswith("event:") and e.group[6:] == c.event)


def _agree(c: _Quantity, e: _Quantity) -> bool:
    """Do the two quantities agree? An order of magnitude ("tens of thousands") holds the other
    side's stated figure, not its rounding: "100,000" is not "tens of thousands" (a soft
    difference, which `_difference` words as one)."""
    if not _same_thing(c, e):
        return False
    if c.vague != e.vague:
        vague, figure = (c, e) if c.vague else (e, c)
        return vague.lo <= figure.value <= vague.hi and figure.lo <= vague.hi and vague.lo <= figure.hi
    return c.lo <= e.hi and e.lo <= c.hi


def _qualifier(t: Text, i: int) -> tuple[str, int]:
    """The qualifier before token i ("about", "more than", "nearly", ...) and its first token."""
    k = i - 1 if t.tok(i - 1) in CURRENCIES else i
    for size in (3, 2, 1):
        key = tuple(t.low(x) for x in range(k - size, k))
        if key in _QUALIFIERS:
            return _QUALIFIERS[key], k - size
    return "", k


def _qualified_range(t: Text, f: Figure, after: int) -> tuple[float, float]:
    if f.lo is not None and f.hi is not None:
        return f.lo, f.hi
    v = f.value
    tol = max(EXACT_TOLERANCE * v, min(f.precision, ROUNDING_CAP * v))
    q, _ = _qualifier(t, f.i)
    for key, kind in _QUALIFIERS_AFTER.items():
        if tuple(t.low(after + x) for x in range(len(key))) == key:
            q = q or kind
            if kind in ("floor", "ceiling") and q != kind:
                q = kind
    if q == "approx":
        return v * (1 - APPROX_TOLERANCE) - tol, v * (1 + APPROX_TOLERANCE) + tol
    if q == "below":
        return v * NEARLY_FLOOR, v
    if q == "close":
        return v * NEARLY_FLOOR, v + tol
    if q == "above":
        return v, math.inf
    if q == "floor":
        return v - tol, math.inf
    if q == "just over":
        return v, v * (2 - NEARLY_FLOOR)
    if q == "up to":
        return v * UP_TO_FLOOR, v + tol
    if q == "ceiling":
        return 0.0, v + tol
    if q == "under":
        return 0.0, v
    return v - tol, v + tol


def _unit_after(t: Text, j: int) -> tuple[tuple[str, float] | None, int, int]:
    """The unit or noun right after a figure ending at token j: (group and factor, end token,
    head token of the unit or -1)."""
    low = t.low(j)
    if low in ("%", "percent", "pct"):
        return UNIT_GROUPS["percent"], j + 1, -1
    if low == "per" and t.low(j + 1) == "cent":
        return UNIT_GROUPS["percent"], j + 2, -1
    if low == "per":
        base = t.low(j + 1).replace(",", "")
        denominator = float(SCALE[base]) if base in SCALE else float(base) if base.isdecimal() else 0.0
        k = j + 2
        while t.tok(k).isdecimal() and len(t.tok(k)) == 3 and t.starts[k] == t.end(k - 1) + 1:
            denominator = denominator * 1000 + int(t.tok(k))
            k += 1
        if t.low(k) in SCALE:
            denominator *= SCALE[t.low(k)]
            k += 1
        if denominator:
            return ("share", 1 / denominator), k, -1
    if low in ("percentage", "points", "point"):
        return UNIT_GROUPS["points"], j + 2 if t.low(j + 1) in ("point", "points") else j + 1, -1
    if low == "-" and t.tight(j) and t.is_word(j + 1):
        word = t.lows[j + 1]
        unit_word = word.split("-")[0] if word.split("-")[0] in UNIT_GROUPS else word
        if unit_word in UNIT_GROUPS:
            return UNIT_GROUPS[unit_word], j + 2, j + 1
        if word.startswith("year"):
            return UNIT_GROUPS["year"], j + 2, j + 1
    if low == "/":
        return None, j, -1
    if t.tok(j + 1) == "/" and t.tight(j + 1) and t.is_word(j + 2) and t.is_word(j):
        return (f"unit:{low}/{t.low(j + 2)}", 1), j + 3, j
    # a run of words: the longest known unit, else the head noun
    run: list[int] = []
    k = j
    while k < t.n and len(run) < 4 and t.is_word(k):
        w = t.lows[k]
        if w in STOP and w not in UNIT_GROUPS:
            break
        run.append(k)
        k += 1
    words = [t.lows[x] for x in run]
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start: start + size])
            if phrase in UNIT_GROUPS and (start == 0 or all(
                    word in MODIFIERS or t.toks[run[m]][0].isupper() or "-" in word
                    for m, word in enumerate(words[:start]))):
                return UNIT_GROUPS[phrase], run[start + size - 1] + 1, run[start + size - 1]
    head = -1
    for k2 in run:
        word = t.lows[k2]
        if word.endswith(("ed", "ing", "ly")) and head >= 0:
            break
        if word in MODIFIERS or t.toks[k2][0].isupper():
            continue
        head = k2
    if head >= 0:
        return (f"noun:{stem_of(t.lows[head])}", 1), head + 1, head
    return None, j, -1


def _unit_before(t: Text, i: int) -> tuple[str, float] | None:
    """A count noun shortly before a figure: "the number of Russian troops near its border at 94,000"."""
    a, _ = t.sent_range(t.sent(i))
    k, words = i - 1, 0
    while k >= a and words < 8:
        if t.toks[k][0].isalpha():
            words += 1
            for size in (3, 2, 1):
                phrase = " ".join(t.lows[max(a, k - size + 1): k + 1])
                if phrase in UNIT_GROUPS and UNIT_GROUPS[phrase][0] in COUNT_GROUPS:
                    return UNIT_GROUPS[phrase]
            if t.lows[k] == "aged":
                return UNIT_GROUPS["years"]
        k -= 1
    return None


@per_text
def quantities_in(t: Text) -> list[_Quantity]:
    """The quantities of `t`: figures with their unit, range, and the words around them."""
    out: list[_Quantity] = []
    last: tuple[str, float] | None = None
    last_sent = -1
    for f in find_figures(t):
        sent = t.sent(f.i)
        if sent != last_sent:
            last, last_sent = None, sent
        unit, end, head = f.unit, f.unit_end or f.j, -1
        if unit is None:
            start_unit = f.j + 1 if f.then_of and t.low(f.j) == "of" else f.j
            unit, end, head = _unit_after(t, start_unit)
            if unit is None:
                end = f.j
        if f.currency:
            unit = unit if unit is not None and unit[0].startswith("money:") else (f"money:{f.currency}", 1.0)
        if unit is None:
            unit = _unit_before(t, f.i) or last
        if unit is None:
            continue
        group, factor = unit
        if group == "people" and (t.low(end) in _DEATH_AFTER or t.low(end + 1) in _DEATH_AFTER
                                  or t.low(f.i - 1) in _DEATH_BEFORE):
            group = "deaths"
        last = (group, factor)
        event = _event_verb(t, f.i)
        if group == "times" and event is not None and _counts_occurrences(t, f, end):
            group = f"event:{event}"  # "scored twice", "was arrested three times"
        elif t.lows[f.i] == "once":
            continue  # "once again", "at once": no count
        elif group not in COUNT_GROUPS and not group.startswith("noun:"):
            event = None  # only a count of things can count an event: "scored three goals"
        if t.low(end) in _STAT_AFTER or (t.tok(end) == "%" and t.low(end + 1) in _STAT_AFTER):
            continue  # "95% CI"
        lo, hi = _qualified_range(t, f, end)
        head_word = {canon(t.toks[head])} if head >= 0 else set()
        s = t.starts[_qualifier(t, f.i)[1]] if f.lo is None else t.starts[f.i]
        e = t.end(end - 1) if end > f.i else t.end(f.j - 1)
        out.append(_Quantity(f.i, f.j, s, e, t.text[s:e], lo * factor, hi * factor, f.value * factor, group,
                             t.words_around(f.i, f.j) - head_word,
                             t.sentence_words(sent) - head_word, sent, f.vague, event,
                             t.text[t.starts[f.i]:t.end(f.j - 1)] if f.vague else ""))
    return out


_PAST_IRREGULAR = frozenset("""
won lost beat hit struck met held took gave made went sent led ran saw broke threw shot fought caught came
became fell rose grew drew bought sold told wrote stole flew kept left spent found
""".split())
_COMPARATIVE_AFTER = frozenset({"as", "more", "less", "fewer", "than", "that", "the", "over", "higher", "lower",
                                "larger", "greater", "bigger", "smaller", "faster", "slower", "longer"})
_EVENT_COUNTS = frozenset({"twice", "thrice", "once"})
_ONCE_BEFORE = frozenset({"in", "on", "at", "last", "this", "during", "before", "after", "since", "for", "by",
                          "against", "with", "while", "over", "under", "between", "so", "far", "yesterday"})


def _event_verb(t: Text, i: int) -> str | None:
    """The stem of a verb in the past right before token i ("scored" in "scored twice", "won" in
    "won three titles"), None if there is none (a participle used as a modifier is none)."""
    low = t.low(i - 1)
    if not (t.is_word(i - 1) and t.toks[i - 1][0].islower()) or low in STOP or low in MODIFIERS:
        return None
    return stem_of(low) if low.endswith("ed") or low in _PAST_IRREGULAR else None


def _counts_occurrences(t: Text, f: Figure, end: int) -> bool:
    """Does a "times" figure count occurrences ("twice", "three times" after a verb) rather
    than multiply ("twice as many", "three times higher", "threefold")?"""
    if t.lows[f.i] == "once" and t.is_word(end) and t.low(end) not in _ONCE_BEFORE:
        return False  # "once again", "once more", "once a week", "once the talks end"
    counted = t.lows[f.i] in _EVENT_COUNTS or (f.j < end and t.lows[end - 1] == "times")
    return counted and t.low(end) not in _COMPARATIVE_AFTER


def _comparable(c: _Quantity, e: _Quantity) -> bool:
    if not _same_thing(c, e) and not (c.group.startswith("money:") and e.group.startswith("money:")):
        return False
    return bool(c.sentence & e.context)


def _difference(c: _Quantity, e: _Quantity) -> str:
    if c.group != e.group and _same_thing(c, e):
        return "another count of the same event"
    if c.group != e.group:
        return "different currency"
    if c.group == "score":
        return "another result"
    if c.vague or e.vague:
        return _magnitude_difference(c, e)
    if c.group == "share" and c.value >= 0.001 and e.value >= 0.001:
        return f"{(e.value - c.value) * 100:+.1f} points".replace("-", "−")
    if c.value == 0 or e.value == 0:
        return "one of them is zero"
    ratio = e.value / c.value
    if 0.5 <= ratio <= 2:
        return f"{(ratio - 1) * 100:+.0f}%".replace("-", "−")
    return f"×{ratio:.2g}" if ratio > 1 else f"÷{1 / ratio:.2g}"


def _magnitude_difference(c: _Quantity, e: _Quantity) -> str:
    """How a figure differs from an order of magnitude ("tens of thousands" is 10,000 to
    99,999): softly where the figure's own rounding reaches the range ("100,000" is 95,000 to
    105,000), else above or below it, and "another order of magnitude" only ten times beyond."""
    if c.vague and e.vague:
        return "another order of magnitude"
    vague, figure = (c, e) if c.vague else (e, c)
    span = f"\"{vague.phrase}\" is {vague.lo:,.0f} to {vague.hi:,.0f}"
    side = "above" if figure.value > vague.hi else "below"
    if figure.lo <= vague.hi and vague.lo <= figure.hi:
        return f"a soft difference: {span}, {figure.text} just {side} it"
    if vague.lo / 10 <= figure.value <= vague.hi * 10:
        return f"{span}, {figure.text} {side} it"
    return f"another order of magnitude: {span}"


def _ranker(q: _Quantity) -> Any:
    """Order evidence figures for claim figure `q`: more words in common, then closer in value."""

    def rank(x: _Quantity) -> tuple[int, float]:
        closeness = -abs(math.log(max(x.value, 1e-12) / max(q.value, 1e-12)))
        return len(q.context & x.context), closeness

    return rank


def number_checks(c: Text, e: Text) -> list[Check]:
    checks: list[Check] = []
    for q in quantities_in(c):
        cands = [x for x in quantities_in(e) if _comparable(q, x)]
        # a figure in the same sentence and unit as a comparable one is an alternative to it:
        # "less over 6 hours but not different over 4 hours or 24 hours"
        sentences = {x.sent for x in cands}
        cands += [x for x in quantities_in(e) if x not in cands and x.sent in sentences and x.group == q.group]
        if not cands:
            checks.append(Check("number", "missing", (q.start, q.end), None,
                                f"no comparable figure in the evidence for \"{q.text}\""))
            continue

        agreeing = [x for x in cands if _agree(q, x)]
        rank = _ranker(q)
        if agreeing:
            best = max(agreeing, key=rank)
            checks.append(Check("number", "agrees", (q.start, q.end), (best.start, best.end),
                                f"claim {q.text} matches evidence {best.text}"))
            continue
        best = max(cands, key=rank)
        checks.append(Check("number", "differs", (q.start, q.end), (best.start, best.end),
                            f"claim {q.text} vs evidence {best.text} ({_difference(q, best)})"))
    return checks
