"""The negation check: the claim and the evidence take opposite sides on the same word ("no
breakthrough" / "produced a breakthrough", "denies" / "confirmed", "rose" / "fell"). Negation
cues and their scope, a small polarity lexicon, and the hedges, quotes and negated verbs whose
objects are neither asserted nor denied."""

from __future__ import annotations

from dataclasses import dataclass

from checker.compare.checks import Check
from checker.compare.text import SMALL, STOP, Text, canon, content_stem, is_content, per_text, stem_of

SHORT_SENTENCE = 12  # words: a sentence this short is about its one subject


_DET_NEGATORS = frozenset({"no", "without", "neither", "nor", "none", "nobody", "nothing", "lack", "lacks",
                           "lacked", "lacking", "absence"})
_VERB_NEGATORS = frozenset({"not", "never", "cannot"})
_SCOPE_OPENERS = frozenset({"deny", "denied", "denies", "denying", "fail", "failed", "fails", "failing",
                            "refuse", "refused", "refuses", "refusing"})
_SCOPE_SKIP = frozenset({"a", "an", "the", "any", "be", "been", "being", "have", "has", "had", "to", "that",
                         "it", "its", "their", "his", "her", "ever", "yet", "even", "so", "as", "out", "not",
                         "clear", "known", "significant", "significantly", "really", "necessarily", "always",
                         "real", "actual", "genuine",
                         "\"", "“", "”", "'", "‘", "’"})
_NOUN_STARTERS = frozenset({"a", "an", "the", "its", "their", "his", "her", "this", "that", "these", "those",
                            "our", "your", "my", "any", "all", "each", "every", "some", "both"})
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


