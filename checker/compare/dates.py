"""The date check: each date of the claim against the evidence's dates about the same event
(words in common around them, and the same people for a difference): "agrees", "differs" with
the gap, or "missing" ("unresolved" when the claim's date cannot be placed)."""

from __future__ import annotations

from checker.compare.checks import Check
from checker.compare.date_expressions import Date, dates_in
from checker.compare.namewords import ALIAS, COMMON_STARTERS, GENERIC_ORG, NOT_NAMES, PLACES, TITLE_WORDS, fuzzy_same
from checker.compare.text import CONTEXT_WINDOW, MONTHS, STOP, WEEKDAYS, Text, name_key, stem_of

DATE_WINDOW = 6  # words either side of a claim's date: what happened then ("share its ideas next week")


_DATE_WORDS = frozenset({*(stem_of(k) for k in MONTHS), *(stem_of(k) for k in WEEKDAYS), "week", "month", "year",
                         "day", "today", "yesterday", "tomorrow", "morning", "evening", "night", "afternoon",
                         "last", "next", "earli", "late", "early", "same", "previou", "follow"})


def _date_context(t: Text, d: Date, window: int = CONTEXT_WINDOW) -> frozenset[str]:
    return t.words_around(d.i, d.j, window) - _DATE_WORDS


def _people_near(t: Text, d: Date) -> frozenset[str]:
    """Names of the people and places around a date ("Biden said on Tuesday", "met in Geneva
    on Jan. 10"), countries and organisations of the alias table aside."""
    a, b = t.sent_range(t.sent(d.i))
    a, b = max(a, d.i - CONTEXT_WINDOW), min(b, d.j + CONTEXT_WINDOW)
    out = set()
    for k in range(a, b):
        w = t.toks[k]
        if not w[0].isupper() or (k == a and t.is_initial(k) and t.low(k + 1) not in _SPEECH_VERBS):
            continue
        key = name_key(w)
        if (key in NOT_NAMES or key in TITLE_WORDS or key in MONTHS or key in WEEKDAYS or key in GENERIC_ORG
                or key in STOP or ALIAS.get(key) in PLACES or (t.is_initial(k) and key in COMMON_STARTERS)):
            continue
        out.add(ALIAS.get(key, key))
    return frozenset(out)


_SPEECH_VERBS = frozenset("said says told tells wrote writes announced insisted warned added argued noted "
                          "stressed repeated confirmed denied met meets spoke speaks answered replied "
                          "responded tweeted talked".split())


def _compare_dates(c: Date, e: Date) -> str | None:
    """"agrees", "differs", or None when the two cannot be compared."""
    if c.lo and c.hi and e.lo and e.hi:
        return "agrees" if c.lo <= e.hi and e.lo <= c.hi else "differs"
    if c.lo and e.month is not None:
        c, e = e, c
    if c.month is not None and e.lo and e.hi:
        if (e.hi - e.lo).days > 31:
            return None
        months = {e.lo.month, e.hi.month}
        if c.day is None or e.lo != e.hi:
            return "agrees" if c.month in months else "differs"
        return "agrees" if (c.month, c.day) == (e.lo.month, e.lo.day) else "differs"
    if c.month is not None and e.month is not None:
        if c.day is None or e.day is None:
            return "agrees" if c.month == e.month else "differs"
        return "agrees" if (c.month, c.day) == (e.month, e.day) else "differs"
    return None


def _date_gap(c: Date, e: Date) -> str:
    if not (c.lo and c.hi and e.lo and e.hi):
        return "another date"
    later = e.lo > c.hi
    first, second = (c.lo, e.lo) if later else (e.lo, c.lo)
    days = (second - first).days
    if days >= 365:
        n, unit = round(days / 365.25), "year"
    elif days >= 45 or (c.hi - c.lo).days >= 27 or (e.hi - e.lo).days >= 27:
        n, unit = max(1, round(days / 30.44)), "month"
    else:
        n, unit = days, "day"
    return f"{n} {unit}{'s' if n != 1 else ''} {'later' if later else 'earlier'}"


def date_checks(c: Text, e: Text) -> list[Check]:
    checks: list[Check] = []
    for d in dates_in(c):
        if d.unresolved:
            checks.append(Check("date", "missing", (d.start, d.end), None,
                                f"unresolved: \"{d.text}\" ({d.unresolved})"))
            continue
        context = _date_context(c, d, DATE_WINDOW)
        people = _people_near(c, d)
        best: tuple[tuple[bool, int], Date, str] | None = None
        for ed in dates_in(e):
            if ed.unresolved:
                continue
            verdict = _compare_dates(d, ed)
            if verdict is None:
                continue
            e_context = _date_context(e, ed)
            shared = context & e_context - PLACES
            if not shared:
                continue  # not about the same thing
            # to say that dates differ, the people and places around them must be the same too
            if verdict == "differs" and people and not any(
                    _surname_in(p, e_context | _people_near(e, ed)) for p in people):
                continue
            score = (verdict == "agrees", len(shared))
            if best is None or score > best[0]:
                best = (score, ed, verdict)
        if best is None:
            checks.append(Check("date", "missing", (d.start, d.end), None,
                                f"no comparable date in the evidence for {d.label()}"))
            continue
        _, ed, verdict = best
        if verdict == "agrees":
            detail = f"claim {d.label()} matches evidence {ed.label()}"
        else:
            detail = f"claim {d.label()} vs evidence {ed.label()} ({_date_gap(d, ed)})"
        checks.append(Check("date", verdict, (d.start, d.end), (ed.start, ed.end), detail))
    return checks


def _surname_in(name: str, words: frozenset[str]) -> bool:
    return name in words or any(fuzzy_same(name, w) for w in words)
