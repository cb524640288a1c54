"""Who makes a claim: the speaker a sentence attributes its statement to, or nobody (the article).

Rules over the words, no model: a reporting verb ("said", "told", "tweeted", ...) with its
speaker before it ("Blinken said that ...", "..., the ministry said.") or after it ("..., said
Blinken."), "according to X", and a quotation with its speaker. A pronoun or a bare role ("he",
"the spokeswoman") is resolved to the person the article named before; a surname alone to the
full name used earlier. What comes back names the speaker as the article does, the kind of
attribution, and the span of the attributed statement within the sentence.

Measured on hand-labelled news sentences by `python bench/claimants.py` (tests/data/claimants.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERBS = ("said|says|say|told|tells|tweeted|tweets|wrote|writes|added|adds|noted|notes|announced|announces|"
          "claimed|claims|stated|states|insisted|insists|warned|warns|argued|argues|explained|explains|"
          "confirmed|confirms|denied|denies|alleged|alleges|declared|declares|asserted|asserts|maintained|"
          "acknowledged|acknowledges|admitted|admits|estimated|estimates|reported|reports|revealed|reveals|"
          "believes|believed|predicted|predicts|stressed|stresses|urged|urges|continued|concluded|posted|"
          "posts|announced|responded|replied|testified|conceded|concedes|contended|contends|observed|"
          "recalled|speculated|suggested|suggests|disclosed|indicated|indicates|answered|repeated|reiterated|"
          "vowed|pledged|promised|threatened|announced")
_VERB = re.compile(rf"\b(?:{_VERBS})\b")
_ACCORDING = re.compile(r"\baccording to\s+", re.I)
# Words between a speaker and its verb that belong to neither: "Blinken also said", "she later told".
_BETWEEN = {"also", "later", "previously", "earlier", "then", "has", "had", "have", "was", "were", "is",
            "once", "reportedly", "allegedly", "repeatedly", "recently", "separately", "further",
            "publicly", "privately", "again", "first", "would", "will", "could", "may", "might", "himself",
            "herself", "themselves", "itself"}
_PRONOUNS = {"he", "she", "they", "we", "i", "it"}
_ROLES = {"spokesman", "spokeswoman", "spokesperson", "official", "officials", "police", "authorities",
          "government", "ministry", "minister", "source", "sources", "statement", "report", "witnesses",
          "witness", "residents", "experts", "expert", "scientists", "researchers", "company", "agency", "group",
          "department", "office", "army", "military", "spokespeople", "representative", "lawyer", "attorney",
          "prosecutors", "investigators", "doctors", "analysts", "president", "chief", "director", "leader",
          "commander", "officer", "paper", "newspaper", "channel", "network", "site", "website", "outlet",
          "study", "survey", "family", "relatives", "organisers", "organizers", "mayor", "governor", "senator",
          "campaign", "embassy", "agencies", "media", "reports", "militants", "rebels", "activists"}
_DETERMINERS = {"the", "a", "an", "this", "that", "its", "his", "her", "their", "our", "one", "two", "some",
                "several", "many", "local", "senior", "top", "other", "another"}
_POSSESSIVES = {"his", "her", "their", "its", "our"}
_CAP = re.compile(r"^(?:[A-Z][\w’'.&-]*|[A-Z]\.(?:[A-Z]\.)+|\d+)$")
_LINKS = {"of", "de", "van", "von", "al", "bin", "la", "le", "du", "da", "for", "and", "&"}
_NOT_NAMES = {"The", "A", "An", "In", "On", "At", "He", "She", "It", "They", "We", "I", "But", "And", "If", "As",
              "After", "Before", "This", "That", "These", "Those", "There", "What", "When", "While", "Meanwhile",
              "However", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
              "January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December", "Mr", "Mrs", "Ms", "Dr", "Mr.", "Mrs.", "Ms.", "Dr.", "According",
              "Furthermore", "Moreover", "Also", "Still", "Yet", "Instead", "Separately", "Earlier", "Later", "Now",
              "Then", "Today", "Yesterday", "Speaking", "Asked", "Officials", "Police"}
_TITLES = {"minister", "inspector", "insp", "president", "secretary", "adm", "admiral", "rear", "general", "gen",
           "senator", "sen", "mayor", "chief", "director", "dr", "mr", "mrs", "ms", "prof", "professor", "rep",
           "representative", "gov", "governor", "officer", "spokesman", "spokeswoman", "spokesperson", "captain",
           "capt", "lt", "col", "sgt", "supt", "judge", "justice", "detective", "det", "constable", "superintendent",
           "commissioner", "chairman", "chairwoman", "ceo", "coach", "lord", "sir", "dame", "king", "queen",
           "prince", "princess", "pope", "bishop", "rev", "mp", "sheriff", "ambassador", "envoy", "premier",
           "treasurer", "member", "chair", "clerk", "councillor", "councilor", "councilman", "councilwoman"}
_DOCUMENTS = {"report", "reports", "statement", "study", "survey", "release", "article", "post", "story", "analysis",
              "poll", "data", "figures", "interview", "documents", "document"}
_BODY_WORDS = re.compile(r"\b(?:ministry|government|police|department|agency|press|news|pentagon|kremlin|house|"
                         r"office|council|committee|army|military|organi[sz]ation|company|party|embassy|media|online|"
                         r"commission|university|institute|association|authorities|court|reuters|times|post|group|"
                         r"radio|tv|daily|city|province|state|society|bank|club|network|channel|league|union|"
                         r"studies|centre|center|foundation|corporation|inc|ltd|magazine|newspaper)\b", re.I)
_WORD = re.compile(r"(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Jr|Det|Adm|Insp|Capt|Prof|Supt)\."
                   r"|[\w’'&-]+(?:\.\d+)*"
                   r"|[\"“”«»]|[,;:()]|\S")
# "Jiang Li Lung, who worked at KFC, said ..." / "Oliver Ilic, 22, said ..." (a name, an aside, its verb)
_APPOSITION = re.compile(r"^(?P<name>(?:(?:Mr|Mrs|Ms|Dr)\.?\s)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3}),\s"
                         r"[^\"“”]{1,160}?,\s+(?:\w+ly\s+|also\s+)?(?P<verb>[a-z]+)\b")
_QUOTE = re.compile(r"[\"“]([^\"“”]{12,})[\"”]")


@dataclass(frozen=True)
class Claimant:
    name: str | None  # as the article names the speaker; None: the article's own statement
    kind: str  # "said", "according_to", "quote", "pronoun" (resolved from before) or "none"
    statement: tuple[int, int]  # the attributed statement's span in the sentence (the whole sentence for "none")

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "kind": self.kind, "statement": list(self.statement)}


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _is_cap(tok: _Tok) -> bool:
    return bool(_CAP.match(tok.text)) and tok.text not in _NOT_NAMES


def _speaker_before(toks: list[_Tok], verb: int) -> tuple[int, int] | None:
    """Token range [lo, hi) of the speaker ending just before the verb at `verb`, or None."""
    hi = verb
    if hi >= 3 and toks[hi - 1].text == ",":  # "John Kirby, the Pentagon press secretary, said"
        opening = next((k for k in range(hi - 2, max(0, hi - 10), -1) if toks[k].text == ","), None)
        if opening is not None and opening > 1 and toks[opening - 1].text == ")":  # "... Animals (SPCA), a charity,"
            paren = next((k for k in range(opening - 2, max(0, opening - 6), -1) if toks[k].text == "("), None)
            opening = paren if paren is not None else opening
        if opening is not None and opening > 0 and _is_cap(toks[opening - 1]):
            hi = opening
    while hi > 0 and toks[hi - 1].text.lower() in _BETWEEN:
        if toks[hi - 1].text.lower() in ("was", "were", "is", "been"):  # "it was reported": nobody speaks
            return None
        hi -= 1
    if hi == 0:
        return None
    last = toks[hi - 1]
    if last.text.lower() in _PRONOUNS:
        return hi - 1, hi
    if hi >= 2 and toks[hi - 2].text.lower() == "the" and last.text[:1].islower() and last.text.lower() not in _ROLES:
        return hi - 2, hi  # "the 41-year-old told", "the screenwriter has said": resolved to the last speaker
    if (hi >= 2 and last.text.isalpha() and last.text.islower() and last.text.lower() not in _ROLES
            and toks[hi - 2].text.lower() in _POSSESSIVES):
        return hi - 2, hi  # "His owners said": a speaker described, not named
    if (hi >= 3 and last.text.isalpha() and last.text.islower() and last.text.lower() not in _ROLES
            and toks[hi - 2].text.isalpha() and toks[hi - 2].text.islower()
            and toks[hi - 3].text.lower() in _POSSESSIVES):
        return hi - 3, hi  # "His previous owners said"
    lo = hi
    while lo > 0 and (_is_cap(toks[lo - 1]) or (toks[lo - 1].text.lower() in _LINKS and lo - 1 > 0
                                                  and _is_cap(toks[lo - 2]) and lo < hi)
                      or toks[lo - 1].text.lower() in _ROLES or toks[lo - 1].text.lower().endswith("’s")
                      or toks[lo - 1].text.lower().endswith("'s")):
        lo -= 1
    if lo == hi:
        return None
    if (lo >= 2 and toks[lo].text.lower() in _ROLES and toks[lo - 1].text.isalpha() and toks[lo - 1].text.islower()
            and toks[lo - 2].text.lower() in _DETERMINERS):
        lo -= 1  # "the finance ministry said"
    while lo > 0 and toks[lo - 1].text.lower() in _DETERMINERS:
        lo -= 1
    while lo < hi and toks[lo].text.lower() in _LINKS:
        lo += 1
    return (lo, hi) if lo < hi else None


def _speaker_after(toks: list[_Tok], start: int) -> tuple[int, int] | None:
    """Token range of the speaker starting at `start` ("said Blinken", "according to the ministry")."""
    lo = start
    while lo < len(toks) and toks[lo].text.lower() in _DETERMINERS:
        lo += 1
    hi = lo
    while hi < len(toks) and (_is_cap(toks[hi]) or toks[hi].text.lower() in _ROLES
                              or (toks[hi].text.lower() in _LINKS and hi + 1 < len(toks) and _is_cap(toks[hi + 1]))):
        hi += 1
    if hi == lo:
        if lo < len(toks) and toks[lo].text.lower() in _PRONOUNS:
            return lo, lo + 1
        return None
    return start, hi


def _name_of(toks: list[_Tok], span: tuple[int, int], sentence: str) -> str:
    """The speaker as named: a capitalised run inside the span ('spokeswoman Rosario Murillo' ->
    'Rosario Murillo'), else the span's words without a leading determiner."""
    lo, hi = span
    runs: list[tuple[int, int]] = []
    i = lo
    while i < hi:
        if _is_cap(toks[i]):
            j = i
            while j < hi and (_is_cap(toks[j]) or (toks[j].text.lower() in _LINKS and j + 1 < hi
                                                   and _is_cap(toks[j + 1]))):
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    while hi - 1 > lo and toks[hi - 1].text.lower() in _DOCUMENTS:  # "a CBS News report": CBS News speaks
        hi -= 1
    runs = [(a, min(b, hi)) for a, b in runs if a < hi]
    if runs and runs[-1][1] == hi:  # a name right before the verb: the speaker ("Pentagon spokesman John Kirby")
        a, b = runs[-1]
        titled = [k for k in range(a, b - 1) if toks[k].text.lower().rstrip(".") in _TITLES]
        if titled:  # "Israeli Defense Minister Moshe Ya'alon" -> "Moshe Ya'alon"
            a = titled[-1] + 1
            if b - a > 3 and toks[a].text.lower() in _LINKS:  # "Secretary of State Antony Blinken"
                a += 2
    else:
        a, b = lo, hi
        while a < b and toks[a].text.lower() in _DETERMINERS:
            a += 1
    return sentence[toks[a].start:toks[b - 1].end].rstrip(".,")


