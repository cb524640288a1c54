"""Stored claims and verdicts as the API's JSON, read through the verdict store."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import sqlalchemy as sa

from checker.types import Verdict
from checker.verdicts.store import VerdictStore, articles, claims


def verdict_dict(v: Verdict) -> dict[str, Any]:
    out = asdict(v)
    out["label"] = v.label.value
    return out


def claim_record(store: VerdictStore, claim_id: int) -> dict[str, Any] | None:
    """A stored claim with its article and every version of its verdict; None when unknown."""
    query = (sa.select(claims.c.id, claims.c.text, claims.c.start, claims.c.end, claims.c.score,
                       articles.c.id.label("aid"), articles.c.title, articles.c.url, articles.c.source,
                       articles.c.published)
             .join(articles, articles.c.id == claims.c.article_id).where(claims.c.id == claim_id))
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    history = [verdict_dict(v) for v in store.history(claim_id)]
    return {
        "claim_id": row.id, "text": row.text, "start": row.start, "end": row.end, "score": row.score,
        "article": {"article_id": row.aid, "title": row.title, "url": row.url, "source": row.source,
                    "published": row.published},
        "latest": history[-1] if history else None,
        "verdicts": history,
    }


def database_ok(store: VerdictStore) -> str | None:
    """None when the database answers; otherwise why not, in one line."""
    try:
        with store.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:
        return f"{type(exc).__name__}: {str(getattr(exc, 'orig', exc)).strip().splitlines()[0][:200]}"
    return None
