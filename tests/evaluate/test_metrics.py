"""Metric code pinned against values worked out by hand, and the eval commands on tiny data."""

import json
import math
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.evaluate.data import load_beir
from checker.evaluate.metrics import (
    ap_at,
    average_precision,
    best_f1_threshold,
    classification_scores,
    ndcg_at,
    recall_at,
    retrieval_scores,
    rr_at,
)

QRELS = {"q1": {"d1": 1, "d3": 1}, "q2": {"d2": 2, "d4": 1}, "q3": {"d9": 1}, "q4": {"d1": 0}}
RUN = {"q1": {"d1": 0.9, "d2": 0.8, "d3": 0.7}, "q2": {"d4": 0.9, "d1": 0.5, "d2": 0.4}}


def test_per_query_metrics_by_hand() -> None:
    """q1 ranks d1, d2, d3 with d1 and d3 relevant; q2 ranks d4 (gain 1), d1, d2 (gain 2)."""
    q1 = ["d1", "d2", "d3"]
    assert ndcg_at(q1, QRELS["q1"], 10) == pytest.approx((1 + 1 / 2) / (1 + 1 / math.log2(3)))
    assert ap_at(q1, QRELS["q1"], 5) == pytest.approx((1 + 2 / 3) / 2)
    assert ap_at(q1, QRELS["q1"], 2) == pytest.approx(0.5)  # divides by all relevant, as trec_eval
    assert rr_at(["d2", "d3"], QRELS["q1"], 10) == pytest.approx(0.5)
    assert rr_at(["d2", "d3"], QRELS["q1"], 1) == 0.0
    assert recall_at(q1, QRELS["q1"], 2) == 0.5
    q2 = ["d4", "d1", "d2"]
    assert ndcg_at(q2, QRELS["q2"], 10) == pytest.approx((1 + 2 / 2) / (2 + 1 / math.log2(3)))
    assert ndcg_at([], QRELS["q2"], 10) == 0.0


def test_means_over_judged_queries() -> None:
    """q3 (relevant but not retrieved) counts as zero; q4 (nothing relevant) is left out."""
    scores = retrieval_scores(RUN, QRELS)
    assert scores["queries"] == 3
    assert scores["map@5"] == pytest.approx(((1 + 2 / 3) / 2 + (1 + 2 / 3) / 2 + 0) / 3)
    assert scores["mrr@10"] == pytest.approx(2 / 3)
    assert scores["recall@100"] == pytest.approx(2 / 3)


def test_ties_are_broken_by_document_id() -> None:
    assert retrieval_scores({"q": {"b": 1.0, "a": 1.0}}, {"q": {"a": 1}})["mrr@10"] == 1.0


def test_checkworthiness_metrics_by_hand() -> None:
    """Scores .9 .8 .4 .3 with labels 1 0 1 0 at threshold .5: P 1/2, R 1/2, AP (1 + 2/3)/2."""
    scores, labels = [0.9, 0.8, 0.4, 0.3], [1, 0, 1, 0]
    out = classification_scores(scores, labels, 0.5, groups=["a", "a", "b", "b"])
    assert out["precision"] == 0.5 and out["recall"] == 0.5 and out["f1"] == 0.5
    assert out["ap"] == pytest.approx((1 + 2 / 3) / 2)
    assert out["map"] == pytest.approx((1.0 + 1.0) / 2)  # each group's positive ranks first
    assert math.isnan(classification_scores(scores, labels, 0.5)["map"])
    assert average_precision([0, 0]) == 0.0


def test_best_f1_threshold_by_hand() -> None:
    """Scores .9 .8 .4 .3, labels 1 0 1 0: above .8 F1 is 2/3 (P 1, R 1/2); from .41 to .8 it
    is 1/2; from .31 to .4 it is 4/5 (P 2/3, R 1), the best, so the lowest such step, 0.31."""
    threshold, f1 = best_f1_threshold([0.9, 0.8, 0.4, 0.3], [1, 0, 1, 0])
    assert threshold == 0.31 and f1 == pytest.approx(0.8)
    assert best_f1_threshold([0.2, 0.1], [0, 0]) == (0.05, 0.0)  # no positive: F1 0 everywhere, the first step


