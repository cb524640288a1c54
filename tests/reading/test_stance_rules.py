"""The stance combiner: the reader's stance logits beside the rule checks."""

import numpy as np
import pytest

from checker.errors import ModelError
from checker.reading.stance_rules import FEATURES, Combiner, features, rule_features
from checker.training.stance_combiner import cv_combiner, cv_offsets, fit_combiner, fit_rule_offsets


def test_rule_features_say_which_checks_agree_or_differ() -> None:
    row = dict(zip(FEATURES[3:], rule_features("Russia massed 100,000 troops.", "Russia massed 60,000 troops."),
                   strict=True))
    assert row["number_differs"] == 1.0 and row["number_agrees"] == 0.0
    same = dict(zip(FEATURES[3:], rule_features("Russia massed 100,000 troops.", "Russia massed 100,000 troops."),
                    strict=True))
    assert same["number_agrees"] == 1.0 and same["number_differs"] == 0.0
    x = features(["a claim"], ["a passage"], np.array([[1.0, 2.0, 3.0]]))
    assert x.shape == (1, len(FEATURES)) and list(x[0, :3]) == [1.0, 2.0, 3.0]


def test_fitted_combiner_gives_probabilities_and_learns_the_rules() -> None:
    """On rows where a differing number means REFUTES, the fit uses that feature; its
    probabilities lie in [0, 1] and sum to 1; the fold predictions cover every row."""
    rng = np.random.default_rng(0)
    n = 300
    y = rng.integers(0, 3, n)
    x = np.zeros((n, len(FEATURES)))
    x[:, :3] = rng.normal(size=(n, 3))
    x[:, FEATURES.index("number_differs")] = (y == 1)
    x[:, FEATURES.index("number_agrees")] = (y == 0)
    entry = fit_combiner(x, y)
    probs = Combiner(entry).probabilities(x)
    assert probs.shape == (n, 3) and np.all((probs >= 0) & (probs <= 1)) and np.allclose(probs.sum(axis=1), 1)
    assert (probs[y == 1].argmax(axis=1) == 1).mean() > 0.9
    predicted = cv_combiner(x, y, np.arange(n) % 5)
    assert len(predicted) == n and all(predicted)


def test_rule_offsets_keep_the_head_where_no_check_finds_a_difference() -> None:
    """The shipped kind: the logits pass through unchanged; only the 'differs' checks move them.
    A row with no difference keeps the head's label; a differing number, learned from rows where
    it means REFUTES, turns a SUPPORTS-leaning head into REFUTES."""
    rng = np.random.default_rng(1)
    n = 400
    y = rng.integers(0, 3, n)
    x = np.zeros((n, len(FEATURES)))
    x[:, :3] = np.eye(3)[y] * 1.5 + rng.normal(scale=1.0, size=(n, 3))
    differs = rng.random(n) < 0.3
    y[differs] = 1  # a differing number means REFUTES, whatever the head leaned to
    x[differs, FEATURES.index("number_differs")] = 1.0
    x[:, FEATURES.index("number_agrees")] = ~differs  # fires often, but is not a 'differs' check
    entry = fit_rule_offsets(x, y)
    weight = np.asarray(entry["weight"])
    assert np.allclose(weight[:, :3], np.eye(3)) and entry["bias"] == [0.0, 0.0, 0.0]
    unused = [i for i, name in enumerate(FEATURES) if i >= 3 and not name.endswith("_differs")]
    assert np.all(weight[:, unused] == 0)
    combiner = Combiner(entry)
    plain = x[~differs]
    assert (combiner.probabilities(plain).argmax(axis=1) == plain[:, :3].argmax(axis=1)).all()
    leaning = np.zeros((1, len(FEATURES)))
    leaning[0, :3] = [1.0, 0.0, 0.0]
    leaning[0, FEATURES.index("number_differs")] = 1.0
    assert combiner.probabilities(leaning).argmax() == 1
    assert len(cv_offsets(x, y, np.arange(n) % 5)) == n


@pytest.mark.parametrize("entry", [{}, {"features": ["x"], "weight": [], "bias": []},
                                   {"features": list(FEATURES), "weight": [[0.0]], "bias": [0, 0, 0]}])
def test_a_damaged_combiner_is_a_clear_error(entry: dict) -> None:
    with pytest.raises(ModelError, match="combiner damaged"):
        Combiner(entry)
