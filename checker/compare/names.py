"""The name check: people, places and organisations of the claim, "agrees" when the evidence
mentions them (the surname, a spelling variant, an acronym, the alias table), "missing" when
it does not. Names are runs of capitalised words; job titles and ordinary words that open a
sentence are left out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from checker.compare.checks import Check
from checker.compare.namewords import (
    ALIAS,
    ALIAS_STARTS,
    COMMON_STARTERS,
    CONNECTORS,
    GENERIC_ORG,
    LOWERCASE_ALIASES,
    NAME_FOLLOWERS,
    NOT_NAMES,
    ORG_HEADS,
    TITLE_HEADS,
    TITLE_WORDS,
    fuzzy_same,
    is_acronym,
)
from checker.compare.text import MONTHS, STOP, WEEKDAYS, Text, name_key, per_text


@dataclass(frozen=True)
class _Name:
    start: int
    end: int
    text: str
    keys: tuple[str, ...]  # normalised words
    words: tuple[str, ...]  # the words as written
    org: bool


def _is_cap(w: str) -> bool:
    return w[:1].isupper()


@per_text
def names_in(t: Text) -> list[_Name]:
    """The names of `t`, in text order."""
    titles = _title_tokens(t)
    words = [w for w in t.toks if w[0].isalpha()]
    # Title Case ("Blinken Leaves Talks With Lavrov Open To A Summit"): small words capitalised
    headline = sum(1 for i, w in enumerate(t.toks)
                   if w[0].isupper() and w.lower() in STOP and not t.is_initial(i)) >= 2
    lower = {w for w in words if w.islower()}
    names: list[_Name] = []
    run: list[int] = []

    def flush() -> None:
        while run and t.lows[run[-1]] in CONNECTORS:
            run.pop()
        if run:
            names.extend(_split_run(t, run, headline, lower))
        run.clear()

    for i, w in enumerate(t.toks):
        if i in titles:
            flush()
        elif w[0].isalpha() and _is_cap(w) and w != "I":
            run.append(i)
        elif w == "." and run and t.tight(i) and "." in t.toks[run[-1]]:
            run.append(i)  # "U.S."
        elif (run and t.lows[i] in CONNECTORS and _is_cap(t.tok(i + 1)) and t.is_word(i + 1)
              and any(t.lows[r] in ORG_HEADS for r in run)
              and (t.lows[i] != "in" or any(t.lows[r] in CONNECTORS for r in run))):
            run.append(i)
        else:
            flush()
    flush()
    return names


def _title_tokens(t: Text) -> set[int]:
    """Tokens of job titles ("Secretary of State", "Foreign Minister", "President"): not names."""
    out: set[int] = set()
    for i, low in enumerate(t.lows):
        if low in TITLE_HEADS and t.toks[i][0].isupper():
            out.add(i)
            k = i - 1
            while k >= 0 and t.lows[k] in TITLE_WORDS and t.toks[k][0].isupper():
                out.add(k)
                k -= 1
            if low == "secretary" and t.low(i + 1) == "of" and t.low(i + 2) in ("state", "defense", "defence"):
                out.update((i + 1, i + 2))
            if t.low(i + 1) == "-" and t.low(i + 2) == "general":
                out.update((i + 1, i + 2))
    return out


def _split_run(t: Text, run: list[int], headline: bool, lower: set[str]) -> list[_Name]:
    """Names in a run of capitalised words: drop ordinary first words of a sentence, split
    "Biden-Putin", keep "NATO-Russia Council" whole."""
    parts: list[list[tuple[str, int, int]]] = [[]]
    for k in run:
        w = t.toks[k]
        start = t.starts[k]
        if w == "." and parts[-1]:
            word, s, _ = parts[-1][-1]
            parts[-1][-1] = (word + ".", s, t.end(k))
            continue
        pieces = w.split("-")
        if len(pieces) > 1 and all(p[:1].isupper() for p in pieces if p):
            spans = []
            pos = start
            for p in pieces:
                spans.append((p, pos, pos + len(p)))
                pos += len(p) + 1
            if k == run[-1] and not any(name_key(p) in ORG_HEADS | GENERIC_ORG for p, _, _ in spans):
                parts[-1].extend(spans[:1])
                parts.extend([s] for s in spans[1:])
                continue
            parts[-1].extend(spans)
            continue
        if w.endswith(("'s", "’s")):  # "ABC's George Stephanopoulos": two names, neither possessive
            parts[-1].append((w, start, start + len(w) - 2))
            parts.append([])
            continue
        parts[-1].append((w, start, start + len(w)))
    parts = [p for p in parts if p] or [[]]
    out: list[_Name] = []
    following = t.low(run[-1] + 1)
    for n, part in enumerate(parts):
        if n == 0 and part and t.is_initial(run[0]):
            while part and _drop_initial(part[0][0], len(part), lower, following if len(parts) == 1 else ""):
                part = part[1:]
        keys = tuple(name_key(w) for w, _, _ in part)
        while keys and (keys[0] in NOT_NAMES or keys[0] in MONTHS or keys[0] in WEEKDAYS):
            part, keys = part[1:], keys[1:]
        if not keys or all(k in TITLE_WORDS or k in MONTHS or k in WEEKDAYS for k in keys):
            continue
        if len(keys) == 1 and (keys[0] in GENERIC_ORG or keys[0] in TITLE_WORDS):
            continue
        if headline and not (" ".join(keys) in ALIAS or any(is_acronym(w) for w, _, _ in part)):
            continue
        org = any(k in ORG_HEADS or k in GENERIC_ORG for k in keys) or any(is_acronym(w) for w, _, _ in part)
        out.append(_Name(part[0][1], part[-1][2], t.text[part[0][1]:part[-1][2]], keys,
                         tuple(w for w, _, _ in part), org))
    return out


def _drop_initial(word: str, length: int, lower: set[str], following: str) -> bool:
    """Is the sentence-initial `word` an ordinary word rather than a name?

    A lone capitalised first word is a name only when it is a known name, is possessive,
    or does what people do in news sentences ("Blinken said", "Merkel and Macron met").
    """
    key = name_key(word)
    if key in ALIAS or is_acronym(word):
        return False
    if key in NOT_NAMES or key in STOP or key in TITLE_WORDS or key in MONTHS:
        return True
    if length > 1:
        return False
    if key in COMMON_STARTERS or key in lower or key.endswith(("ly", "ing")):
        return True
    if word.endswith(("'s", "’s")):
        return False
    return following not in NAME_FOLLOWERS and following not in ("and", ",")


@per_text
def _capitalised(t: Text) -> list[int]:
    """Tokens that start with a capital (and lower-case words that name something: "tweet")."""
    toks, lows = t.toks, t.lows
    return [i for i in range(t.n) if (toks[i] != lows[i] and toks[i][0].isupper()) or lows[i] in LOWERCASE_ALIASES]


@per_text
def _caps(t: Text) -> dict[str, tuple[int, int]]:
    """Capitalised words -> first span."""
    out: dict[str, tuple[int, int]] = {}
    for i in _capitalised(t):
        pos = t.starts[i]
        for part in t.toks[i].split("-"):
            if part and (part[0].isupper() or part.lower() in LOWERCASE_ALIASES):
                out.setdefault(name_key(part), (pos, pos + len(part)))
            pos += len(part) + 1
    return out


@per_text
def _caps_by_prefix(t: Text) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key in _caps(t):
        out.setdefault(key[:4], []).append(key)
    return out


@per_text
def _alias_groups(t: Text) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for i in _capitalised(t):
        w = t.toks[i]
        key = name_key(w)
        for longer in ALIAS_STARTS.get(key, ()):
            size = len(longer)
            if tuple(name_key(x) for x in " ".join(t.toks[i: i + size]).replace("-", " ").split()[:size]) \
                    == longer:
                out.setdefault(ALIAS[" ".join(longer)], t.span(i, i + size))
                break
        else:
            group = ALIAS.get(key)
            if group:
                out.setdefault(group, t.span(i, i + 1))
    return out


@per_text
def _acronyms(t: Text) -> dict[str, tuple[int, int]]:
    """Acronyms used, and the initials of every run of capitalised words."""
    out: dict[str, tuple[int, int]] = {}
    runs: list[list[int]] = []
    for i in _capitalised(t):
        w = t.toks[i]
        if is_acronym(w):
            out.setdefault(w.replace(".", "").upper(), t.span(i, i + 1))
        last = runs[-1][-1] if runs else -9
        gap = t.lows[last + 1: i]
        if runs and (i == last + 1 or (0 < len(gap) <= 2 and all(g in CONNECTORS or g == "." for g in gap))):
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        while run and (t.lows[run[0]] in STOP or t.lows[run[0]] in CONNECTORS):
            run.pop(0)
        if len(run) >= 2 or (run and "-" in t.toks[run[0]]):
            initials = "".join(p[0] for k in run for p in t.toks[k].split("-") if p and p[0].isupper())
            if len(initials) >= 2:
                out.setdefault(initials, t.span(run[0], run[-1] + 1))
    return out


@lru_cache(maxsize=4096)
def _phrase_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"[\s-]+".join(re.escape(w) for w in words) + r"(?![\w])")


def _find_phrase(e: Text, words: tuple[str, ...]) -> tuple[int, int] | None:
    """Where the evidence writes these words in a row (case as written, "-" or spaces between)."""
    words = tuple(w[:-2] if w.endswith(("'s", "’s")) else w for w in words)
    for m in _phrase_pattern(words).finditer(e.text):
        if m.start() == 0 or not e.text[m.start() - 1].isalnum():
            return m.start(), m.end()
    return None


def _locate_name(name: _Name, e: Text) -> tuple[tuple[int, int] | None, str]:
    """Where the evidence mentions `name`, and how it was matched."""
    full = " ".join(name.keys).replace("-", " ")
    group = ALIAS.get(full)
    if group and group in _alias_groups(e):
        return _alias_groups(e)[group], "alias"
    span = _find_phrase(e, name.words)
    if span is None and any(w.isupper() and len(w) > 3 for w in name.words):
        span = _find_phrase(e, tuple(w.title() if w.isupper() and len(w) > 3 else w for w in name.words))
    if span is None and len(name.keys) == 1 and name.keys[0] in _caps(e):
        span = _caps(e)[name.keys[0]]
    if span:
        return span, "same words"
    if len(name.keys) >= 2:
        initials = "".join(p[0] for w in name.words for p in w.split("-") if p and p[0].isupper())
        if len(initials) >= 2 and initials in _acronyms(e):
            return _acronyms(e)[initials], "acronym"
    if len(name.keys) == 1 and is_acronym(name.words[0]):
        acr = name.words[0].replace(".", "").upper()
        if acr in _acronyms(e):
            return _acronyms(e)[acr], "spelled out"
    if name.org:
        distinctive = tuple(w for w, k in zip(name.words, name.keys, strict=True)
                            if k not in GENERIC_ORG and k not in ORG_HEADS and k not in CONNECTORS)
        if distinctive and len(distinctive) < len(name.words):
            span = _find_phrase(e, distinctive)
            if span:
                return span, "same words"
        return None, ""
    # people and places: the surname, a spelling variant, or an alias of the last word
    last = name.keys[-1]
    if len(name.keys) <= 4:
        if last in _caps(e):
            return _caps(e)[last], "surname" if len(name.keys) > 1 else "same words"
        for key in _caps_by_prefix(e).get(last[:4], ()):
            if fuzzy_same(last, key):
                return _caps(e)[key], "spelling variant"
        group = ALIAS.get(last)
        if group and group in _alias_groups(e):
            return _alias_groups(e)[group], "alias"
    return None, ""


def name_checks(c: Text, e: Text) -> list[Check]:
    checks: list[Check] = []
    seen: set[str] = set()
    for name in names_in(c):
        key = " ".join(name.keys)
        group = ALIAS.get(key, key)
        if group in seen:
            continue
        seen.add(group)
        span, how = _locate_name(name, e)
        if span is None:
            checks.append(Check("name", "missing", (name.start, name.end), None,
                                f"{name.text} is not mentioned in the evidence"))
            continue
        found = e.text[span[0]:span[1]]
        detail = f"{name.text} found" if found == name.text else f"{name.text} found as {found} ({how})"
        checks.append(Check("name", "agrees", (name.start, name.end), span, detail))
    return checks
