"""Put a claim beside one evidence passage and point at what differs.

`compare(claim, evidence)` returns one `Check` per thing in the claim that a reviewer would
hold against the evidence:

- **number**: each quantity in the claim ("massing 100,000 forces", "about 70 percent",
  "$5 billion", "two dozen journalists") against the evidence quantities about the same kind
  of thing: the same unit or noun, or a synonym (troops/forces/soldiers/personnel), and a word
  in common nearby. Qualifiers make ranges ("about" ±10%, "more than" open above, "nearly"
  just below) and ranges are compared, not points. A figure about something else is not a
  difference; a claim figure with nothing comparable is "missing".
- **date**: absolute dates, months and years, and relative ones ("on Friday", "yesterday",
  "next week") placed with the article's date, against the evidence's dates about the same
  event. What cannot be placed ("the same day", "Friday" without an article date, "03/04/2021")
  is "missing" and "unresolved", never guessed.
- **name**: people, places and organisations of the claim, "agrees" when the evidence
  mentions them, allowing surnames ("Blinken" for "Antony Blinken"), spelling variants,
  acronyms and a small alias table (U.S./Washington/American, Russia/Moscow/Kremlin, ...),
  "missing" when it does not.
- **negation**: the claim and the evidence take opposite sides on the same word ("no
  breakthrough" / "produced a breakthrough", "denies" / "confirmed", "rose" / "fell").

The text is cut into tokens once; each check reads the tokens it needs, on first use, with
small tables and no model. Analyses are cached, so a claim checked against five passages
is analysed once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

KINDS = ("number", "date", "name", "negation")
STATUSES = ("agrees", "differs", "missing")

APPROX_TOLERANCE = 0.10  # "about 100,000" is 90,000 to 110,000
NEARLY_FLOOR = 0.85  # "nearly 100,000" is 85,000 to 100,000
UP_TO_FLOOR = 0.60  # "up to 50,000" is 30,000 to 50,000
ROUNDING_CAP = 0.05  # a bare round figure stands for at most ±5% ("100,000" is 95,000 to 105,000)
EXACT_TOLERANCE = 0.01  # and any bare figure for at least ±1%
CONTEXT_WINDOW = 8  # words either side of a figure or a date that say what it is about
DATE_WINDOW = 6  # words either side of a claim's date: what happened then ("share its ideas next week")
SHORT_SENTENCE = 12  # words: a sentence this short is about its one subject


@dataclass(frozen=True)
class Check:
    """One thing in the claim held against the evidence.

    `claim_span` indexes the claim text, `evidence_span` the evidence text (None when the
    evidence has nothing to point at). `status` is "agrees", "differs" or "missing".
    """

    kind: str
    status: str
    claim_span: tuple[int, int]
    evidence_span: tuple[int, int] | None
    detail: str

    def is_flag(self) -> bool:
        """Worth a reviewer's attention: a difference, a name the evidence lacks, or an unresolved date.

        "No comparable figure/date in the evidence" is not a flag: the passage is about something else.
        """
        return self.status == "differs" or (
            self.status == "missing" and (self.kind == "name" or "unresolved" in self.detail))

    def to_dict(self) -> dict[str, Any]:
        ev = self.evidence_span
        return {
            "kind": self.kind,
            "status": self.status,
            "claim_start": self.claim_span[0],
            "claim_end": self.claim_span[1],
            "evidence_start": ev[0] if ev else None,
            "evidence_end": ev[1] if ev else None,
            "detail": self.detail,
        }


def compare(claim: str, evidence: str, *, claim_date: str | None = None,
            evidence_date: str | None = None) -> list[Check]:
    """Every check of `claim` against `evidence`, in claim order.

    `claim_date` and `evidence_date` (ISO YYYY-MM-DD) place relative dates such as "Friday"
    or "next week"; without them such dates are reported as unresolved.
    """
    c = _analyse(claim, _parse_iso(claim_date))
    e = _analyse(evidence, _parse_iso(evidence_date))
    checks = [*_number_checks(c, e), *_date_checks(c, e), *_name_checks(c, e), *_negation_checks(c, e)]
    checks.sort(key=lambda k: (k.claim_span[0], KINDS.index(k.kind), k.claim_span[1]))
    return checks


def summary(checks: Iterable[Check]) -> dict[str, dict[str, int]]:
    """How many checks of each kind have each status."""
    out: dict[str, dict[str, int]] = {k: dict.fromkeys(STATUSES, 0) for k in KINDS}
    for ch in checks:
        out[ch.kind][ch.status] += 1
    return out


def _parse_iso(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


@lru_cache(maxsize=256)  # an article's claims and their passages
def _analyse(text: str, ref: dt.date | None) -> _Text:
    return _Text(text, ref)


# ---------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\d+(?:[,.·]\d+)*(?!\w)|\w+(?:[.'’-]\w+)*|[^\w\s]")
_STOP = frozenset("""
a an the and or but nor of to in on at by for from with without into onto over under about
above below between among through during before after since until than as per via within
is are was were be been being am has have had having do does did done doing will would shall
should can could may might must it its it's this that these those there here their them they
he she his her him we us our you your i me my who whom whose which what when where why how
not no never so such very too also just only even still yet already again more most less
least much many some any each every all both either neither other another own same
said says say saying told tell tells according added adding noted noting reported reports
asked stated explained called described one ones s t if whether then though although while
whereas because however up down out off around near vs
""".split())
_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_IRREGULAR = {
    "rose": "rise", "risen": "rise", "rising": "rise", "rises": "rise", "fell": "fall", "fallen": "fall",
    "grew": "grow", "grown": "grow", "met": "meet", "held": "hold", "won": "win", "lost": "lose",
    "took": "take", "taken": "take", "gave": "give", "given": "give", "made": "make", "went": "go",
    "gone": "go", "sent": "send", "spent": "spend", "struck": "strike", "led": "lead", "men": "man",
    "women": "woman", "children": "child", "people": "people", "troops": "troop", "forces": "force",
    "news": "news", "achieved": "achiev", "achieve": "achiev", "wanted": "want", "wants": "want",
    "effects": "effect", "effective": "effect", "sought": "seek", "thought": "think",
    "brought": "bring", "bought": "buy", "caught": "catch",
}


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A light suffix stripper: enough to match "plans"/"planning", "talks"/"talking"."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ment", "ation", "ing", "ion", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


@lru_cache(maxsize=65536)
def _name_key(word: str) -> str:
    """"Ukraine's" -> "ukraine", "U.S" -> "us"."""
    w = word.replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("'"):
        w = w[:-1]
    return w.replace(".", "").lower()


@lru_cache(maxsize=65536)
def _canon(word: str) -> str:
    """A word as context: names by their alias group (Kyiv -> ukraine), others by stem."""
    key = _name_key(word)
    group = _ALIAS.get(key)
    if group:
        return group
    if word[:1].isupper() and key.endswith("an") and len(key) > 5:
        return key[:-1]  # Tongan -> tonga, Syrian -> syria
    return _stem(word)


_DIGIT_CHARS = frozenset("0123456789")


def _is_content(low: str) -> bool:
    return len(low) > 1 and low[0].isalpha() and low not in _STOP


@lru_cache(maxsize=100_000)
def _content_canon(word: str) -> str | None:
    """The context form of a content word, None for stop words, numbers and punctuation."""
    return _canon(word) if _is_content(word.lower()) else None


@lru_cache(maxsize=100_000)
def _content_stem(low: str) -> str | None:
    return _stem(low) if _is_content(low) else None


_ENDERS = frozenset(".!?")
_CLOSERS = frozenset("\"'”’)]")
_OPENERS = frozenset("\"'“‘([")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st gen lt col sgt rep sen gov jan feb mar apr jun jul aug sep sept oct nov dec "
    "no vs etc approx inc corp co ltd fig al e.g i.e".split())
_SENTENCE_OPENERS = frozenset("The A An He She It They We In On But This That There".split())
_CLAUSE_BREAKS = frozenset(",;:—–")
_CLAUSE_WORDS = frozenset({"but", "while", "whereas", "although", "though", "however"})
_QUOTES = re.compile(r"“[^”]{1,400}”|\"[^\"]{1,400}\"")


class _Text:
    """A text cut into tokens once, with what each check needs computed on first use."""

    def __init__(self, text: str, ref: dt.date | None) -> None:
        self.text = text
        self.ref = ref
        matches = list(_TOKEN.finditer(text))
        self.starts: list[int] = list(map(re.Match.start, matches))
        self.toks: list[str] = list(map(re.Match.group, matches))
        self.lows: list[str] = list(map(str.lower, self.toks))
        self.n = len(self.toks)
        self.sent_starts = self._sentence_starts()
        self._sentence_words: dict[int, frozenset[str]] = {}
        self._sentence_size: dict[int, int] = {}
        self._clause_cache: dict[int, tuple[int, int]] = {}
        self._clause_words: dict[tuple[int, int], frozenset[str]] = {}
        self._lexical: dict[str, list[_Polar]] = {}

    # -- positions ------------------------------------------------------------------------
    def end(self, i: int) -> int:
        return self.starts[i] + len(self.toks[i])

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Character span of tokens i..j-1."""
        return self.starts[i], self.end(j - 1)

    def low(self, i: int) -> str:
        return self.lows[i] if 0 <= i < self.n else ""

    def tok(self, i: int) -> str:
        return self.toks[i] if 0 <= i < self.n else ""

    def is_word(self, i: int) -> bool:
        return 0 <= i < self.n and self.toks[i][0].isalpha()

    def tight(self, i: int) -> bool:
        """Does token i follow token i-1 with no space between?"""
        return i > 0 and self.starts[i] == self.end(i - 1)

    def _sentence_starts(self) -> list[int]:
        toks, n = self.toks, self.n
        out = [0]
        for k in [i for i, w in enumerate(toks) if w in _ENDERS]:
            j = k + 1
            while j < n and toks[j] in _CLOSERS:
                j += 1
            if j >= n:
                break
            if self.tight(j):
                continue  # "P =.03", "U.S.-Russia": no space, no new sentence
            nxt = toks[j]
            if not (nxt[0].isupper() or nxt[0].isdigit() or nxt in _OPENERS):
                continue
            if toks[k] == "." and k > 0 and nxt not in _SENTENCE_OPENERS:
                prev = toks[k - 1]
                if (prev.lower() in _ABBREVIATIONS or (len(prev) == 1 and prev.isupper())
                        or ("." in prev and len(prev) <= 5)) and self.tight(k):
                    continue  # "U.S. officials", "Jan. 21", "Antony J. Blinken"
            out.append(j)
        pos = self.text.find("\n")
        while pos >= 0:
            j = bisect.bisect_left(self.starts, pos)
            if 0 < j < n:
                out.append(j)
            pos = self.text.find("\n", pos + 1)
        return sorted(set(out))

    def sent(self, i: int) -> int:
        return bisect.bisect_right(self.sent_starts, i) - 1

    def sent_range(self, s: int) -> tuple[int, int]:
        return self.sent_starts[s], self.sent_starts[s + 1] if s + 1 < len(self.sent_starts) else self.n

    def is_initial(self, i: int) -> bool:
        """First word of a sentence, of a quotation, or after a colon."""
        j = i - 1
        quoted = False
        while j >= 0 and self.toks[j] in ("\"", "“", "‘"):
            j -= 1
            quoted = True
        if j < 0 or self.sent(j) != self.sent(i):
            return True
        return self.toks[j] == ":" or (quoted and self.toks[j] == ",")

    # -- words around a position -----------------------------------------------------------
    def sentence_words(self, s: int) -> frozenset[str]:
        words = self._sentence_words.get(s)
        if words is None:
            a, b = self.sent_range(s)
            words = frozenset(filter(None, map(_content_canon, self.toks[a:b])))
            self._sentence_words[s] = words
        return words

    def sentence_size(self, s: int) -> int:
        """Words in sentence s."""
        size = self._sentence_size.get(s)
        if size is None:
            a, b = self.sent_range(s)
            size = self._sentence_size[s] = sum(1 for w in self.toks[a:b] if w[0].isalpha())
        return size

    def clause_words(self, a: int, b: int) -> frozenset[str]:
        words = self._clause_words.get((a, b))
        if words is None:
            words = self._clause_words[(a, b)] = frozenset(filter(None, map(_content_canon, self.toks[a:b])))
        return words

    def words_around(self, i: int, j: int, window: int = CONTEXT_WINDOW) -> frozenset[str]:
        """Content words within `window` words of tokens i..j-1, and between them, in one sentence."""
        a, b = self.sent_range(self.sent(i))
        out = set()
        k, seen = i - 1, 0
        toks = self.toks
        while k >= a and seen < window:
            if toks[k][0].isalpha():
                seen += 1
                word = _content_canon(toks[k])
                if word:
                    out.add(word)
            k -= 1
        k, seen = j, 0
        while k < b and seen < window:
            if toks[k][0].isalpha():
                seen += 1
                word = _content_canon(toks[k])
                if word:
                    out.add(word)
            k += 1
        return frozenset(out)

    def clause(self, i: int) -> tuple[int, int]:
        """Token range of the clause around token i (cut at commas, semicolons, "but", ...)."""
        a, b = self.sent_range(self.sent(i))
        lo = i
        while lo > a and self.toks[lo - 1] not in _CLAUSE_BREAKS and self.lows[lo - 1] not in _CLAUSE_WORDS:
            lo -= 1
        cached = self._clause_cache.get(lo)
        if cached is not None:
            return cached
        hi = i + 1
        while hi < b and self.toks[hi] not in _CLAUSE_BREAKS and self.lows[hi] not in _CLAUSE_WORDS:
            hi += 1
        self._clause_cache[lo] = (lo, hi)
        return lo, hi

    @cached_property
    def quotes(self) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in _QUOTES.finditer(self.text)] if any(
            q in self.text for q in "\"“") else []

    def quoted(self, i: int) -> bool:
        pos = self.starts[i]
        return any(s < pos < e for s, e in self.quotes)

    # -- what each check reads ---------------------------------------------------------------
    @cached_property
    def digit_tokens(self) -> list[int]:
        return [i for i, low in enumerate(self.lows) if low[0] in _DIGIT_CHARS]

    @cached_property
    def dates(self) -> list[_Date]:
        return _find_dates(self)

    @cached_property
    def date_tokens(self) -> frozenset[int]:
        return frozenset(k for d in self.dates for k in range(d.i, d.j))

    @cached_property
    def quantities(self) -> list[_Quantity]:
        return _find_quantities(self)

    @cached_property
    def names(self) -> list[_Name]:
        return _find_names(self)

    @cached_property
    def capitalised(self) -> list[int]:
        """Tokens that start with a capital (and lower-case words that name something: "tweet")."""
        toks, lows = self.toks, self.lows
        return [i for i in range(self.n) if (toks[i] != lows[i] and toks[i][0].isupper())
                or lows[i] in _LOWERCASE_ALIASES]

    @cached_property
    def caps(self) -> dict[str, tuple[int, int]]:
        """Capitalised words -> first span."""
        out: dict[str, tuple[int, int]] = {}
        for i in self.capitalised:
            pos = self.starts[i]
            for part in self.toks[i].split("-"):
                if part and (part[0].isupper() or part.lower() in _LOWERCASE_ALIASES):
                    out.setdefault(_name_key(part), (pos, pos + len(part)))
                pos += len(part) + 1
        return out

    @cached_property
    def caps_by_prefix(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key in self.caps:
            out.setdefault(key[:4], []).append(key)
        return out

    @cached_property
    def alias_groups(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for i in self.capitalised:
            w = self.toks[i]
            key = _name_key(w)
            for longer in _ALIAS_STARTS.get(key, ()):
                size = len(longer)
                if tuple(_name_key(x) for x in " ".join(self.toks[i: i + size]).replace("-", " ").split()[:size]) \
                        == longer:
                    out.setdefault(_ALIAS[" ".join(longer)], self.span(i, i + size))
                    break
            else:
                group = _ALIAS.get(key)
                if group:
                    out.setdefault(group, self.span(i, i + 1))
        return out

    @cached_property
    def acronyms(self) -> dict[str, tuple[int, int]]:
        """Acronyms used, and the initials of every run of capitalised words."""
        out: dict[str, tuple[int, int]] = {}
        runs: list[list[int]] = []
        for i in self.capitalised:
            w = self.toks[i]
            if _is_acronym(w):
                out.setdefault(w.replace(".", "").upper(), self.span(i, i + 1))
            last = runs[-1][-1] if runs else -9
            gap = self.lows[last + 1: i]
            if runs and (i == last + 1 or (0 < len(gap) <= 2 and all(g in _CONNECTORS or g == "." for g in gap))):
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:
            while run and (self.lows[run[0]] in _STOP or self.lows[run[0]] in _CONNECTORS):
                run.pop(0)
            if len(run) >= 2 or (run and "-" in self.toks[run[0]]):
                initials = "".join(p[0] for k in run for p in self.toks[k].split("-") if p and p[0].isupper())
                if len(initials) >= 2:
                    out.setdefault(initials, self.span(run[0], run[-1] + 1))
        return out

    @cached_property
    def stem_index(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i, stem in enumerate(map(_content_stem, self.lows)):
            if stem:
                out.setdefault(stem, []).append(i)
        return out

    @cached_property
    def negation(self) -> tuple[dict[int, int], frozenset[int]]:
        return _negation_scope(self)

    @cached_property
    def negated_stems(self) -> frozenset[str]:
        return frozenset(_stem(self.lows[i]) for i in self.negation[0])

    @cached_property
    def hedges(self) -> list[int]:
        return [i for i, low in enumerate(self.lows) if low in _HEDGES]

    @cached_property
    def lexical_tokens(self) -> list[int]:
        return [i for i, low in enumerate(self.lows) if low in _LEXICAL_WORDS]

    def lexical(self, key: str) -> list[_Polar]:
        """The lexicon items with this key ("c:confirm", "c:up", "chg", ...), built on first use."""
        items = self._lexical.get(key)
        if items is None:
            items = self._lexical[key] = _lexical_items(self, key)
        return items

    @cached_property
    def claim_items(self) -> tuple[list[_Polar], list[_Polar], dict[str, list[_Polar]]]:
        return _claim_items(self)


# ---------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
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
class _Date:
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
            shown = dt.date(2000, self.month, self.day or 1).strftime("%B")
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


def _year(tok: str) -> int | None:
    if len(tok) == 4 and tok.isdigit() and 1500 <= int(tok) <= 2099:
        return int(tok)
    return None


def _day(tok: str) -> int | None:
    m = _ORDINAL_DAY.match(tok)
    value = int(m.group(1)) if m else int(tok) if tok.isdigit() and len(tok) <= 2 else None
    return value if value is not None and 1 <= value <= 31 else None


def _month(t: _Text, i: int) -> int | None:
    """The month named by token i: capitalised, and "May" only after a preposition."""
    w = t.tok(i)
    if not w or not w[0].isupper():
        return None
    m = _MONTHS.get(w.lower())
    if m == 5 and w == "May" and t.low(i - 1) not in _MONTH_PREPOSITIONS and not t.tok(i + 1).isdigit():
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


_DATE_TRIGGERS = frozenset({*_MONTHS, *_WEEKDAYS, *_SMALL, "yesterday", "today", "tonight", "tomorrow", "last",
                            "next", "this", "earlier", "later", "early", "late", "several", "few", "coming",
                            "previous", "past"})
_AFTER_THE = frozenset({"same", "previous", "following", "next", "day", "week", "month", "year", "coming", "past",
                        "morning", "afternoon", "evening", "night"})


def _find_dates(t: _Text) -> list[_Date]:
    found: list[_Date] = []
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
            found.append(_Date(i, j, s, e, t.text[s:e], **fields))
            after = j
    return found


def _date_at(t: _Text, i: int, ref: dt.date | None) -> tuple[int, dict[str, Any]] | None:
    """A date expression starting at token i: (end token, fields), or None."""
    w, low = t.toks[i], t.lows[i]
    nxt, nxt2 = t.low(i + 1), t.low(i + 2)
    unresolved_event = {"lo": None, "hi": None, "unresolved": "relative to an event", "relative": True}
    no_ref = {"lo": None, "hi": None, "unresolved": "no article date", "relative": True}
    # "two days after", "the same day", "that morning", "the day before": relative to an event
    if (low.isdigit() or low in _SMALL or low in ("several", "few")) and nxt in _PERIODS and nxt2 in _RELATIVE_TO_EVENT:
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
    y = _year(w)
    if y and t.tok(i + 1) == "-" and t.tok(i + 3) == "-" and t.tight(i + 1) and t.tight(i + 4):
        mo, d = t.tok(i + 2), t.tok(i + 4)
        if mo.isdigit() and d.isdigit() and 1 <= int(mo) <= 12:
            return i + 5, _whole(y, int(mo), int(d))
    if w.isdigit() and len(w) <= 2 and t.tok(i + 1) == "/" and t.tok(i + 3) == "/" and t.tight(i + 1) and t.tight(
            i + 4) and t.tok(i + 2).isdigit() and t.tok(i + 4).isdigit():
        return i + 5, _numeric_date(int(w), int(t.tok(i + 2)), t.tok(i + 4))
    m = _DOTTED_DATE.match(w)
    if m:
        return i + 1, _numeric_date(int(m.group(1)), int(m.group(2)), m.group(3))
    # optional weekday before a full date: "Friday, 21 January 2022"
    k = i
    if low in _WEEKDAYS and w[0].isupper():
        k = i + 2 if t.tok(i + 1) == "," else i + 1
    day = _day(t.tok(k))
    if day is not None:
        k2 = k + 2 if t.low(k + 1) == "of" else k + 1
        month = _month(t, k2)
        if month:
            end = k2 + 2 if t.tok(k2 + 1) == "." else k2 + 1
            year_at = end + 1 if t.tok(end) == "," else end
            year = _year(t.tok(year_at))
            if year:
                return year_at + 1, _whole(year, month, day)
            return end, _partial(month, day, ref)
    month = _month(t, k)
    if month:
        end = k + 2 if t.tok(k + 1) == "." else k + 1
        day = _day(t.tok(end))
        after_day = t.tok(end + 1)
        if day is not None and after_day != ":" and (not after_day[:1].isdigit() or _year(after_day)):
            year_at = end + 2 if t.tok(end + 1) == "," else end + 1
            year = _year(t.tok(year_at))
            if year:
                return year_at + 1, _whole(year, month, day)
            return end + 1, _partial(month, day, ref)
        year_at = end + 1 if t.tok(end) in (",", "of") else end
        year = _year(t.tok(year_at))
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
        y2 = _year(t.tok(i + 2))
        if t.tok(i + 1) in ("-", "–", "—", "to") and y2 and y2 > y:  # "2009-2014", "2009 to 2014"
            return i + 3, {"lo": dt.date(y, 1, 1), "hi": dt.date(y2, 12, 31)}
        if nxt in _UNIT_AFTER_YEAR or (nxt2 in _UNIT_AFTER_YEAR and t.is_word(i + 1) and not _month(t, i + 1)):
            return None  # "2000 employees" is a quantity
        if t.tok(i + 1) in (",", ".") and t.tight(i + 1) and t.tok(i + 2).isdigit() and t.tight(i + 2):
            return None
        return i + 1, {"lo": dt.date(y, 1, 1), "hi": dt.date(y, 12, 31)}
    # weekdays, "yesterday", "next week", "three days ago"
    modifier = low if low in ("last", "next", "this", "that", "coming", "previous", "past") else ""
    wd_at = i + 1 if modifier else i
    if t.low(wd_at) in _WEEKDAYS and t.tok(wd_at)[0].isupper():
        end = wd_at + 2 if t.low(wd_at + 1) in _PARTS_OF_DAY else wd_at + 1
        if ref is None:
            return end, no_ref
        wd = _WEEKDAYS[t.low(wd_at)]
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
    if (low.isdigit() or low in _SMALL) and nxt.rstrip("s") in _PERIOD_DAYS and nxt2 == "ago":
        if ref is None:
            return i + 3, no_ref
        count = int(low) if low.isdigit() else _SMALL[low]
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


_DATE_WORDS = frozenset({*(_stem(k) for k in _MONTHS), *(_stem(k) for k in _WEEKDAYS), "week", "month", "year",
                         "day", "today", "yesterday", "tomorrow", "morning", "evening", "night", "afternoon",
                         "last", "next", "earli", "late", "early", "same", "previou", "follow"})


def _date_context(t: _Text, d: _Date, window: int = CONTEXT_WINDOW) -> frozenset[str]:
    return t.words_around(d.i, d.j, window) - _DATE_WORDS


def _people_near(t: _Text, d: _Date) -> frozenset[str]:
    """Names of the people and places around a date ("Biden said on Tuesday", "met in Geneva
    on Jan. 10"), countries and organisations of the alias table aside."""
    a, b = t.sent_range(t.sent(d.i))
    a, b = max(a, d.i - CONTEXT_WINDOW), min(b, d.j + CONTEXT_WINDOW)
    out = set()
    for k in range(a, b):
        w = t.toks[k]
        if not w[0].isupper() or (k == a and t.is_initial(k) and t.low(k + 1) not in _SPEECH_VERBS):
            continue
        key = _name_key(w)
        if (key in _NOT_NAMES or key in _TITLE_WORDS or key in _MONTHS or key in _WEEKDAYS or key in _GENERIC_ORG
                or key in _STOP or _ALIAS.get(key) in _PLACES or (t.is_initial(k) and key in _COMMON_STARTERS)):
            continue
        out.add(_ALIAS.get(key, key))
    return frozenset(out)


_SPEECH_VERBS = frozenset("said says told tells wrote writes announced insisted warned added argued noted "
                          "stressed repeated confirmed denied met meets spoke speaks answered replied "
                          "responded tweeted talked".split())


def _compare_dates(c: _Date, e: _Date) -> str | None:
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


def _date_gap(c: _Date, e: _Date) -> str:
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


def _date_checks(c: _Text, e: _Text) -> list[Check]:
    checks: list[Check] = []
    for d in c.dates:
        if d.unresolved:
            checks.append(Check("date", "missing", (d.start, d.end), None,
                                f"unresolved: \"{d.text}\" ({d.unresolved})"))
            continue
        context = _date_context(c, d, DATE_WINDOW)
        people = _people_near(c, d)
        best: tuple[tuple[bool, int], _Date, str] | None = None
        for ed in e.dates:
            if ed.unresolved:
                continue
            verdict = _compare_dates(d, ed)
            if verdict is None:
                continue
            e_context = _date_context(e, ed)
            shared = context & e_context - _PLACES
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
    return name in words or any(_fuzzy_same(name, w) for w in words)


# ---------------------------------------------------------------------------------------
# Numbers and quantities
# ---------------------------------------------------------------------------------------

_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "dozen": 12}
_SHORT_SCALE = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "mln": 1_000_000, "bn": 1_000_000_000,
                "b": 1_000_000_000, "tn": 1_000_000_000_000}
_NUMBER_WORDS = frozenset({*_SMALL, *_SCALE})
_VAGUE = {("tens", "of", "thousands"): (10_000, 99_999), ("hundreds", "of", "thousands"): (100_000, 999_999),
          ("tens", "of", "millions"): (10_000_000, 99_999_999), ("thousands",): (1_000, 9_999),
          ("hundreds",): (100, 999), ("dozens",): (24, 99), ("millions",): (1_000_000, 9_999_999),
          ("billions",): (1e9, 9.99e9)}
_MULTIPLIERS = {"twice": 2.0, "twofold": 2.0, "two-fold": 2.0, "threefold": 3.0, "three-fold": 3.0,
                "doubled": 2.0, "tripled": 3.0}
_GLUED = re.compile(r"^(\d+(?:[.,]\d+)?)([a-zA-Zµ]+)$")  # "100k", "40mg", "3bn"
_NUMERIC = re.compile(r"\d+(?:[,.·]\d+)*")
_CURRENCIES = {"$": "usd", "€": "eur", "£": "gbp", "¥": "jpy"}
_IDENTIFIER_BEFORE = frozenset("""
type grade stage phase class level group table figure fig article section chapter number round model
version route flight room page vol issue step category tier generation wave covid g p n or hr rr ci auc r
size line unit channel rule code item exon intron chromosome gate terminal cd il no
""".split())
_SIGNS_BEFORE = frozenset("=<>≤≥±#/:")
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
_RANGE_SEPARATORS = frozenset({"-", "–", "—", "to"})

# unit words -> (group, factor to the group's base unit); count nouns have factor 1
_UNIT_GROUPS: dict[str, tuple[str, float]] = {}


def _units(group: str, factor: float, words: str) -> None:
    for w in words.split("|"):
        _UNIT_GROUPS[w] = (group, factor)


_units("duration", 1 / 60, "second|seconds|sec|secs")
_units("duration", 1, "minute|minutes|min|mins")
_units("duration", 60, "hour|hours|hr|hrs|h")
_units("duration", 1440, "day|days")
_units("duration", 10080, "week|weeks")
_units("duration", 43830, "month|months")
_units("duration", 525960, "year|years|yr|yrs|year-old|years-old")
_units("duration", 5259600, "decade|decades")
_units("length", 0.001, "mm|millimetre|millimetres|millimeter|millimeters")
_units("length", 0.01, "cm|centimetre|centimetres|centimeter|centimeters")
_units("length", 1, "m|metre|metres|meter|meters")
_units("length", 1000, "km|kilometre|kilometres|kilometer|kilometers")
_units("length", 1609.344, "mile|miles|mi")
_units("length", 0.3048, "foot|feet|ft")
_units("mass", 0.001, "mg|milligram|milligrams")
_units("mass", 1, "g|gram|grams")
_units("mass", 1000, "kg|kilogram|kilograms|kilo|kilos")
_units("mass", 1_000_000, "tonne|tonnes|ton|tons")
_units("money:usd", 1, "dollar|dollars|usd")
_units("money:eur", 1, "euro|euros|eur")
_units("money:gbp", 1, "pound|pounds|sterling|gbp")
_units("money:jpy", 1, "yen")
_units("money:rub", 1, "rouble|roubles|ruble|rubles")
_units("money:cny", 1, "yuan|renminbi")
_units("share", 0.01, "percent|per cent|pct|%|percentage")
_units("points", 1, "percentage points|percentage point|points|point|pts")
_units("times", 1, "times|fold|x")
_units("bp", 1, "bp|base pairs|base pair|basepairs|nucleotides|nt")
_units("bp", 1000, "kb|kbp|kilobases|kilobase")
_units("kda", 1, "kd|kda|kilodalton|kilodaltons")
_units("troops", 1, "troops|troop|forces|force|soldiers|soldier|personnel|servicemen|serviceman|"
                    "servicemembers|service members|military personnel|fighters")
_units("people", 1, "people|persons|person|individuals|individual|residents|citizens|inhabitants|civilians|"
                    "population")
_units("workers", 1, "workers|worker|employees|employee|staff|staffers")
_units("journalists", 1, "journalists|journalist|reporters|reporter|correspondents")
_units("deaths", 1, "deaths|death|dead|fatalities|fatality|death toll|toll|killed")
_units("casualties", 1, "casualties|casualty")
_units("refugees", 1, "refugees|refugee|displaced")
_units("ships", 1, "ships|ship|vessels|vessel|warships|warship")
_units("aircraft", 1, "aircraft|planes|plane|jets|jet|warplanes")
_units("btg", 1, "battalion tactical groups|battalion tactical group|btgs|btg|battalion groups|battalions|"
                 "battalion")
_units("members", 1, "members|member|member states")
_units("patients", 1, "patients|patient")
_units("participants", 1, "participants|participant|subjects|volunteers")
_units("votes", 1, "votes|vote|ballots")
_units("ppm", 1, "ppm")
_COUNT_GROUPS = frozenset({"troops", "people", "workers", "journalists", "deaths", "casualties", "refugees",
                           "ships", "aircraft", "btg", "members", "patients", "participants", "votes"})
_MODIFIERS = frozenset("""
more additional extra new other total active armed combat ground military russian ukrainian american
foreign regular reserve civilian confirmed registered estimated young adult elderly local international
national further full-time part-time u.s us eu nato western eastern northern southern front-line
""".split())
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


@dataclass
class _Figure:
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
            if w in _SMALL:
                current += _SMALL[w]
            elif w in ("hundred", "dozen"):
                current = (current or 1) * _SCALE[w]
            elif w in _SCALE:
                total += (current or 1) * _SCALE[w]
                current = 0
            else:
                return None
            seen = True
    return total + current if seen else None


def _digits_at(t: _Text, i: int) -> _Figure | None:
    """A figure written with digits at token i: "127,000", "100 000", "1.5 million", "€40m", "40mg"."""
    w = t.toks[i]
    unit = None
    glued = None if _NUMERIC.fullmatch(w) else _GLUED.match(w)
    if glued:
        suffix = glued.group(2)
        if suffix.lower() in _SHORT_SCALE and (suffix.lower() not in ("m", "b") or t.tok(i - 1) in _CURRENCIES):
            digits, scale = glued.group(1), float(_SHORT_SCALE[suffix.lower()])
        elif suffix.lower() in _UNIT_GROUPS or suffix in _UNIT_GROUPS:
            digits, scale = glued.group(1), 1.0
            unit = _UNIT_GROUPS.get(suffix, _UNIT_GROUPS.get(suffix.lower()))
        else:
            return None  # "21st", "2G", "10E8"
    elif w[0].isdigit():
        digits, scale = w, 1.0
    else:
        return None
    if t.tight(i) and t.tok(i - 1) in _SIGNS_BEFORE | {".", ",", "·"}:
        return None  # "10/66", "9:30", "P = .03" (tight), "1,5"
    if t.tok(i + 1) in ("/", ":") and t.tight(i + 1) and t.tok(i + 2)[:1].isdigit():
        return None
    if t.low(i - 1) in _IDENTIFIER_BEFORE or t.tok(i - 1) in _SIGNS_BEFORE or (
            t.tok(i - 1) in ("=", "<", ">") or (t.low(i - 2) in ("p", "n") and t.tok(i - 1) in ("=", "<", ">"))):
        return None
    j = i + 1
    if not glued:
        # "100 000": groups of three digits after a single space
        while (len(digits.replace(",", "")) <= 3 or " " in digits) and t.tok(j).isdigit() and len(t.tok(j)) == 3 \
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
            scale = float(_SCALE[nxt])
            j += 1
        elif nxt in _SHORT_SCALE and t.tok(i - 1) in _CURRENCIES:
            scale = float(_SHORT_SCALE[nxt])
            j += 1
    if t.low(j) == "and" and t.low(j + 1) == "a" and t.low(j + 2) == "half":
        value += 0.5
        j += 3
    return _Figure(i, j, value * scale, _precision(whole, frac, scale), unit=unit, unit_end=j if unit else 0)


def _words_at(t: _Text, i: int) -> _Figure | None:
    """A figure in words at token i: "two dozen", "one hundred thousand", "half a million"."""
    low = t.lows[i]
    first, half = i, False
    if low == "half" and t.low(i + 1) in ("a", "an") and t.low(i + 2) in _SCALE:
        first, half = i + 2, True  # "half a million"
    elif low in ("a", "an") and t.low(i + 1) in _SCALE:
        first = i + 1  # "a hundred", "a dozen"
    words = ["one"] if first != i else []
    j = first
    while j < t.n:
        w = t.lows[j]
        if all(p in _NUMBER_WORDS for p in w.split("-")):
            words.append(w)
            j += 1
        elif w == "and" and t.low(j + 1) in _NUMBER_WORDS and words and words[-1] in _SCALE:
            j += 1  # "one hundred and twenty"
        else:
            break
    if j == first:
        # "eight-hour", "six-month": a number word joined to a unit
        parts = t.lows[j].split("-") if j < t.n else []
        if len(parts) == 2 and parts[0] in _SMALL and parts[1] in _UNIT_GROUPS:
            return _Figure(i, j + 1, float(_SMALL[parts[0]]), 0.5, unit=_UNIT_GROUPS[parts[1]], unit_end=j + 1)
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
    return _Figure(i, j, value, 0.5 if value < 100 else 0.05 * value)


def _figure_at(t: _Text, i: int) -> _Figure | None:
    low = t.lows[i]
    if low in ("tens", "hundreds", "thousands", "dozens", "millions", "billions") and t.low(i + 1) == "of":
        for key in ((low, "of", t.low(i + 2)), (low,)):
            if key in _VAGUE and (len(key) == 1 or t.low(i + 3) == "of"):
                lo, hi = _VAGUE[key]
                j = i + len(key)
                return _Figure(i, j, (lo + hi) / 2, 0, lo=lo, hi=hi, then_of=True)
        return None
    if low in _MULTIPLIERS:
        return _Figure(i, i + 1, _MULTIPLIERS[low], 0.05, unit=("times", 1), unit_end=i + 1)
    k = i + 1 if low in ("a", "an") else i
    if t.low(k) == "hour" and (t.low(k + 1), t.low(k + 2), t.low(k + 3)) == ("and", "a", "half"):
        return _Figure(i, k + 4, 90, 5, unit=("duration", 1), unit_end=k + 4)  # "an hour and a half"
    if low == "half" and t.low(i + 1) == "an" and t.low(i + 2) == "hour":
        return _Figure(i, i + 3, 30, 5, unit=("duration", 1), unit_end=i + 3)
    if low[0].isdigit():
        return _digits_at(t, i)
    if low in _NUMBER_WORDS or low in ("a", "an", "half") or ("-" in low and low.split("-")[0] in _SMALL):
        return _words_at(t, i)
    return None


def _qualifier(t: _Text, i: int) -> tuple[str, int]:
    """The qualifier before token i ("about", "more than", "nearly", ...) and its first token."""
    k = i - 1 if t.tok(i - 1) in _CURRENCIES else i
    for size in (3, 2, 1):
        key = tuple(t.low(x) for x in range(k - size, k))
        if key in _QUALIFIERS:
            return _QUALIFIERS[key], k - size
    return "", k


def _qualified_range(t: _Text, f: _Figure, after: int) -> tuple[float, float]:
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


def _unit_after(t: _Text, j: int) -> tuple[tuple[str, float] | None, int, int]:
    """The unit or noun right after a figure ending at token j: (group and factor, end token,
    head token of the unit or -1)."""
    low = t.low(j)
    if low in ("%", "percent", "pct"):
        return _UNIT_GROUPS["percent"], j + 1, -1
    if low == "per" and t.low(j + 1) == "cent":
        return _UNIT_GROUPS["percent"], j + 2, -1
    if low == "per":
        base = t.low(j + 1).replace(",", "")
        denominator = float(_SCALE[base]) if base in _SCALE else float(base) if base.isdigit() else 0.0
        k = j + 2
        while t.tok(k).isdigit() and len(t.tok(k)) == 3 and t.starts[k] == t.end(k - 1) + 1:
            denominator = denominator * 1000 + int(t.tok(k))
            k += 1
        if t.low(k) in _SCALE:
            denominator *= _SCALE[t.low(k)]
            k += 1
        if denominator:
            return ("share", 1 / denominator), k, -1
    if low in ("percentage", "points", "point"):
        return _UNIT_GROUPS["points"], j + 2 if t.low(j + 1) in ("point", "points") else j + 1, -1
    if low == "-" and t.tight(j) and t.is_word(j + 1):
        word = t.lows[j + 1]
        unit_word = word.split("-")[0] if word.split("-")[0] in _UNIT_GROUPS else word
        if unit_word in _UNIT_GROUPS:
            return _UNIT_GROUPS[unit_word], j + 2, j + 1
        if word.startswith("year"):
            return _UNIT_GROUPS["year"], j + 2, j + 1
    if low == "/":
        return None, j, -1
    if t.tok(j + 1) == "/" and t.tight(j + 1) and t.is_word(j + 2) and t.is_word(j):
        return (f"unit:{low}/{t.low(j + 2)}", 1), j + 3, j
    # a run of words: the longest known unit, else the head noun
    run: list[int] = []
    k = j
    while k < t.n and len(run) < 4 and t.is_word(k):
        w = t.lows[k]
        if w in _STOP and w not in _UNIT_GROUPS:
            break
        run.append(k)
        k += 1
    words = [t.lows[x] for x in run]
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start: start + size])
            if phrase in _UNIT_GROUPS and (start == 0 or all(
                    word in _MODIFIERS or t.toks[run[m]][0].isupper() or "-" in word
                    for m, word in enumerate(words[:start]))):
                return _UNIT_GROUPS[phrase], run[start + size - 1] + 1, run[start + size - 1]
    head = -1
    for k2 in run:
        word = t.lows[k2]
        if word.endswith(("ed", "ing", "ly")) and head >= 0:
            break
        if word in _MODIFIERS or t.toks[k2][0].isupper():
            continue
        head = k2
    if head >= 0:
        return (f"noun:{_stem(t.lows[head])}", 1), head + 1, head
    return None, j, -1


