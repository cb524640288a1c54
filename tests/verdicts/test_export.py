"""Exports: CSV, and schema.org ClaimReview JSON-LD with Google's required fields."""

import csv
import io
import json
from pathlib import Path

import pytest

from checker.errors import CheckerError
from checker.types import CitedEvidence, Label
from checker.verdicts.export import is_placeholder_url, rating_scale, to_claimreview, to_csv
from checker.verdicts.store import VerdictStore


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
        org, person = obj["author"]
        assert org == {"@type": "Organization", "name": "Desk"} and person["@type"] == "Person"
        assert person["name"] in {"ann", "bob"}
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


def _spreadsheet_rows(text: str) -> list[str]:
    """Records as a spreadsheet splits them: at any CR or LF outside double quotes."""
    records, current, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch in "\r\n" and not quoted:
            if current:
                records.append("".join(current))
            current = []
            continue
        current.append(ch)
    if current:
        records.append("".join(current))
    return records


def test_csv_quotes_fields_with_line_breaks(tmp_path: Path) -> None:
    """A lone CR (an upload with old Mac line ends) never starts a new spreadsheet row."""
    store = VerdictStore(f"sqlite:///{tmp_path / 'v.db'}")
    aid = store.add_article("Troops massed.\r=cmd|' /C calc'!A0\r", title="Title\r=cmd|' /C calc'!A0")
    cid = store.add_claim(aid, start=0, end=14, text="Troops massed.")
    store.save_verdict(cid, label="Supported", reviewer="ann", note="line one\rline two\n=1+1")
    text = to_csv(store.latest_rows())
    records = _spreadsheet_rows(text)
    assert len(records) == 2, records
    assert not any(r.startswith(("=", "+", "-", "@")) for r in records)
    table = list(csv.DictReader(io.StringIO(text, newline="")))
    assert table[0]["article_title"] == "Title\r=cmd|' /C calc'!A0"
    assert table[0]["note"] == "line one\rline two\n=1+1"


def test_claimreview_is_safe_to_embed_in_a_script_tag(tmp_path: Path) -> None:
    """Publishing sites put the JSON-LD in <script type="application/ld+json">; nothing may end it."""
    store = VerdictStore(f"sqlite:///{tmp_path / 'v.db'}")
    claim = "Troops massed.</script><script>alert(1)</script><!-- & more"
    aid = store.add_article(claim, url="javascript:alert(document.cookie)", source="</script><b>Wire</b>")
    cid = store.add_claim(aid, start=0, end=len(claim), text=claim)
    store.save_verdict(cid, label="Refuted", reviewer="ann")
    text = to_claimreview(store.latest_rows(), organisation="Desk & Co", url_template="https://fc.example/{claim_id}")
    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)
    assert data[0]["claimReviewed"] == claim and data[0]["author"][0]["name"] == "Desk & Co"
    assert "appearance" not in data[0]["itemReviewed"]  # not an http(s) address
    with pytest.raises(CheckerError, match="http"):
        to_claimreview(store.latest_rows(), organisation="Desk", url_template="javascript:alert({claim_id})")
    with pytest.raises(CheckerError, match="template"):
        to_claimreview(store.latest_rows(), organisation="Desk", url_template="https://fc.example/{nope}")


@pytest.mark.parametrize("start", ["\uff1d", "\uff0b", "\uff0d", "\uff20", "\n", "\x0b", "\x0c", "\x00", "=", "\t"],
                         ids=["fw=", "fw+", "fw-", "fw@", "LF", "VT", "FF", "NUL", "=", "TAB"])
def test_csv_defuses_full_width_and_control_formula_starts(tmp_path: Path, start: str) -> None:
    """Red team: cells starting with full-width ＝ ＋ － ＠, LF, VT, FF or NUL were left as they were."""
    from checker.verdicts.export import _safe_cell

    assert _safe_cell(start + "HYPERLINK(\"http://x\")") == "'" + start + "HYPERLINK(\"http://x\")"
    store = VerdictStore(f"sqlite:///{tmp_path / 'v.db'}")
    text = start + "SUM(1,2)"
    aid = store.add_article(text, title="T")
    cid = store.add_claim(aid, start=0, end=len(text), text=text)
    store.save_verdict(cid, label="Supported", reviewer="ann", note=start + "cmd")
    [row] = list(csv.DictReader(io.StringIO(to_csv(store.latest_rows()), newline="")))
    stored = text.replace("\x00", "\ufffd")  # the store keeps no NUL (U+FFFD in its place), so it never starts one
    if start != "\x00":
        assert row["claim"] == "'" + stored and row["note"] == "'" + start + "cmd"
    assert _safe_cell("a=1") == "a=1" and _safe_cell("") == "" and _safe_cell(3) == 3


