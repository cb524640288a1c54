"""Fitting the stance combiner (`checker/reading/stance_rules.py`) on reader logits of pairs
the reader never saw.

The combiner is a multinomial logistic regression (scikit-learn, balanced class weights, fixed
C) over a reader's stance logits and the rule features. Two sources of unseen pairs:
- `train reader --cv --cv-out FILE` writes each stance row's logits from a reader that never saw
  that row (out-of-fold); `train reader --combiner-from FILE` fits on them;
- `train combiner` (`fit_on_held_side`) generates synthetic pairs (`checker.training.synthetic`)
  from held-out-side FNC-1 bodies: fold 0 bodies that share no headline with a pair of the news
  dev sample or of the calibration pairs, so neither the reader's training nor any evaluation
  has read them; the shipped reader scores them and the combiner is fitted on its logits.
`cv_combiner` measures it by grouped folds: for each fold, fitted on the other folds' rows, it
predicts that fold's; `fit_combiner` fits it on every row, to ship.
"""

from __future__ import annotations

import json
import random
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


DIFFERS = tuple(i - 3 for i, name in enumerate(FEATURES) if name.endswith("_differs"))


def fit_rule_offsets(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0,
                     rules_used: Sequence[int] = DIFFERS) -> dict[str, Any]:
    """The combiner with the reader's logits kept as they are: softmax(logits + R @ V.T), only the
    rule block V fitted (L2 `l2`, no bias) and only on `rules_used` (default: the checks that find
    a difference), so a pair no check finds a difference in keeps the head's reading. Stored in the
    same shape as `fit_combiner`'s: identity on the logits, zeros on the rules not used."""
    from scipy.optimize import minimize

    logits = x[:, :3]
    used = list(rules_used)
    rules = x[:, 3:][:, used]
    k = rules.shape[1]
    counts = np.bincount(y, minlength=3).astype(np.float64)
    weight_of = (len(y) / (3 * np.maximum(counts, 1)))[y]  # balanced, as fit_combiner's
    onehot = np.eye(3)[y]

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        v = flat.reshape(3, k)
        z = logits + rules @ v.T
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        nll = -(weight_of * np.log(np.clip((p * onehot).sum(axis=1), 1e-12, None))).sum()
        grad = ((p - onehot) * weight_of[:, None]).T @ rules
        return float(nll + 0.5 * l2 * (v ** 2).sum()), (grad + l2 * v).ravel()

    res = minimize(loss, np.zeros(3 * k), jac=True, method="L-BFGS-B")
    v = np.zeros((3, x.shape[1] - 3))
    v[:, used] = res.x.reshape(3, k)
    weight = np.hstack([np.eye(3), v])
    return {"features": list(FEATURES), "weight": np.round(weight, 6).tolist(), "bias": [0.0, 0.0, 0.0],
            "kind": "rule offsets on the reader's logits",
            "rules_used": [FEATURES[3 + i] for i in used], "l2": l2, "rows": len(y)}


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


def cv_offsets(x: np.ndarray, y: np.ndarray, folds: np.ndarray) -> list[str]:
    """`cv_combiner` for `fit_rule_offsets`."""
    predicted = [""] * len(y)
    for fold in sorted(set(folds.tolist())):
        test = folds == fold
        entry = fit_rule_offsets(x[~test], y[~test])
        z = x[test] @ np.asarray(entry["weight"]).T
        for i, k in zip(np.flatnonzero(test), z.argmax(axis=1), strict=True):
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