def _people(before: str) -> list[str]:
    """Names of two or more capitalised words in the text before, in order."""
    toks = _tokens(before)
    out, i = [], 0
    while i < len(toks):
        if _is_cap(toks[i]):
            j = i
            while j < len(toks) and (_is_cap(toks[j]) or (toks[j].text.lower() in _LINKS and j + 1 < len(toks)
                                                          and _is_cap(toks[j + 1]))):
                j += 1
            if j - i >= 2:
                out.append(before[toks[i].start:toks[j - 1].end].rstrip(".,"))
            i = j
        else:
            i += 1
    return out


_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[\"“A-Z])")


def _last_speakers(before: str, limit: int = 12) -> list[str]:
    """The named speakers of the sentences before, nearest first (their pronouns resolved too)."""
    parts = _SENTENCE_END.split(before[-3000:])
    out: list[str] = []
    for k in range(len(parts) - 1, max(-1, len(parts) - 1 - limit), -1):
        got = _find(parts[k], "")
        if got.name and got.name.lower() not in _PRONOUNS and got.name[:1].isupper():
            out.append(got.name)
    return out


def _resolve(name: str, before: str) -> tuple[str, bool]:
    """A pronoun, a bare role or a surname resolved against the text before: (name, resolved)."""
    low = name.lower()
    before = before[-3000:]  # the last few paragraphs name whoever a pronoun means
    if low in ("he", "she", "i") or (low.startswith("the ") and name.split()[-1][:1].islower()
                                     and low.split()[-1] not in _ROLES):
        people = _people(before)
        # a person: not a body, no digits, and a full name (a lone "Washington" is a place speaking for a body)
        speakers = [n for n in _last_speakers(before) if not _BODY_WORDS.search(n) and not re.search(r"\d", n)
                    and " " in _full(n, people)]
        persons = [n for n in people if not _BODY_WORDS.search(n) and not re.search(r"\d", n)]
        pick = speakers[0] if speakers else (persons[-1] if persons else None)
        if pick is None:
            return name, False
        return _untitled(_full(pick, people)), True
    if low in ("it", "they"):
        bodies = [n for n in _last_speakers(before) if _BODY_WORDS.search(n) or low == "they"]
        return (bodies[0], True) if bodies else (name, False)
    words = low.split()
    if words and words[-1] in _ROLES and name[:1].islower():  # "the spokeswoman": named earlier as "spokeswoman X"
        named = list(re.finditer(rf"\b(?i:{re.escape(words[-1])})\s+((?:[A-Z][\w’'.-]*\s?){{2,4}})", before))
        if named:  # of two presidents named before, the one the article mentions most (then the later)
            names = [m.group(1).strip().rstrip(".,") for m in named]
            return max(reversed(names), key=lambda n: before.count(n.split()[-1])), True
        return name, False
    needs = " " not in name or name.split()[0].lower().rstrip(".") in _TITLES
    return (_full(name, _people(before)) if needs else name), False