def _unit_before(t: _Text, i: int) -> tuple[str, float] | None:
    """A count noun shortly before a figure: "the number of Russian troops near its border at 94,000"."""
    a, _ = t.sent_range(t.sent(i))
    k, words = i - 1, 0
    while k >= a and words < 8:
        if t.toks[k][0].isalpha():
            words += 1
            for size in (3, 2, 1):
                phrase = " ".join(t.lows[max(a, k - size + 1): k + 1])
                if phrase in _UNIT_GROUPS and _UNIT_GROUPS[phrase][0] in _COUNT_GROUPS:
                    return _UNIT_GROUPS[phrase]
            if t.lows[k] == "aged":
                return _UNIT_GROUPS["years"]
        k -= 1
    return None


def _find_figures(t: _Text) -> list[_Figure]:
    figures: list[_Figure] = []
    masked = t.date_tokens
    lows, n = t.lows, t.n
    words = _FIGURE_STARTERS.intersection(lows)
    hyphenated = "-" in t.text
    candidates = sorted({*t.digit_tokens, *(i for i, low in enumerate(lows) if low in words or (
        low in ("a", "an") and i + 1 < n and lows[i + 1] in _AFTER_A) or (
        hyphenated and "-" in low and low.split("-")[0] in _SMALL))})
    after = 0
    for i in candidates:
        if i < after or i in masked:
            continue
        f = _figure_at(t, i)
        if f is None or any(k in masked for k in range(f.i, f.j)):
            continue
        if t.tok(i - 1) in _CURRENCIES and f.unit is None:
            f.currency = _CURRENCIES[t.tok(i - 1)]
        f = _ratio(t, f) or f
        figures.append(f)
        after = max(f.j, f.unit_end, i + 1)
    return _merge_ranges(t, figures)


