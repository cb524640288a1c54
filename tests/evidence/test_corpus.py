"""Loading reference documents in every format, and splitting them into passages."""

import itertools
import json
from pathlib import Path

import pytest

from checker.evidence.corpus import corpus_hash, load_corpus, parse_text_document, split_passages
from checker.types import Document
from tests.conftest import ROOT
from tests.pdfmaker import make_pdf

HEADER_DOC = """---
title: Talks end without breakthrough
publisher: Example Wire
url: https://example.org/a
date: 2022-01-21
---
Blinken and Lavrov met in Geneva. No breakthrough was achieved.
"""


def test_markdown_header_is_parsed() -> None:
    doc = parse_text_document(HEADER_DOC, doc_id="a")
    assert (doc.title, doc.publisher, doc.url, doc.date) == (
        "Talks end without breakthrough", "Example Wire", "https://example.org/a", "2022-01-21")
    assert doc.text.startswith("Blinken and Lavrov")


def test_text_without_header_takes_first_line_as_title() -> None:
    doc = parse_text_document("# A Title\nSome body text here.", doc_id="x")
    assert doc.title == "A Title" and doc.url is None


def test_every_format_loads_from_a_folder(tmp_path: Path) -> None:
    """md, txt, html, pdf and BEIR jsonl load side by side; README.md is not a document."""
    (tmp_path / "a.md").write_text(HEADER_DOC, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Plain title\nRussia massed troops near the border.", encoding="utf-8")
    (tmp_path / "c.html").write_text(
        "<html><head><title>Page</title></head><body><nav>Menu</nav><article><h1>Troops</h1>"
        "<p>Officials said Russia had moved about 100,000 troops close to the Ukrainian border, "
        "according to satellite images reviewed by analysts this week.</p>"
        "<script>alert(1)</script></article></body></html>", encoding="utf-8")
    (tmp_path / "d.pdf").write_bytes(make_pdf(["The summit took place in Geneva in June 2021."]))
    (tmp_path / "e.jsonl").write_text(
        json.dumps({"_id": "j1", "title": "T", "text": "Jsonl body.", "metadata": {"url": "u"}}) + "\n",
        encoding="utf-8")
    (tmp_path / "README.md").write_text("not a document", encoding="utf-8")
    loaded = load_corpus([tmp_path])
    assert loaded.problems == []
    by_id = {d.doc_id: d for d in loaded.documents}
    assert set(by_id) == {"a", "b", "c", "d", "j1"}
    assert "100,000 troops" in by_id["c"].text and "alert" not in by_id["c"].text
    assert "Geneva in June 2021" in by_id["d"].text
    assert by_id["j1"].url == "u"


def test_bad_files_are_reported_not_fatal(tmp_path: Path) -> None:
    """A corrupt PDF, an empty file, binary data and bad JSONL lines are named; the rest loads."""
    (tmp_path / "good.md").write_text(HEADER_DOC, encoding="utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "rows.jsonl").write_text(
        '{"_id": "ok", "text": "fine"}\nnot json\n{"_id": "x"}\n', encoding="utf-8")
    loaded = load_corpus([tmp_path])
    assert {d.doc_id for d in loaded.documents} == {"good", "ok"}
    text = "\n".join(loaded.problems)
    assert "broken.pdf" in text and "empty.txt" in text and "binary.txt" in text
    assert "rows.jsonl:2" in text and "rows.jsonl:3" in text


def test_duplicate_ids_keep_the_first(tmp_path: Path) -> None:
    rows = [{"_id": "same", "text": "first"}, {"_id": "same", "text": "second"}]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    loaded = load_corpus([tmp_path])
    assert [d.text for d in loaded.documents] == ["first"]
    assert "duplicate" in loaded.problems[0]


def test_latin1_file_is_decoded(tmp_path: Path) -> None:
    (tmp_path / "l.txt").write_bytes("Café in Zürich said 5 people came.".encode("latin-1"))
    assert "Zürich" in load_corpus([tmp_path]).documents[0].text


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    from checker.errors import CorpusError

    with pytest.raises(CorpusError, match="no such file"):
        load_corpus([tmp_path / "nope"])


def _long_doc(sentences: int) -> Document:
    text = " ".join(f"Sentence number {i} talks about troops and talks in Geneva." for i in range(sentences))
    return Document("long", "Long", text, url="u", date="2022-01-01")


def test_passages_are_overlapping_sentence_windows() -> None:
    """Windows hold about 100-200 words, keep offsets and metadata, and overlap by a sentence."""
    doc = _long_doc(120)
    passages = split_passages(doc)
    assert len(passages) > 3
    for p in passages:
        assert doc.text[p.start : p.end] == p.text
        assert p.doc_id == "long" and p.url == "u" and p.date == "2022-01-01"
        assert len(p.text.split()) <= 200
    for p in passages[:-1]:
        assert len(p.text.split()) >= 100
    for a, b in itertools.pairwise(passages):
        assert b.start < a.end  # overlap
    assert passages[-1].end == len(doc.text)
    assert len({p.passage_id for p in passages}) == len(passages)


def test_a_sentence_longer_than_a_window_is_cut() -> None:
    doc = Document("w", "W", "word " * 1000)
    passages = split_passages(doc)
    assert all(len(p.text.split()) <= 200 for p in passages)
    assert sum(len(p.text.split()) for p in passages) >= 1000


def test_corpus_hash_changes_with_content() -> None:
    a = Document("a", "A", "text")
    assert corpus_hash([a]) == corpus_hash([Document("a", "A", "text")])
    assert corpus_hash([a]) != corpus_hash([Document("a", "A", "text!")])


def test_shipped_demo_corpus_is_complete() -> None:
    """At least 30 documents, each with title, publisher, URL and date."""
    loaded = load_corpus([ROOT / "corpus"])
    assert loaded.problems == []
    assert len(loaded.documents) >= 30
    for d in loaded.documents:
        assert d.title and d.publisher and d.url and d.date, d.doc_id
        assert d.url.startswith("http"), d.doc_id