def _untitled(name: str) -> str:
    """'Mayor Ellen Park' -> 'Ellen Park' (a title before a name of two words or more)."""
    words = name.split()
    titled = [k for k, w in enumerate(words[:-1]) if w.lower().rstrip(".") in _TITLES]
    if not titled or len(words) - titled[-1] - 1 < 2:
        return name
    rest = words[titled[-1] + 1:]
    return " ".join(rest[2:] if len(rest) > 3 and rest[0].lower() in _LINKS else rest)


def _full(name: str, people: list[str]) -> str:
    """A surname (or 'Insp Taylor') as the full name used earlier ('Stewart Taylor')."""
    if not name.split():
        return name
    last = name.split()[-1]
    if name[:1].isupper() and (" " not in name or name.split()[0].lower().rstrip(".") in _TITLES):
        for full in reversed(people):
            words = full.split()
            if words[-1] == last and full != name:
                plain = _untitled(full)
                if " " in plain and plain.split()[0].lower().rstrip(".") not in _TITLES:  # not "Insp Taylor"
                    return plain
    return name


def _statement_after(toks: list[_Tok], i: int, sentence: str, told: bool) -> tuple[int, int]:
    """The span after a reporting verb: skip "that", a "told reporters" object, a colon or a quotation mark."""
    if told:
        j = i
        while j < len(toks) and j - i < 4 and toks[j].text.lower() != "that" and toks[j].text not in (",", ":"):
            j += 1
        i = j if j < len(toks) and (toks[j].text.lower() == "that" or toks[j].text in (",", ":")) else i + 1
    while i < len(toks) and (toks[i].text.lower() in ("that", ",", ":", "\"", "“", "on")
                             or toks[i].text.lower() in ("monday", "tuesday", "wednesday", "thursday", "friday",
                                                          "saturday", "sunday")):
        i += 1
    start = toks[i].start if i < len(toks) else len(sentence)
    return start, len(sentence.rstrip())