_FIGURE_STARTERS = frozenset({*_NUMBER_WORDS, "tens", "hundreds", "thousands", "dozens", "millions", "billions",
                              "half", "hour", *_MULTIPLIERS})
_AFTER_A = frozenset({*_SCALE, "hour"})


def _ratio(t: _Text, f: _Figure) -> _Figure | None:
    """"1 in 5 million", "3 out of 10": a share."""
    k = f.j
    if t.low(k) == "in":
        k += 1
    elif t.low(k) == "out" and t.low(k + 1) == "of":
        k += 2
    else:
        return None
    if k >= t.n or _year(t.toks[k]) or not (t.lows[k][0].isdigit() or t.lows[k] in _NUMBER_WORDS):
        return None
    g = _figure_at(t, k)
    if g is None or not g.value or f.value >= g.value:
        return None
    return _Figure(f.i, g.j, f.value / g.value, 0, unit=("share", 1), unit_end=g.j)


def _merge_ranges(t: _Text, figures: list[_Figure]) -> list[_Figure]:
    """"between 169,000 and 190,000", "76-85%", "85 to 87"; not "from 60 to 83"."""
    out: list[_Figure] = []
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
                out.append(_Figure(f.i, g.j, (f.value + g.value) / 2, 0, lo=f.value, hi=g.value,
                                   currency=f.currency or g.currency, unit=g.unit, unit_end=g.unit_end))
                skip = True
                continue
        out.append(f)
    return out


