"""The fact-check store and index: re-import updates, the index follows incrementally, matching."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from checker.evidence.index import load_index
from checker.evidence.retrieve import Retriever
from checker.factchecks.files import read_files
from checker.factchecks.index import FactCheckMatcher, build_factcheck_index, with_fact_checks
from checker.factchecks.store import FactCheckStore
from checker.types import Claim, ClaimReport
from tests.conftest import ROOT

DEMO = ROOT / "checker" / "demo" / "factchecks.json"


def test_demo_feed_is_complete() -> None:
    got = read_files([DEMO])
    assert got.problems == [] and 20 <= len(got.records) <= 40
    assert {r.verdict for r in got.records} >= {"true", "false", "mixed"}
    assert all(r.url.startswith("https://factcheck.example/demo/") and r.date and r.claimant for r in got.records)


def test_store_reimport_updates_by_url(tmp_path: Path) -> None:
    store = FactCheckStore.open(f"sqlite:///{tmp_path / 'v.db'}")
    records = read_files([DEMO]).records
    first = store.upsert(records)
    assert (first.added, first.updated, first.unchanged) == (len(records), 0, 0)
    changed = [replace(records[0], rating="False", verdict="false"), *records[1:]]
    second = store.upsert(changed)
    assert (second.added, second.updated, second.unchanged) == (0, 1, len(records) - 1)
    assert store.count() == len(records)
    assert store.get([records[0].fc_id])[records[0].fc_id].rating == "False"
    reopened = FactCheckStore.open(f"sqlite:///{tmp_path / 'v.db'}")
    assert {r.url for r in reopened.all()} == {r.url for r in records}


def test_index_is_incremental_and_matches(tmp_path: Path, hash_embedder) -> None:
    store = FactCheckStore.open(f"sqlite:///{tmp_path / 'v.db'}")
    records = read_files([DEMO]).records
    store.upsert(records)
    folder = tmp_path / "fc"
    built = build_factcheck_index(store.all(), hash_embedder, folder)
    assert built is not None and built.documents == len(records) and built.embedded == len(records)
    edited = replace(records[3], claim="Ukraine joined the European Union in January 2022.")
    store.upsert([edited])
    hash_embedder.calls.clear()
    again = build_factcheck_index(store.all(), hash_embedder, folder)
    assert again is not None and again.embedded == 1 and len(hash_embedder.calls) == 1
    assert "European Union" in hash_embedder.calls[0]
    assert build_factcheck_index([], hash_embedder, tmp_path / "none") is None

    matcher = FactCheckMatcher(Retriever(load_index(folder), hash_embedder), store.get, threshold=0.0, top_k=2)
    found = matcher.match(["Blinken and Lavrov reached a breakthrough at their Geneva meeting"])[0]
    assert len(found) == 2 and found[0].record is not None
    assert found[0].record.url.endswith("/geneva-breakthrough") and found[0].record.rating == "False"
    out = found[0].to_dict()
    assert {"claim", "claimant", "rating", "publisher", "date", "url", "score"} <= set(out)
    strict = FactCheckMatcher(matcher.retriever, store.get, threshold=found[0].score + 1e-6)
    assert strict.match(["Blinken and Lavrov reached a breakthrough at their Geneva meeting"]) == [[]]
    reports = with_fact_checks([ClaimReport(Claim("Ukraine joined the European Union in January 2022.", 0, 10, 1.0))],
                               matcher)
    assert reports[0].fact_checks[0].fc_id == edited.fc_id
    assert reports[0].to_dict()["fact_checks"][0]["claim"] == edited.claim
    assert with_fact_checks(reports, None) == reports
