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


def claim_review(row: VerdictRow, *, organisation: str, url_template: str) -> dict[str, Any]:
    """One schema.org ClaimReview object for the verdict in `row`."""
    v = row.verdict
    item: dict[str, Any] = {"@type": "Claim"}
    if row.article_source:
        item["author"] = {"@type": "Organization", "name": row.article_source}
    if row.article_published:
        item["datePublished"] = row.article_published
    if row.article_url and _is_web_url(row.article_url):
        item["appearance"] = {"@type": "CreativeWork", "url": row.article_url.strip()}
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": v.claim_text,
        "reviewRating": {
            "@type": "Rating",
            "alternateName": v.label.value,
            "ratingValue": RATINGS[v.label],
            "bestRating": 5,
            "worstRating": 1,
        },
        "url": _review_url(url_template, v),
        "author": {"@type": "Organization", "name": organisation},
        "datePublished": v.created_at[:10],
        "itemReviewed": item,
    }


def to_claimreview(rows: Sequence[VerdictRow], *, organisation: str, url_template: str) -> str:
    """A JSON array of ClaimReview objects, one per verdict."""
    objects = [claim_review(r, organisation=organisation, url_template=url_template) for r in rows]
    text = json.dumps(objects, ensure_ascii=False, indent=2)
    # Safe inside <script type="application/ld+json">: no "</script>" or "<!--" can end it early.
    return text.translate(_SCRIPT_SAFE)


_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                0x2028: "\\u2028", 0x2029: "\\u2029"}
