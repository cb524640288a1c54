"""Fitting the stance combiner (`checker/reading/stance_rules.py`) on out-of-fold reader logits.

`train reader --cv --cv-out FILE` writes each stance row's logits from a reader that never saw
that row. The combiner is a multinomial logistic regression (scikit-learn, balanced class
weights, fixed C) over those logits and the rule features:
- `cv_combiner` measures it by the same grouped folds: for each fold, fitted on the other
  folds' rows, it predicts that fold's (the logits themselves are out-of-fold already);
- `fit_combiner` fits it on every row, for `train reader --combiner-from FILE` to ship.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from checker.errors import InputError
from checker.reading.model import LABELS
from checker.reading.stance_rules import FEATURES, features

C = 1.0


def load_oof(oof: Path, stance_rows: Sequence[Any], variant: str = "synthetic") -> tuple[np.ndarray, np.ndarray,
                                                                                       np.ndarray]:
    """(features, gold label index, fold) of every stance row, from a `--cv-out` file."""
    by_row: dict[int, dict[str, Any]] = {}
    with Path(oof).open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec.get("variant") == variant:
                by_row[int(rec["row"])] = rec
    if len(by_row) != len(stance_rows):
        raise InputError(f"{oof}: {len(by_row)} out-of-fold rows of variant {variant!r}, expected "
                         f"{len(stance_rows)} (one per stance row)")
    return oof_arrays(stance_rows, [by_row[i] for i in range(len(stance_rows))])


def oof_arrays(stance_rows: Sequence[Any], recs: Sequence[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray,
                                                                                   np.ndarray]:
    """(features, gold label index, fold) from out-of-fold records in stance-row order."""
    x = features([e.claim for e in stance_rows], [e.passage for e in stance_rows],
                 np.array([r["logits"] for r in recs], dtype=np.float64))
    y = np.array([LABELS.index(r["label"]) for r in recs])
    return x, y, np.array([int(r["fold"]) for r in recs])


def _model() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight="balanced", max_iter=2000)


def fit_combiner(x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """The combiner's weights as plain JSON numbers."""
    model = _model().fit(x, y)
    if list(model.classes_) != [0, 1, 2]:
        raise InputError("the stance rows lack a label: the combiner needs all three")
    return {"features": list(FEATURES), "weight": np.round(model.coef_, 6).tolist(),
            "bias": np.round(model.intercept_, 6).tolist(), "C": C, "rows": len(y)}


def cv_combiner(x: np.ndarray, y: np.ndarray, folds: np.ndarray, columns: Sequence[int] | None = None) -> list[str]:
    """Each row's combiner prediction from a fit on the other folds (only `columns` of x, if given)."""
    cols = list(columns) if columns is not None else list(range(x.shape[1]))
    predicted = [""] * len(y)
    for fold in sorted(set(folds.tolist())):
        test = folds == fold
        model = _model().fit(x[~test][:, cols], y[~test])
        for i, k in zip(np.flatnonzero(test), model.predict(x[test][:, cols]), strict=True):
            predicted[int(i)] = LABELS[int(k)]
    return predicted


def attach_combiner(folder: Path, oof: Path, stance_path: Path, *, variant: str = "synthetic") -> dict[str, Any]:
    """Fit the combiner on every row's out-of-fold logits in `oof` and store it in
    `folder/reader.json`; returns the stored entry."""
    from checker.training.reader import stance_examples

    rows = stance_examples(stance_path)
    x, y, _ = load_oof(oof, rows, variant)
    entry = fit_combiner(x, y) | {"fitted_on": f"out-of-fold logits of {Path(oof).name} ({variant})"}
    path = Path(folder) / "reader.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["combiner"] = entry
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return entry
