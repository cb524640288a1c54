"""Scoring `checker.compare` on labelled claim–evidence pairs (tests/data/compare_pairs.jsonl):
a flag is right only when it points at the labelled spans.

Each pair lists the flags a careful reviewer would raise ("expected"), each with its kind,
status and spans: `claim_start`/`claim_end` in the claim and, for a difference,
`evidence_start`/`evidence_end` in the evidence (None for a name the evidence lacks or an
unresolved date), the names `Check.to_dict` gives them. `evidence_alternatives` lists other
evidence spans that are as good (a passage with two figures that both contradict the claim).

A flag the code raises (`Check.is_flag`, of a kind the pair was labelled for) points at an
expected flag when the kind and status are the same, its claim span overlaps the expected one,
and, where the expected flag has an evidence span, its evidence span overlaps that span or an
alternative. Spans need only overlap, not coincide: "100,000 forces" and "100,000" point at
the same figure. Flags and expected flags are paired one to one (a maximum matching), so a
"differs" on the wrong figure is a false positive and leaves the right one a false negative;
`misplaced` counts those, the flags that counting per kind would have taken for hits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from checker.compare import Check, compare

FLAGS = (("number", "differs"), ("date", "differs"), ("date", "missing"), ("name", "missing"),
         ("negation", "differs"))
KINDS = ("number", "date", "name", "negation")

Span = tuple[int, int]


def overlaps(a: Span, b: Span) -> bool:
    """Whether two [start, end) spans share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def evidence_spans(want: dict[str, Any]) -> list[Span]:
    """The evidence spans an expected flag accepts (none when it has no evidence span)."""
    if want.get("evidence_start") is None:
        return []
    spans = [(want["evidence_start"], want["evidence_end"])]
    return spans + [(a["evidence_start"], a["evidence_end"]) for a in want.get("evidence_alternatives", ())]


def points_at(check: Check, want: dict[str, Any]) -> bool:
    """Whether `check` is the flag `want` describes: same kind and status, overlapping spans."""
    if (check.kind, check.status) != (want["kind"], want["status"]):
        return False
    if not overlaps(check.claim_span, (want["claim_start"], want["claim_end"])):
        return False
    spans = evidence_spans(want)
    if not spans:
        return True
    return check.evidence_span is not None and any(overlaps(check.evidence_span, s) for s in spans)


def match(found: Sequence[Check], wanted: Sequence[dict[str, Any]]) -> list[tuple[int, int]]:
    """A largest one-to-one pairing of found flags with expected flags they point at, as
    (found index, wanted index) pairs (augmenting paths; a pair has a handful of flags)."""
    owner: dict[int, int] = {}  # wanted index -> found index

    def assign(i: int, seen: set[int]) -> bool:
        for j, want in enumerate(wanted):
            if j in seen or not points_at(found[i], want):
                continue
            seen.add(j)
            if j not in owner or assign(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(found)):
        assign(i, set())
    return sorted((i, j) for j, i in owner.items())


def labelled_kinds(pair: dict[str, Any]) -> set[str]:
    return set(pair.get("labelled") or KINDS)


def run_pair(pair: dict[str, Any]) -> list[Check]:
    return compare(pair["claim"], pair["evidence"], claim_date=pair.get("claim_date"),
                   evidence_date=pair.get("evidence_date"))


@dataclass(frozen=True)
class Judged:
    """One pair: every check, the flags among them, the expected flags, and how they pair up."""

    pair: dict[str, Any]
    checks: list[Check]
    found: list[Check]
    wanted: list[dict[str, Any]]
    matched: list[tuple[int, int]]


def judge(pair: dict[str, Any], run: Callable[[dict[str, Any]], list[Check]] = run_pair) -> Judged:
    """The flags of `pair` (its checks from `run`, `compare` by default) paired with its expected flags."""
    kinds = labelled_kinds(pair)
    checks = run(pair)
    found = [c for c in checks if c.is_flag() and c.kind in kinds]
    wanted = [x for x in pair["expected"] if x["kind"] in kinds]
    return Judged(pair, checks, found, wanted, match(found, wanted))


def _quote(text: str, span: Span | None) -> str | None:
    return None if span is None else text[span[0]:span[1]]


def score(pairs: Iterable[dict[str, Any]],
          run: Callable[[dict[str, Any]], list[Check]] = run_pair) -> dict[str, Any]:
    """Precision and recall per flag type with span matching, the misplaced flags, the
    mistakes (each unmatched flag and expected flag, quoted), and the SciFact rates; the
    checks of each pair come from `run` (`compare` by default)."""
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    misplaced: Counter = Counter()
    mistakes: list[dict[str, Any]] = []
    scifact: dict[str, list[int]] = {"CONTRADICT": [0, 0], "SUPPORT": [0, 0]}
    n = 0
    for pair in pairs:
        n += 1
        j = judge(pair, run)
        hit_found = {i for i, _ in j.matched}
        hit_wanted = {w for _, w in j.matched}
        for flag in FLAGS:
            f_idx = [i for i, c in enumerate(j.found) if (c.kind, c.status) == flag]
            w_idx = [w for w, x in enumerate(j.wanted) if (x["kind"], x["status"]) == flag]
            hits = sum(i in hit_found for i in f_idx)
            tp[flag] += hits
            fp[flag] += len(f_idx) - hits
            fn[flag] += len(w_idx) - hits
            misplaced[flag] += min(len(f_idx), len(w_idx)) - hits
            name = "/".join(flag)
            for i in f_idx:
                if i not in hit_found:
                    c = j.found[i]
                    mistakes.append({"id": pair["id"], "flag": name, "error": "fp",
                                     "claim": _quote(pair["claim"], c.claim_span),
                                     "evidence": _quote(pair["evidence"], c.evidence_span), "detail": c.detail})
            for w in w_idx:
                if w not in hit_wanted:
                    x = j.wanted[w]
                    mistakes.append({"id": pair["id"], "flag": name, "error": "fn",
                                     "claim": pair["claim"][x["claim_start"]:x["claim_end"]],
                                     "evidence": None if x.get("evidence_start") is None
                                     else pair["evidence"][x["evidence_start"]:x["evidence_end"]], "detail": ""})
        label = pair.get("scifact_label")
        if label in scifact:
            scifact[label][0] += any(c.status == "differs" for c in j.checks if c.kind in labelled_kinds(pair))
            scifact[label][1] += 1
    table = {}
    for flag in FLAGS:
        p = tp[flag] / (tp[flag] + fp[flag]) if tp[flag] + fp[flag] else None
        r = tp[flag] / (tp[flag] + fn[flag]) if tp[flag] + fn[flag] else None
        table["/".join(flag)] = {"tp": tp[flag], "fp": fp[flag], "fn": fn[flag], "misplaced": misplaced[flag],
                                 "precision": p, "recall": r}
    rates = {k: {"pairs": v[1], "with_differs": v[0], "rate": v[0] / v[1] if v[1] else None}
             for k, v in scifact.items()}
    return {"pairs": n, "flags": table, "scifact": rates, "mistakes": mistakes}
