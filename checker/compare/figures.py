"""Figures read from the tokens of a text, before their units: digits with separators and scales
("127,000", "100 000", "1.5 million", "€40m"), number words ("two dozen", "half a million"),
vague amounts ("tens of thousands"), multipliers and counts ("twice", "thrice", "once"), ratios
("3 in 10"), results ("won 2-1") and ranges ("between 169,000 and 190,000"). Years and other
date tokens are not figures."""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.compare.date_expressions import as_year, date_tokens_in
from checker.compare.text import SMALL, Text
from checker.compare.units import UNIT_GROUPS

SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "dozen": 12}
_SHORT_SCALE = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "mln": 1_000_000, "bn": 1_000_000_000,
                "b": 1_000_000_000, "tn": 1_000_000_000_000}
_NUMBER_WORDS = frozenset({*SMALL, *SCALE})
_VAGUE = {("tens", "of", "thousands"): (10_000, 99_999), ("hundreds", "of", "thousands"): (100_000, 999_999),
          ("tens", "of", "millions"): (10_000_000, 99_999_999), ("thousands",): (1_000, 9_999),
          ("hundreds",): (100, 999), ("dozens",): (24, 99), ("millions",): (1_000_000, 9_999_999),
          ("billions",): (1e9, 9.99e9)}
_MULTIPLIERS = {"twice": 2.0, "twofold": 2.0, "two-fold": 2.0, "threefold": 3.0, "three-fold": 3.0,
                "doubled": 2.0, "tripled": 3.0, "thrice": 3.0, "once": 1.0}
_DASHES = frozenset({"-", "–", "—"})
# words that make "2-1" a result (a score, a vote, a ruling) rather than a range
_RESULT_WORDS = frozenset("""
win wins won winning beat beats beaten lose loses lost losing defeat defeated defeats draw draws drew drawn
score scores scored scoreline victory victories match game final semifinal semi-final vote votes voted
ruled ruling lead leads led leading trail trails trailed trailing tie tied verdict series
""".split())
_GLUED = re.compile(r"^(\d+(?:[.,]\d+)?)([a-zA-Zµ]+)$")  # "100k", "40mg", "3bn"
_NUMERIC = re.compile(r"\d+(?:[,.·]\d+)*")
CURRENCIES = {"$": "usd", "€": "eur", "£": "gbp", "¥": "jpy"}
_IDENTIFIER_BEFORE = frozenset("""
type grade stage phase class level group table figure fig article section chapter number round model
version route flight room page vol issue step category tier generation wave covid g p n or hr rr ci auc r
size line unit channel rule code item exon intron chromosome gate terminal cd il no
""".split())
_SIGNS_BEFORE = frozenset("=<>≤≥±#/:")


_RANGE_SEPARATORS = frozenset({"-", "–", "—", "to"})


@dataclass
class Figure:
    """A figure read from the tokens, before its unit and qualifiers."""

    i: int
    j: int  # tokens i..j-1
    value: float
    precision: float  # the rounding a bare figure implies
    lo: float | None = None  # a range given by the text itself
    hi: float | None = None
    unit: tuple[str, float] | None = None
    unit_end: int = 0  # token after the unit, when the figure carries it
    currency: str | None = None
    then_of: bool = False  # "tens of thousands of troops"
    vague: bool = False  # an order of magnitude ("tens of thousands"), not a figure


SCORE_BASE = 1000  # a result "3-1" is the value 3 * SCORE_BASE + 1, its larger side first


def _precision(digits: str, frac: str, scale: float) -> float:
    if frac:
        return 0.5 * 10 ** -len(frac) * scale
    clean = digits.replace(",", "")
    zeros = len(clean) - len(clean.rstrip("0")) if clean.strip("0") else 0
    return 0.5 * 10 ** zeros * scale


def _word_value(words: list[str]) -> float | None:
    """Value of ["one", "hundred", "and", "twenty-seven", "thousand"], ["two", "dozen"]."""
    total = current = 0.0
    seen = False
    for word in words:
        for w in word.split("-"):
            if w == "and":
                continue
            if w in SMALL:
                current += SMALL[w]
            elif w in ("hundred", "dozen"):
                current = (current or 1) * SCALE[w]
            elif w in SCALE:
                total += (current or 1) * SCALE[w]
                current = 0
            else:
                return None
            seen = True
    return total + current if seen else None


