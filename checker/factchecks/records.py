"""Reading fact-check records: schema.org ClaimReview JSON-LD, aggregator feeds, CSV and HTML pages.

Accepted, by content (not by file name alone):
- JSON: one ClaimReview object, a list of them, an `@graph`, or any nesting of those (a
  DataFeed's `dataFeedElement[].item[]`); an object counts when its `@type` is ClaimReview or
  it has a `claimReviewed`. Keys may carry a `schema:` prefix or the full schema.org address.
- JSON lines: one such JSON value a line.
- HTML: the ClaimReview objects inside every `<script type="application/ld+json">`.
- CSV: a header with the feed's keys as columns, nested ones dotted (`claimReviewed`,
  `reviewRating.alternateName`, `author`, `datePublished`, `url`, `itemReviewed.author`,
  `itemReviewed.datePublished`, and optionally `inLanguage`, `reviewRating.ratingValue`, ...).

A record needs a claim (`claimReviewed`) and an http(s) `url`; one without is a problem line, and
the others still load. Records are keyed by their URL: the last one of a URL wins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from checker.errors import InputError

VERDICTS = ("true", "mixed", "false", "other")
MAX_FILE_BYTES = 200_000_000
_PREFIX = re.compile(r"^(?:https?://schema\.org/|schema:)", re.I)
_WEB_URL = re.compile(r"https?://[^\s<>\"\\]+", re.I)

# Rating words, after lower-casing and dropping punctuation: the first rule that matches wins.
_RATING_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mixed", re.compile(r"\b(half|mixture|mixed|partly|partially|part|misleading|missing context|"
                         r"lacks context|needs context|out of context|exaggerat\w*|distort\w*|cherry|spin|"
                         r"somewhat|unsupported|mostly false|mostly true|two pinocchios|three pinocchios)\b")),
    ("false", re.compile(r"\b(false|fake|incorrect|wrong|untrue|not true|pants on fire|fabricated|hoax|"
                         r"refuted|baseless|bogus|debunked|inaccurate|four pinocchios|no evidence|scam|"
                         r"falso|faux|falsch)\b")),
    ("true", re.compile(r"\b(true|correct|accurate|supported|verified|confirmed|legit|verdadero|vrai)\b")),
)
_FEED_MIXED_AS = {"mostly false": "false", "mostly true": "true"}  # on the way to the nearer side


def normalise_rating(rating: str | None, value: float | None = None, best: float | None = None,
                     worst: float | None = None) -> str:
    """true, mixed, false or other, from the rating as written (or, without words, its position
    between worstRating and bestRating: the bottom quarter false, the top quarter true)."""
    words = re.sub(r"[^\w\s]", " ", (rating or "").lower())
    words = re.sub(r"\s+", " ", words).strip()
    if words:
        if words in _FEED_MIXED_AS:
            return _FEED_MIXED_AS[words]
        for verdict, rule in _RATING_RULES:
            if rule.search(words):
                return verdict
        return "other"
    if value is not None and best is not None and worst is not None and best != worst:
        share = (value - worst) / (best - worst)
        return "false" if share <= 0.25 else "true" if share >= 0.75 else "mixed"
    return "other"


@dataclass(frozen=True)
class FactCheck:
    """One published fact-check of one claim."""

    url: str  # the fact-check's own address: its key
    claim: str
    rating: str = ""  # as the publisher wrote it (reviewRating.alternateName)
    verdict: str = "other"  # the rating normalised: true, mixed, false or other
    claimant: str | None = None  # who made the claim (itemReviewed.author)
    publisher: str | None = None  # who checked it (author)
    date: str | None = None  # when the fact-check was published (datePublished)
    claim_date: str | None = None  # when the claim was made (itemReviewed.datePublished)
    language: str | None = None
    headline: str | None = None  # the fact-check's title (name or headline)
    appearance: str | None = None  # where the claim appeared (itemReviewed.appearance.url)
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    claimant_type: str | None = None  # Person or Organization, as written
    publisher_type: str | None = None
    source: str | None = None  # the file or feed it was imported from
    reviewer: str | None = None  # the person who checked it (a second author, after the publisher)
    review_body: str | None = None  # the fact-check's own words on the claim (reviewBody)
    fc_id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.fc_id:
            object.__setattr__(self, "fc_id", fact_check_id(self.url))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FactCheck:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def summary(self) -> dict[str, Any]:
        """The keys a check's `fact_checks` list gives for a match (its score is added there)."""
        return {"claim": self.claim, "claimant": self.claimant, "rating": self.rating, "verdict": self.verdict,
                "publisher": self.publisher, "date": self.date, "url": self.url}


def fact_check_id(url: str) -> str:
    return "fc-" + hashlib.sha256(url.strip().encode("utf-8", "surrogatepass")).hexdigest()[:20]


