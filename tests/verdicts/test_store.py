"""The verdict store: append-only versions, filters, migrations, and similar-claim lookup."""

from pathlib import Path

import numpy as np
import pytest

from checker.errors import CheckerError
from checker.types import CitedEvidence, Label
from checker.verdicts.store import VerdictStore, changed_evidence


@pytest.fixture
def store(tmp_path: Path) -> VerdictStore:
    return VerdictStore(f"sqlite:///{tmp_path / 'v.db'}")


def _claim(store: VerdictStore, text: str = "Russia massed 100,000 troops.", article: str = "A") -> int:
    aid = store.add_article(f"{article}. {text}", title=article, url="https://example.org/a",
                            source="Example Times", published="2022-01-21")
    return store.add_claim(aid, start=len(article) + 2, end=len(article) + 2 + len(text), text=text)


def test_editing_adds_versions_and_keeps_history(store: VerdictStore) -> None:
    """Each save is a new version; nothing is overwritten; the latest is current."""
    cid = _claim(store)
    ev = [CitedEvidence("doc", "doc#0", "h" * 64, "Title", "https://example.org/doc", "text")]
    v1 = store.save_verdict(cid, label=Label.SUPPORTED, reviewer="ann", note="first", cited=ev)
    v2 = store.save_verdict(cid, label="Refuted", reviewer="bob", note="second")
    assert (v1.version, v2.version) == (1, 2)
    history = store.history(cid)
    assert [v.label for v in history] == [Label.SUPPORTED, Label.REFUTED]
    assert history[0].evidence == tuple(ev) and history[1].evidence == ()
    assert store.latest(cid) == v2
    assert store.count_versions() == 2
    assert store.reviewer_names() == ["ann", "bob"]


def test_revert_is_a_new_version(store: VerdictStore) -> None:
    cid = _claim(store)
    store.save_verdict(cid, label="Supported", reviewer="ann", note="good")
    store.save_verdict(cid, label="Refuted", reviewer="ann")
    v3 = store.revert(cid, 1, reviewer="cat")
    assert v3.version == 3 and v3.label is Label.SUPPORTED and "Reverted to version 1" in v3.note


def test_bad_saves_are_refused(store: VerdictStore) -> None:
    cid = _claim(store)
    with pytest.raises(CheckerError, match="reviewer"):
        store.save_verdict(cid, label="Supported", reviewer="  ")
    with pytest.raises(ValueError):
        store.save_verdict(cid, label="Maybe", reviewer="ann")
    with pytest.raises(CheckerError, match="no claim"):
        store.save_verdict(999, label="Supported", reviewer="ann")
    assert store.count_versions() == 0


def test_filters(store: VerdictStore) -> None:
    a = _claim(store, "Claim one is here.", "First")
    b = _claim(store, "Claim two is here.", "Second")
    store.save_verdict(a, label="Supported", reviewer="ann")
    store.save_verdict(b, label="Refuted", reviewer="bob")
    store.save_verdict(b, label="Misleading", reviewer="bob")
    assert {r.verdict.label for r in store.latest_rows()} == {Label.SUPPORTED, Label.MISLEADING}
    assert len(store.latest_rows(all_versions=True)) == 3
    assert [r.verdict.claim_id for r in store.latest_rows(labels=["Misleading"])] == [b]
    assert [r.verdict.claim_id for r in store.latest_rows(reviewer="ann")] == [a]
    first_article = store.latest_rows(reviewer="ann")[0].article_id
    assert len(store.latest_rows(article_id=first_article)) == 1
    assert store.latest_rows(since="2999-01-01") == []
    assert len(store.latest_rows(until="2999-01-01")) == 2


def test_articles_and_claims_are_deduplicated(store: VerdictStore) -> None:
    a1 = store.add_article("Same text.")
    a2 = store.add_article("Same text.", url="https://example.org")
    assert a1 == a2
    c1 = store.add_claim(a1, start=0, end=10, text="Same text.")
    assert store.add_claim(a1, start=0, end=10, text="Same text.") == c1


