"""Evidence against the article's date: later passages are flagged and never carry the suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.evidence.index import build_index, load_index
from checker.evidence.retrieve import Retriever
from checker.pipeline import check_article, check_claims
from checker.reading.suggest import suggest
from checker.reading.timing import before_article, later_refutation_notes, mark_after, published_after
from checker.types import Document, Hit, Passage
from tests.reading.handmade import MarkerReader

CLAIM = "Geneva talks produced a breakthrough."
DOCS = [
    Document("early", "Before the talks", "Geneva talks were held between the two ministers on Friday.",
             date="2022-01-20"),
    Document("later", "After the talks", "Geneva talks produced no breakthrough; reports of one are false.",
             date="2022-02-01"),
    Document("undated", "Cup final", "The football cup final ended two to one after extra time."),
]


@pytest.fixture
def retriever(tmp_path: Path, hash_embedder) -> Retriever:
    build_index(DOCS, hash_embedder, tmp_path / "idx")
    return Retriever(load_index(tmp_path / "idx"), hash_embedder)


@pytest.mark.parametrize(("passage", "article", "after"), [
    ("2022-02-01", "2022-01-21", True), ("2022-01-21", "2022-01-21", False), ("2022-01-20", "2022-01-21", False),
    ("2022-01-22T08:00:00Z", "2022-01-21", True), (None, "2022-01-21", None), ("2022-02-01", None, None),
    ("January 2022", "2022-01-21", None), ("2022-02-30", "2022-01-21", None)])
def test_published_after(passage, article, after) -> None:
    assert published_after(passage, article) is after


def _hit(pid: str, date: str | None, stance: str) -> Hit:
    probs = {lab: (0.9 if lab == stance else 0.05) for lab in ("SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO")}
    return Hit(Passage(pid, pid, "text", 0, 4, pid, date=date), 0.5, 0.5, 1.0, relevance=0.9, stance=stance,
               stance_probabilities=tuple(probs.items()))


def test_only_later_refutation_gets_a_note() -> None:
    early_s, later_r, early_r = _hit("a", "2022-01-01", "SUPPORTS"), _hit("b", "2022-03-01", "REFUTES"), \
        _hit("c", "2022-01-02", "REFUTES")
    marked = mark_after([early_s, later_r], "2022-02-01")
    assert [h.after_article for h in marked] == [False, True]
    assert [h.passage.passage_id for h in before_article(marked)] == ["a"]
    (note,) = later_refutation_notes(marked)
    assert "only refuting evidence (1 passage) was published after the article" in note
    assert later_refutation_notes(mark_after([later_r, early_r], "2022-02-01")) == []  # earlier refutation too
    assert later_refutation_notes(mark_after([early_s, later_r], None)) == []  # the article's date is unknown
    assert later_refutation_notes(mark_after([early_s], "2022-02-01")) == []  # nothing refutes


def test_later_passage_is_flagged_and_never_carries_the_suggestion(retriever: Retriever) -> None:
    reader = MarkerReader()
    (dated,) = check_claims([CLAIM], retriever=retriever, reader=reader, article_date="2022-01-21")
    flags = {h.passage.doc_id: h.after_article for h in dated.evidence + dated.weaker}
    assert flags == {"early": False, "later": True, "undated": None}
    assert {h.passage.doc_id for h in dated.evidence} == {"early", "later"}  # both shown, one flagged
    assert dated.suggestion is not None and "later#0" not in dated.suggestion.evidence
    assert dated.suggestion == suggest([h for h in dated.evidence if h.passage.doc_id == "early"])
    (note,) = dated.notes
    assert "published after the article" in note
    claim = dated.to_dict()
    assert {e["passage_id"]: e["after_article"] for e in claim["evidence"]} == {"early#0": False, "later#0": True}
    assert [e["after_article"] for e in claim["weaker_matches"]] == [None] and claim["notes"] == [note]

    (undated,) = check_claims([CLAIM], retriever=retriever, reader=reader)  # no article date: nothing is later
    assert all(h.after_article is None for h in undated.evidence + undated.weaker) and undated.notes == ()
    assert undated.suggestion is not None and undated.suggestion.label == "REFUTES"
    assert undated.suggestion.evidence == ("later#0",)


def test_check_article_marks_dates_without_a_reader(retriever: Retriever) -> None:
    """With the reader off the flags are there too; the article's date comes from `check --date`."""
    result = check_article(CLAIM, retriever=retriever, top_k=3, article_date="2022-01-25")
    (report,) = result.reports
    assert {h.passage.doc_id: h.after_article for h in report.evidence} == {"early": False, "later": True,
                                                                              "undated": None}
    assert report.suggestion is None and report.notes == ()
    assert all("after_article" in e for e in result.to_dict()["claims"][0]["evidence"])