def _find_quantities(t: _Text) -> list[_Quantity]:
    out: list[_Quantity] = []
    last: tuple[str, float] | None = None
    last_sent = -1
    for f in _find_figures(t):
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
        if t.low(end) in _STAT_AFTER or (t.tok(end) == "%" and t.low(end + 1) in _STAT_AFTER):
            continue  # "95% CI"
        lo, hi = _qualified_range(t, f, end)
        head_word = {_canon(t.toks[head])} if head >= 0 else set()
        s = t.starts[_qualifier(t, f.i)[1]] if f.lo is None else t.starts[f.i]
        e = t.end(end - 1) if end > f.i else t.end(f.j - 1)
        out.append(_Quantity(f.i, f.j, s, e, t.text[s:e], lo * factor, hi * factor, f.value * factor, group,
                             t.words_around(f.i, f.j) - head_word,
                             t.sentence_words(sent) - head_word, sent))
    return out


def _comparable(c: _Quantity, e: _Quantity) -> bool:
    if c.group != e.group and not (c.group.startswith("money:") and e.group.startswith("money:")):
        return False
    return bool(c.sentence & e.context)


def _difference(c: _Quantity, e: _Quantity) -> str:
    if c.group != e.group:
        return "different currency"
    if c.group == "share" and c.value >= 0.001 and e.value >= 0.001:
        return f"{(e.value - c.value) * 100:+.1f} points".replace("-", "−")
    if c.value == 0 or e.value == 0:
        return "one of them is zero"
    ratio = e.value / c.value
    if 0.5 <= ratio <= 2:
        return f"{(ratio - 1) * 100:+.0f}%".replace("-", "−")
    return f"×{ratio:.2g}" if ratio > 1 else f"÷{1 / ratio:.2g}"


