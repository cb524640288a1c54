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
    code, out, err = run_main(["check", "-", "--json"], data, cli_env, monkeypatch, capsys)
    assert "Traceback" not in err
    if article == "ok":
        assert code == 0, err
        assert out.startswith('{"claims"')
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
    (tmp_path / "index" / "passages.jsonl").unlink()
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
