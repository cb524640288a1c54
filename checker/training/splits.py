"""Clean train / dev / test splits of the check-worthiness data, across every dataset at once.

Per-dataset splits leaked: ClaimBuster and CheckThat! 2020 transcribe the same 2016 debates,
so a CheckThat! 2020 test debate sat in training as ClaimBuster's copy. Here:

1. Each debate (`group`) of ClaimBuster and CheckThat! 2020 is a unit; each CheckThat! 2021
   train tweet is a unit of its own; the CheckThat! 2021 dev file is one unit fixed to test.
2. Units are joined (union-find) when at least `LINK_SHARE` of the smaller one's distinctive
   sentences (`LINK_WORDS` words or more) are in the other, or when two datasets' debates are
   dated at most a day apart; a component goes to one side whole, so a debate and its other
   transcription stay together. A line a candidate repeats in every debate joins nothing:
   step 4 deals with it.
3. Components are shuffled by the seed and dealt out: CheckThat! 2020's first (20% of its
   debates to test, 10% to dev), then ClaimBuster's, then the tweets (15% to dev).
4. A short text that still occurs on two sides ("Thank you.") keeps only the rows of the side
   holding most of them (ties: test, then dev); the other rows are dropped and counted.

So the same normalised text never sits on two sides (`tests/claims/test_splits.py`).
"""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

SIDES = ("train", "dev", "test")
LINK_WORDS = 6  # a sentence this long is distinctive
LINK_SHARE = 0.2  # two units sharing this share of the smaller one's distinctive sentences are one transcript
MAX_SHARING = 20  # a sentence in more units than this is boilerplate and links nothing
SHARES = {"ct2020": (0.2, 0.1), "claimbuster": (0.2, 0.1), "ct2021": (0.0, 0.15)}
FIXED_TEST = "ct2021-dev"
_NON_WORD = re.compile(r"[^\w]+")
_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def normalise(text: str) -> str:
    """The text compared across datasets: NFKC, case-folded, punctuation and spacing removed."""
    return " ".join(_NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split())


@dataclass(frozen=True)
class Dataset:
    texts: Sequence[str]
    groups: Sequence[str | None]


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _unit(name: str, i: int, group: str | None) -> str:
    if name == FIXED_TEST:
        return f"{name}:*"
    if name == "ct2021" or group is None:
        return f"{name}:row{i}"
    return f"{name}:{group}"


def _group_date(group: str) -> date | None:
    m = _DATE.search(group)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def clean_splits(datasets: Mapping[str, Dataset], *, seed: int) -> tuple[dict[str, dict[str, list[int]]], dict]:
    """({dataset: {side: row indices}}, report of components and dropped rows)."""
    union = _Union()
    units_of: dict[str, list[str]] = {}
    by_text: dict[str, set[str]] = defaultdict(set)
    for name, ds in datasets.items():
        units_of[name] = [_unit(name, i, g) for i, g in enumerate(ds.groups)]
        for unit, text in zip(units_of[name], ds.texts, strict=True):
            union.find(unit)
            norm = normalise(text)
            if len(norm.split()) >= LINK_WORDS:
                by_text[norm].add(unit)
    distinct: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for units in by_text.values():
        distinct.update(units)
        if len(units) <= MAX_SHARING:
            ordered = sorted(units)
            pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    for (a, b), n in pairs.items():
        if n >= LINK_SHARE * min(distinct[a], distinct[b]):
            union.join(a, b)
    dated = sorted({(d, u) for name in ("claimbuster", "ct2020") for u in set(units_of.get(name, []))
                    if (d := _group_date(u.split(":", 1)[1])) is not None})
    for (d1, u1), (d2, u2) in itertools.pairwise(dated):
        if (d2 - d1).days <= 1 and u1.split(":", 1)[0] != u2.split(":", 1)[0]:
            union.join(u1, u2)

    members: dict[str, set[str]] = defaultdict(set)
    for unit_list in units_of.values():
        for u in unit_list:
            members[union.find(u)].add(u)
    side_of: dict[str, str] = {}
    for root, units in members.items():
        if any(u.startswith(f"{FIXED_TEST}:") for u in units):
            side_of[root] = "test"
    order = sorted(members)
    random.Random(seed).shuffle(order)
    for name, (test_share, dev_share) in SHARES.items():
        if name not in units_of:
            continue
        total = len(set(units_of[name]))
        want = {"test": round(total * test_share), "dev": max(1, round(total * dev_share))}
        have: Counter[str] = Counter()
        for root in order:
            if root in side_of:
                have[side_of[root]] += sum(1 for u in members[root] if u.startswith(f"{name}:"))
        for root in order:
            mine = sum(1 for u in members[root] if u.startswith(f"{name}:"))
            if root in side_of or not mine:
                continue
            side = next((s for s in ("test", "dev") if have[s] < want[s]), "train")
            side_of[root] = side
            have[side] += mine

    rows: dict[str, dict[str, list[int]]] = {name: {s: [] for s in SIDES} for name in datasets}
    sides_of_text: dict[str, Counter[str]] = defaultdict(Counter)
    for name, ds in datasets.items():
        for i, unit in enumerate(units_of[name]):
            side = side_of.get(union.find(unit), "train")
            rows[name][side].append(i)
            sides_of_text[normalise(ds.texts[i])][side] += 1
    rank = {"test": 2, "dev": 1, "train": 0}
    keep_side = {t: max(c, key=lambda s: (c[s], rank[s])) for t, c in sides_of_text.items() if len(c) > 1}
    dropped: Counter[str] = Counter()
    for name, ds in datasets.items():
        for side in SIDES:
            kept = [i for i in rows[name][side] if keep_side.get(normalise(ds.texts[i]), side) == side]
            dropped[f"{name}/{side}"] += len(rows[name][side]) - len(kept)
            rows[name][side] = kept
    joined = sum(1 for units in members.values() if len({u.split(":", 1)[0] for u in units}) > 1)
    report = {"components": len(members), "cross_dataset_components": joined,
              "dropped": {k: v for k, v in sorted(dropped.items()) if v},
              "rows": {name: {s: len(idx) for s, idx in sides.items()} for name, sides in rows.items()}}
    return rows, report


def shared_texts(parts: Mapping[str, Mapping[str, Sequence[str]]]) -> dict[tuple[str, str], int]:
    """How many normalised texts each pair of sides shares, over every dataset ({(side, side): n})."""
    seen: dict[str, set[str]] = {s: set() for s in SIDES}
    for sides in parts.values():
        for side, texts in sides.items():
            seen[side].update(normalise(t) for t in texts)
    return {(a, b): len(seen[a] & seen[b]) for a in SIDES for b in SIDES if a < b}