def _ranker(q: _Quantity) -> Any:
    """Order evidence figures for claim figure `q`: more words in common, then closer in value."""

    def rank(x: _Quantity) -> tuple[int, float]:
        closeness = -abs(math.log(max(x.value, 1e-12) / max(q.value, 1e-12)))
        return len(q.context & x.context), closeness

    return rank


def _number_checks(c: _Text, e: _Text) -> list[Check]:
    checks: list[Check] = []
    for q in c.quantities:
        cands = [x for x in e.quantities if _comparable(q, x)]
        # a figure in the same sentence and unit as a comparable one is an alternative to it:
        # "less over 6 hours but not different over 4 hours or 24 hours"
        sentences = {x.sent for x in cands}
        cands += [x for x in e.quantities if x not in cands and x.sent in sentences and x.group == q.group]
        if not cands:
            checks.append(Check("number", "missing", (q.start, q.end), None,
                                f"no comparable figure in the evidence for \"{q.text}\""))
            continue

        agreeing = [x for x in cands if x.group == q.group and q.lo <= x.hi and x.lo <= q.hi]
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


# ---------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------

_ALIAS_GROUPS = {
    "us": "us|usa|united states|united states of america|america|american|americans|washington",
    "russia": "russia|russian|russians|moscow|kremlin|russian federation",
    "ukraine": "ukraine|ukrainian|ukrainians|kyiv|kiev",
    "nato": "nato|north atlantic treaty organization|north atlantic treaty organisation|north atlantic alliance",
    "uk": "uk|united kingdom|britain|great britain|british|london",
    "eu": "eu|european union",
    "osce": "osce|organization for security and co-operation in europe|organization for security and "
            "cooperation in europe|organisation for security and co-operation in europe",
    "un": "un|united nations",
    "china": "china|chinese|beijing",
    "germany": "germany|german|germans|berlin",
    "france": "france|french|paris",
    "belarus": "belarus|belarusian|minsk",
    "poland": "poland|polish|warsaw",
    "japan": "japan|japanese|tokyo",
    "north korea": "north korea|north korean|pyongyang|dprk",
    "south korea": "south korea|south korean|seoul",
    "crimea": "crimea|crimean",
    "donbas": "donbas|donbass",
    "odesa": "odesa|odessa",
    "kharkiv": "kharkiv|kharkov",
    "zelensky": "zelensky|zelenskiy|zelenskyy|zelenskyi|zelenskij",
    "fed": "fed|federal reserve",
    "pentagon": "pentagon|department of defense|defense department|dod",
    "state department": "state department|department of state",
    "twitter": "twitter|tweet|tweeted|tweets",
    "white house": "white house",
    "who": "who|world health organization|world health organisation",
}
_ALIAS: dict[str, str] = {}
for _group, _members in _ALIAS_GROUPS.items():
    for _member in _members.split("|"):
        _ALIAS[_member.replace("-", " ")] = _group
