"""Stance metrics and `eval stance`, on tiny hand-made data with a known answer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from checker.evaluate.metrics import stance_scores
from tests.conftest import ROOT

ROWS = [  # the rules read: number agrees -> SUPPORTS, number differs -> REFUTES, nothing -> NOT_ENOUGH_INFO
    ("Russia massed 100,000 troops near Ukraine.", "Russia massed 100,000 troops near Ukraine, officials said.",
     "SUPPORTS"),
    ("Russia massed 100,000 troops near Ukraine.", "Russia massed 30,000 troops near Ukraine, officials said.",
     "REFUTES"),
    ("The cup final ended two to one.", "Fans celebrated in the streets.", "NOT_ENOUGH_INFO"),
    ("Russia massed 100,000 troops near Ukraine.", "Russia massed 100,000 troops near Ukraine.", "REFUTES"),
]


def test_stance_scores_known_answer() -> None:
    """Predicted S, R, N, S against gold S, R, N, R: accuracy 3/4, two F1s of 2/3 and one of 1."""
    r = stance_scores(["SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO", "SUPPORTS"],
                      ["SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO", "REFUTES"])
    assert r["n"] == 4 and r["accuracy"] == 0.75
    assert abs(r["macro_f1"] - (2 / 3 + 2 / 3 + 1) / 3) < 1e-9
    assert r["per_class"]["SUPPORTS"] == {"precision": 0.5, "recall": 1.0, "f1": 2 / 3}
    assert r["confusion"]["REFUTES"]["SUPPORTS"] == 1


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "claim": c, "evidence": e, "label": lab, "group": str(i)})
                            + "\n" for i, (c, e, lab) in enumerate(ROWS)), encoding="utf-8")
    return path


def test_eval_stance_rules_json(tmp_path: Path) -> None:
    """`eval stance --rules --json` ends with the documented object, with the known answer."""
    out = subprocess.run([sys.executable, "-m", "checker", "eval", "stance", "--data", str(_write(tmp_path)),
                          "--rules", "--json"], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert set(result) == {"n", "accuracy", "macro_f1", "per_class"}
    assert result["n"] == 4 and result["accuracy"] == 0.75
    assert result["per_class"]["NOT_ENOUGH_INFO"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


@pytest.mark.model
def test_eval_stance_with_the_reader(tmp_path: Path) -> None:
    """`eval stance` (reader) reports exactly the metrics of the reader's own labels on these
    rows, in their order, against their gold labels; and whatever the weights, the two rows
    whose passage restates the claim are not REFUTES, so the deliberately wrong gold of the
    last row (REFUTES) is missed and accuracy is at most 3/4."""
    from checker.reading.model import get_reader

    out = subprocess.run([sys.executable, "-m", "checker", "eval", "stance", "--data", str(_write(tmp_path)),
                          "--json"], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    scores = get_reader().score([c for c, _, _ in ROWS], [e for _, e, _ in ROWS])
    labels = [scores.label(i) for i in range(len(ROWS))]
    assert labels[0] != "REFUTES" and labels[3] != "REFUTES"
    expected = stance_scores(labels, [gold for _, _, gold in ROWS])
    assert result["n"] == 4 and result["accuracy"] == pytest.approx(expected["accuracy"], abs=1e-6)
    assert result["accuracy"] <= 0.75
    assert result["macro_f1"] == pytest.approx(expected["macro_f1"], abs=1e-6)
    assert result["per_class"] == {lab: pytest.approx(m, abs=1e-6) for lab, m in expected["per_class"].items()}


def test_bad_stance_label_is_one_error_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"claim": "a", "evidence": "b", "label": "MAYBE"}) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "checker", "eval", "stance", "--data", str(path)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and done.stderr.startswith("error:") and "Traceback" not in done.stderr
