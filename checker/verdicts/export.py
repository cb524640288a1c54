"""Verdicts out: CSV for spreadsheets and schema.org ClaimReview JSON-LD for publishing."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

from checker.errors import CheckerError
from checker.types import Label, Verdict
from checker.verdicts.store import VerdictRow

# ClaimReview ratings on a 1 (worst) to 5 (best) scale, as fact-checkers' "false ... true".
RATINGS = {
    Label.REFUTED: 1,
    Label.MISLEADING: 2,
    Label.NOT_ENOUGH_EVIDENCE: 3,
    Label.NOT_CHECK_WORTHY: 3,
    Label.SUPPORTED: 5,
}
CSV_COLUMNS = ["claim_id", "version", "label", "claim", "note", "reviewer", "saved_at",
               "article_id", "article_title", "article_url", "article_source", "article_date",
               "claim_start", "claim_end", "evidence_passages", "evidence_urls"]


def row_record(row: VerdictRow) -> dict[str, Any]:
    v = row.verdict
    return {
        "claim_id": v.claim_id,
        "version": v.version,
        "label": v.label.value,
        "claim": v.claim_text,
        "note": v.note,
        "reviewer": v.reviewer,
        "saved_at": v.created_at,
        "article_id": row.article_id,
        "article_title": row.article_title,
        "article_url": row.article_url or "",
        "article_source": row.article_source or "",
        "article_date": row.article_published or "",
        "claim_start": row.claim_start,
        "claim_end": row.claim_end,
        "evidence_passages": " ".join(e.passage_id for e in v.evidence),
        "evidence_urls": " ".join(e.url for e in v.evidence if e.url),
    }


# What a spreadsheet may read as the start of a formula: = + - @ (and their full-width forms,
# which some programs fold to ASCII), and the controls and line breaks it skips before one.
_FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\t\r\n\x0b\x0c\x00")


def _safe_cell(value: Any) -> Any:
    """Stop spreadsheet programs from running a cell as a formula."""
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


def to_csv(rows: Sequence[VerdictRow]) -> str:
    # RFC 4180 line ends: the writer then quotes every field that holds a CR or an LF, so a
    # spreadsheet never ends a row inside one (a lone CR unquoted would start a new row there).
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _safe_cell(v) for k, v in row_record(row).items()})
    return out.getvalue()


def _is_web_url(url: str) -> bool:
    """Only http(s) addresses go into JSON-LD: a `javascript:` URL there runs where it is shown."""
    return re.fullmatch(r"https?://[^\s<>\"\\]+", url.strip(), re.IGNORECASE) is not None


def _review_url(template: str, v: Verdict) -> str:
    try:
        url = template.format(claim_id=v.claim_id, version=v.version, verdict_id=v.verdict_id)
    except (KeyError, IndexError, ValueError) as exc:
        raise CheckerError(f"the review URL template {template!r} is not valid: it may use "
                          "{claim_id}, {version} and {verdict_id}") from exc
    if not _is_web_url(url):
        raise CheckerError(f"the review URL template {template!r} must give an http(s) address")
    return url


Scale = dict[Label, tuple[str, int]]


def rating_scale(text: str = "") -> Scale:
    """The ClaimReview rating of each label: its name and number. `text` (CHECKER_RATING_SCALE)
    overrides some or all of the default, as `Label=Name:number` pairs separated by commas, e.g.
    `Supported=True:5, Misleading=Half true:3, Refuted=False:1`; a label left out keeps its
    default (the label's own name, 1 to 5)."""
    scale: Scale = {label: (label.value, RATINGS[label]) for label in Label}
    by_name = {label.value.lower(): label for label in Label}
    for part in filter(None, (p.strip() for p in text.split(","))):
        label_text, sep, rest = part.partition("=")
        name, sep2, number = rest.rpartition(":")
        label = by_name.get(label_text.strip().lower())
        if not sep or not sep2 or label is None or not name.strip() or not number.strip().lstrip("-").isdigit():
            raise CheckerError(f"CHECKER_RATING_SCALE: {part!r} is not Label=Name:number with Label one of "
                               + ", ".join(x.value for x in Label))
        scale[label] = (name.strip(), int(number))
    return scale


# Hosts reserved for examples (RFC 2606, RFC 6761): a review URL there is the placeholder, not a page.
_PLACEHOLDER_HOST = re.compile(r"^https?://(?:[^/@]*@)?(?:[^/:]*\.)?(?:example(?:\.(?:com|net|org))?|test|invalid|"
                               r"localhost)(?::\d+)?(?:/|$)", re.IGNORECASE)


def is_placeholder_url(template: str) -> bool:
    """Whether the review URL template points at a reserved example host (the shipped default does)."""
    return _PLACEHOLDER_HOST.match(template.strip()) is not None


_BODIES = re.compile(r"\b(?:ministry|government|police|department|agency|press|news|pentagon|kremlin|white house|"
                     r"office|council|committee|army|military|officials|organi[sz]ation|company|party|embassy|"
                     r"commission|university|institute|association|authorities|court|reuters|times|post|group)\b", re.I)


def author_type(name: str) -> str:
    """schema.org's type for a claimant: an Organization for a body ('the Pentagon', 'police'), else a Person."""
    return "Organization" if _BODIES.search(name) else "Person"


def claim_review(row: VerdictRow, *, organisation: str, url_template: str,
                 scale: Scale | None = None) -> dict[str, Any]:
    """One schema.org ClaimReview object for the verdict in `row`: the organisation and the
    reviewer as authors, the note as `reviewBody`, the rating on `scale`."""
    v = row.verdict
    scale = scale or rating_scale()
    values = [n for _, n in scale.values()]
    name, number = scale[v.label]
    item: dict[str, Any] = {"@type": "Claim"}
    if row.claimant:  # the speaker the article quotes; else the article (its source) makes the claim
        item["author"] = {"@type": author_type(row.claimant), "name": row.claimant}
    elif row.article_source:
        item["author"] = {"@type": "Organization", "name": row.article_source}
    if row.article_published:
        item["datePublished"] = row.article_published
    if row.article_url and _is_web_url(row.article_url):
        item["appearance"] = {"@type": "CreativeWork", "url": row.article_url.strip()}
    authors: list[dict[str, str]] = [{"@type": "Organization", "name": organisation}]
    if v.reviewer.strip():
        authors.append({"@type": "Person", "name": v.reviewer.strip()})
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": v.claim_text,
        "reviewRating": {
            "@type": "Rating",
            "alternateName": name,
            "ratingValue": number,
            "bestRating": max(values),
            "worstRating": min(values),
        },
        "url": _review_url(url_template, v),
        "author": authors if len(authors) > 1 else authors[0],
        "datePublished": v.created_at[:10],
        "itemReviewed": item,
    }
    if v.note.strip():
        review["reviewBody"] = v.note.strip()
    return review


def to_claimreview(rows: Sequence[VerdictRow], *, organisation: str, url_template: str, scale: str = "",
                   publish: bool = False) -> str:
    """A JSON array of ClaimReview objects, one per verdict. `scale` is CHECKER_RATING_SCALE's text;
    `publish` refuses a review URL left at a placeholder host (the shipped default)."""
    if publish and is_placeholder_url(url_template):
        raise CheckerError(f"CHECKER_REVIEW_URL is still the placeholder {url_template!r}: set it to the address "
                           "where your reviews are published (it may use {claim_id}, {version} and {verdict_id}) "
                           "before a publishing export")
    ratings = rating_scale(scale)
    objects = [claim_review(r, organisation=organisation, url_template=url_template, scale=ratings) for r in rows]
    text = json.dumps(objects, ensure_ascii=False, indent=2)
    # Safe inside <script type="application/ld+json">: no "</script>" or "<!--" can end it early.
    return text.translate(_SCRIPT_SAFE)


_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                0x2028: "\\u2028", 0x2029: "\\u2029"}