def held_side_seeds(stance_dir: Path, *, seed: int, beir_scifact: Path | None = None,
                    scifact_abstracts: int = 400) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Documents neither the reader's training nor any evaluation reads: FNC-1 bodies of the held-out
    fold not in the news dev sample or the calibration pairs and sharing no headline with one of
    them; and (with `beir_scifact`) a seeded sample of SciFact abstracts that no stance row and no
    qrels file names. Returns (id, text) seeds and counts."""
    from checker.training.reader_data import CALIBRATION, HELD_OUT, dev_sample, news_pairs, read_jsonl, sample
    from checker.training.splits import normalise

    pairs = news_pairs(stance_dir, "fnc1", seed=seed, embedder=None)
    dev = [p for p, f in pairs if f == HELD_OUT]
    evaluated = dev_sample(dev, seed=seed)
    shown = {id(p) for p in evaluated}
    evaluated += sample([p for p in dev if id(p) not in shown], CALIBRATION, seed=seed)
    claims = {normalise(p.claim) for p in evaluated}
    used_docs = {p.doc for p in evaluated}
    held_docs = {p.doc for p in dev if p.fine != "unrelated"}
    touching = {p.doc for p in dev if p.fine != "unrelated" and normalise(p.claim) in claims}
    free = held_docs - used_docs - touching
    bodies = {str(b["body_id"]): b["text"] for b in read_jsonl(stance_dir / "fnc1-bodies-train.jsonl")}
    seeds = [(f"fnc1:{d}", bodies[d]) for d in sorted(free) if d in bodies]
    counts = {"fnc1_held_out_bodies": len(held_docs), "fnc1_evaluated_bodies": len(used_docs),
              "fnc1_sharing_a_headline_with_them": len(touching - used_docs), "fnc1_seeds": len(seeds)}
    if beir_scifact is not None and (beir_scifact / "corpus.jsonl").is_file():
        # abstracts no labelled pair names: not a stance row's, not in any qrels file
        named = {str(r["group"]) for r in read_jsonl(stance_dir / "scifact-train.jsonl")}
        for qrels in sorted((beir_scifact / "qrels").glob("*.tsv")):
            with qrels.open(encoding="utf-8") as fh:
                named |= {line.split("\t")[1] for line in fh if line.count("\t") >= 2}
        abstracts = [(str(r["_id"]), r.get("text", "")) for r in read_jsonl(beir_scifact / "corpus.jsonl")
                     if str(r["_id"]) not in named]
        chosen = random.Random(seed).sample(abstracts, min(scifact_abstracts, len(abstracts)))
        seeds += [(f"scifact:{d}", text) for d, text in sorted(chosen)]
        counts |= {"scifact_unlabelled_abstracts": len(abstracts), "scifact_seeds": len(chosen)}
    return seeds, counts


def fit_on_held_side(folder: Path, stance_dir: Path, *, seed: int, per_label: int, store: bool,
                     beir_scifact: Path | None = None, offsets: bool = True, log: Any = None) -> dict[str, Any]:
    """Fit the combiner on the reader of `folder`'s logits of synthetic held-out-side pairs; with
    `store`, write it to `folder/reader.json`. Returns the entry with its grouped 5-fold CV."""
    from checker.evaluate.metrics import stance_scores
    from checker.reading.model import Reader
    from checker.training.reader_data import FOLDS
    from checker.training.synthetic import synthetic_pairs

    seeds, counts = held_side_seeds(stance_dir, seed=seed, beir_scifact=beir_scifact)
    pairs = synthetic_pairs(seeds, per_label=per_label, seed=seed)
    if not pairs:
        raise InputError(f"{stance_dir}: no held-out-side FNC-1 body to seed synthetic pairs from")
    if log:
        log(f"combiner: {len(pairs)} synthetic pairs from {len(seeds)} unread documents ({counts})")
    reader = Reader(Path(folder))
    claims, passages = [p.claim for p in pairs], [p.evidence for p in pairs]
    _, logits = reader.logits(claims, passages)
    x = features(claims, passages, logits.astype(np.float64))
    y = np.array([LABELS.index(p.label) for p in pairs])
    docs = sorted({p.group for p in pairs})
    fold_of = {d: i % FOLDS for i, d in enumerate(docs)}
    folds = np.array([fold_of[p.group] for p in pairs])
    gold = [p.label for p in pairs]
    cv = stance_scores((cv_offsets if offsets else cv_combiner)(x, y, folds), gold)
    head = stance_scores([LABELS[int(i)] for i in logits.argmax(axis=1)], gold)
    entry = (fit_rule_offsets(x, y) if offsets else fit_combiner(x, y)) | {
        "fitted_on": f"the reader's logits of {len(pairs)} synthetic pairs (train combiner --seed {seed} "
                     f"--synthetic {per_label}) seeded from documents neither training nor any evaluation reads",
        "seed_documents": counts,
        "by_edit": {k: sum(p.edit == k for p in pairs) for k in sorted({p.edit for p in pairs})},
        "cv": {"macro_f1": round(cv["macro_f1"], 4), "refutes_f1": round(cv["per_class"]["REFUTES"]["f1"], 4),
               "accuracy": round(cv["accuracy"], 4)},
        "stance_head_alone": {"macro_f1": round(head["macro_f1"], 4),
                              "refutes_f1": round(head["per_class"]["REFUTES"]["f1"], 4),
                              "accuracy": round(head["accuracy"], 4)},
    }
    if store:
        path = Path(folder) / "reader.json"
        meta = json.loads(path.read_text(encoding="utf-8"))
        meta["combiner"] = entry
        path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return entry
