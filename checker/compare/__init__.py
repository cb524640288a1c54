"""Claim against passage: the number, date, name and negation checks that explain a stance.

`compare(claim, evidence)` returns one `Check` per thing in the claim that a reviewer would
hold against the evidence:

- **number** (`numbers`, reading figures with `figures` and units with `units`): each quantity
  in the claim ("massing 100,000 forces", "about 70 percent", "$5 billion", "two dozen
  journalists") against the evidence quantities about the same kind of thing. Qualifiers make
  ranges ("about" ±10%, "more than" open above) and ranges are compared, not points. A figure
  about something else is not a difference; a claim figure with nothing comparable is "missing".
  Results ("won 2-1") and counts of one event ("scored twice" / "scored three goals") are
  figures too; an order of magnitude is its range ("tens of thousands": 10,000 to 99,999).
- **date** (`dates`, reading dates with `date_expressions`): absolute dates, months and years,
  and relative ones ("on Friday", "yesterday", "next week") placed with the article's date,
  against the evidence's dates about the same event. What cannot be placed ("the same day",
  "Friday" without an article date, "03/04/2021") is "missing" and "unresolved", never guessed.
- **name** (`names`, with the word lists of `namewords`): people, places and organisations of
  the claim, "agrees" when the evidence mentions them, allowing surnames ("Blinken" for "Antony
  Blinken"), spelling variants, acronyms and a small alias table (U.S./Washington/American,
  Russia/Moscow/Kremlin, ...), "missing" when it does not.
- **negation** (`negation`): the claim and the evidence take opposite sides on the same word
  ("no breakthrough" / "produced a breakthrough", "denies" / "confirmed", "rose" / "fell"). A
  negator governs the first content word after it, not the rest of its phrase: "no small grief"
  does not deny grief, "refuse membership to Ukraine" does not negate Ukraine.

`text` cuts a text into tokens, sentences and clauses once and is shared by every check; each
check module adds what it reads from a text on first use, with small tables and no model.
Analyses are cached, so a claim checked against five passages is analysed once. `checks` holds
the `Check` they all return. Imports run one way: `checks`, `namewords` and `units` import
nothing of the package, `text` only `namewords`, the check modules only what is below them.
"""

from __future__ import annotations

import datetime as dt

from checker.compare.checks import KINDS, STATUSES, Check, summary
from checker.compare.dates import date_checks
from checker.compare.names import name_checks
from checker.compare.negation import negation_checks
from checker.compare.numbers import number_checks
from checker.compare.text import analyse

__all__ = ["KINDS", "STATUSES", "Check", "compare", "summary"]


def compare(claim: str, evidence: str, *, claim_date: str | None = None,
            evidence_date: str | None = None) -> list[Check]:
    """Every check of `claim` against `evidence`, in claim order.

    `claim_date` and `evidence_date` (ISO YYYY-MM-DD) place relative dates such as "Friday"
    or "next week"; without them such dates are reported as unresolved.
    """
    c = analyse(claim, _parse_iso(claim_date))
    e = analyse(evidence, _parse_iso(evidence_date))
    checks = [*number_checks(c, e), *date_checks(c, e), *name_checks(c, e), *negation_checks(c, e)]
    checks.sort(key=lambda k: (k.claim_span[0], KINDS.index(k.kind), k.claim_span[1]))
    return checks


def _parse_iso(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
