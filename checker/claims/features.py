"""Find the check-worthy sentences of an article.

`score_sentence` is the single place where check-worthiness is decided. This first scorer is
transparent: it adds up features that make a sentence checkable (numbers, named things,
comparisons, attributed statements, negated outcomes) and subtracts those that make it
uncheckable (questions, hedges, opinions, fragments), then squashes the sum into [0, 1].
"""

from __future__ import annotations

import math
import re

from checker.text.sentences import split_sentences
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


# Each feature: (name, weight in the transparent scorer, reason shown to the reviewer).
FEATURES: tuple[tuple[str, float, str], ...] = (
    ("quantity", 2.0, "quantity"),
    ("number", 0.6, "number"),
    ("date", 0.3, "date"),
    ("names", 0.3, "named things"),
    ("comparison", 0.4, "comparison"),
    ("reported", 1.0, "reported statement"),
    ("attributed", 0.6, "attributed"),
    ("negated_outcome", 1.0, "negated outcome"),
    ("past", 0.3, "past event"),
    ("hedges", -0.45, "hedged"),
    ("first_person", -0.5, "first or second person"),
    ("question", -1.5, "question"),
    ("fragment", -1.5, "fragment"),
    ("very_long", -0.5, "very long"),
    ("headline", -0.8, "no closing punctuation (headline?)"),
    ("boilerplate", -4.0, "boilerplate"),
)
FEATURE_NAMES = tuple(name for name, _, _ in FEATURES)
_BIAS = -1.6


def sentence_features(sentence: str) -> dict[str, float]:
    """The transparent signals of one sentence, as numbers (indicators or small counts)."""
    text = sentence.strip()
    words = _WORD.findall(text)
    undated = _YEAR_OR_DAY.sub(" ", text)
    quantity = bool(_QUANTITY.search(undated))
    reported = bool(_THAT_CLAUSE.search(text))
    return {
        "quantity": float(quantity),
        "number": float(not quantity and bool(_NUMBER.search(undated))),
        "date": float(bool(_MONTH.search(text))),
        "names": float(min(_named_things(text), 4)),
        "comparison": float(bool(_COMPARISON.search(text))),
        "reported": float(reported),
        "attributed": float(not reported and bool(_ATTRIBUTION.search(text))),
        "negated_outcome": float(bool(_NEGATED_OUTCOME.search(text))),
        "past": float(bool(_PASTTENSE.search(text))),
        "hedges": float(min(len(_HEDGE.findall(text)), 3)),
        "first_person": float(bool(_OPINION.search(text))),
        "question": float(text.endswith("?")),
        "fragment": float(len(words) < 7),
        "very_long": float(len(words) > 60),
        "headline": float(not re.search(r"[.!?\"'”’)]$", text)),
        "boilerplate": float(bool(_BOILERPLATE.search(text))),
    }


def feature_reasons(features: dict[str, float]) -> tuple[str, ...]:
    reasons = []
    for name, _, reason in FEATURES:
        value = features[name]
        if value:
            reasons.append(f"{int(value)} {reason}" if name == "names" else reason)
    return tuple(reasons)


def score_sentence(sentence: str) -> tuple[float, tuple[str, ...]]:
    """Transparent check-worthiness of one sentence in [0, 1], with the features that decided it.

    This is the scorer used when no trained model fits the embeddings at hand.
    """
    if not _WORD.search(sentence):
        return 0.0, ("no words",)
    features = sentence_features(sentence)
    total = _BIAS + sum(weight * features[name] for name, weight, _ in FEATURES)
    return 1.0 / (1.0 + math.exp(-total)), feature_reasons(features)


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