def find_claimant(sentence: str, *, before: str = "", offset: int = 0) -> Claimant:
    """Who the sentence attributes its statement to, with `before` (the article before it) for
    pronouns; the statement's span is shifted by `offset` (the sentence's start in the article)."""
    found = _find(sentence, before)
    a, b = found.statement
    while b > a and sentence[b - 1] in " ,;:\"”’'":  # '"The drumbeat is loud,"' -> 'The drumbeat is loud'
        b -= 1
    return Claimant(found.name, found.kind, (a + offset, b + offset))


def _find(sentence: str, before: str) -> Claimant:
    toks = _tokens(sentence)
    whole = (0, len(sentence.rstrip()))
    found: list[tuple[int, Claimant]] = []  # (preference, claimant): lower wins
    for m in _ACCORDING.finditer(sentence):
        k = next((t for t, tok in enumerate(toks) if tok.start >= m.end()), len(toks))
        span = _speaker_after(toks, k)
        if span:
            name = _name_of(toks, span, sentence)
            end = toks[span[1] - 1].end
            if m.start() < 3:  # "According to X, Y."
                rest = sentence[end:].lstrip(" ,")
                statement = (len(sentence) - len(rest), whole[1])
            else:
                statement = (0, sentence.rfind(",", 0, m.start()) if "," in sentence[: m.start()] else m.start())
            found.append((1, Claimant(name, "according_to", (statement[0], max(statement[0], statement[1])))))
    for t, tok in enumerate(toks):
        if not _VERB.fullmatch(tok.text):
            continue
        told = tok.text in ("told", "tells")
        before_span = _speaker_before(toks, t)
        prior = sentence[: toks[before_span[0]].start if before_span else tok.start].rstrip()
        trailing = prior.endswith((",", "\"", "”", "’", "'")) and len(prior) > 15
        kind = "quote" if prior.endswith(("\"", "”")) or prior.endswith((",\"", ",”")) else "said"
        if before_span:
            name = _name_of(toks, before_span, sentence)
            if trailing:  # "Y, X said." / "'Y,' X said."
                statement = (0, len(prior.rstrip(",\"”’' ")))
                if kind == "quote":
                    q = _QUOTE.search(sentence[: len(prior)])
                    statement = (q.start(1), q.end(1)) if q else statement
                found.append((0, Claimant(name, kind, statement)))
            elif toks[before_span[0]].start < 40 or before_span[0] == 0:  # "X said (that) Y"
                found.append((2, Claimant(name, "said", _statement_after(toks, t + 1, sentence, told))))
            continue
        after = _speaker_after(toks, t + 1)
        if after and (prior.endswith((",", "\"", "”")) or t == 0):  # "Y, said X." / "'Y,' said X"
            name = _name_of(toks, after, sentence)
            statement = (0, len(prior.rstrip(",\"”’' ")))
            q = _QUOTE.search(sentence[: len(prior)])
            found.append((0, Claimant(name, "quote" if q else "said", (q.start(1), q.end(1)) if q else statement)))
    appos = _APPOSITION.match(sentence)
    first = appos.group("name").split()[0].rstrip(".") if appos else ""
    if appos and _VERB.fullmatch(appos.group("verb")) and (first in ("Mr", "Mrs", "Ms", "Dr")
                                                          or first not in _NOT_NAMES):
        span = (0, next(k for k, tok in enumerate(toks) if tok.end >= appos.end("name")) + 1)
        after_verb = next((k for k, tok in enumerate(toks) if tok.start >= appos.end("verb")), len(toks))
        told = appos.group("verb") in ("told", "tells")
        found.append((-1, Claimant(_name_of(toks, span, sentence), "said",
                                   _statement_after(toks, after_verb, sentence, told))))
    found = [f for f in found if f[1].name]
    if not found:
        return Claimant(None, "none", whole)
    _, best = min(found, key=lambda f: (f[0], f[1].statement[0]))
    assert best.name is not None
    name, resolved = _resolve(best.name, before)
    return Claimant(name, "pronoun" if resolved else best.kind, best.statement)
