"""Synthetic stance pairs from corpus sentences, by controlled edits (after FactCC).

Each pair is (claim, evidence, label). A sentence `s` of a document is the seed; the evidence
is `s` with one neighbouring sentence of the same document (a passage, not a copy of the
claim). The claim is `s` after one edit:

SUPPORTS (the evidence states the claim)
- `keep`: the sentence as it is;
- `paraphrase`: light rewording that keeps the meaning: a leading connective ("However,",
  "In addition,") or a parenthetical dropped, word pairs from a small synonym table swapped
  ("increased" -> "raised", "showed" -> "demonstrated"), "%" written as "percent".

REFUTES (the evidence contradicts the claim)
- `number`: one figure changed (digits scaled by 2-10x up or down, or a number word replaced:
  "two" -> "five", "half" -> "a quarter");
- `date`: a year moved by 1-12 years, or a month or weekday name replaced by another;
- `name`: a capitalised name (not the first word) replaced by a name from another document;
- `polarity`: an antonym swapped ("increased" <-> "decreased", "higher" <-> "lower", "more"
  <-> "less") or a negation added or removed ("is" <-> "is not", "can" <-> "cannot").

NOT_ENOUGH_INFO
- `same-doc`: the (kept or edited) claim against another passage of the same document, which is
  on topic but does not contain the sentence: on-topic-but-insufficient evidence;
- `other-doc`: the claim against a passage of an unrelated document.

The generator is deterministic for a seed, and returns equal numbers of each label.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from checker.text.sentences import split_sentences

LABELS = ("SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO")

_ANTONYMS = [
    ("increased", "decreased"), ("increase", "decrease"), ("increases", "decreases"),
    ("higher", "lower"), ("more", "less"), ("rose", "fell"), ("rise", "fall"), ("rises", "falls"),
    ("positive", "negative"), ("improved", "worsened"), ("improves", "worsens"), ("larger", "smaller"),
    ("greater", "smaller"), ("reduced", "increased"), ("reduces", "increases"), ("gained", "lost"),
    ("won", "lost"), ("before", "after"), ("above", "below"), ("up", "down"), ("enhanced", "suppressed"),
    ("promotes", "inhibits"), ("activates", "inhibits"), ("strong", "weak"), ("stronger", "weaker"),
    ("majority", "minority"), ("accepted", "rejected"), ("approved", "rejected"), ("agreed", "refused"),
    ("allowed", "banned"), ("supported", "opposed"), ("early", "late"), ("earlier", "later"),
    ("all", "none of the"), ("always", "never"), ("many", "few"), ("most", "few"),
]
_NEGATE = [("is", "is not"), ("are", "are not"), ("was", "was not"), ("were", "were not"),
           ("can", "cannot"), ("has", "has not"), ("have", "have not"), ("did", "did not"),
           ("does", "does not"), ("will", "will not"), ("may", "may not")]
_SYNONYMS = [("increased", "raised"), ("showed", "demonstrated"), ("shows", "demonstrates"),
             ("reduced", "lowered"), ("patients", "subjects"), ("significantly", "markedly"),
             ("associated with", "linked to"), ("said", "stated"), ("about", "around"),
             ("approximately", "about"), ("large", "big"), ("found", "observed"), ("use", "usage"),
             ("help", "assist"), ("begin", "start"), ("began", "started"), ("people", "persons")]
_NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve",
                 "twenty", "hundred", "thousand", "million", "billion", "half", "a quarter", "a third",
                 "a dozen", "double"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_CONNECTIVES = re.compile(r"^(However|In addition|Moreover|Furthermore|Additionally|Thus|Therefore|"
                          r"In contrast|Overall|Finally|Importantly|Notably|Similarly|Indeed),\s+")
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NAME = re.compile(r"(?<=\s)([A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)")


@dataclass(frozen=True)
class Pair:
    claim: str
    evidence: str
    label: str
    edit: str
    group: str  # the seed document: pairs from one document stay on one side of a split


def _word_sub(text: str, pairs: Sequence[tuple[str, str]], rng: random.Random,
              *, both_ways: bool = True) -> str | None:
    """Swap one word (or phrase) of `text` through `pairs`; None when nothing matches."""
    options = []
    for a, b in pairs:
        options.append((a, b))
        if both_ways:
            options.append((b, a))
    rng.shuffle(options)
    for a, b in options:
        m = re.search(rf"\b{re.escape(a)}\b", text)
        if m:
            return text[: m.start()] + b + text[m.end():]
    return None


def _format_like(old: str, value: float) -> str:
    if "," in old:
        return f"{round(value):,}"
    if "." in old:
        decimals = len(old.split(".")[1])
        return f"{value:.{decimals}f}"
    return str(max(round(value), 0))


def edit_number(text: str, rng: random.Random) -> str | None:
    years = {m.span() for m in _YEAR.finditer(text)}
    found = [m for m in _NUMBER.finditer(text) if m.span() not in years]
    if found:
        m = rng.choice(found)
        old = m.group(1)
        value = float(old.replace(",", ""))
        factor = rng.choice([2, 3, 5, 10]) if rng.random() < 0.5 or value < 4 else 1 / rng.choice([2, 3, 5])
        new = _format_like(old, value * factor if value else rng.choice([3, 7, 12]))
        if new == old:
            new = _format_like(old, value + rng.choice([3, 7, 11]))
        return text[: m.start(1)] + new + text[m.end(1):]
    words = [w for w in _NUMBER_WORDS if re.search(rf"\b{re.escape(w)}\b", text)]
    if words:
        w = rng.choice(words)
        other = rng.choice([x for x in _NUMBER_WORDS if x != w])
        return re.sub(rf"\b{re.escape(w)}\b", other, text, count=1)
    return None


def edit_date(text: str, rng: random.Random) -> str | None:
    m = _YEAR.search(text)
    if m:
        return text[: m.start()] + str(int(m.group(1)) + rng.choice([-12, -5, -3, -2, -1, 1, 2, 3, 6])) + text[m.end():]
    for names in (_MONTHS, _DAYS):
        present = [n for n in names if re.search(rf"\b{n}\b", text)]
        if present:
            n = rng.choice(present)
            return re.sub(rf"\b{n}\b", rng.choice([x for x in names if x != n]), text, count=1)
    return None


def edit_name(text: str, rng: random.Random, names: Sequence[str]) -> str | None:
    found = [m for m in _NAME.finditer(text) if m.group(1) not in _MONTHS + _DAYS]
    if not found or not names:
        return None
    m = rng.choice(found)
    other = rng.choice(names)
    if other == m.group(1):
        return None
    return text[: m.start(1)] + other + text[m.end(1):]


def edit_polarity(text: str, rng: random.Random) -> str | None:
    removed = re.sub(r"\b(is|are|was|were|has|have|did|does|will|may) not\b", r"\1", text, count=1)
    if removed != text:
        return removed
    if re.search(r"\bcannot\b", text):
        return re.sub(r"\bcannot\b", "can", text, count=1)
    if rng.random() < 0.5:
        swapped = _word_sub(text, _ANTONYMS, rng)
        if swapped:
            return swapped
    return _word_sub(text, _NEGATE, rng, both_ways=False) or _word_sub(text, _ANTONYMS, rng)


def paraphrase(text: str, rng: random.Random) -> str:
    out = _CONNECTIVES.sub("", text)
    out = out[0].upper() + out[1:] if out else out
    out = re.sub(r"\s*\([^()]{1,60}\)", "", out)
    for _ in range(2):
        swapped = _word_sub(out, _SYNONYMS, rng, both_ways=False)
        out = swapped or out
    return re.sub(r"(\d)\s*%", r"\1 percent", out)


def _passage(sentences: Sequence[str], i: int, rng: random.Random) -> str:
    """Sentence `i` with one neighbour, in document order."""
    if len(sentences) == 1:
        return sentences[0]
    j = i + 1 if i == 0 or (i + 1 < len(sentences) and rng.random() < 0.5) else i - 1
    a, b = sorted((i, j))
    return f"{sentences[a]} {sentences[b]}"


def synthetic_pairs(documents: Sequence[tuple[str, str]], *, per_label: int, seed: int = 0) -> list[Pair]:
    """`per_label` pairs of each label from (document id, text) pairs, deterministic for `seed`."""
    rng = random.Random(seed)
    docs = []
    for doc_id, text in documents:
        sents = [s.text for s in split_sentences(text) if 6 <= len(s.text.split()) <= 45]
        if len(sents) >= 3:
            docs.append((doc_id, sents))
    if len(docs) < 3:
        return []
    names = sorted({m.group(1) for _, sents in docs[:2000] for s in sents for m in _NAME.finditer(s)})
    edits = {"number": edit_number, "date": edit_date, "polarity": edit_polarity,
             "name": lambda t, r: edit_name(t, r, names)}
    out: dict[str, list[Pair]] = {label: [] for label in LABELS}
    attempts = 0
    while min(len(v) for v in out.values()) < per_label and attempts < per_label * 60:
        attempts += 1
        d = rng.randrange(len(docs))
        doc_id, sents = docs[d]
        i = rng.randrange(len(sents))
        s = sents[i]
        want = rng.choice([lab for lab in LABELS if len(out[lab]) < per_label])
        if want == "SUPPORTS":
            kind = rng.choice(["keep", "paraphrase"])
            claim = s if kind == "keep" else paraphrase(s, rng)
            out[want].append(Pair(claim, _passage(sents, i, rng), want, kind, doc_id))
        elif want == "REFUTES":
            kind = rng.choice(list(edits))
            edited = edits[kind](s, rng)
            if edited and edited != s:
                out[want].append(Pair(edited, _passage(sents, i, rng), want, kind, doc_id))
        else:
            claim = s if rng.random() < 0.5 else paraphrase(s, rng)
            if rng.random() < 0.5:
                far = [k for k in range(len(sents)) if abs(k - i) >= 2]
                if not far:
                    continue
                k = rng.choice(far)
                out[want].append(Pair(claim, _passage(sents, k, rng).replace(s, "").strip(), want, "same-doc",
                                      doc_id))
            else:
                e = rng.randrange(len(docs))
                if e == d:
                    continue
                other = docs[e][1]
                out[want].append(Pair(claim, _passage(other, rng.randrange(len(other)), rng), want, "other-doc",
                                      doc_id))
    return [p for label in LABELS for p in out[label][:per_label]]