def _beir(folder: Path) -> Path:
    folder.mkdir()
    docs = [("t1", "Troops", "Russia massed 100,000 troops near the Ukrainian border."),
            ("g1", "Talks", "Blinken and Lavrov met in Geneva without a breakthrough."),
            ("f1", "Football", "The cup final ended two to one after extra time.")]
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps({"_id": i, "title": t, "text": x})
                                                   for i, t, x in docs))
    (folder / "queries.jsonl").write_text(
        "\n".join(json.dumps({"_id": q, "text": t}) for q, t in
                  [("1", "How many troops did Russia mass at the border?"), ("2", "Geneva talks result"),
                   ("3", "unjudged query")]))
    (folder / "qrels").mkdir()
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n1\tt1\t1\n2\tg1\t1\n")
    return folder


def test_load_beir_and_its_errors(tmp_path: Path) -> None:
    data = load_beir(_beir(tmp_path / "b"), "test")
    assert set(data.queries) == {"1", "2"} and data.qrels["1"] == {"t1": 1}
    with pytest.raises(InputError, match="missing"):
        load_beir(tmp_path / "b", "dev")
    (tmp_path / "b" / "qrels" / "bad.tsv").write_text("1\tt1\n")
    with pytest.raises(InputError, match="3 tab-separated"):
        load_beir(tmp_path / "b", "bad")


@pytest.mark.model
def test_eval_commands_end_with_json(tmp_path: Path) -> None:
    """Both eval commands run as documented and end with one JSON object with the named keys."""
    from tests.test_cli import run_cli

    folder = _beir(tmp_path / "b")
    out = run_cli("eval", "retrieval", "--data", str(folder), "--split", "test", "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr.decode()
    result = json.loads(out.stdout.decode().strip().splitlines()[-1])
    assert set(result) == {"ndcg@10", "map@5", "mrr@10", "recall@10", "recall@100", "queries", "seconds"}
    assert result["queries"] == 2 and result["mrr@10"] == 1.0
    assert list((tmp_path / "cache").iterdir()), "the benchmark index is cached"

    rows = tmp_path / "cw.jsonl"
    rows.write_text("\n".join(json.dumps(r) for r in [
        {"id": "1", "text": "Unemployment fell to 3.5% in 2019, the lowest in fifty years.", "label": 1, "group": "a"},
        {"id": "2", "text": "Thank you all very much.", "label": 0, "group": "a"},
        {"id": "3", "text": "We spent $2 billion on the wall last year.", "label": 1, "group": "b"},
        {"id": "4", "text": "What do you think?", "label": 0, "group": "b"}]))
    out = run_cli("eval", "checkworthiness", "--data", str(rows), "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr.decode()
    result = json.loads(out.stdout.decode().strip().splitlines()[-1])
    assert set(result) == {"precision", "recall", "f1", "ap", "map", "oracle_f1", "oracle_threshold", "rows",
                           "seconds"}
    assert result["rows"] == 4 and result["ap"] == 1.0 and result["map"] == 1.0
    assert result["oracle_f1"] == 1.0  # AP 1: some threshold separates the two labels
    from checker.claims.checkworthy import MODEL_DIR

    out = run_cli("eval", "checkworthiness", "--data", str(rows), "--weights", str(MODEL_DIR), "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr.decode()
    same = json.loads(out.stdout.decode().strip().splitlines()[-1])
    assert {k: v for k, v in same.items() if k != "seconds"} == {k: v for k, v in result.items() if k != "seconds"}
    out = run_cli("eval", "checkworthiness", "--data", str(rows), "--weights", str(tmp_path / "none"), home=tmp_path)
    assert out.returncode == 2 and b"config.json is missing" in out.stderr and b"Traceback" not in out.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "x", "label": 1}\nnot json\n')
    out = run_cli("eval", "checkworthiness", "--data", str(bad), home=tmp_path)
    assert out.returncode == 2 and b"bad.jsonl:2" in out.stderr
