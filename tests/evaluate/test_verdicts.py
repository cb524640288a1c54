"""`eval verdicts` as a library: a hand-made BEIR folder with claim labels, checked through the
product's own path (`checker.pipeline.check_claims`) with a tiny embedder and a hand-made reader,
so every figure is known."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.evaluate.data import load_claim_labels
from checker.evaluate.retrieval import cached_index
from checker.evaluate.verdicts import run_verdicts, verdict_scores
from checker.evidence.index import load_index
from checker.evidence.retrieve import Retriever
from checker.pipeline import check_claims
from checker.reading.suggest import suggest
from tests.reading.handmade import MarkerReader

CORPUS = [
    {"_id": "d1", "title": "Moon survey", "text": "The moon is made of rock, astronomers confirmed after the survey."},
    {"_id": "d2", "title": "Mars moons", "text": "That Mars has three moons is false: it has two, Phobos and Deimos."},
    {"_id": "d3", "title": "Jupiter size", "text": "That Jupiter is small is false; it is the largest planet."},
]
# query id, claim, gold label; the hand-made reader answers SUPPORTS, REFUTES, nothing relevant, REFUTES
CLAIMS = [
    ("q1", "Rock makes up the moon.", "SUPPORTS"),
    ("q2", "Mars has three moons.", "REFUTES"),
    ("q3", "Penguins live in the desert.", "NOT_ENOUGH_INFO"),
    ("q4", "Jupiter is the largest planet.", "SUPPORTS"),
]


def write_beir(folder: Path, *, labels: bool = True) -> Path:
    """A tiny BEIR folder: corpus, queries, qrels/train.tsv and labels/train.tsv."""
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in CORPUS), encoding="utf-8")
    (folder / "queries.jsonl").write_text("".join(json.dumps({"_id": q, "text": t}) + "\n" for q, t, _ in CLAIMS)
                                          + json.dumps({"_id": "q9", "text": "An unlabelled query."}) + "\n",
                                          encoding="utf-8")
    (folder / "qrels" / "train.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq4\td3\t1\n",
                                                encoding="utf-8")
    if labels:
        (folder / "labels").mkdir()
        (folder / "labels" / "train.tsv").write_text(
            "query-id\tlabel\n" + "".join(f"{q}\t{g}\n" for q, _, g in CLAIMS), encoding="utf-8")
    return folder


@pytest.fixture
def beir(tmp_path: Path) -> Path:
    return write_beir(tmp_path / "tiny")


def test_labels_load_in_file_order_with_their_text(beir: Path) -> None:
    data = load_claim_labels(beir, "train")
    assert list(data.claims) == ["q1", "q2", "q3", "q4"]  # q9 has no label
    assert data.labels["q2"] == "REFUTES" and data.claims["q3"] == "Penguins live in the desert."
    assert data.qrels["q1"] == {"d1": 1} and "q3" not in data.qrels


@pytest.mark.parametrize(("change", "message"), [
    (lambda f: None, "labels/dev.tsv: missing"),
    (lambda f: (f / "labels" / "dev.tsv").write_text("query-id\tlabel\nq1\tTRUE\n"), "dev.tsv:2: expected"),
    (lambda f: (f / "labels" / "dev.tsv").write_text("query-id\tlabel\n"), "no labelled claims"),
    (lambda f: (f / "labels" / "dev.tsv").write_text("q7\tSUPPORTS\n"), "not in queries.jsonl (e.g. 'q7')"),
])
def test_bad_labels_are_one_clear_error(beir: Path, change, message: str) -> None:
    change(beir)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_claim_labels(beir, "dev")


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such folder"):
        load_claim_labels(tmp_path / "nowhere", "train")


def test_suggestions_against_labels_give_known_scores(beir: Path, tmp_path: Path, hash_embedder) -> None:
    index_dir = cached_index(beir / "corpus.jsonl", embedder=hash_embedder, cache_root=tmp_path / "cache")
    embedded = len(hash_embedder.calls)
    assert cached_index(beir / "corpus.jsonl", embedder=hash_embedder, cache_root=tmp_path / "cache") == index_dir
    assert len(hash_embedder.calls) == embedded  # the corpus is embedded once, then read from the cache
    retriever = Retriever(load_index(index_dir, model=hash_embedder.name), hash_embedder)
    check = functools.partial(check_claims, retriever=retriever, top_k=5, reader=MarkerReader(floor=0.5))
    data = load_claim_labels(beir, "train")
    outcomes = run_verdicts(data, check, batch=3)  # two batches
    assert [o.predicted for o in outcomes] == ["SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO", "REFUTES"]
    scores = verdict_scores(outcomes)
    assert scores["n"] == 4 and scores["accuracy"] == 0.75
    assert scores["no_relevant_evidence"] == 0.25 and scores["no_relevant_evidence_claims"] == 1
    per = scores["per_class"]
    assert per["SUPPORTS"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3)}
    assert per["REFUTES"] == {"precision": 0.5, "recall": 1.0, "f1": pytest.approx(2 / 3)}
    assert per["NOT_ENOUGH_INFO"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert scores["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert scores["confusion"]["SUPPORTS"] == {"SUPPORTS": 1, "REFUTES": 1, "NOT_ENOUGH_INFO": 0}

    q1, _, q3, _ = (o.record(data.qrels.get(o.query_id, {})) for o in outcomes)
    assert q1["id"] == "q1" and q1["gold"] == "SUPPORTS" and q1["suggested"] == "SUPPORTS"
    expected = suggest(outcomes[0].report.evidence)  # whatever the rule, the record carries its answer
    assert expected is not None and q1["confidence"] == pytest.approx(expected.confidence)
    assert q1["suggestion_evidence"] == list(expected.evidence) and "d1#0" in expected.evidence
    (shown,) = q1["evidence"]
    assert shown["passage_id"] == "d1#0" and shown["relevance"] == pytest.approx(0.9) and shown["gold_doc"] is True
    assert shown["stance"] == {"SUPPORTS": 0.9, "REFUTES": 0.05, "NOT_ENOUGH_INFO": 0.05}
    assert sorted(w["doc_id"] for w in q1["weaker_matches"]) == ["d2", "d3"]
    assert all(w["relevance"] == pytest.approx(0.1) and w["gold_doc"] is False and set(w["stance"]) ==
               {"SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"} for w in q1["weaker_matches"])
    assert q3["suggested"] == "NOT_ENOUGH_INFO" and q3["confidence"] is None and q3["no_relevant_evidence"]
    assert q3["evidence"] == [] and len(q3["weaker_matches"]) == 3
    json.dumps(q1)  # a JSONL line
