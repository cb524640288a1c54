"""The claimant rules (checker/claims/claimant.py) scored on hand-labelled news sentences:
tests/data/claimants.jsonl holds offsets into FNC-1 train bodies, read in place from
../shared/data/stance (the text is never copied here), and who each sentence attributes its
statement to (tests/data/claimants.md)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from checker.claims.claimant import Claimant, find_claimant


@dataclass(frozen=True)
class Scored:
    row: dict
    sentence: str
    got: Claimant

    @property
    def correct(self) -> bool:
        return same_name(self.got.name, self.row["claimant"])

    def statement_overlap(self) -> float:
        """F1 of the characters the labelled statement and the found one share (body offsets)."""
        a0, a1 = self.row["statement"]
        b0, b1 = self.got.statement
        inter = max(0, min(a1, b1) - max(a0, b0))
        if inter == 0:
            return 0.0
        p, r = inter / max(1, b1 - b0), inter / max(1, a1 - a0)
        return 2 * p * r / (p + r)


def normal(name: str | None) -> str | None:
    if name is None:
        return None
    text = re.sub(r"[^\w\s]", "", name.lower()).strip()
    text = re.sub(r"^(?:the|a|an)\s+", "", text)
    return re.sub(r"\s+", " ", text)


def same_name(got: str | None, want: str | None) -> bool:
    """Equal after case, punctuation and a leading article are dropped; nobody matches nobody."""
    return normal(got) == normal(want)


def load_rows(path: Path, bodies_path: Path) -> tuple[list[dict], dict[str, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = {r["body_id"] for r in rows}
    bodies = {}
    with bodies_path.open(encoding="utf-8") as f:
        for line in f:
            b = json.loads(line)
            if b["body_id"] in wanted:
                bodies[b["body_id"]] = b["text"]
    return rows, bodies


def score_rows(rows: Iterable[dict], bodies: dict[str, str]) -> list[Scored]:
    out = []
    for r in rows:
        text = bodies[r["body_id"]]
        sentence = text[r["start"]:r["end"]]
        out.append(Scored(r, sentence, find_claimant(sentence, before=text[: r["start"]], offset=r["start"])))
    return out


def summary(scored: list[Scored]) -> dict[str, float]:
    """Claimant accuracy, detection of an attribution (precision, recall), statement overlap."""
    n = len(scored)
    said = [s for s in scored if s.row["claimant"] is not None]
    found = [s for s in scored if s.got.name is not None]
    hit = [s for s in found if s.row["claimant"] is not None]
    out = {"sentences": float(n), "claimant_accuracy": sum(s.correct for s in scored) / max(1, n),
           "attributed_precision": len(hit) / max(1, len(found)), "attributed_recall": len(hit) / max(1, len(said)),
           "statement_f1": sum(s.statement_overlap() for s in scored) / max(1, n)}
    for kind in ("said", "according_to", "quote", "pronoun", "none"):
        part = [s for s in scored if s.row["kind"] == kind]
        if part:
            out[f"accuracy_{kind}"] = sum(s.correct for s in part) / len(part)
    return out