_ALIAS_STARTS: dict[str, list[tuple[str, ...]]] = {}
for _member in sorted(_ALIAS, key=lambda m: -len(m.split())):
    if " " in _member:
        _ALIAS_STARTS.setdefault(_member.split()[0], []).append(tuple(_member.split()))
_LOWERCASE_ALIASES = frozenset({"tweet", "tweeted", "tweets"})  # lower-case words that mention a name
# countries and capitals: as context they say little about which event is meant
_PLACES = frozenset(_ALIAS_GROUPS) - {"zelensky", "twitter", "fed", "who", "white house", "pentagon",
                                      "state department", "nato", "osce", "eu", "un"}

_TITLE_WORDS = frozenset("""
president presidents secretary secretary-general minister ministers ambassador chancellor spokesman
spokeswoman spokesperson chairman chairwoman chair senator sen governor mayor general gen lt lieutenant
colonel admiral commander director envoy mr mrs ms dr sir dame lord king queen prince princess pope
deputy vice prime foreign defence defense interior finance assistant under chief press acting former
first justice adviser advisor head leader premier
""".split())
_TITLE_HEADS = frozenset("""
president presidents secretary secretary-general minister ministers ambassador chancellor spokesman
spokeswoman spokesperson chairman chairwoman senator sen governor mayor general gen lt admiral commander
director envoy mr mrs ms dr sir king queen pope justice premier
""".split())
_NOT_NAMES = frozenset("""
i a an the he she it we they you his her its our their this that these those there here in on at by for
of to from with after before as but and or if when while since until during although though however
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow asked speaking neither
both earlier later meanwhile also still yet then so thus hence therefore now instead despite according
western eastern northern southern european god
""".split())
_GENERIC_ORG = frozenset("""
ministry department council government embassy mission army navy parliament senate court cabinet staff
service agency commission committee office news times post house session meeting summit talks
university institute center centre bank union federation republic forum fund board bureau association
society league assembly
""".split())
_ORG_HEADS = frozenset("""
organization organisation department ministry council bank university institute office commission
committee agency union federation republic court league association forum fund centers centre center
school college society assembly states
""".split())
_CONNECTORS = frozenset({"of", "for", "and", "in", "the", "on", "de", "du", "von", "van", "al"})
_COMMON_STARTERS = frozenset("""
three two four five six seven eight nine ten one some many most several few more less other almost nearly
about around over under half tens dozens hundreds thousands millions fewer up at officials reports report
sources critics analysts experts observers police troops forces prices sales inflation unemployment
turnout elections talks parliament consumer earlier later last next this no not only there here what
why how who where when whether western eastern northern southern
""".split())
_NAME_FOLLOWERS = frozenset("""
said says told tells spoke speaks talked met meets wrote writes insisted warned argued announced added
noted stressed urged called accused denied denies confirmed responded replied answered tweeted visited
arrived discussed signed won defeated beat rejected accepted agreed declined repeated predicted promised
threatened welcomed criticised criticized
""".split())


@dataclass(frozen=True)
class _Name:
    start: int
    end: int
    text: str
    keys: tuple[str, ...]  # normalised words
    words: tuple[str, ...]  # the words as written
    org: bool


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return 2 <= len(letters) <= 6 and letters[:2].isupper() and letters.isalnum() and (
        letters.isupper() or letters[:-1].isupper())


def _is_cap(w: str) -> bool:
    return w[:1].isupper()


def _find_names(t: _Text) -> list[_Name]:
    titles = _title_tokens(t)
    words = [w for w in t.toks if w[0].isalpha()]
    # Title Case ("Blinken Leaves Talks With Lavrov Open To A Summit"): small words capitalised
    headline = sum(1 for i, w in enumerate(t.toks)
                   if w[0].isupper() and w.lower() in _STOP and not t.is_initial(i)) >= 2
    lower = {w for w in words if w.islower()}
    names: list[_Name] = []
    run: list[int] = []

    def flush() -> None:
        while run and t.lows[run[-1]] in _CONNECTORS:
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
        elif (run and t.lows[i] in _CONNECTORS and _is_cap(t.tok(i + 1)) and t.is_word(i + 1)
              and any(t.lows[r] in _ORG_HEADS for r in run)
              and (t.lows[i] != "in" or any(t.lows[r] in _CONNECTORS for r in run))):
            run.append(i)
        else:
            flush()
    flush()
    return names


def _title_tokens(t: _Text) -> set[int]:
    """Tokens of job titles ("Secretary of State", "Foreign Minister", "President"): not names."""
    out: set[int] = set()
    for i, low in enumerate(t.lows):
        if low in _TITLE_HEADS and t.toks[i][0].isupper():
            out.add(i)
            k = i - 1
            while k >= 0 and t.lows[k] in _TITLE_WORDS and t.toks[k][0].isupper():
                out.add(k)
                k -= 1
            if low == "secretary" and t.low(i + 1) == "of" and t.low(i + 2) in ("state", "defense", "defence"):
                out.update((i + 1, i + 2))
            if t.low(i + 1) == "-" and t.low(i + 2) == "general":
                out.update((i + 1, i + 2))
    return out


def _split_run(t: _Text, run: list[int], headline: bool, lower: set[str]) -> list[_Name]:
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
            if k == run[-1] and not any(_name_key(p) in _ORG_HEADS | _GENERIC_ORG for p, _, _ in spans):
                parts[-1].extend(spans[:1])
                parts.extend([s] for s in spans[1:])
                continue
            parts[-1].extend(spans)
            continue
        parts[-1].append((w, start, start + len(w)))
    out: list[_Name] = []
    following = t.low(run[-1] + 1)
    for n, part in enumerate(parts):
        if n == 0 and part and t.is_initial(run[0]):
            while part and _drop_initial(part[0][0], len(part), lower, following if len(parts) == 1 else ""):
                part = part[1:]
        keys = tuple(_name_key(w) for w, _, _ in part)
        while keys and (keys[0] in _NOT_NAMES or keys[0] in _MONTHS or keys[0] in _WEEKDAYS):
            part, keys = part[1:], keys[1:]
        if not keys or all(k in _TITLE_WORDS or k in _MONTHS or k in _WEEKDAYS for k in keys):
            continue
        if len(keys) == 1 and (keys[0] in _GENERIC_ORG or keys[0] in _TITLE_WORDS):
            continue
        if headline and not (" ".join(keys) in _ALIAS or any(_is_acronym(w) for w, _, _ in part)):
            continue
        org = any(k in _ORG_HEADS or k in _GENERIC_ORG for k in keys) or any(_is_acronym(w) for w, _, _ in part)
        out.append(_Name(part[0][1], part[-1][2], t.text[part[0][1]:part[-1][2]], keys,
                         tuple(w for w, _, _ in part), org))
    return out


def _drop_initial(word: str, length: int, lower: set[str], following: str) -> bool:
    """Is the sentence-initial `word` an ordinary word rather than a name?

    A lone capitalised first word is a name only when it is a known name, is possessive,
    or does what people do in news sentences ("Blinken said", "Merkel and Macron met").
    """
    key = _name_key(word)
    if key in _ALIAS or _is_acronym(word):
        return False
    if key in _NOT_NAMES or key in _STOP or key in _TITLE_WORDS or key in _MONTHS:
        return True
    if length > 1:
        return False
    if key in _COMMON_STARTERS or key in lower or key.endswith(("ly", "ing")):
        return True
    if word.endswith(("'s", "’s")):
        return False
    return following not in _NAME_FOLLOWERS and following not in ("and", ",")


