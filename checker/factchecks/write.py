"""Fact-check records back out as schema.org ClaimReview: what was imported exports the same."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from checker.factchecks.records import FactCheck


def _number(value: float | None) -> float | int | None:
    return int(value) if value is not None and float(value).is_integer() else value


def _party(name: str | None, kind: str | None) -> dict[str, Any] | None:
    return None if not name else {"@type": kind or "Organization", "name": name}


def claim_review(record: FactCheck) -> dict[str, Any]:
    """One ClaimReview object with every field the record keeps (none that it does not)."""
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": record.rating}
    for key, value in (("ratingValue", record.rating_value), ("bestRating", record.best_rating),
                       ("worstRating", record.worst_rating)):
        if value is not None:
            rating[key] = _number(value)
    item: dict[str, Any] = {"@type": "Claim"}
    if author := _party(record.claimant, record.claimant_type):
        item["author"] = author
    if record.claim_date:
        item["datePublished"] = record.claim_date
    if record.appearance:
        item["appearance"] = {"@type": "CreativeWork", "url": record.appearance}
    out: dict[str, Any] = {"@context": "https://schema.org", "@type": "ClaimReview",
                           "claimReviewed": record.claim, "reviewRating": rating, "url": record.url}
    if publisher := _party(record.publisher, record.publisher_type):
        out["author"] = [publisher, {"@type": "Person", "name": record.reviewer}] if record.reviewer else publisher
    if record.date:
        out["datePublished"] = record.date
    if record.headline:
        out["name"] = record.headline
    if record.language:
        out["inLanguage"] = record.language
    if record.review_body:
        out["reviewBody"] = record.review_body
    out["itemReviewed"] = item
    return out


_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                0x2028: "\\u2028", 0x2029: "\\u2029"}


def to_json(records: Sequence[FactCheck]) -> str:
    """A JSON array of ClaimReview objects, safe inside <script type="application/ld+json">."""
    return json.dumps([claim_review(r) for r in records], ensure_ascii=False, indent=2).translate(_SCRIPT_SAFE)