def _digits_at(t: Text, i: int) -> Figure | None:
    """A figure written with digits at token i: "127,000", "100 000", "1.5 million", "€40m", "40mg"."""
    w = t.toks[i]
    unit = None
    glued = None if _NUMERIC.fullmatch(w) else _GLUED.match(w)
    if glued:
        suffix = glued.group(2)
        if suffix.lower() in _SHORT_SCALE and (suffix.lower() not in ("m", "b") or t.tok(i - 1) in CURRENCIES):
            digits, scale = glued.group(1), float(_SHORT_SCALE[suffix.lower()])
        elif suffix.lower() in UNIT_GROUPS or suffix in UNIT_GROUPS:
            digits, scale = glued.group(1), 1.0
            unit = UNIT_GROUPS.get(suffix, UNIT_GROUPS.get(suffix.lower()))
        else:
            return None  # "21st", "2G", "10E8"
    elif w[0].isdecimal():
        digits, scale = w, 1.0
    else:
        return None
    if t.tight(i) and t.tok(i - 1) in _SIGNS_BEFORE | {".", ",", "·"}:
        return None  # "10/66", "9:30", "P = .03" (tight), "1,5"
    if t.tok(i + 1) in ("/", ":") and t.tight(i + 1) and t.tok(i + 2)[:1].isdecimal():
        return None
    if t.low(i - 1) in _IDENTIFIER_BEFORE or t.tok(i - 1) in _SIGNS_BEFORE or (
            t.tok(i - 1) in ("=", "<", ">") or (t.low(i - 2) in ("p", "n") and t.tok(i - 1) in ("=", "<", ">"))):
        return None
    j = i + 1
    if not glued:
        # "100 000": groups of three digits after a single space
        while (len(digits.replace(",", "")) <= 3 or " " in digits) and t.tok(j).isdecimal() and len(t.tok(j)) == 3 \
                and t.starts[j] == t.end(j - 1) + 1 and t.text[t.end(j - 1)] in "  \u2009":
            digits = digits + " " + t.tok(j)
            j += 1
    clean = digits.replace(" ", "").replace("·", ".")
    if clean.count(".") > 1:
        return None
    whole, _, frac = clean.partition(".")
    try:
        value = float(whole.replace(",", "") + ("." + frac if frac else ""))
    except ValueError:
        return None
    if not glued:
        nxt = t.low(j)
        if nxt in ("hundred", "thousand", "million", "billion", "trillion"):
            scale = float(SCALE[nxt])
            j += 1
        elif nxt in _SHORT_SCALE and t.tok(i - 1) in CURRENCIES:
            scale = float(_SHORT_SCALE[nxt])
            j += 1
    if t.low(j) == "and" and t.low(j + 1) == "a" and t.low(j + 2) == "half":
        value += 0.5
        j += 3
    return Figure(i, j, value * scale, _precision(whole, frac, scale), unit=unit, unit_end=j if unit else 0)


def _words_at(t: Text, i: int) -> Figure | None:
    """A figure in words at token i: "two dozen", "one hundred thousand", "half a million"."""
    low = t.lows[i]
    first, half = i, False
    if low == "half" and t.low(i + 1) in ("a", "an") and t.low(i + 2) in SCALE:
        first, half = i + 2, True  # "half a million"
    elif low in ("a", "an") and t.low(i + 1) in SCALE:
        first = i + 1  # "a hundred", "a dozen"
    words = ["one"] if first != i else []
    j = first
    while j < t.n:
        w = t.lows[j]
        if all(p in _NUMBER_WORDS for p in w.split("-")):
            words.append(w)
            j += 1
        elif w == "and" and t.low(j + 1) in _NUMBER_WORDS and words and words[-1] in SCALE:
            j += 1  # "one hundred and twenty"
        else:
            break
    if j == first:
        # "eight-hour", "six-month": a number word joined to a unit
        parts = t.lows[j].split("-") if j < t.n else []
        if len(parts) == 2 and parts[0] in SMALL and parts[1] in UNIT_GROUPS:
            return Figure(i, j + 1, float(SMALL[parts[0]]), 0.5, unit=UNIT_GROUPS[parts[1]], unit_end=j + 1)
        return None
    if words == ["one"] and (t.low(j) in ("of", "another", "day", "time", "side", "thing", "way", "year", "point")
                             or t.low(i - 1) in ("no", "any", "every", "each", "the", "this", "that")):
        return None  # "one of them", "no one", "the one thing"
    value = _word_value(words)
    if value is None:
        return None
    if half:
        value /= 2
    if t.low(j) == "and" and t.low(j + 1) == "a" and t.low(j + 2) == "half":
        value += 0.5
        j += 3
    return Figure(i, j, value, 0.5 if value < 100 else 0.05 * value)


def _figure_at(t: Text, i: int) -> Figure | None:
    low = t.lows[i]
    if low in ("tens", "hundreds", "thousands", "dozens", "millions", "billions") and t.low(i + 1) == "of":
        for key in ((low, "of", t.low(i + 2)), (low,)):
            if key in _VAGUE and (len(key) == 1 or t.low(i + 3) == "of"):
                lo, hi = _VAGUE[key]
                j = i + len(key)
                return Figure(i, j, (lo + hi) / 2, 0, lo=lo, hi=hi, then_of=True, vague=True)
        return None
    if low in _MULTIPLIERS:
        return Figure(i, i + 1, _MULTIPLIERS[low], 0.05, unit=("times", 1), unit_end=i + 1)
    k = i + 1 if low in ("a", "an") else i
    if t.low(k) == "hour" and (t.low(k + 1), t.low(k + 2), t.low(k + 3)) == ("and", "a", "half"):
        return Figure(i, k + 4, 90, 5, unit=("duration", 1), unit_end=k + 4)  # "an hour and a half"
    if low == "half" and t.low(i + 1) == "an" and t.low(i + 2) == "hour":
        return Figure(i, i + 3, 30, 5, unit=("duration", 1), unit_end=i + 3)
    if low[0].isdecimal():
        return _score_at(t, i) or _digits_at(t, i)
    if low in _NUMBER_WORDS or low in ("a", "an", "half") or ("-" in low and low.split("-")[0] in SMALL):
        return _words_at(t, i)
    return None


