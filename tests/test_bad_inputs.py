"""The catalogue of bad inputs, through the article check, the corpus loader and the command line.

Each case gets a clear message (one `error:` line and a non-zero exit on the command line),
never a traceback, and long inputs are checked in bounded time, saying what was left out.
"""

import io
import sys
from pathlib import Path

import pytest

from checker import cli
from checker.errors import CheckerError
from checker.evidence.corpus import load_corpus
from checker.pipeline import check_article
from checker.text.decode import article_from_bytes
from tests.pdfmaker import make_pdf

NEWS = "Russia has massed 100,000 troops near Ukraine's border, officials said on Friday. "
HTML_PAGE = ("<!DOCTYPE html><html><head><title>Talks</title><script>window.__x=1</script></head><body>"
             "<nav>Home | World</nav><article><h1>Talks end</h1><p>Blinken and Lavrov met in Geneva on "
             "Friday, and no breakthrough was achieved, officials said after the meeting ended.</p>"
             "<p>Russia has massed 100,000 troops near the border, according to US estimates.</p>"
             "</article></body></html>")

# name, file suffix, bytes, expected article outcome ("ok" or an error fragment),
# expected corpus outcome ("ok" or a problem fragment)
CASES = [
    ("empty", ".txt", b"", "empty", "empty"),
    ("whitespace", ".txt", b"  \n\t  \n", "empty", "empty"),
    ("5 MB article", ".txt", (NEWS * 62_000).encode(), "ok", "ok"),
    ("raw binary", ".txt", bytes(range(256)) * 64, "binary", "binary"),
    ("latin-1", ".txt", ("Café owners in Zürich said 5,000 people came. " * 3).encode("latin-1"), "ok", "ok"),
    ("utf-16 with BOM", ".txt", ("\ufeff" + NEWS * 3).encode("utf-16"), "ok", "ok"),
    ("right-to-left and emoji", ".txt", ("قال المسؤولون إن 100 ألف جندي احتشدوا. 🚀🔥 " * 5 + NEWS).encode(),
     "ok", "ok"),
    ("only links", ".txt", b"https://example.org/a https://t.co/xyz\nhttp://news.example/b?c=d", "ok", "ok"),
    ("one 50,000-character sentence", ".txt", ("troops " * 7143).encode(), "ok", "ok"),
    ("a whole HTML page as text", ".txt", HTML_PAGE.encode(), "ok", "ok"),
    ("corrupt PDF", ".pdf", b"%PDF-1.4\n1 0 obj garbage", "is a PDF", "not a readable PDF"),
    ("empty PDF", ".pdf", make_pdf([]), "is a PDF", "no extractable text"),
    ("zero-byte file", ".md", b"", "empty", "empty"),
    ("JSONL with bad lines", ".jsonl", b'{"_id": "a", "text": "fine"}\n{oops\n[1, 2]\n', "ok", "bad.jsonl:2"),
]
IDS = [c[0] for c in CASES]