@dataclass
class Loaded:
    """Records read from one or more files, and one line per problem."""

    records: list[FactCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    duplicates: int = 0  # records whose URL came again later in the same import (the later one kept)

    def add(self, other: Loaded) -> None:
        self.records += other.records
        self.problems += other.problems
        self.duplicates += other.duplicates

    def deduplicated(self) -> Loaded:
        by_url: dict[str, FactCheck] = {}
        for r in self.records:
            by_url.pop(r.url, None)
            by_url[r.url] = r
        dropped = len(self.records) - len(by_url)
        return Loaded(list(by_url.values()), self.problems, self.duplicates + dropped)


# -- from JSON values -----------------------------------------------------------------------------

def _key(name: str) -> str:
    return _PREFIX.sub("", name)


def _plain(value: Any) -> Any:
    """The value with every key's schema.org prefix dropped, so `schema:url` reads as `url`."""
    if isinstance(value, dict):
        return {_key(str(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _types(obj: dict[str, Any]) -> list[str]:
    t = obj.get("@type", [])
    return [_key(str(x)) for x in (t if isinstance(t, list) else [t]) if x is not None]


def claim_reviews(value: Any) -> Iterator[dict[str, Any]]:
    """Every ClaimReview-like object in a JSON value, depth first, in document order."""
    stack = [_plain(value)]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "ClaimReview" in _types(item) or "claimReviewed" in item:
                yield item
                continue
            stack.extend(reversed([v for v in item.values() if isinstance(v, (dict, list))]))


def _text(value: Any) -> str | None:
    """A name or string: `"x"`, `{"name": "x"}`, `{"@value": "x"}`, or the first of a list."""
    if isinstance(value, list):
        return next((t for t in map(_text, value) if t), None)
    if isinstance(value, dict):
        for key in ("name", "@value", "alternateName", "legalName", "url", "@id"):
            if (t := _text(value.get(key))) is not None:
                return t
        return None
    if value is None or isinstance(value, bool):
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def _type_of(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    kinds = _types(value) if isinstance(value, dict) else []
    return kinds[0] if kinds else None


def _number(value: Any) -> float | None:
    if isinstance(value, dict):
        value = value.get("@value")
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def normalise_date(value: Any) -> str | None:
    """YYYY-MM-DD for an ISO date or date-time, or a date in words ("22 October 2020"); else the
    text as written."""
    text = _text(value)
    if not text:
        return None
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return text
    from dateparser import parse

    got = parse(text, languages=["en"], settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]})
    return got.date().isoformat() if got else text


def record_from(obj: dict[str, Any], *, source: str | None = None, language: str | None = None) -> FactCheck:
    """One FactCheck from a ClaimReview-like object; InputError saying what it lacks."""
    claim = _text(obj.get("claimReviewed"))
    item = obj.get("itemReviewed")
    item = item[0] if isinstance(item, list) and item else item
    item = item if isinstance(item, dict) else {}
    if not claim:
        claim = _text(item.get("text")) or _text(item.get("name"))
    if not claim:
        raise InputError("no claimReviewed (the claim's text)")
    url = _text(obj.get("url")) or (_text(obj.get("@id")) if isinstance(obj.get("@id"), str) else None)
    if not url or not _WEB_URL.fullmatch(url):
        raise InputError(f"no http(s) url (got {url!r})" if url else "no url")
    rating_obj = obj.get("reviewRating")
    rating_obj = rating_obj[0] if isinstance(rating_obj, list) and rating_obj else rating_obj
    rating_obj = rating_obj if isinstance(rating_obj, dict) else {"alternateName": rating_obj}
    rating = _text(rating_obj.get("alternateName")) or _text(rating_obj.get("name")) or ""
    value, best, worst = (_number(rating_obj.get(k)) for k in ("ratingValue", "bestRating", "worstRating"))
    appearance = item.get("appearance") or item.get("firstAppearance")
    lang = _text(obj.get("inLanguage")) or _text(item.get("inLanguage")) or language
    return FactCheck(
        url=url, claim=claim[:5_000], rating=rating[:200], verdict=normalise_rating(rating, value, best, worst),
        claimant=_text(item.get("author")), publisher=_text(obj.get("author")) or _text(obj.get("publisher")),
        date=normalise_date(obj.get("datePublished")), claim_date=normalise_date(item.get("datePublished")),
        language=lang, headline=_text(obj.get("headline")) or _text(obj.get("name")),
        appearance=_text(appearance), rating_value=value, best_rating=best, worst_rating=worst,
        claimant_type=_type_of(item.get("author")), publisher_type=_type_of(obj.get("author")), source=source,
        reviewer=_reviewer(obj.get("author")), review_body=_body(obj.get("reviewBody")),
    )


def _reviewer(authors: Any) -> str | None:
    """The first Person among the authors after the first (the workbench writes [organisation, reviewer])."""
    if not isinstance(authors, list):
        return None
    return next((t for a in authors[1:] if _type_of(a) == "Person" and (t := _text(a))), None)


def _body(value: Any) -> str | None:
    text = value if isinstance(value, str) else _text(value)
    return text.strip()[:20_000] or None if text else None


def records_from_json(value: Any, *, where: str, source: str | None = None) -> Loaded:
    """The records in one JSON value; `where` names it in problem lines."""
    out = Loaded()
    found = 0
    for n, obj in enumerate(claim_reviews(value), start=1):
        found = n
        try:
            out.records.append(record_from(obj, source=source))
        except InputError as exc:
            out.problems.append(f"{where}: record {n}: {exc}")
    if not found:
        out.problems.append(f"{where}: no ClaimReview found")
    return out.deduplicated()