def _fuzzy_same(a: str, b: str) -> bool:
    """Transliterations and demonyms: Zelensky/Zelenskiy, Sergei/Sergey, Tonga/Tongan."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 3:
        return False
    shorter, longer = sorted((a, b), key=len)
    if longer.startswith(shorter) and len(shorter) >= 5:
        return True
    return len(a) >= 6 and len(b) >= 6 and a[:5] == b[:5] and abs(len(a) - len(b)) <= 2


@lru_cache(maxsize=4096)
def _phrase_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"[\s-]+".join(re.escape(w) for w in words) + r"(?![\w])")


def _find_phrase(e: _Text, words: tuple[str, ...]) -> tuple[int, int] | None:
    """Where the evidence writes these words in a row (case as written, "-" or spaces between)."""
    words = tuple(w[:-2] if w.endswith(("'s", "’s")) else w for w in words)
    for m in _phrase_pattern(words).finditer(e.text):
        if m.start() == 0 or not e.text[m.start() - 1].isalnum():
            return m.start(), m.end()
    return None


def _locate_name(name: _Name, e: _Text) -> tuple[tuple[int, int] | None, str]:
    """Where the evidence mentions `name`, and how it was matched."""
    full = " ".join(name.keys).replace("-", " ")
    group = _ALIAS.get(full)
    if group and group in e.alias_groups:
        return e.alias_groups[group], "alias"
    span = _find_phrase(e, name.words)
    if span is None and any(w.isupper() and len(w) > 3 for w in name.words):
        span = _find_phrase(e, tuple(w.title() if w.isupper() and len(w) > 3 else w for w in name.words))
    if span is None and len(name.keys) == 1 and name.keys[0] in e.caps:
        span = e.caps[name.keys[0]]
    if span:
        return span, "same words"
    if len(name.keys) >= 2:
        initials = "".join(p[0] for w in name.words for p in w.split("-") if p and p[0].isupper())
        if len(initials) >= 2 and initials in e.acronyms:
            return e.acronyms[initials], "acronym"
    if len(name.keys) == 1 and _is_acronym(name.words[0]):
        acr = name.words[0].replace(".", "").upper()
        if acr in e.acronyms:
            return e.acronyms[acr], "spelled out"
    if name.org:
        distinctive = tuple(w for w, k in zip(name.words, name.keys, strict=True)
                            if k not in _GENERIC_ORG and k not in _ORG_HEADS and k not in _CONNECTORS)
        if distinctive and len(distinctive) < len(name.words):
            span = _find_phrase(e, distinctive)
            if span:
                return span, "same words"
        return None, ""
    # people and places: the surname, a spelling variant, or an alias of the last word
    last = name.keys[-1]
    if len(name.keys) <= 4:
        if last in e.caps:
            return e.caps[last], "surname" if len(name.keys) > 1 else "same words"
        for key in e.caps_by_prefix.get(last[:4], ()):
            if _fuzzy_same(last, key):
                return e.caps[key], "spelling variant"
        group = _ALIAS.get(last)
        if group and group in e.alias_groups:
            return e.alias_groups[group], "alias"
    return None, ""


def _name_checks(c: _Text, e: _Text) -> list[Check]:
    checks: list[Check] = []
    seen: set[str] = set()
    for name in c.names:
        key = " ".join(name.keys)
        group = _ALIAS.get(key, key)
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


# ---------------------------------------------------------------------------------------
# Negation and polarity
# ---------------------------------------------------------------------------------------

_DET_NEGATORS = frozenset({"no", "without", "neither", "nor", "none", "nobody", "nothing", "lack", "lacks",
                           "lacked", "lacking", "absence"})
_VERB_NEGATORS = frozenset({"not", "never", "cannot"})
_SCOPE_OPENERS = frozenset({"deny", "denied", "denies", "denying", "fail", "failed", "fails", "failing",
                            "refuse", "refused", "refuses", "refusing"})
_DETERMINERS = frozenset({"a", "an", "the", "any", "its", "their", "his", "her"})
_SCOPE_SKIP = frozenset({"a", "an", "the", "any", "be", "been", "being", "have", "has", "had", "to", "that",
                         "it", "its", "their", "his", "her", "ever", "yet", "even", "so", "as", "out", "not",
                         "clear", "known", "significant", "significantly", "really", "necessarily", "always",
                         "\"", "“", "”", "'", "‘", "’"})
_SCOPE_STOP = frozenset({"of", "in", "on", "at", "for", "with", "by", "from", "but", "and", "or", "while",
                         "whereas", "than", "because", "which", "who", "when", "if", "although", "since",
                         "until", "after", "before", "during", "over", "into", "to", "between", "among", "about",
                         "against", "across", "within", "through", "toward", "towards", "compared"})
_AUXILIARIES = frozenset({"was", "were", "is", "are", "has", "have", "had"})
_HEDGES = frozenset({"may", "might", "could", "whether", "if", "perhaps", "possibly", "possible", "unlikely",
                     "likely", "hope", "hoped", "hopes", "hoping", "expect", "expected", "expects",
                     "attempt", "attempts", "try", "tried", "trying", "seek", "sought", "would", "should",
                     "suggest", "suggested", "suggests", "asked", "question"})
_POLAR_LEXICON: dict[str, tuple[str, int]] = {}


def _lex(concept: str, sign: int, words: str) -> None:
    for w in words.split():
        _POLAR_LEXICON[w] = (concept, sign)


_lex("confirm", 1, "confirm confirms confirmed confirming acknowledge acknowledges acknowledged admit admits "
                   "admitted")
_lex("confirm", -1, "deny denies denied denying")
_lex("accept", 1, "accept accepts accepted accepting agree agrees agreed approve approves approved endorse "
                  "endorsed uphold upholds upheld")
_lex("accept", -1, "reject rejects rejected rejecting refuse refuses refused refusal veto vetoed dismissed "
                   "overturned")
_lex("succeed", 1, "succeed succeeds succeeded")
_lex("succeed", -1, "fail fails failed")
_lex("need", 1, "required necessary essential needed indispensable")
_lex("need", -1, "dispensable unnecessary unneeded")
_lex("up", 1, "increase increases increased increasing rise rises rose risen rising raise raised grow grows "
              "grew higher climb climbed climbs jump jumped surge surged soar soared doubled tripled enhance "
              "enhances enhanced promote promotes promoted induce induces induced boost boosted elevated "
              "exacerbate exacerbates exacerbated overestimate overestimates overestimated worsen worsened")
_lex("up", -1, "decrease decreases decreased decreasing reduce reduces reduced reducing reduction fall falls "
               "fell fallen falling drop drops dropped decline declines declined declining lower lowered "
               "lowers diminish diminished inhibit inhibits inhibited suppress suppresses suppressed prevent "
               "prevents prevented impede impedes impeded attenuate attenuates attenuated underestimate "
               "underestimates underestimated shrank shrink slowed slower")
_PHRASAL = {("struck", "down"): ("accept", -1), ("strike", "down"): ("accept", -1),
            ("turned", "down"): ("accept", -1), ("threw", "out"): ("accept", -1),
            ("thrown", "out"): ("accept", -1), ("ruled", "out"): ("accept", -1)}
_CHANGE_WORDS = frozenset("change changes changed alter alters altered affect affects affected differ "
                          "differed".split())
_NO_CHANGE = frozenset({"stable", "unchanged", "steady", "flat"})
_LEXICAL_WORDS = frozenset({*_POLAR_LEXICON, *_CHANGE_WORDS, *_NO_CHANGE, *(a for a, _ in _PHRASAL)})
_CUE_WORDS = frozenset({*_DET_NEGATORS, *_VERB_NEGATORS, *_SCOPE_OPENERS})


@dataclass(frozen=True)
class _Polar:
    """A word with the side its text takes on it.

    `key` is "w:<stem>" for a plain word, "c:<concept>" for a word of the polarity lexicon
    (confirm/deny, accept/reject, succeed/fail, up/down) and "chg" for change or no change.
    """

    key: str
    sign: int  # +1 asserted, -1 negated (or the lexicon's negative side)
    start: int  # what to point at: the negation cue and the word
    end: int
    word: str
    token: int
    negated: bool
    asserted: bool  # not quoted, not hedged, not the object of a negated verb
    objects: frozenset[str]  # content words of its sentence: what the sentence is about
    near: frozenset[str]  # content words of its clause: to pick the closest occurrence
    short: bool  # its sentence is short
    follows: frozenset[str]  # the content words right after it: a verb's object


def _negation_scope(t: _Text) -> tuple[dict[int, int], frozenset[int]]:
    """Token index -> index of the negation cue governing it, and the objects of negated verbs.

    "no breakthrough", "without a deal", "denied planning an attack": the noun phrase after
    the cue; "did not attend the meeting": only the verb; "was not a major escalation": the
    noun phrase. The object of a negated verb is neither asserted nor negated: "did not
    anticipate a breakthrough" does not say there was one.
    """
    lows = t.lows
    scope: dict[int, int] = {}
    shadow: set[int] = set()
    words = _CUE_WORDS.intersection(lows)
    if "n't" in t.text or "n’t" in t.text:
        words |= {low for low in lows if low.endswith(("n't", "n’t"))}
    cues = [i for i, low in enumerate(lows) if low in words] if words else []
    for i in cues:
        low = lows[i]
        if low == "not" and t.low(i + 1) in ("only", "just", "least", "yet"):
            continue
        if low == "no" and t.low(i + 1) in ("doubt", "longer", "matter", "more"):
            continue
        verbal = low in _VERB_NEGATORS or low.endswith(("n't", "n’t"))
        limit = 4 if low in _SCOPE_OPENERS else 3
        _, clause_end = t.clause(i)
        j, taken, saw_determiner = i + 1, 0, False
        while j < clause_end and taken < limit:
            u = lows[j]
            if u in _SCOPE_SKIP:
                saw_determiner = saw_determiner or u in _DETERMINERS
                j += 1
                continue
            if not u[0].isalpha():
                break
            if u in _SCOPE_STOP:
                if taken:
                    break
                j += 1
                continue
            scope[j] = i
            taken += 1
            j += 1
            if verbal and not saw_determiner:
                while j < clause_end and len(shadow) < 1000:
                    if lows[j] in _SCOPE_STOP and j > i + 2:
                        break
                    shadow.add(j)
                    j += 1
                break
        if low in ("no", "neither", "nor", "none") and t.low(j) in _AUXILIARIES:
            k = j + 1  # "no breakthrough was achieved"
            while k < clause_end and lows[k] in ("been", "being", "be"):
                k += 1
            if k < clause_end and lows[k][0].isalpha():
                scope[k] = i
    return scope, frozenset(shadow)


def _object_of(t: _Text, j: int, end: int) -> list[int]:
    """The few content words after a word, up to a preposition or the end of its clause."""
    out: list[int] = []
    while j < end and len(out) < 3:
        low = t.lows[j]
        if low in _SCOPE_STOP or not (low[0].isalnum() or low in _QUOTE_MARKS):
            break
        if _is_content(low):
            out.append(j)
        j += 1
    return out


_QUOTE_MARKS = frozenset("\"'“”‘’")


def _polar_at(t: _Text, i: int, key: str, sign: int, negated: bool, end: int | None = None) -> _Polar:
    scope, shadow = t.negation
    a, b = t.clause(i)
    hedged = any(a <= h < i for h in t.hedges)
    asserted = not hedged and i not in shadow and not (t.quotes and t.quoted(i))
    start = t.starts[scope[i]] if negated and i in scope else t.starts[i]
    s = t.sent(i)
    own = _canon(t.toks[i])
    follows = frozenset(_canon(t.toks[k]) for k in _object_of(t, i + 1, b))
    return _Polar(key, sign, start, end if end is not None else t.end(i), t.toks[i], i, negated, asserted,
                  t.sentence_words(s) - {own}, t.clause_words(a, b) - {own}, t.sentence_size(s) <= SHORT_SENTENCE,
                  follows)


def _lexical_keys(t: _Text, i: int) -> list[tuple[str, int, bool]]:
    """The polarity-lexicon readings of token i (confirm/deny, up/down, change/no change):
    (key, sign, negated)."""
    low = t.lows[i]
    lexical = _PHRASAL.get((low, t.low(i + 1))) or _POLAR_LEXICON.get(low)
    negated = i in t.negation[0]
    out: list[tuple[str, int, bool]] = []
    if lexical:
        concept, sign = lexical
        if not negated:
            out.append((f"c:{concept}", sign, False))
        elif concept == "up":
            out.append(("chg", -1, True))  # "did not fall": no change, not a rise
        else:
            out.append((f"c:{concept}", -sign, True))
    if low in _CHANGE_WORDS:
        out.append(("chg", -1 if negated else 1, negated))
    if low in _NO_CHANGE:
        out.append(("chg", -1, True))
    return out


def _lexical_items(t: _Text, key: str | None = None) -> list[_Polar]:
    """The lexicon items of the text (only those with `key`, if given)."""
    return [_polar_at(t, i, k, sign, negated) for i in t.lexical_tokens
            for k, sign, negated in _lexical_keys(t, i) if key is None or k == key]


def _claim_items(t: _Text) -> tuple[list[_Polar], list[_Polar], dict[str, list[_Polar]]]:
    """The claim's lexicon items, its negated words, and its asserted words by stem."""
    scope, _ = t.negation
    negated: list[_Polar] = []
    asserted: dict[str, list[_Polar]] = {}
    for i, low in enumerate(t.lows):
        stem = _content_stem(low)
        if stem is None or low in _DET_NEGATORS or low in _SCOPE_OPENERS:
            continue
        if i in scope:
            negated.append(_polar_at(t, i, f"w:{stem}", -1, True))
        else:
            p = _polar_at(t, i, f"w:{stem}", 1, False)
            if p.asserted:
                asserted.setdefault(stem, []).append(p)
    return _lexical_items(t), negated, asserted


