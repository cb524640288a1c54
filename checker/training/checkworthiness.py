"""Training the check-worthiness scorer on the public data, held out by group.

Splits are by whole debates (the `group` field), never by sentence, made across every dataset
at once and deterministic for a seed (`checker.training.splits`): ClaimBuster crowdsourced and
CheckThat! 2020 Task 5 each lose a test share of their debates (reported, never tuned on) and a
dev share (used to choose the penalty, calibrate and pick the threshold), with a debate and its
other dataset's transcription on one side; CheckThat! 2021 1A has no debates, so a seeded share
of its train tweets is dev and its separate dev file is the test. No normalised text is on two
sides.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from checker.claims.checkworthy import CheckworthinessModel, features_matrix, platt
from checker.claims.features import FEATURE_NAMES
from checker.claims.linear import fit_logistic
from checker.errors import InputError
from checker.evaluate.data import load_checkworthiness
from checker.evaluate.metrics import best_f1_threshold, classification_scores
from checker.text.embcache import cached_embeddings
from checker.text.embed import Embedder

FILES = {
    "claimbuster": "claimbuster-crowdsourced.jsonl",
    "ct2020": "checkthat2020-5-train.jsonl",
    "ct2021": "checkthat2021-1a-train.jsonl",
    "ct2021-dev": "checkthat2021-1a-dev.jsonl",
}
TEST_SHARE, DEV_SHARE = 0.2, 0.1


@dataclass
class Part:
    texts: list[str]
    labels: np.ndarray
    groups: list[str | None]
    x: np.ndarray


def _subset(part: Part, idx: list[int]) -> Part:
    return Part([part.texts[i] for i in idx], part.labels[idx], [part.groups[i] for i in idx], part.x[idx])


def clean_sides(data: Path, *, seed: int) -> tuple[dict[str, tuple[list[str], list[int], list[str | None]]],
                                                    dict[str, dict[str, list[int]]], dict]:
    """Every dataset's rows and its train/dev/test row indices, split across datasets at once
    (`checker.training.splits`): the CheckThat! 2021 dev file is the tweets' test part."""
    from checker.training.splits import Dataset, clean_splits

    rows = {name: load_checkworthiness(Path(data) / filename) for name, filename in FILES.items()}
    sides, report = clean_splits({name: Dataset(t, g) for name, (t, _, g) in rows.items()}, seed=seed)
    tweets = sides.pop("ct2021-dev")
    sides["ct2021"]["test"] = []  # train-file tweets joined to the dev file are dropped, not mixed in
    for name, idx in sides.items():
        labels = [rows[name][1][i] for i in idx["dev"]]
        if not idx["train"] or len(set(labels)) < 2:
            raise InputError(f"{FILES[name]}: too few rows or groups to hold out a dev part with both labels")
    sides["ct2021-dev"] = {"train": [], "dev": [], "test": tweets["test"]}
    return rows, sides, report


def load_parts(data: Path, *, embedder: Embedder, cache: Path, seed: int,
               progress: Callable[[str], None] | None = None) -> dict[str, dict[str, Part]]:
    """{dataset: {train|dev|test: Part}} with embeddings and features as `x`."""
    rows, sides, _ = clean_sides(data, seed=seed)
    parts: dict[str, dict[str, Part]] = {}
    for name, filename in FILES.items():
        if progress:
            progress(f"embedding {filename}")
        texts, labels, groups = rows[name]
        vectors = cached_embeddings(texts, embedder=embedder, cache=cache, name=filename.split(".")[0])
        whole = Part(texts, np.asarray(labels), groups, np.hstack([vectors, features_matrix(texts)]))
        if name == "ct2021-dev":
            parts["ct2021"]["test"] = _subset(whole, sides[name]["test"])
            continue
        parts[name] = {side: _subset(whole, idx) for side, idx in sides[name].items()}
    return parts


