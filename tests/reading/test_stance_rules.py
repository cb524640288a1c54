"""The stance combiner: the reader's stance logits beside the rule checks."""

import numpy as np
import pytest

from checker.errors import ModelError
from checker.reading.stance_rules import FEATURES, Combiner, features, rule_features
from checker.training.stance_combiner import cv_combiner, fit_combiner


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


@pytest.mark.parametrize("entry", [{}, {"features": ["x"], "weight": [], "bias": []},
                                   {"features": list(FEATURES), "weight": [[0.0]], "bias": [0, 0, 0]}])
def test_a_damaged_combiner_is_a_clear_error(entry: dict) -> None:
    with pytest.raises(ModelError, match="combiner damaged"):
        Combiner(entry)
