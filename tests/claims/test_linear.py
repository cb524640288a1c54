"""The NumPy logistic regression: it learns a separable rule, is deterministic, and round-trips."""

from pathlib import Path

import numpy as np

from checker.claims.linear import LogisticModel, fit_logistic


def test_learns_and_round_trips(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    y = (x[:, 0] - 2 * x[:, 1] > 0).astype(int)
    model = fit_logistic(x, y, l2=0.1, names=("a", "b", "c"))
    accuracy = ((model.predict(x) > 0.5) == y).mean()
    assert accuracy > 0.97
    assert model.coef[0] > 0 > model.coef[1] and abs(model.coef[2]) < abs(model.coef[0])
    again = fit_logistic(x, y, l2=0.1, names=("a", "b", "c"))
    assert np.array_equal(model.coef, again.coef)
    model.save(tmp_path / "m.json")
    loaded = LogisticModel.load(tmp_path / "m.json")
    assert np.allclose(loaded.predict(x), model.predict(x)) and loaded.names == ("a", "b", "c")


def test_constant_feature_does_not_break() -> None:
    x = np.column_stack([np.arange(10.0), np.ones(10)])
    y = (np.arange(10) >= 5).astype(int)
    assert np.isfinite(fit_logistic(x, y).coef).all()
