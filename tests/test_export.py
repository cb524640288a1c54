"""Exports: CSV, and schema.org ClaimReview JSON-LD with Google's required fields."""

import csv
import io
import json
from pathlib import Path

import pytest

from checker.export import to_claimreview, to_csv
from checker.store import VerdictStore
from checker.types import CitedEvidence


@pytest.fixture
def rows(tmp_path: Path):
    store = VerdictStore(f"sqlite:///{tmp_path / 'v.db'}")
    aid = store.add_article("Russia massed 100,000 troops. =cmd|' /C calc'!A0", title="Demo",
                            url="https://news.example/a", source="Example Times", published="2022-01-21")
    c1 = store.add_claim(aid, start=0, end=29, text="Russia massed 100,000 troops.")
    c2 = store.add_claim(aid, start=30, end=50, text="=cmd|' /C calc'!A0")
    store.save_verdict(c1, label="Supported", reviewer="ann", note="ok",
                       cited=[CitedEvidence("d", "d#0", "h", "T", "https://ref.example/d")])
    store.save_verdict(c2, label="Not check-worthy", reviewer="bob")
    return store.latest_rows()


def test_claimreview_required_fields_and_json_ld(rows) -> None:
    """Every object has claimReviewed, reviewRating.alternateName and url, and expands as JSON-LD."""
    from pyld import jsonld

    data = json.loads(to_claimreview(rows, organisation="Desk", url_template="https://fc.example/{claim_id}"))
    assert len(data) == 2
    for obj in data:
        assert obj["@type"] == "ClaimReview" and obj["claimReviewed"]
        rating = obj["reviewRating"]
        assert rating["alternateName"] and rating["bestRating"] == 5 and rating["worstRating"] == 1
        assert 1 <= rating["ratingValue"] <= 5
        assert obj["url"].startswith("https://fc.example/")
        assert obj["author"] == {"@type": "Organization", "name": "Desk"}
        assert len(obj["datePublished"]) == 10
        item = obj["itemReviewed"]
        assert item["@type"] == "Claim" and item["author"]["name"] == "Example Times"
        assert item["datePublished"] == "2022-01-21" and item["appearance"]["url"] == "https://news.example/a"

    def offline_loader(url, options=None):  # schema.org's context, without the network
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": {"@context": {"@vocab": "https://schema.org/"}}}

    expanded = jsonld.expand(data, {"documentLoader": offline_loader})
    assert len(expanded) == 2
    assert expanded[0]["@type"] == ["https://schema.org/ClaimReview"]
    assert "https://schema.org/claimReviewed" in expanded[0]


def test_csv_round_trips_and_defuses_formulas(rows) -> None:
    table = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert {r["label"] for r in table} == {"Supported", "Not check-worthy"}
    formula = next(r for r in table if r["label"] == "Not check-worthy")
    assert formula["claim"].startswith("'=")
    supported = next(r for r in table if r["label"] == "Supported")
    assert supported["evidence_passages"] == "d#0" and supported["article_url"] == "https://news.example/a"