def _related(p: _Polar, o: _Polar) -> bool:
    """Do the claim's and the evidence's clauses talk about the same thing? (Two short
    sentences are taken to: "The talks ended without a deal" / "The two sides reached a deal".)"""
    if p.near & o.near or (o.short and p.short):
        return True
    return len(p.near) <= 1 and bool(p.objects & o.objects)  # "..., but not the other two layers"


def _rank(p: _Polar, o: _Polar) -> tuple[int, int]:
    return len(p.near & o.near), len(p.objects & o.objects)


def _effective_sign(p: _Polar, o: _Polar) -> int | None:
    """The sign of evidence item `o` on claim item `p`'s scale, or None if they do not meet."""
    if p.key == o.key:
        return o.sign
    if p.key == "c:up" and o.key == "chg":
        return o.sign if o.sign < 0 else None  # "rose" against "did not change"
    if p.key == "chg" and o.key == "c:up":
        return 1  # "did not change" against "rose"
    return None


def _word_check(c: _Text, e: _Text, p: _Polar) -> tuple[int, Check] | None:
    """A plain word: negated on one side, asserted on the other?"""
    stem = p.key[2:]
    if not p.negated and stem not in e.negated_stems:
        return None
    scope = e.negation[0]
    others = [_polar_at(e, k, p.key, -1 if k in scope else 1, k in scope) for k in e.stem_index.get(stem, ())]
    # about the same thing, and a verb with the same object: "expected written answers" is
    # not contradicted by "did not expect a breakthrough"
    others = [o for o in others if _related(p, o) and (not p.follows or not o.follows or p.follows & o.follows)]
    if not others:
        return None
    best = max(others, key=lambda o: _rank(p, o))
    claim_part, ev_part = c.text[p.start:p.end], e.text[best.start:best.end]
    if p.negated and best.negated:
        check = Check("negation", "agrees", (p.start, p.end), (best.start, best.end),
                      f"both negate \"{p.word}\": claim \"{claim_part}\", evidence \"{ev_part}\"")
    elif p.negated and best.asserted and p.asserted:
        check = Check("negation", "differs", (p.start, p.end), (best.start, best.end),
                      f"the claim negates \"{p.word}\" (\"{claim_part}\"); the evidence asserts it")
    elif not p.negated and p.asserted and best.negated and not any(
            not o.negated and o.asserted for o in others):
        check = Check("negation", "differs", (p.start, p.end), (best.start, best.end),
                      f"the claim asserts \"{p.word}\"; the evidence negates it (\"{ev_part}\")")
    else:
        return None
    return (0 if p.negated or best.negated else 1), check


def _lexical_check(c: _Text, e: _Text, p: _Polar) -> tuple[int, Check] | None:
    """A lexicon word: "denies" against "confirmed", "rose" against "fell" or "did not change"."""
    if not p.asserted and not p.negated:
        return None
    keys = (p.key, "chg") if p.key == "c:up" else (p.key, "c:up") if p.key == "chg" else (p.key,)
    cands = [(o, _effective_sign(p, o)) for key in keys for o in e.lexical(key)]
    cands = [(o, sign) for o, sign in cands if sign is not None and o.asserted and _related(p, o)]
    if not cands:
        return None
    best, sign = max(cands, key=lambda x: _rank(p, x[0]))
    claim_part, ev_part = c.text[p.start:p.end], e.text[best.start:best.end]
    if sign == p.sign:
        check = Check("negation", "agrees", (p.start, p.end), (best.start, best.end),
                      f"same polarity: claim \"{claim_part}\", evidence \"{ev_part}\"")
    else:
        check = Check("negation", "differs", (p.start, p.end), (best.start, best.end),
                      f"opposite polarity: claim \"{claim_part}\", evidence \"{ev_part}\"")
    return (0 if p.negated or best.negated else 2), check


def _negation_checks(c: _Text, e: _Text) -> list[Check]:
    per_clause: dict[tuple[int, int], list[tuple[int, Check]]] = {}
    lexical, negated, asserted = c.claim_items
    # only words negated in the claim, or asserted in the claim and negated in the evidence
    shared = asserted.keys() & e.negated_stems
    items = [*negated, *(p for stem in shared for p in asserted[stem])]
    if lexical and e.lexical_tokens:
        items += lexical
    for p in items:
        found = _word_check(c, e, p) if p.key.startswith("w:") else _lexical_check(c, e, p)
        if found is not None:
            per_clause.setdefault(c.clause(p.token), []).append(found)
    out = []
    for found_here in per_clause.values():
        # one check per clause of the claim: negations first, then what differs
        found_here.sort(key=lambda x: (x[0], x[1].status != "differs", x[1].claim_span))
        out.append(found_here[0][1])
    return out