def measure(model: CheckworthinessModel, parts: dict[str, dict[str, Part]], side: str) -> dict[str, dict]:
    """P/R/F1 at the model's threshold, AP, and per-group MAP, for each dataset's `side`."""
    out = {}
    for name, sides in parts.items():
        part = sides.get(side)
        if part is None or not len(part.labels):
            continue
        a, b = model.calibration
        probs = 1.0 / (1.0 + np.exp(-np.clip(a * model.linear.decision(part.x) + b, -40, 40)))
        out[name] = classification_scores(probs.tolist(), part.labels.tolist(), model.threshold,
                                          part.groups if name != "ct2021" else None)
    return out


def _fit(parts: dict[str, dict[str, Part]], *, l2: float, weights: dict[str, float]) -> Any:
    xs, ys, ws = [], [], []
    for name, sides in parts.items():
        tr = sides["train"]
        xs.append(tr.x)
        ys.append(tr.labels)
        ws.append(np.full(len(tr.labels), weights.get(name, 1.0)))
    return fit_logistic(np.vstack(xs), np.concatenate(ys), l2=l2, sample_weight=np.concatenate(ws))


def _dev_objective(linear: Any, parts: dict[str, dict[str, Part]]) -> float:
    """Mean of ClaimBuster dev AP, CheckThat! 2020 dev MAP and CheckThat! 2021 dev AP."""
    values = []
    for name, key in (("claimbuster", "ap"), ("ct2020", "map"), ("ct2021", "ap")):
        dev = parts[name]["dev"]
        s = classification_scores(linear.decision(dev.x).tolist(), dev.labels.tolist(), 0.0,
                                  dev.groups if name != "ct2021" else None)
        values.append(s[key])
    return float(np.mean(values))


def train_checkworthiness(data: Path, *, embedder: Embedder, cache: Path, seed: int = 0,
                          log: Callable[[str], None] = print) -> tuple[CheckworthinessModel, dict]:
    """Fit, tune on dev, calibrate, choose the threshold; report dev and held-out test figures."""
    started = time.perf_counter()
    parts = load_parts(data, embedder=embedder, cache=cache, seed=seed, progress=log)
    names = tuple(f"emb{i}" for i in range(embedder.dim)) + tuple(f"feature:{n}" for n in FEATURE_NAMES)
    trials = []
    for l2 in (1.0, 10.0, 100.0):
        for ct2020_weight in (0.5, 2.0):
            weights = {"claimbuster": 1.0, "ct2020": ct2020_weight, "ct2021": 3.0}
            linear = _fit(parts, l2=l2, weights=weights)
            score = _dev_objective(linear, parts)
            log(f"l2={l2} ct2020 weight={ct2020_weight}: dev objective {score:.4f}")
            trials.append((score, l2, ct2020_weight, linear))
    best_score, l2, ct_w, linear = max(trials, key=lambda t: t[0])
    linear = type(linear)(linear.mean, linear.scale, linear.coef, linear.intercept, names)
    dev = parts["claimbuster"]["dev"]
    calibration = platt(linear.decision(dev.x), dev.labels)
    model = CheckworthinessModel(embedder.name, embedder.dim, linear, calibration)
    probs = 1.0 / (1.0 + np.exp(-(calibration[0] * linear.decision(dev.x) + calibration[1])))
    threshold, _ = best_f1_threshold(probs.tolist(), dev.labels.tolist())
    model = CheckworthinessModel(embedder.name, embedder.dim, linear, calibration, threshold)
    report: dict[str, Any] = {"l2": l2, "ct2020_weight": ct_w, "dev_objective": best_score, "threshold": threshold,
              "dev": measure(model, parts, "dev"), "test": measure(model, parts, "test"),
              "seconds": time.perf_counter() - started, "seed": seed}
    meta = {"trained_on": list(FILES.values()), "seed": seed, "l2": l2, "ct2020_weight": ct_w,
            "split": "by group; test share 0.2, dev share 0.1 (CheckThat! 2021: 15% of train rows as dev)",
            "held_out": {k: {m: (None if np.isnan(v) else round(float(v), 4)) for m, v in d.items()
                             if m in ("precision", "recall", "f1", "ap", "map")}
                         for k, d in report["test"].items()}}
    return CheckworthinessModel(embedder.name, embedder.dim, linear, calibration, threshold, meta), report

