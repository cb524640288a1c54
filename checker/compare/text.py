"""The text analysis every check shares: tokens, sentences, clauses, stems and the content
words around a position, computed once per text (`analyse` keeps the last few texts).

A check module adds what it reads from a text ("its dates", "its names") with `per_text`, a
function computed once per text and kept with it, so this module knows nothing of the checks.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable
from functools import cached_property, lru_cache, wraps
from typing import Any, TypeVar

from checker.compare.namewords import ALIAS

CONTEXT_WINDOW = 8  # words either side of a figure or a date that say what it is about

T = TypeVar("T")


_TOKEN = re.compile(r"\d+(?:[,.·]\d+)*(?!\w)|\w+(?:[.'’-]\w+)*|[^\w\s]")
STOP = frozenset("""
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
SMALL = {
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
def stem_of(word: str) -> str:
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
def name_key(word: str) -> str:
    """"Ukraine's" -> "ukraine", "U.S" -> "us"."""
    w = word.replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("'"):
        w = w[:-1]
    return w.replace(".", "").lower()


@lru_cache(maxsize=65536)
def canon(word: str) -> str:
    """A word as context: names by their alias group (Kyiv -> ukraine), others by stem."""
    key = name_key(word)
    group = ALIAS.get(key)
    if group:
        return group
    if word[:1].isupper() and key.endswith("an") and len(key) > 5:
        return key[:-1]  # Tongan -> tonga, Syrian -> syria
    return stem_of(word)


_DIGIT_CHARS = frozenset("0123456789")


def is_content(low: str) -> bool:
    return len(low) > 1 and low[0].isalpha() and low not in STOP


@lru_cache(maxsize=100_000)
def _content_canon(word: str) -> str | None:
    """The context form of a content word, None for stop words, numbers and punctuation."""
    return canon(word) if is_content(word.lower()) else None


@lru_cache(maxsize=100_000)
def content_stem(low: str) -> str | None:
    return stem_of(low) if is_content(low) else None


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


# calendar words: dates are read from them, and they are not names
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}


class Text:
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
        self.memo: dict[Callable[[Text], Any], Any] = {}  # what `per_text` functions computed

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
            if not (nxt[0].isupper() or nxt[0].isdecimal() or nxt in _OPENERS):
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

    @cached_property
    def digit_tokens(self) -> list[int]:
        return [i for i, low in enumerate(self.lows) if low[0] in _DIGIT_CHARS]


def per_text(build: Callable[[Text], T]) -> Callable[[Text], T]:
    """`build(text)` computed on first use and kept with the text, like a cached property that
    a check module adds to `Text` without this module importing it."""

    @wraps(build)
    def get(t: Text) -> T:
        try:
            return t.memo[build]
        except KeyError:
            value = t.memo[build] = build(t)
            return value

    return get


@lru_cache(maxsize=256)  # an article's claims and their passages
def analyse(text: str, ref: dt.date | None) -> Text:
    """The analysis of `text`; `ref` is the date that places relative dates ("on Friday")."""
    return Text(text, ref)
