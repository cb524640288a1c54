"""Date expressions in a text: absolute dates, months and years, and relative ones ("on Friday",
"yesterday", "next week") placed with the text's reference date. What cannot be placed ("the
same day", "Friday" without a reference date, "03/04/2021") carries the reason instead."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from checker.compare.text import MONTHS, SMALL, WEEKDAYS, Text, per_text

_PARTS_OF_DAY = frozenset({"morning", "afternoon", "evening", "night"})
_PERIODS = frozenset({"day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours"})
_PERIOD_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_RELATIVE_TO_EVENT = frozenset({"after", "before", "later", "earlier", "prior"})
_ORDINAL_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_DECADE = re.compile(r"^((?:1[5-9]|20)\d)0s$")
_FUTURE = frozenset({"will", "due", "scheduled", "set", "planned", "plans", "plan"})
_MONTH_PREPOSITIONS = frozenset({"in", "by", "of", "since", "until", "from", "during", "early", "late", "mid",
                                 "last", "next", "this", "before", "after"})
_UNIT_AFTER_YEAR = frozenset("""
troops soldiers people employees staff workers patients members cases deaths dollars euros km kilometres
kilometers miles bp votes ships men women children residents students jobs participants units tons tonnes
""".split())


@dataclass(frozen=True)
class Date:
    i: int  # token range
    j: int
    start: int  # character span
    end: int
    text: str
    lo: dt.date | None  # the interval the expression covers, when it can be placed
    hi: dt.date | None
    month: int | None = None  # a date without its year: month (and day) only
    day: int | None = None
    unresolved: str | None = None  # why it cannot be placed
    relative: bool = False

    def label(self) -> str:
        if self.lo is not None and self.hi is not None:
            if self.lo == self.hi:
                shown = self.lo.isoformat()
            elif self.lo.day == 1 and self.lo.month == self.hi.month and self.hi == _month_end(self.lo.year,
                                                                                               self.lo.month):
                shown = self.lo.strftime("%Y-%m")
            elif (self.lo.month, self.lo.day, self.hi.month, self.hi.day) == (1, 1, 12, 31):
                shown = str(self.lo.year) if self.lo.year == self.hi.year else f"{self.lo.year}–{self.hi.year}"
            else:
                shown = f"{self.lo.isoformat()} to {self.hi.isoformat()}"
        elif self.month is not None:
            shown = dt.date(2000, self.month, 1).strftime("%B")  # the day may not exist ("February 30")
            shown = f"{self.day} {shown}" if self.day else shown
        else:
            shown = "?"
        return f"\"{self.text}\" = {shown}" if self.relative else shown


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def as_year(tok: str) -> int | None:
    if len(tok) == 4 and tok.isdecimal() and 1500 <= int(tok) <= 2099:
        return int(tok)
    return None


def _day(tok: str) -> int | None:
    m = _ORDINAL_DAY.match(tok)
    value = int(m.group(1)) if m else int(tok) if tok.isdecimal() and len(tok) <= 2 else None
    return value if value is not None and 1 <= value <= 31 else None


def _month(t: Text, i: int) -> int | None:
    """The month named by token i: capitalised, and "May" only after a preposition."""
    w = t.tok(i)
    if not w or not w[0].isupper():
        return None
    m = MONTHS.get(w.lower())
    if m == 5 and w == "May" and t.low(i - 1) not in _MONTH_PREPOSITIONS and not t.tok(i + 1).isdecimal():
        return None
    if m and len(w) <= 4 and w.lower() not in ("may", "june", "july") and t.tok(i + 1) == ".":
        return m  # "Jan."
    return m


def _nearest_year(ref: dt.date, month: int, day: int | None) -> int:
    best, gap = ref.year, math.inf
    for y in (ref.year - 1, ref.year, ref.year + 1):
        d = _safe_date(y, month, day or 15)
        if d is not None and abs((d - ref).days) < gap:
            best, gap = y, abs((d - ref).days)
    return best


def _whole(y: int, m: int, d: int | None) -> dict[str, Any]:
    if d is None:
        return {"lo": dt.date(y, m, 1), "hi": _month_end(y, m)}
    day = _safe_date(y, m, d)
    return {"lo": day, "hi": day} if day else {"lo": None, "hi": None, "unresolved": "not a calendar date"}


_DATE_TRIGGERS = frozenset({*MONTHS, *WEEKDAYS, *SMALL, "yesterday", "today", "tonight", "tomorrow", "last",
                            "next", "this", "earlier", "later", "early", "late", "several", "few", "coming",
                            "previous", "past"})
_AFTER_THE = frozenset({"same", "previous", "following", "next", "day", "week", "month", "year", "coming", "past",
                        "morning", "afternoon", "evening", "night"})


@per_text
def dates_in(t: Text) -> list[Date]:
    """The date expressions of `t`, in text order."""
    found: list[Date] = []
    lows, n = t.lows, t.n
    words = _DATE_TRIGGERS.intersection(lows) | {"the", "that"}
    candidates = sorted({*t.digit_tokens, *(i for i, low in enumerate(lows) if low in words)})
    candidates = [i for i in candidates if lows[i] not in ("the", "that") or (i + 1 < n and lows[i + 1] in _AFTER_THE)]
    after = 0
    for i in candidates:
        if i < after:
            continue
        got = _date_at(t, i, t.ref)
        if got is not None:
            j, fields = got
            s, e = t.span(i, j)
            found.append(Date(i, j, s, e, t.text[s:e], **fields))
            after = j
    return found


def _date_at(t: Text, i: int, ref: dt.date | None) -> tuple[int, dict[str, Any]] | None:
    """A date expression starting at token i: (end token, fields), or None."""
    w, low = t.toks[i], t.lows[i]
    nxt, nxt2 = t.low(i + 1), t.low(i + 2)
    unresolved_event = {"lo": None, "hi": None, "unresolved": "relative to an event", "relative": True}
    no_ref = {"lo": None, "hi": None, "unresolved": "no article date", "relative": True}
    # "two days after", "the same day", "that morning", "the day before": relative to an event
    if ((low.isdecimal() or low in SMALL or low in ("several", "few")) and nxt in _PERIODS
            and nxt2 in _RELATIVE_TO_EVENT):
        return i + 3, unresolved_event
    if low in ("the", "that") and nxt in ("same", "previous", "following", "next") and (
            nxt2 in _PARTS_OF_DAY or nxt2 in ("day", "week", "month", "year")):
        return i + 3, unresolved_event
    if low in ("earlier", "later", "early", "late") and nxt == "that" and (nxt2 in _PARTS_OF_DAY or nxt2 in (
            "day", "week", "month", "year")):
        return i + 3, unresolved_event
    if low == "that" and (nxt in _PARTS_OF_DAY or nxt == "day"):
        return i + 2, unresolved_event
    if low == "the" and nxt in ("day", "week", "month", "year") and nxt2 in ("before", "after"):
        return i + 3, unresolved_event
    # ISO and numeric dates
    y = as_year(w)
    if y and t.tok(i + 1) == "-" and t.tok(i + 3) == "-" and t.tight(i + 1) and t.tight(i + 4):
        mo, d = t.tok(i + 2), t.tok(i + 4)
        if mo.isdecimal() and d.isdecimal() and 1 <= int(mo) <= 12:
            return i + 5, _whole(y, int(mo), int(d))
    if w.isdecimal() and len(w) <= 2 and t.tok(i + 1) == "/" and t.tok(i + 3) == "/" and t.tight(i + 1) and t.tight(
            i + 4) and t.tok(i + 2).isdecimal() and t.tok(i + 4).isdecimal():
        return i + 5, _numeric_date(int(w), int(t.tok(i + 2)), t.tok(i + 4))
    m = _DOTTED_DATE.match(w)
    if m:
        return i + 1, _numeric_date(int(m.group(1)), int(m.group(2)), m.group(3))
    # optional weekday before a full date: "Friday, 21 January 2022"
    k = i
    if low in WEEKDAYS and w[0].isupper():
        k = i + 2 if t.tok(i + 1) == "," else i + 1
    day = _day(t.tok(k))
    if day is not None:
        k2 = k + 2 if t.low(k + 1) == "of" else k + 1
        month = _month(t, k2)
        if month:
            end = k2 + 2 if t.tok(k2 + 1) == "." else k2 + 1
            year_at = end + 1 if t.tok(end) == "," else end
            year = as_year(t.tok(year_at))
            if year:
                return year_at + 1, _whole(year, month, day)
            return end, _partial(month, day, ref)
    month = _month(t, k)
    if month:
        end = k + 2 if t.tok(k + 1) == "." else k + 1
        day = _day(t.tok(end))
        after_day = t.tok(end + 1)
        if day is not None and after_day != ":" and (not after_day[:1].isdecimal() or as_year(after_day)):
            year_at = end + 2 if t.tok(end + 1) == "," else end + 1
            year = as_year(t.tok(year_at))
            if year:
                return year_at + 1, _whole(year, month, day)
            return end + 1, _partial(month, day, ref)
        year_at = end + 1 if t.tok(end) in (",", "of") else end
        year = as_year(t.tok(year_at))
        if year:
            return year_at + 1, _whole(year, month, None)
        if k == i and (len(w) > 3 or w == "May"):
            return end, _partial(month, None, ref)  # "in March": the nearest March
    # decades and years
    m = _DECADE.match(w)
    if m:
        decade = int(m.group(1)) * 10
        return i + 1, {"lo": dt.date(decade, 1, 1), "hi": dt.date(decade + 9, 12, 31)}
    if y and not (t.tight(i) and t.tok(i - 1) in ("-", "/", "$", "€", "£", ",", ".")):
        y2 = as_year(t.tok(i + 2))
        if t.tok(i + 1) in ("-", "–", "—", "to") and y2 and y2 > y:  # "2009-2014", "2009 to 2014"
            return i + 3, {"lo": dt.date(y, 1, 1), "hi": dt.date(y2, 12, 31)}
        if nxt in _UNIT_AFTER_YEAR or (nxt2 in _UNIT_AFTER_YEAR and t.is_word(i + 1) and not _month(t, i + 1)):
            return None  # "2000 employees" is a quantity
        if t.tok(i + 1) in (",", ".") and t.tight(i + 1) and t.tok(i + 2).isdecimal() and t.tight(i + 2):
            return None
        return i + 1, {"lo": dt.date(y, 1, 1), "hi": dt.date(y, 12, 31)}
    # weekdays, "yesterday", "next week", "three days ago"
    modifier = low if low in ("last", "next", "this", "that", "coming", "previous", "past") else ""
    wd_at = i + 1 if modifier else i
    if t.low(wd_at) in WEEKDAYS and t.tok(wd_at)[0].isupper():
        end = wd_at + 2 if t.low(wd_at + 1) in _PARTS_OF_DAY else wd_at + 1
        if ref is None:
            return end, no_ref
        wd = WEEKDAYS[t.low(wd_at)]
        back, ahead = (ref.weekday() - wd) % 7, (wd - ref.weekday()) % 7
        if modifier in ("next", "coming"):
            delta = ahead or 7
        elif modifier in ("last", "previous", "past"):
            delta = -(back or 7)
        elif modifier == "this":
            delta = ahead if ahead <= back else -back
        elif ahead and any(t.low(k) in _FUTURE for k in range(max(0, i - 6), i)):
            delta = ahead
        else:
            delta = -back
        day_ = ref + dt.timedelta(days=delta)
        return end, {"lo": day_, "hi": day_, "relative": True}
    if low in ("yesterday", "today", "tonight", "tomorrow") or (low == "last" and nxt == "night") or (
            low == "this" and nxt in _PARTS_OF_DAY):
        end = i + 2 if low in ("last", "this") else i + 1
        if ref is None:
            return end, no_ref
        day_ = ref + dt.timedelta(days={"yesterday": -1, "tomorrow": 1, "last": -1}.get(low, 0))
        return end, {"lo": day_, "hi": day_, "relative": True}
    span_word = ""
    if low in ("last", "next", "this") and nxt in ("week", "month", "year"):
        span_word, step, end = nxt, {"last": -1, "next": 1, "this": 0}[low], i + 2
    elif low == "the" and nxt in ("coming", "past") and nxt2 in ("week", "month", "year"):
        span_word, step, end = nxt2, 1 if nxt == "coming" else -1, i + 3
    elif low in ("earlier", "later") and nxt == "this" and nxt2 in ("week", "month", "year"):
        span_word, step, end = nxt2, 0, i + 3
    if span_word:
        if ref is None:
            return end, no_ref
        return end, {**_period(ref, span_word, step), "relative": True}
    if (low.isdecimal() or low in SMALL) and nxt.rstrip("s") in _PERIOD_DAYS and nxt2 == "ago":
        if ref is None:
            return i + 3, no_ref
        count = int(low) if low.isdecimal() else SMALL[low]
        day_ = ref - dt.timedelta(days=count * _PERIOD_DAYS[nxt.rstrip("s")])
        return i + 3, {"lo": day_, "hi": day_, "relative": True}
    return None


def _numeric_date(a: int, b: int, year_text: str) -> dict[str, Any]:
    y = int(year_text) + (2000 if len(year_text) == 2 else 0)
    dmy, mdy = _safe_date(y, b, a), _safe_date(y, a, b)
    if dmy and mdy and dmy != mdy:
        return {"lo": None, "hi": None, "unresolved": "ambiguous: day/month or month/day"}
    day = dmy or mdy
    if day is None:
        return {"lo": None, "hi": None, "unresolved": "not a calendar date"}
    return {"lo": day, "hi": day}


def _partial(month: int, day: int | None, ref: dt.date | None) -> dict[str, Any]:
    """A date without its year: placed in the year nearest the article's date, if known."""
    if ref is None:
        return {"lo": None, "hi": None, "month": month, "day": day}
    return _whole(_nearest_year(ref, month, day), month, day)


def _period(ref: dt.date, unit: str, step: int) -> dict[str, Any]:
    if unit == "week":
        monday = ref - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=step)
        return {"lo": monday, "hi": monday + dt.timedelta(days=6)}
    if unit == "month":
        y, m = divmod(ref.year * 12 + ref.month - 1 + step, 12)
        return {"lo": dt.date(y, m + 1, 1), "hi": _month_end(y, m + 1)}
    return {"lo": dt.date(ref.year + step, 1, 1), "hi": dt.date(ref.year + step, 12, 31)}


@per_text
def date_tokens_in(t: Text) -> frozenset[int]:
    """The tokens of the dates of `t` (a year is not a figure)."""
    return frozenset(k for d in dates_in(t) for k in range(d.i, d.j))