@per_text
def _negation(t: Text) -> tuple[dict[int, int], frozenset[int]]:
    """Token index -> index of the negation cue governing it, and the words in a negated phrase
    that the cue does not govern.

    A cue governs one word: the first content word after it, past determiners, infinitive
    "to" and degree words ("no breakthrough", "without a deal", "denied planning an attack",
    "did not attend the meeting", "failed to reach a deal"); a determiner cue before a copula
    governs the predicate too ("no breakthrough was achieved"). The rest of the governed
    word's phrase, up to a preposition or the clause's end, is neither asserted nor negated:
    the head of a modified noun ("no small grief", "no positive response": there may be grief,
    or a response, of another kind), the object of a negated verb ("did not anticipate a
    breakthrough" does not say there was one). A preposition ends the phrase, so its object is
    left alone: "refuse membership to Ukraine" negates membership, not Ukraine.
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
        _, clause_end = t.clause(i)
        governed = _governed(t, i, clause_end)
        if governed is None:
            continue
        scope[governed] = i
        j = governed + 1
        if low in ("no", "neither", "nor", "none") and t.low(j) in _AUXILIARIES:
            k = j + 1  # "no breakthrough was achieved"
            while k < clause_end and lows[k] in ("been", "being", "be"):
                k += 1
            if k < clause_end and lows[k][0].isalpha():
                scope[k] = i
        while j < clause_end and len(shadow) < 1000:
            u = lows[j]
            if (u in _SCOPE_STOP and u not in _SCOPE_SKIP) or not (u[0].isalnum() or u in _QUOTE_MARKS):
                break
            if u == "to" and not _infinitive(t, j):
                break  # "membership to Ukraine", "a response to its demands"
            shadow.add(j)
            j += 1
    return scope, frozenset(shadow - scope.keys())


def _infinitive(t: Text, j: int) -> bool:
    """Is the "to" at token j an infinitive marker ("failed to reach", "do not seem to increase")
    rather than a preposition ("membership to Ukraine", "a response to its demands")? A
    preposition is followed by a determiner, a number or a name."""
    nxt = t.tok(j + 1)
    return bool(nxt) and nxt[0].isalpha() and nxt[0].islower() and nxt not in _NOUN_STARTERS


def _governed(t: Text, i: int, clause_end: int) -> int | None:
    """The word the negation cue at token i governs: the first content word after it, past
    determiners, quantifiers, numerals, auxiliaries, infinitive "to", degree words and quotation
    marks; a preposition before any such word is passed over ("lack of evidence", "none of the
    troops")."""
    lows = t.lows
    j = i + 1
    while j < clause_end:
        u = lows[j]
        if u == "to" and not _infinitive(t, j):
            return None  # "no to the plan": a preposition, nothing governed
        if u in _SCOPE_SKIP or u in STOP or u in SMALL:
            j += 1  # "not the other two layers": determiners, quantifiers and numerals
            continue
        if not u[0].isalpha():
            return None
        if u in _SCOPE_STOP:
            j += 1
            continue
        return j
    return None


def _object_of(t: Text, j: int, end: int) -> list[int]:
    """The few content words after a word, up to a preposition or the end of its clause."""
    out: list[int] = []
    while j < end and len(out) < 3:
        low = t.lows[j]
        if low in _SCOPE_STOP or not (low[0].isalnum() or low in _QUOTE_MARKS):
            break
        if is_content(low):
            out.append(j)
        j += 1
    return out


_QUOTE_MARKS = frozenset("\"'“”‘’")


def _polar_at(t: Text, i: int, key: str, sign: int, negated: bool, end: int | None = None) -> _Polar:
    scope, shadow = _negation(t)
    a, b = t.clause(i)
    hedged = any(a <= h < i for h in _hedges(t))
    asserted = not hedged and i not in shadow and not (t.quotes and t.quoted(i))
    start = t.starts[scope[i]] if negated and i in scope else t.starts[i]
    s = t.sent(i)
    own = canon(t.toks[i])
    follows = frozenset(canon(t.toks[k]) for k in _object_of(t, i + 1, b))
    return _Polar(key, sign, start, end if end is not None else t.end(i), t.toks[i], i, negated, asserted,
                  t.sentence_words(s) - {own}, t.clause_words(a, b) - {own}, t.sentence_size(s) <= SHORT_SENTENCE,
                  follows)


def _lexical_keys(t: Text, i: int) -> list[tuple[str, int, bool]]:
    """The polarity-lexicon readings of token i (confirm/deny, up/down, change/no change):
    (key, sign, negated)."""
    low = t.lows[i]
    lexical = _PHRASAL.get((low, t.low(i + 1))) or _POLAR_LEXICON.get(low)
    negated = i in _negation(t)[0]
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


def _lexical_items(t: Text, key: str | None = None) -> list[_Polar]:
    """The lexicon items of the text (only those with `key`, if given)."""
    return [_polar_at(t, i, k, sign, negated) for i in _lexical_tokens(t)
            for k, sign, negated in _lexical_keys(t, i) if key is None or k == key]


@per_text
def _claim_items(t: Text) -> tuple[list[_Polar], list[_Polar], dict[str, list[_Polar]]]:
    """The claim's lexicon items, its negated words, and its asserted words by stem."""
    scope, _ = _negation(t)
    negated: list[_Polar] = []
    asserted: dict[str, list[_Polar]] = {}
    for i, low in enumerate(t.lows):
        stem = content_stem(low)
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


def _word_check(c: Text, e: Text, p: _Polar) -> tuple[int, Check] | None:
    """A plain word: negated on one side, asserted on the other?"""
    stem = p.key[2:]
    if not p.negated and stem not in _negated_stems(e):
        return None
    scope = _negation(e)[0]
    others = [_polar_at(e, k, p.key, -1 if k in scope else 1, k in scope) for k in _stem_index(e).get(stem, ())]
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


def _lexical_check(c: Text, e: Text, p: _Polar) -> tuple[int, Check] | None:
    """A lexicon word: "denies" against "confirmed", "rose" against "fell" or "did not change"."""
    if not p.asserted and not p.negated:
        return None
    keys = (p.key, "chg") if p.key == "c:up" else (p.key, "c:up") if p.key == "chg" else (p.key,)
    cands = [(o, _effective_sign(p, o)) for key in keys for o in _lexical(e, key)]
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


def negation_checks(c: Text, e: Text) -> list[Check]:
    per_clause: dict[tuple[int, int], list[tuple[int, Check]]] = {}
    lexical, negated, asserted = _claim_items(c)
    # only words negated in the claim, or asserted in the claim and negated in the evidence
    shared = asserted.keys() & _negated_stems(e)
    items = [*negated, *(p for stem in shared for p in asserted[stem])]
    if lexical and _lexical_tokens(e):
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


@per_text
def _stem_index(t: Text) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, stem in enumerate(map(content_stem, t.lows)):
        if stem:
            out.setdefault(stem, []).append(i)
    return out


@per_text
def _negated_stems(t: Text) -> frozenset[str]:
    return frozenset(stem_of(t.lows[i]) for i in _negation(t)[0])


@per_text
def _hedges(t: Text) -> list[int]:
    return [i for i, low in enumerate(t.lows) if low in _HEDGES]


@per_text
def _lexical_tokens(t: Text) -> list[int]:
    return [i for i, low in enumerate(t.lows) if low in _LEXICAL_WORDS]


@per_text
def _lexical_by_key(t: Text) -> dict[str, list[_Polar]]:
    return {}


def _lexical(t: Text, key: str) -> list[_Polar]:
    """The lexicon items with this key ("c:confirm", "c:up", "chg", ...), built on first use."""
    by_key = _lexical_by_key(t)
    items = by_key.get(key)
    if items is None:
        items = by_key[key] = _lexical_items(t, key)
    return items
