"""What a comparison returns: one `Check` per thing in the claim held against the evidence, and
the kinds and statuses a check can have."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

KINDS = ("number", "date", "name", "negation")
STATUSES = ("agrees", "differs", "missing")


@dataclass(frozen=True)
class Check:
    """One thing in the claim held against the evidence.

    `claim_span` indexes the claim text, `evidence_span` the evidence text (None when the
    evidence has nothing to point at). `status` is "agrees", "differs" or "missing".
    """

    kind: str
    status: str
    claim_span: tuple[int, int]
    evidence_span: tuple[int, int] | None
    detail: str

    def is_flag(self) -> bool:
        """Worth a reviewer's attention: a difference, a name the evidence lacks, or an unresolved date.

        "No comparable figure/date in the evidence" is not a flag: the passage is about something else.
        """
        return self.status == "differs" or (
            self.status == "missing" and (self.kind == "name" or "unresolved" in self.detail))

    def to_dict(self) -> dict[str, Any]:
        ev = self.evidence_span
        return {
            "kind": self.kind,
            "status": self.status,
            "claim_start": self.claim_span[0],
            "claim_end": self.claim_span[1],
            "evidence_start": ev[0] if ev else None,
            "evidence_end": ev[1] if ev else None,
            "detail": self.detail,
        }


def summary(checks: Iterable[Check]) -> dict[str, dict[str, int]]:
    """How many checks of each kind have each status."""
    out: dict[str, dict[str, int]] = {k: dict.fromkeys(STATUSES, 0) for k in KINDS}
    for ch in checks:
        out[ch.kind][ch.status] += 1
    return out
