"""Reading fact-checks: every accepted layout, malformed and duplicated records, and the round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.factchecks.files import parse_text, read_files
from checker.factchecks.records import normalise_rating
from checker.factchecks.write import claim_review, to_json

REVIEW = {
    "@context": "https://schema.org", "@type": "ClaimReview",
    "claimReviewed": "Russia massed 100,000 troops on the border.",
    "reviewRating": {"@type": "Rating", "alternateName": "Mostly true", "ratingValue": 4, "bestRating": 5,
                     "worstRating": 1},
    "url": "https://fc.example/troops", "author": {"@type": "Organization", "name": "Desk"},
    "datePublished": "2022-01-22", "inLanguage": "en",
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Antony Blinken"},
                     "datePublished": "2022-01-21"},
}


def _with(url: str, **changes: object) -> dict:
    return {**REVIEW, "url": url, **changes}


def test_one_object_keeps_every_field() -> None:
    got = parse_text(json.dumps(REVIEW), where="x.json")
    assert got.problems == [] and len(got.records) == 1
    r = got.records[0]
    assert (r.claim, r.claimant, r.rating, r.verdict, r.publisher) == (
        "Russia massed 100,000 troops on the border.", "Antony Blinken", "Mostly true", "true", "Desk")
    assert (r.date, r.claim_date, r.url, r.language) == ("2022-01-22", "2022-01-21", "https://fc.example/troops", "en")


@pytest.mark.parametrize("layout", ["list", "graph", "datafeed", "prefixed", "jsonl"])
def test_layouts(layout: str) -> None:
    a, b = _with("https://fc.example/a"), _with("https://fc.example/b", claimReviewed="Another claim.")
    if layout == "list":
        text = json.dumps([a, b])
    elif layout == "graph":
        text = json.dumps({"@context": "https://schema.org", "@graph": [a, {"@type": "WebPage", "name": "x"}, b]})
    elif layout == "datafeed":
        text = json.dumps({"@type": "DataFeed", "dataFeedElement": [{"@type": "DataFeedItem", "item": [a]},
                                                                    {"@type": "DataFeedItem", "item": [b]}]})
    elif layout == "prefixed":
        text = json.dumps([{f"schema:{k}" if not k.startswith("@") else k: v for k, v in a.items()},
                           {f"http://schema.org/{k}" if not k.startswith("@") else k: v for k, v in b.items()}])
    else:
        text = json.dumps(a) + "\n" + json.dumps(b) + "\n"
    got = parse_text(text, where="f", suffix=".jsonl" if layout == "jsonl" else ".json")
    assert got.problems == []
    assert [r.url for r in got.records] == ["https://fc.example/a", "https://fc.example/b"]
    assert got.records[1].claim == "Another claim." and got.records[0].publisher == "Desk"


def test_aggregator_feed_with_plain_strings() -> None:
    """The feed layout: no @type, authors and ratings as plain strings or name objects, dates in words."""
    feed = {"claims": [{"claimReviewed": "A claim made on TV.", "reviewRating": {"alternateName": "Pants on Fire"},
                        "author": "PolitiFact", "datePublished": "22 October 2020",
                        "url": "https://politifact.example/1",
                        "itemReviewed": {"author": {"name": "A Senator"}, "datePublished": "2020-10-20T10:00:00Z"}}]}
    r = parse_text(json.dumps(feed), where="feed").records[0]
    assert (r.publisher, r.claimant, r.rating, r.verdict) == ("PolitiFact", "A Senator", "Pants on Fire", "false")
    assert (r.date, r.claim_date) == ("2020-10-22", "2020-10-20")


def test_malformed_records_each_one_line_and_the_rest_load() -> None:
    records = [_with("https://fc.example/ok"), {"@type": "ClaimReview", "url": "https://fc.example/noclaim"},
               {"@type": "ClaimReview", "claimReviewed": "No address."},
               {"@type": "ClaimReview", "claimReviewed": "Bad address.", "url": "javascript:alert(1)"},
               _with("https://fc.example/ok2")]
    got = parse_text(json.dumps(records), where="bad.json")
    assert [r.url for r in got.records] == ["https://fc.example/ok", "https://fc.example/ok2"]
    assert got.problems == ["bad.json: record 2: no claimReviewed (the claim's text)", "bad.json: record 3: no url",
                            "bad.json: record 4: no http(s) url (got 'javascript:alert(1)')"]
    broken = parse_text('[{"claimReviewed": "x", ', where="broken.json")
    assert broken.records == [] and len(broken.problems) == 1 and broken.problems[0].startswith(
        "broken.json: not valid JSON")
    assert parse_text(json.dumps({"@type": "Article"}), where="a.json").problems == ["a.json: no ClaimReview found"]


def test_duplicated_urls_keep_the_last() -> None:
    got = parse_text(json.dumps([_with("https://fc.example/a", claimReviewed="First wording."),
                                 _with("https://fc.example/b"),
                                 _with("https://fc.example/a", claimReviewed="Second wording.")]), where="d")
    assert got.duplicates == 1 and [r.claim for r in got.records] == [REVIEW["claimReviewed"], "Second wording."]


def test_html_page_scripts() -> None:
    page = ("<html><head><title>t</title><script type='application/ld+json'>"
            + json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "h"})
            + "</script><script type=\"application/ld+json; charset=utf-8\">" + json.dumps([REVIEW])
            + "</script><script type='application/ld+json'>{not json</script>"
            "<script>var claimReviewed = 1;</script></head><body><p>text</p></body></html>")
    got = parse_text(page, where="page.html", suffix=".html")
    assert [r.url for r in got.records] == [REVIEW["url"]]
    assert len(got.problems) == 1 and got.problems[0].startswith("page.html: JSON-LD script 3: not valid JSON")
    empty = parse_text("<html><body>nothing</body></html>", where="e.html", suffix=".html")
    assert empty.records == [] and empty.problems == ['e.html: no ClaimReview in a <script type="application/ld+json">']


def test_csv_with_the_feed_columns(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text("claimReviewed,reviewRating.alternateName,author,datePublished,url,itemReviewed.author,"
                    "itemReviewed.datePublished,inLanguage\n"
                    "\"Troops, 100,000 of them\",Half True,Desk,2022-01-22,https://fc.example/c1,Blinken,2022-01-21,en\n"
                    "No address here,False,Desk,2022-01-22,,x,,\n"
                    ",False,Desk,2022-01-22,https://fc.example/c3,x,,\n", encoding="utf-8")
    got = read_files([path])
    assert [(r.claim, r.verdict, r.claimant, r.source) for r in got.records] == [
        ("Troops, 100,000 of them", "mixed", "Blinken", "feed.csv")]
    assert got.problems == [f"{path}: line 3: no url", f"{path}: line 4: no claimReviewed (the claim's text)"]
    assert read_files([tmp_path / "missing.json"]).problems == [f"{tmp_path / 'missing.json'}: no such file"]


@pytest.mark.parametrize(("rating", "verdict"), [
    ("True", "true"), ("Mostly True", "true"), ("Correct", "true"), ("Supported", "true"),
    ("False", "false"), ("Pants on Fire!", "false"), ("Fake", "false"), ("Mostly false", "false"),
    ("Refuted", "false"), ("Half True", "mixed"), ("Mixture", "mixed"), ("Misleading", "mixed"),
    ("Missing context", "mixed"), ("Unproven", "other"), ("Satire", "other"), ("Not enough evidence", "other"),
])
def test_ratings_normalised(rating: str, verdict: str) -> None:
    assert normalise_rating(rating) == verdict


def test_rating_from_its_value_when_it_has_no_words() -> None:
    assert normalise_rating("", 1, 5, 1) == "false" and normalise_rating("", 5, 5, 1) == "true"
    assert normalise_rating("", 3, 5, 1) == "mixed" and normalise_rating("", None, None, None) == "other"


def test_workbench_export_imports_back_unchanged(tmp_path: Path) -> None:
    """The workbench's own ClaimReview export, read back, writes out the very same objects."""
    from checker.verdicts.export import to_claimreview
    from checker.verdicts.store import VerdictStore

    store = VerdictStore(f"sqlite:///{tmp_path / 'v.db'}")
    aid = store.add_article("Russia massed 100,000 troops. Talks failed.", title="T", url="https://news.example/a",
                            source="Example Times", published="2022-01-21")
    c1 = store.add_claim(aid, start=0, end=29, text="Russia massed 100,000 troops.")
    c2 = store.add_claim(aid, start=30, end=43, text="Talks failed.")
    store.save_verdict(c1, label="Supported", reviewer="ann")
    store.save_verdict(c2, label="Misleading", reviewer="bob")
    exported = to_claimreview(store.latest_rows(), organisation="Desk", url_template="https://fc.example/{claim_id}")
    got = parse_text(exported, where="export.json")
    assert got.problems == [] and len(got.records) == 2
    assert {r.verdict for r in got.records} == {"true", "mixed"}
    assert [claim_review(r) for r in got.records] == json.loads(exported)
    again = parse_text(to_json(got.records), where="again.json").records
    assert again == got.records
