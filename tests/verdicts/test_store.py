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