@pytest.fixture(scope="module")
def cli_env(demo_index: Path, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("bad-inputs-home")
    (home / "index").symlink_to(demo_index)
    return home


def run_main(args: list[str], stdin: bytes, home: Path, monkeypatch, capsys) -> tuple[int, str, str]:
    """The command line, in process (same code path as `python -m checker`)."""
    monkeypatch.setenv("CHECKER_HOME", str(home))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.model
@pytest.mark.parametrize(("name", "suffix", "data", "article", "corpus"), CASES, ids=IDS)
def test_article_check(name, suffix, data, article, corpus, demo_retriever) -> None:
    """Through the article check: a clear error, or a bounded result whose offsets hold."""
    try:
        text, _ = article_from_bytes(data, name=f"x{suffix}")
        result = check_article(text, retriever=demo_retriever, max_sentences=300)
    except CheckerError as exc:
        assert article != "ok", f"{name}: unexpected error {exc}"
        assert article in str(exc)
        return
    assert article == "ok", f"{name}: expected an error containing {article!r}"
    assert len(result.reports) <= result.sentences - result.skipped_sentences <= 300
    for r in result.reports:
        assert text[r.claim.start : r.claim.end] == r.claim.text
        assert "<script" not in r.claim.text
    if name == "5 MB article":
        assert result.skipped_sentences > 0 and "CHECKER_MAX_SENTENCES" in result.notes()[0]


@pytest.mark.parametrize(("name", "suffix", "data", "article", "corpus"), CASES, ids=IDS)
def test_corpus_loader(name, suffix, data, article, corpus, tmp_path: Path) -> None:
    """Through the corpus loader: a bad file is named in a problem; good files beside it still load."""
    (tmp_path / f"bad{suffix}").write_bytes(data)
    (tmp_path / "good.md").write_text("---\ntitle: Good\n---\nA good document.", encoding="utf-8")
    loaded = load_corpus([tmp_path])
    assert "good" in {d.doc_id for d in loaded.documents}
    text = "\n".join(loaded.problems)
    if corpus == "ok":
        assert not loaded.problems and len(loaded.documents) >= 2
    else:
        assert corpus in text, text


@pytest.mark.model
@pytest.mark.parametrize(("name", "suffix", "data", "article", "corpus"), CASES, ids=IDS)
def test_command_line(name, suffix, data, article, corpus, cli_env, monkeypatch, capsys) -> None:
    """Through `check -`: one `error:` line and exit 2, or JSON with notes on what was bounded."""
    monkeypatch.setenv("CHECKER_MAX_SENTENCES", "40")  # the 5 MB article has 62,000 sentences
    code, out, err = run_main(["check", "-", "--json"], data, cli_env, monkeypatch, capsys)
    assert "Traceback" not in err
    if article == "ok":
        assert code == 0, err
        assert out.startswith('{"claims"')
        if name == "5 MB article":
            assert "note: only the first 40 of 62,000 sentences were scored" in err
    else:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert code == 2 and len(lines) == 1 and lines[0].startswith("error:") and article in lines[0], err


def test_duplicate_ids_in_a_corpus(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"_id": "x", "text": "one"}\n', encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"_id": "x", "text": "two"}\n', encoding="utf-8")
    loaded = load_corpus([tmp_path])
    assert [d.text for d in loaded.documents] == ["one"] and "duplicate document id 'x'" in loaded.problems[0]


def test_index_folder_deleted_midway(tmp_path: Path, tiny_docs, hash_embedder, monkeypatch, capsys) -> None:
    """Files missing from an index folder give a rebuild hint, not a crash."""
    from checker.evidence.index import build_index

    build_index(tiny_docs, hash_embedder, tmp_path / "index")
    (tmp_path / "index" / "shards" / "00000" / "passages.jsonl").unlink()
    code, _, err = run_main(["search", "troops"], b"", tmp_path, monkeypatch, capsys)
    assert code == 2 and "incomplete or damaged" in err and "python -m checker index" in err


def test_read_only_database_loses_nothing(tmp_path: Path) -> None:
    from checker.verdicts.store import StoreError, VerdictStore

    db = tmp_path / "v.db"
    store = VerdictStore(f"sqlite:///{db}")
    aid = store.add_article("A claim here.")
    cid = store.add_claim(aid, start=0, end=13, text="A claim here.")
    store.save_verdict(cid, label="Supported", reviewer="ann")
    store.engine.dispose()
    read_only = VerdictStore(f"sqlite:///file:{db}?mode=ro&uri=true", retries=1)
    with pytest.raises(StoreError, match="read-only"):
        read_only.save_verdict(cid, label="Refuted", reviewer="bob")
    assert [v.label.value for v in VerdictStore(f"sqlite:///{db}").history(cid)] == ["Supported"]


def test_locked_database_says_so_and_loses_nothing(tmp_path: Path) -> None:
    import sqlite3

    from checker.verdicts.store import StoreError, VerdictStore

    db = tmp_path / "v.db"
    store = VerdictStore(f"sqlite:///{db}", retries=2, busy_timeout=0.2)
    aid = store.add_article("A claim here.")
    cid = store.add_claim(aid, start=0, end=13, text="A claim here.")
    store.save_verdict(cid, label="Supported", reviewer="ann")
    blocker = sqlite3.connect(db)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked"):
            store.save_verdict(cid, label="Refuted", reviewer="bob")
    finally:
        blocker.rollback()
        blocker.close()
    assert [v.version for v in store.history(cid)] == [1]
    assert store.save_verdict(cid, label="Refuted", reviewer="bob").version == 2


class EndlessZeros(io.RawIOBase):
    """`/dev/zero` as standard input; refuses to give more than `cap` bytes in all."""

    def __init__(self, cap: int) -> None:
        self.given, self.cap = 0, cap

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        assert self.given < self.cap, "read far past the article limit"
        n = len(buffer)
        buffer[:n] = b"\0" * n
        self.given += n
        return n


