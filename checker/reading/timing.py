"""Evidence against the article's date: a passage published after the article could not have
informed it, so it is flagged (`after_article`) and never carries the suggested verdict.

Dates are compared by their ISO day (`YYYY-MM-DD`, a longer ISO timestamp is cut to its day);
when the article's or the passage's date is missing or not in that form, `after_article` is
None: unknown, never guessed. A passage of the article's own day is not "after" it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from checker.types import Hit


def iso_day(value: str | None) -> dt.date | None:
    """The calendar day of an ISO date or timestamp, or None when there is none."""
    if not value or not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def published_after(passage_date: str | None, article_date: str | None) -> bool | None:
    """True when the passage is dated after the article, False when not, None when unknown."""
    article, passage = iso_day(article_date), iso_day(passage_date)
    if article is None or passage is None:
        return None
    return passage > article


def mark_after(hits: Sequence[Hit], article_date: str | None) -> list[Hit]:
    """The hits, each with `after_article` set against the article's date."""
    return [replace(h, after_article=published_after(h.passage.date, article_date)) for h in hits]


def before_article(hits: Sequence[Hit]) -> list[Hit]:
    """The hits that may carry the suggestion: not known to be published after the article."""
    return [h for h in hits if h.after_article is not True]


def later_refutation_notes(shown: Sequence[Hit]) -> list[str]:
    """A note when every passage the reader reads as refuting the claim is dated after the
    article (so the suggestion leaves them out); nothing otherwise."""
    refuting = [h for h in shown if h.stance == "REFUTES"]
    if not refuting or any(h.after_article is not True for h in refuting):
        return []
    n = len(refuting)
    return [f"the only refuting evidence ({n} passage{'s' if n != 1 else ''}) was published after the "
            "article, so it does not count towards the suggested verdict"]
