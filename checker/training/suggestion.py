"""Fitting the suggestion rule (`checker/reading/suggest.py`) on claim-level labels.

The input is what `python -m checker eval verdicts --out FILE` wrote: for every labelled claim,
its gold label and what the reader said of each passage above the floor. A claim's support and
refutation are its best relevance x stance leans (passages published after the article never
count); the two thresholds are chosen on a grid to maximise macro-F1 over the three labels,
and measured by grouped k-fold cross-validation (each fold's thresholds fitted on the others).

Only claims the reader never trained on should be used: `--held-out-only` keeps the SciFact
claims of the reader's held-out stance fold (`reader_data.heldout_scifact_claims`).
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import InputError
from checker.evaluate.metrics import stance_scores
from checker.reading.suggest import Rule, leans

GRID = [i / 50 for i in range(1, 50)]


@dataclass(frozen=True)
class Item:
    claim: str
    gold: str
    support: float
    refutation: float


def load_items(path: Path) -> list[Item]:
    """One Item per line of an `eval verdicts --out` file."""
    items = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            pairs = [leans(float(e["relevance"]), {k: float(v or 0.0) for k, v in e["stance"].items()})
                     for e in row["evidence"] if e.get("relevance") is not None and not e.get("after_article")]
            items.append(Item(row["claim"], row["gold"], max((s for s, _ in pairs), default=0.0),
                              max((r for _, r in pairs), default=0.0)))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{path}:{n}: not an `eval verdicts --out` line ({exc})") from exc
    if not items:
        raise InputError(f"{path}: no claims")
    return items


def predict(rule: Rule, items: Sequence[Item]) -> list[str]:
    return [rule.decide(i.support, i.refutation) for i in items]


def fit_rule(items: Sequence[Item]) -> tuple[Rule, float]:
    """The grid thresholds with the best macro-F1 on `items` (the first of ties, lowest thresholds)."""
    gold = [i.gold for i in items]
    best = (Rule(), -1.0)
    for s in GRID:
        for r in GRID:
            rule = Rule(s, r)
            f1 = stance_scores(predict(rule, items), gold)["macro_f1"]
            if f1 > best[1] + 1e-12:
                best = (rule, f1)
    return best


def cross_validate_rule(items: Sequence[Item], groups: Sequence[str], *, k: int = 5, seed: int = 0) -> dict[str, Any]:
    """Pooled out-of-fold figures of the fitted rule, folds by group."""
    names = sorted(set(groups))
    random.Random(seed).shuffle(names)
    fold = {g: i % k for i, g in enumerate(names)}
    predicted = [""] * len(items)
    for f in range(k):
        train = [it for it, g in zip(items, groups, strict=True) if fold[g] != f]
        if not train:
            continue
        rule, _ = fit_rule(train)
        for i, g in enumerate(groups):
            if fold[g] == f:
                predicted[i] = rule.decide(items[i].support, items[i].refutation)
    return stance_scores(predicted, [i.gold for i in items])


def attach_rule(folder: Path, rule: Rule, entry: dict[str, Any]) -> dict[str, Any]:
    """Store the rule (and how it was fitted) in the reader's reader.json."""
    path = Path(folder) / "reader.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["suggestion"] = rule.to_dict() | entry
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta["suggestion"]