def test_endless_standard_input_is_bounded(tmp_path: Path, monkeypatch, capsys) -> None:
    """`check - < /dev/zero`: reads at most what the character limit allows, then one error line."""
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    monkeypatch.setenv("CHECKER_MAX_ARTICLE_CHARS", "1000")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(EndlessZeros(cap=1_000_000))))
    code = cli.main(["check", "-"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith("error:") and "CHECKER_MAX_ARTICLE_CHARS" in err


@pytest.mark.parametrize(("env", "args", "fragment"), [
    ({"CHECKER_TOP_K": "abc"}, ["search", "troops"], "CHECKER_TOP_K='abc'"),
    ({"CHECKER_FETCH_TIMEOUT": "soon"}, ["search", "troops"], "CHECKER_FETCH_TIMEOUT"),
    ({}, ["check", "--date", "2022-13-45", "-"], "2022-13-45"),
])
def test_bad_settings_and_options_are_one_error_line(env, args, fragment, tmp_path: Path, monkeypatch,
                                                     capsys) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code, _, err = run_main(args, NEWS.encode(), tmp_path, monkeypatch, capsys)
    assert code == 2 and err.count("\n") == 1 and err.startswith("error:") and fragment in err, err


def _manifest_array(folder: Path) -> None:
    (folder / "manifest.json").write_text("[1, 2]", encoding="utf-8")


def _extra_passage_line(folder: Path) -> None:
    with (folder / "shards" / "00000" / "passages.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("[]\n")


def _truncated_vectors(folder: Path) -> None:
    path = folder / "shards" / "00000" / "vectors.npy"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 100])


def _nan_vectors(folder: Path) -> None:
    import numpy as np

    path = folder / "shards" / "00000" / "vectors.npy"
    np.save(path, np.full_like(np.load(path), np.nan))


@pytest.mark.parametrize(("damage", "said"), [(_manifest_array, "not an object"),
                                               (_extra_passage_line, "line 4 is not a passage"),
                                               (_truncated_vectors, "cut off"),
                                               (_nan_vectors, "not finite (NaN or infinity)")],
                         ids=["manifest is a JSON array", "extra line in passages.jsonl", "truncated vectors.npy",
                              "NaN vectors.npy"])
def test_damaged_index_files(damage, said, tmp_path: Path, tiny_docs, hash_embedder, monkeypatch, capsys) -> None:
    """Each damage gives one error line with a rebuild hint, exit 2, never `unexpected ...Error`."""
    from checker.evidence.index import build_index

    build_index(tiny_docs, hash_embedder, tmp_path / "index")
    damage(tmp_path / "index")
    code, _, err = run_main(["search", "troops"], b"", tmp_path, monkeypatch, capsys)
    assert code == 2 and err.count("\n") == 1 and "unexpected" not in err, err
    assert "python -m checker index" in err and said in err, err


def test_a_jsonl_line_nested_too_deeply_is_one_problem(tmp_path: Path) -> None:
    """100,000 nested brackets on one line: that line is reported, the rest of the corpus loads."""
    (tmp_path / "deep.jsonl").write_bytes(b'{"_id": "a", "text": "fine"}\n' + b"[" * 100_000 + b"\n"
                                          + b'{"_id": "b", "text": "also fine"}\n')
    loaded = load_corpus([tmp_path])
    assert [d.doc_id for d in loaded.documents] == ["a", "b"]
    assert len(loaded.problems) == 1 and "deep.jsonl:2" in loaded.problems[0]


def test_a_pdf_with_too_many_pages_is_refused(tmp_path: Path) -> None:
    """A page tree of thousands of pages is refused by its count, before any page is read."""
    from checker.evidence.corpus import MAX_PDF_PAGES
    from tests.pdfmaker import many_pages_pdf

    (tmp_path / "huge.pdf").write_bytes(many_pages_pdf(MAX_PDF_PAGES + 1))
    (tmp_path / "small.pdf").write_bytes(many_pages_pdf(3))
    loaded = load_corpus([tmp_path])
    assert [d.doc_id for d in loaded.documents] == ["small"]
    assert f"{MAX_PDF_PAGES + 1:,} pages" in loaded.problems[0]


def test_html_too_deep_for_extraction_gets_a_note_not_raw_markup() -> None:
    from checker.text.decode import prepare_article

    page = ("<!DOCTYPE html><html><head><script>x=1</script></head><body>" + "<div>" * 3000
            + "<p>Russia has massed 100,000 troops near the border.</p>" + "</div>" * 3000 + "</body></html>")
    text, notes = prepare_article(page)
    assert "<div>" not in text and "x=1" not in text and "100,000 troops" in text
    assert notes and "tags were removed" in notes[0]