def test_migration_is_safe_to_run_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    first = VerdictStore(url)
    cid = _claim(first)
    first.save_verdict(cid, label="Supported", reviewer="ann")
    second = VerdictStore(url)
    assert second.schema_version() == 1 and second.count_versions() == 1


def test_similar_verdicts(store: VerdictStore) -> None:
    """A claim close to one already judged (same model) finds that verdict; others do not."""
    v = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    aid = store.add_article("Old article.")
    cid = store.add_claim(aid, start=0, end=12, text="Old article.", vector=v, model="m")
    store.save_verdict(cid, label="Refuted", reviewer="ann")
    queries = np.array([[0.99, 0.14, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32)
    matches = store.similar_verdicts(queries, model="m", threshold=0.9)
    assert matches[0] is not None and matches[0].row.verdict.claim_id == cid
    assert matches[1] is None
    assert store.similar_verdicts(queries, model="other", threshold=0.9) == [None, None]
    assert store.similar_verdicts(queries, model="m", threshold=0.9, exclude_article=aid) == [None, None]


def test_changed_evidence() -> None:
    cited = [CitedEvidence("d", "d#0", "aaa"), CitedEvidence("d", "d#1", "bbb")]
    assert changed_evidence(cited, {"d#0": "aaa", "d#1": "ccc"}) == [cited[1]]


def test_not_a_database_url() -> None:
    with pytest.raises(CheckerError, match="not a database URL"):
        VerdictStore("definitely not a url")


def _open_store(url: str, barrier) -> str:
    """In a child process: wait for the others, then open the (new) database at the same moment."""
    barrier.wait()
    try:
        VerdictStore(url)
        return "ok"
    except Exception as exc:  # reported to the parent, which shows what failed
        return f"{type(exc).__name__}: {exc}"


def test_many_processes_open_a_new_database_at_once(tmp_path: Path) -> None:
    """Creating the schema races with itself; every opening must still succeed."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    processes, rounds = 8, 4
    failures = []
    with ctx.Pool(processes) as pool:
        for r in range(rounds):
            url = f"sqlite:///{tmp_path / f'new-{r}.db'}"
            barrier = ctx.Manager().Barrier(processes)
            failures += [out for out in pool.starmap(_open_store, [(url, barrier)] * processes) if out != "ok"]
    assert failures == []
    assert VerdictStore(f"sqlite:///{tmp_path / 'new-0.db'}").schema_version() == 1


def _old_database(path: Path, *, version: str = "1") -> None:
    """A database as an older version wrote it: no verdicts.note column."""
    import sqlite3

    con = sqlite3.connect(path)
    con.executescript(f"""
        CREATE TABLE meta (key VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema_version', '{version}');
        CREATE TABLE articles (id INTEGER PRIMARY KEY AUTOINCREMENT, content_hash VARCHAR(64) NOT NULL UNIQUE,
            title TEXT NOT NULL, url TEXT, source TEXT, published VARCHAR(32), text TEXT NOT NULL,
            created_at VARCHAR(32) NOT NULL);
        CREATE TABLE claims (id INTEGER PRIMARY KEY AUTOINCREMENT, article_id INTEGER NOT NULL, start INTEGER NOT NULL,
            "end" INTEGER NOT NULL, text TEXT NOT NULL, score FLOAT, vector BLOB, vector_model TEXT,
            created_at VARCHAR(32) NOT NULL);
        CREATE TABLE reviewers (name VARCHAR(200) PRIMARY KEY, created_at VARCHAR(32) NOT NULL);
        CREATE TABLE verdicts (id INTEGER PRIMARY KEY AUTOINCREMENT, claim_id INTEGER NOT NULL,
            version INTEGER NOT NULL, label VARCHAR(40) NOT NULL, reviewer VARCHAR(200) NOT NULL,
            claim_text TEXT NOT NULL, created_at VARCHAR(32) NOT NULL);
        INSERT INTO articles VALUES (1, 'h', 'Old', NULL, NULL, NULL, 'Troops massed.', '2021-01-01T00:00:00Z');
        INSERT INTO claims VALUES (1, 1, 0, 14, 'Troops massed.', 0.9, NULL, NULL, '2021-01-01T00:00:00Z');
        INSERT INTO reviewers VALUES ('ann', '2021-01-01T00:00:00Z');
        INSERT INTO verdicts VALUES (1, 1, 1, 'Supported', 'ann', 'Troops massed.', '2021-01-01T00:00:00Z');
    """)
    con.commit()
    con.close()


def test_an_older_database_is_migrated(tmp_path: Path) -> None:
    """A database without verdicts.note (nor the evidence table) opens, reads and saves."""
    _old_database(tmp_path / "old.db")
    store = VerdictStore(f"sqlite:///{tmp_path / 'old.db'}")
    assert [(v.version, v.note) for v in store.history(1)] == [(1, "")]
    assert store.save_verdict(1, label="Refuted", reviewer="bob", note="newer").version == 2
    assert [r.verdict.note for r in store.latest_rows()] == ["newer"]


def test_a_schema_version_that_is_not_a_number(tmp_path: Path) -> None:
    from checker.verdicts.store import StoreError

    _old_database(tmp_path / "odd.db", version="abc")
    with pytest.raises(StoreError, match=r"schema version 'abc'.*not a number"):
        VerdictStore(f"sqlite:///{tmp_path / 'odd.db'}")


def test_lone_surrogates_are_stored(store: VerdictStore) -> None:
    """Text no UTF-8 encoder accepts (lone surrogates) is kept, the surrogate replaced by U+FFFD."""
    text = "Troops \ud800massed near the border."
    aid = store.add_article(text, title="T\udfff")
    cid = store.add_claim(aid, start=0, end=len(text), text=text)
    v = store.save_verdict(cid, label="Supported", reviewer="ann\ud801", note="note \udc00 here")
    assert v.note == "note \ufffd here" and v.reviewer == "ann\ufffd"
    assert store.latest_rows()[0].original_text == "Troops \ufffdmassed near the border."


def test_the_lock_wait_is_bounded_and_said(tmp_path: Path) -> None:
    """A save blocked by another program's lock gives up after `busy_timeout` in all, not per retry."""
    import sqlite3

    from checker.verdicts.store import StoreError

    db = tmp_path / "v.db"
    store = VerdictStore(f"sqlite:///{db}", busy_timeout=0.3)
    cid = _claim(store)
    blocker = sqlite3.connect(db)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match=r"locked by another program for 0.3 s"):
            store.save_verdict(cid, label="Refuted", reviewer="bob")
    finally:
        blocker.rollback()
        blocker.close()


READ_ONLY_SCRIPT = """
import sys
from checker.verdicts.store import StoreError, VerdictStore
store = VerdictStore(sys.argv[1])
print([r.verdict.label.value for r in store.latest_rows()])
try:
    store.save_verdict(1, label="Refuted", reviewer="bob")
except StoreError as exc:
    print("refused:", exc)
"""


def test_a_database_in_a_read_only_folder_can_still_be_read(tmp_path: Path) -> None:
    """SQLite in WAL mode needs to create files beside the database even to read it."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    from tests.conftest import ROOT

    folder = Path(tempfile.mkdtemp(prefix="checker-ro-"))
    try:
        folder.chmod(0o755)
        store = VerdictStore(f"sqlite:///{folder / 'v.db'}")
        store.save_verdict(_claim(store), label="Supported", reviewer="ann")
        store.engine.dispose()
        (folder / "v.db").chmod(0o644)
        command = [sys.executable, "-c", READ_ONLY_SCRIPT, f"sqlite:///{folder / 'v.db'}"]
        if os.geteuid() == 0:  # root writes anywhere: read as an unprivileged user instead
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        else:
            folder.chmod(0o555)
        out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120,
                             env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.splitlines()[0] == "['Supported']"
        assert "read-only" in out.stdout.splitlines()[1]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)