def _score_at(t: Text, i: int) -> Figure | None:
    """A result at token i, "2-1" or "5–4", in a sentence about winning, scoring or voting: one
    figure, exact, read the same from either side ("won 2-1" is "lost 1-2"); not a range."""
    a, b = t.toks[i], t.tok(i + 2)
    if not (a.isdecimal() and b.isdecimal() and len(a) <= 2 and len(b) <= 2 and t.tok(i + 1) in _DASHES
            and t.tight(i + 1) and t.tight(i + 2)) or t.tight(i) or (t.tok(i + 3) in _DASHES and t.tight(i + 3)):
        return None
    s, e = t.sent_range(t.sent(i))
    if t.low(i + 3) in ("%", "percent") or t.low(i + 3) in UNIT_GROUPS or not any(
            t.lows[k] in _RESULT_WORDS for k in range(s, e)):
        return None
    value = float(max(int(a), int(b)) * SCORE_BASE + min(int(a), int(b)))
    return Figure(i, i + 3, value, 0, lo=value, hi=value, unit=("score", 1), unit_end=i + 3)


def find_figures(t: Text) -> list[Figure]:
    figures: list[Figure] = []
    masked = date_tokens_in(t)
    lows, n = t.lows, t.n
    words = _FIGURE_STARTERS.intersection(lows)
    hyphenated = "-" in t.text
    candidates = sorted({*t.digit_tokens, *(i for i, low in enumerate(lows) if low in words or (
        low in ("a", "an") and i + 1 < n and lows[i + 1] in _AFTER_A) or (
        hyphenated and "-" in low and low.split("-")[0] in SMALL))})
    after = 0
    for i in candidates:
        if i < after or i in masked:
            continue
        f = _figure_at(t, i)
        if f is None or any(k in masked for k in range(f.i, f.j)):
            continue
        if t.tok(i - 1) in CURRENCIES and f.unit is None:
            f.currency = CURRENCIES[t.tok(i - 1)]
        f = _ratio(t, f) or f
        figures.append(f)
        after = max(f.j, f.unit_end, i + 1)
    return _merge_ranges(t, figures)


_FIGURE_STARTERS = frozenset({*_NUMBER_WORDS, "tens", "hundreds", "thousands", "dozens", "millions", "billions",
                              "half", "hour", *_MULTIPLIERS})
_AFTER_A = frozenset({*SCALE, "hour"})


def _ratio(t: Text, f: Figure) -> Figure | None:
    """"1 in 5 million", "3 out of 10": a share."""
    k = f.j
    if t.low(k) == "in":
        k += 1
    elif t.low(k) == "out" and t.low(k + 1) == "of":
        k += 2
    else:
        return None
    if k >= t.n or as_year(t.toks[k]) or not (t.lows[k][0].isdecimal() or t.lows[k] in _NUMBER_WORDS):
        return None
    g = _figure_at(t, k)
    if g is None or not g.value or f.value >= g.value:
        return None
    return Figure(f.i, g.j, f.value / g.value, 0, unit=("share", 1), unit_end=g.j)


def _merge_ranges(t: Text, figures: list[Figure]) -> list[Figure]:
    """"between 169,000 and 190,000", "76-85%", "85 to 87"; not "from 60 to 83"."""
    out: list[Figure] = []
    skip = False
    for k, f in enumerate(figures):
        if skip:
            skip = False
            continue
        g = figures[k + 1] if k + 1 < len(figures) else None
        if g is not None and f.lo is None and g.lo is None and f.unit is None and g.value >= f.value:
            gap = f.j
            if t.low(gap) in ("%", "percent"):
                gap += 1
            sep = t.low(gap)
            between = t.low(f.i - 1) == "between" or t.low(f.i - 2) == "between"
            if g.i == gap + 1 and (sep in _RANGE_SEPARATORS or (sep == "and" and between)) and not (
                    t.low(f.i - 1) == "from" or t.low(f.i - 2) == "from"):
                out.append(Figure(f.i, g.j, (f.value + g.value) / 2, 0, lo=f.value, hi=g.value,
                                   currency=f.currency or g.currency, unit=g.unit, unit_end=g.unit_end))
                skip = True
                continue
        out.append(f)
    return out