def test_claimreview_carries_the_note_and_the_reviewer(rows) -> None:
    """Issue 'A reviewer's day, second walk', item 10: the note is the reviewBody, the reviewer an
    author beside the organisation; a verdict without a note has no reviewBody."""
    data = {o["claimReviewed"]: o for o in json.loads(
        to_claimreview(rows, organisation="Desk", url_template="https://fc.example/{claim_id}"))}
    supported = data["Russia massed 100,000 troops."]
    assert supported["reviewBody"] == "ok"
    assert supported["author"][1] == {"@type": "Person", "name": "ann"}
    assert "reviewBody" not in data["=cmd|' /C calc'!A0"]


def test_rating_scale_comes_from_settings(rows) -> None:
    """CHECKER_RATING_SCALE names and numbers the ratings; best and worst follow the numbers."""
    scale = "Supported=True:7, Refuted=False:0, misleading=Half true:3"
    assert rating_scale(scale)[Label.SUPPORTED] == ("True", 7)
    data = json.loads(to_claimreview(rows, organisation="Desk", url_template="https://fc.example/{claim_id}",
                                     scale=scale))
    rating = next(o["reviewRating"] for o in data if o["claimReviewed"].startswith("Russia"))
    assert rating == {"@type": "Rating", "alternateName": "True", "ratingValue": 7, "bestRating": 7,
                      "worstRating": 0}


@pytest.mark.parametrize("scale", ["Supported", "Supported=True", "Supported=True:high", "Correct=True:5",
                                   "Supported=:5"])
def test_a_bad_rating_scale_is_a_clear_error(rows, scale: str) -> None:
    with pytest.raises(CheckerError, match=r"CHECKER_RATING_SCALE: .* is not Label=Name:number"):
        to_claimreview(rows, organisation="Desk", url_template="https://fc.example/{claim_id}", scale=scale)


def test_a_publishing_export_refuses_the_placeholder_url(rows) -> None:
    """The shipped CHECKER_REVIEW_URL is an example host: a publishing export says so; a draft
    export and a real address work."""
    from checker.config import Settings

    placeholder = Settings().review_url
    assert is_placeholder_url(placeholder)
    assert not is_placeholder_url("https://factcheck.newsroom.org/claims/{claim_id}")
    with pytest.raises(CheckerError, match="CHECKER_REVIEW_URL is still the placeholder"):
        to_claimreview(rows, organisation="Desk", url_template=placeholder, publish=True)
    assert json.loads(to_claimreview(rows, organisation="Desk", url_template=placeholder))
    assert json.loads(to_claimreview(rows, organisation="Desk", url_template="https://desk.org/{claim_id}",
                                     publish=True))


def test_the_claimant_is_the_claims_author(tmp_path: Path) -> None:
    """itemReviewed.author is the speaker the sentence quotes, a pronoun resolved against the article
    (issue 24, the claimant); the article's source stands where nobody is quoted."""
    store = VerdictStore(f"sqlite:///{tmp_path / 'v.db'}")
    text = ("Mayor Ellen Park opened the session. She said the budget was 4 million dollars. The vote was 7-2. "
            "Spending will rise, the finance ministry said.")
    aid = store.add_article(text, title="Council", source="City Gazette")
    spans = [(text.index("She"), text.index(" The vote")), (text.index("The vote"), text.index(" Spending")),
             (text.index("Spending"), len(text))]
    for start, end in spans:
        store.save_verdict(store.add_claim(aid, start=start, end=end, text=text[start:end]), label="Supported",
                           reviewer="ann")
    assert all(r.claimant is None for r in store.latest_rows())  # read only for exports, not for every check
    data = json.loads(to_claimreview(store.latest_rows(claimants=True), organisation="Desk",
                                     url_template="https://fc.example/{claim_id}"))
    authors = {obj["claimReviewed"][:8]: obj["itemReviewed"]["author"] for obj in data}
    assert authors["She said"] == {"@type": "Person", "name": "Ellen Park"}
    assert authors["The vote"] == {"@type": "Organization", "name": "City Gazette"}
    assert authors["Spending"] == {"@type": "Organization", "name": "finance ministry"}
