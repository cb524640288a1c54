"""Find the check-worthy sentences of an article.

`score_sentence` is the single place where check-worthiness is decided. This first scorer is
transparent: it adds up features that make a sentence checkable (numbers, named things,
comparisons, attributed statements, negated outcomes) and subtracts those that make it
uncheckable (questions, hedges, opinions, fragments), then squashes the sum into [0, 1].
"""

from __future__ import annotations

import math
import re

from checker.sentences import split_sentences
from checker.types import Claim

_NUMBER_WORDS = (
    r"hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|twice|double|triple|"
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety"
)
_QUANTITY = re.compile(
    r"\d[\d,.]*\d{2}|\d+(?:\.\d+)?\s*(?:%|per ?cent|percent|k\b|m\b|bn\b)|[$€£]\s?\d|"
    r"\b\d+(?:\.\d+)?\s+(?:hundred|thousand|million|billion|trillion)\b|"
    r"\b(?:hundreds|thousands|millions|billions|tens of thousands)\b",
    re.I,
)
_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I)
_YEAR_OR_DAY = re.compile(r"\b(?:1[89]|20)\d\d\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|"
                          r"Dec)[a-z]*\.?\s+\d{1,2}\b")
_MONTH = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d|"
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_COMPARISON = re.compile(
    r"\b(?:more|less|fewer|greater|larger|smaller|higher|lower|most|least|largest|biggest|"
    r"highest|lowest|increase[sd]?|decrease[sd]?|rose|fell|doubled|tripled|compared|than|"
    r"record|first|last|only|every|all)\b",
    re.I,
)
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|tell|stated|claimed|claims|announced|confirmed|noted|warned|"
    r"reported|tweeted|wrote|acknowledged|admitted|conceded|denied|insisted|according to|"
    r"predicted|estimated|argued|accused)\b",
    re.I,
)
_THAT_CLAUSE = re.compile(r"\b(?:said|says|noted|confirmed|acknowledged|conceded|admitted|"
                          r"insisted|warned|claimed|denied|stated|argued|reported)\s+(?:that|no)\b",
                          re.I)
_NEGATED_OUTCOME = re.compile(
    r"\b(?:no|without(?: a| any)?|never|not)\s+(?:\w+\s+){0,2}?"
    r"(?:breakthrough|agreement|deal|progress|evidence|decision|plans?|intention|"
    r"invasion|incursions?|casualties|consensus|results?|change|sign)\b"
    r"|\b(?:was|were|has|had|have) not been\b|\bno \w+ (?:was|were|had been) \w+ed\b",
    re.I,
)
_HEDGE = re.compile(
    r"\b(?:may|might|could|would|possibly|perhaps|maybe|likely|unlikely|seems?|appears?|"
    r"suggests?|if|whether|hope|hopes|hoped|believe|believes|think|thinks|feel|plan is)\b",
    re.I,
)
_OPINION = re.compile(r"\b(?:I|I'm|I've|we|we're|we've|our|us|you|your)\b|\bmy\b", re.I)
_BOILERPLATE = re.compile(r"©|\ball rights reserved\b|\bcopyright\b|\bsubscribe\b|\bclick here\b",
                          re.I)
_PASTTENSE = re.compile(r"\b\w{3,}ed\b")
_WORD = re.compile(r"[^\W_]+(?:[’'.-][^\W_]+)*\.?", re.U)
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,}$|^[A-Z]{2,6}$")


def _named_things(sentence: str) -> int:
    """Count capitalised words that are not sentence-initial: a proxy for named entities."""
    words = _WORD.findall(sentence)
    count = 0
    for i, w in enumerate(words):
        core = w.rstrip(".")
        if (i == 0 and not _ACRONYM.match(w)) or core in {"I", "The", "A", "An"}:
            continue
        if _ACRONYM.match(w) or (core[:1].isupper() and core[1:2].islower()):
            count += 1
    return count


def score_sentence(sentence: str) -> tuple[float, tuple[str, ...]]:
    """Check-worthiness of one sentence in [0, 1], with the features that decided it."""
    text = sentence.strip()
    words = _WORD.findall(text)
    if not words:
        return 0.0, ("no words",)
    total = -1.6
    reasons: list[str] = []

    def add(weight: float, reason: str) -> None:
        nonlocal total
        total += weight
        reasons.append(reason)

    undated = _YEAR_OR_DAY.sub(" ", text)
    if _QUANTITY.search(undated):
        add(2.0, "quantity")
    elif _NUMBER.search(undated):
        add(0.6, "number")
    if _MONTH.search(text):
        add(0.3, "date")
    names = _named_things(text)
    if names:
        add(min(names, 4) * 0.3, f"{names} named thing(s)")
    if _COMPARISON.search(text):
        add(0.4, "comparison")
    if _THAT_CLAUSE.search(text):
        add(1.0, "reported statement")
    elif _ATTRIBUTION.search(text):
        add(0.6, "attributed")
    if _NEGATED_OUTCOME.search(text):
        add(1.0, "negated outcome")
    if _PASTTENSE.search(text):
        add(0.3, "past event")
    hedges = len(_HEDGE.findall(text))
    if hedges:
        add(-0.45 * min(hedges, 3), "hedged")
    if _OPINION.search(text):
        add(-0.5, "first or second person")
    if text.endswith("?"):
        add(-1.5, "question")
    if len(words) < 7:
        add(-1.5, "fragment")
    elif len(words) > 60:
        add(-0.5, "very long")
    if not re.search(r"[.!?\"'”’)]$", text):
        add(-0.8, "no closing punctuation (headline?)")
    if _BOILERPLATE.search(text):
        add(-4.0, "boilerplate")
    return 1.0 / (1.0 + math.exp(-total)), tuple(reasons)


def extract_claims(text: str, *, threshold: float = 0.0, max_claims: int | None = None) -> list[Claim]:
    """Every sentence scoring at least `threshold`, most check-worthy first.

    Ties keep article order, so the result is deterministic.
    """
    claims: list[Claim] = []
    for s in split_sentences(text):
        score, reasons = score_sentence(s.text)
        if score >= threshold:
            claims.append(Claim(text=s.text, start=s.start, end=s.end, score=score, reasons=reasons))
    claims.sort(key=lambda c: (-c.score, c.start))
    return claims[:max_claims] if max_claims is not None else claims
