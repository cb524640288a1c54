"""What a reviewer's day leaves behind, next to the verdicts: each checked article's claims with
their evidence (so an article reopens without checking it again), each claim's place in the
work queue (status and assignee), and the comments reviewers leave on a claim.

These tables are additive: they live in their own `MetaData`, reference the verdict store's
`articles` and `claims` by id, and are created (if missing) on first use, so opening an older
database adds them and opening it twice, or from two processes at once, is harmless.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa

from checker.errors import CheckerError
from checker.verdicts.schema import String, Text, add_missing_columns, create_tables, visible_name
from checker.verdicts.store import VerdictStore, articles, claims, now, verdicts

WORKLOG_VERSION = 1
STATUSES = ("to check", "in review", "done")

work_metadata = sa.MetaData()
article_checks = sa.Table(
    "article_checks", work_metadata,
    sa.Column("article_id", sa.Integer, primary_key=True),  # articles.id
    sa.Column("checked_at", String(32), nullable=False),
    sa.Column("truncated", sa.Integer, nullable=False, default=0),
    sa.Column("checked_by", String(200)),
)
claim_state = sa.Table(
    "claim_state", work_metadata,
    sa.Column("claim_id", sa.Integer, primary_key=True),  # claims.id
    sa.Column("article_id", sa.Integer, nullable=False),
    sa.Column("query", Text, nullable=False, default=""),
    sa.Column("reasons", Text, nullable=False, default="[]"),  # JSON list of strings
    sa.Column("evidence", Text, nullable=False, default="null"),  # JSON hits, weaker ones flagged; null: unsearched
    sa.Column("dismissed", sa.Boolean, nullable=False, default=False),
    sa.Column("promoted", sa.Boolean, nullable=False, default=False),
    sa.Column("status", String(20), nullable=False, default=STATUSES[0]),
    sa.Column("assignee", String(200)),
    sa.Column("updated_at", String(32), nullable=False),
)
comments = sa.Table(
    "claim_comments", work_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("claim_id", sa.Integer, nullable=False),
    sa.Column("author", String(200), nullable=False),
    sa.Column("text", Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)
sa.Index("ix_claim_state_article", claim_state.c.article_id)
sa.Index("ix_claim_state_assignee", claim_state.c.assignee)
sa.Index("ix_comments_claim", comments.c.claim_id)


@dataclass(frozen=True)
class SavedClaim:
    claim_id: int
    start: int
    end: int
    sentence: str
    score: float
    query: str
    reasons: tuple[str, ...]
    evidence: list[dict[str, Any]] | None  # None: not searched yet
    dismissed: bool
    promoted: bool
    status: str
    assignee: str | None


@dataclass(frozen=True)
class SavedArticle:
    article_id: int
    title: str
    text: str
    url: str | None
    source: str | None
    published: str | None
    checked_at: str
    truncated: int
    claims: list[SavedClaim]


@dataclass(frozen=True)
class ArticleSummary:
    article_id: int
    title: str
    source: str | None
    checked_at: str
    claims: int  # claims the Check page lists: above the threshold or made by hand, not dismissed
    verdicts: int  # of those, how many have a verdict
    open: int  # of those, how many are not "done"


@dataclass(frozen=True)
class QueueItem:
    claim_id: int
    article_id: int
    article_title: str
    sentence: str
    status: str
    assignee: str | None
    label: str | None  # the latest verdict's label, if any


@dataclass(frozen=True)
class Comment:
    comment_id: int
    claim_id: int
    author: str
    text: str
    created_at: str


def _ensure(store: VerdictStore) -> None:
    """Create the work-log tables (and columns) that are missing; safe to run twice and concurrently."""
    if getattr(store, "_worklog_ready", False):
        return

    def op(conn: sa.Connection) -> None:
        create_tables(conn, work_metadata)
        add_missing_columns(conn, work_metadata)

    store._run(op)
    store._worklog_ready = True  # type: ignore[attr-defined]


def _check_status(status: str) -> str:
    if status not in STATUSES:
        raise CheckerError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    return status


def record_check(store: VerdictStore, article_id: int, items: Sequence[dict[str, Any]], *,
                 truncated: int = 0) -> None:
    """Remember a check of an article: for each claim (a dict with claim_id, query, reasons,
    evidence, dismissed, promoted), what was searched and found. Status and assignee are kept."""
    _ensure(store)

    def op(conn: sa.Connection) -> None:
        stamp = now()
        found = conn.execute(sa.select(article_checks.c.article_id)
                             .where(article_checks.c.article_id == article_id)).first()
        if found:
            conn.execute(article_checks.update().where(article_checks.c.article_id == article_id)
                         .values(checked_at=stamp, truncated=truncated))
        else:
            conn.execute(article_checks.insert().values(article_id=article_id, checked_at=stamp,
                                                        truncated=truncated))
        for item in items:
            _upsert_claim(conn, article_id, item, stamp)

    store._run(op)


def update_claim(store: VerdictStore, article_id: int, item: dict[str, Any]) -> None:
    """Remember one claim's wording, evidence and dismissed/promoted flags."""
    _ensure(store)
    store._run(lambda conn: _upsert_claim(conn, article_id, item, now()))


def _upsert_claim(conn: sa.Connection, article_id: int, item: dict[str, Any], stamp: str) -> None:
    values = dict(query=item["query"], reasons=json.dumps(list(item.get("reasons", ()))),
                  evidence=json.dumps(item.get("evidence"), ensure_ascii=False),
                  dismissed=bool(item.get("dismissed")), promoted=bool(item.get("promoted")),
                  updated_at=stamp)
    cid = int(item["claim_id"])
    if conn.execute(sa.select(claim_state.c.claim_id).where(claim_state.c.claim_id == cid)).first():
        conn.execute(claim_state.update().where(claim_state.c.claim_id == cid).values(**values))
    else:
        conn.execute(claim_state.insert().values(claim_id=cid, article_id=article_id, **values))


def article_details(store: VerdictStore, article_id: int) -> tuple[str, str | None, str | None, str | None]:
    """(title, url, source, published) as stored: the headline falls back to the text's first line,
    and a text checked again keeps the details given before unless new ones are."""
    with store.engine.connect() as conn:
        a = conn.execute(sa.select(articles.c.title, articles.c.url, articles.c.source, articles.c.published)
                         .where(articles.c.id == article_id)).one()
    return a.title or "", a.url, a.source, a.published


def load_article(store: VerdictStore, article_id: int) -> SavedArticle | None:
    """A checked article with its claims and their evidence as saved, or None."""
    _ensure(store)
    with store.engine.connect() as conn:
        a = conn.execute(sa.select(articles, article_checks.c.checked_at, article_checks.c.truncated)
                         .join(article_checks, article_checks.c.article_id == articles.c.id)
                         .where(articles.c.id == article_id)).first()
        if a is None:
            return None
        rows = conn.execute(sa.select(claims, claim_state)
                            .join(claim_state, claim_state.c.claim_id == claims.c.id)
                            .where(claims.c.article_id == article_id).order_by(claims.c.start)).all()
    saved = [SavedClaim(claim_id=r.claim_id, start=r.start, end=r.end, sentence=r.text, score=r.score or 0.0,
                        query=r.query, reasons=tuple(json.loads(r.reasons)), evidence=json.loads(r.evidence),
                        dismissed=bool(r.dismissed), promoted=bool(r.promoted), status=r.status,
                        assignee=r.assignee) for r in rows]
    return SavedArticle(article_id=a.id, title=a.title, text=a.text, url=a.url, source=a.source,
                        published=a.published, checked_at=a.checked_at, truncated=a.truncated, claims=saved)


def claim_vectors(store: VerdictStore, claim_ids: Sequence[int]) -> tuple[str, np.ndarray | None]:
    """The embedding model and the stored vectors of these claims, in order; None when any is
    missing or they come from different models."""
    with store.engine.connect() as conn:
        found = {r.id: (r.vector, r.vector_model) for r in conn.execute(
            sa.select(claims.c.id, claims.c.vector, claims.c.vector_model).where(claims.c.id.in_(list(claim_ids))))}
    models = {found.get(cid, (None, None))[1] for cid in claim_ids}
    if len(models) != 1 or any(found.get(cid, (None, None))[0] is None for cid in claim_ids):
        return "", None
    return str(models.pop()), np.stack([np.frombuffer(found[cid][0], dtype=np.float32) for cid in claim_ids])


def _has_verdict() -> sa.ColumnElement[bool]:
    return sa.exists().where(verdicts.c.claim_id == claim_state.c.claim_id)


def article_summaries(store: VerdictStore, *, threshold: float) -> list[ArticleSummary]:
    """Every checked article, newest check first, with counts of claims, verdicts and open claims.

    The claims counted are those the Check page lists at `threshold`: check-worthiness at or
    above it, or made a claim by hand, and not dismissed (every scored sentence is stored)."""
    _ensure(store)
    live = sa.and_(sa.not_(claim_state.c.dismissed), sa.or_(claim_state.c.promoted, claims.c.score >= threshold))
    query = (sa.select(articles.c.id, articles.c.title, articles.c.source, article_checks.c.checked_at,
                       sa.func.count(claim_state.c.claim_id).filter(live).label("n"),
                       sa.func.count(claim_state.c.claim_id).filter(sa.and_(live, _has_verdict())).label("v"),
                       sa.func.count(claim_state.c.claim_id)
                       .filter(sa.and_(live, claim_state.c.status != "done")).label("o"))
             .join(article_checks, article_checks.c.article_id == articles.c.id)
             .outerjoin(claim_state, claim_state.c.article_id == articles.c.id)
             .outerjoin(claims, claims.c.id == claim_state.c.claim_id)
             .group_by(articles.c.id, articles.c.title, articles.c.source, article_checks.c.checked_at)
             .order_by(article_checks.c.checked_at.desc(), articles.c.id.desc()))
    with store.engine.connect() as conn:
        return [ArticleSummary(r.id, r.title, r.source, r.checked_at, int(r.n), int(r.v), int(r.o))
                for r in conn.execute(query)]


def set_status(store: VerdictStore, claim_id: int, *, status: str | None = None,
               assignee: str | None = None, unassign: bool = False) -> None:
    """Move a claim in the queue: change its status, assign it, or unassign it."""
    _ensure(store)
    values: dict[str, Any] = {"updated_at": now()}
    if status is not None:
        values["status"] = _check_status(status)
    if assignee is not None and assignee.strip():
        values["assignee"] = visible_name(assignee, "the assignee's name")[:200]
    if unassign:
        values["assignee"] = None

    def op(conn: sa.Connection) -> None:
        if conn.execute(claim_state.update().where(claim_state.c.claim_id == claim_id)
                        .values(**values)).rowcount == 0:
            raise CheckerError(f"no checked claim with id {claim_id}")

    store._run(op)


def claim_status(store: VerdictStore, claim_id: int) -> tuple[str, str | None]:
    _ensure(store)
    with store.engine.connect() as conn:
        r = conn.execute(sa.select(claim_state.c.status, claim_state.c.assignee)
                         .where(claim_state.c.claim_id == claim_id)).first()
    return (r.status, r.assignee) if r else (STATUSES[0], None)


def queue(store: VerdictStore, *, assignee: str | None = None, statuses: Sequence[str] = ()) -> list[QueueItem]:
    """Claims in the work queue (not dismissed), optionally only one reviewer's, newest article first."""
    _ensure(store)
    newest = (sa.select(verdicts.c.claim_id, sa.func.max(verdicts.c.version).label("v"))
              .group_by(verdicts.c.claim_id).subquery())
    query = (sa.select(claim_state.c.claim_id, claim_state.c.article_id, articles.c.title, claims.c.text,
                       claim_state.c.status, claim_state.c.assignee, verdicts.c.label)
             .join(claims, claims.c.id == claim_state.c.claim_id)
             .join(articles, articles.c.id == claim_state.c.article_id)
             .outerjoin(newest, newest.c.claim_id == claim_state.c.claim_id)
             .outerjoin(verdicts, sa.and_(verdicts.c.claim_id == newest.c.claim_id,
                                          verdicts.c.version == newest.c.v))
             .where(sa.not_(claim_state.c.dismissed)))
    if assignee:
        query = query.where(claim_state.c.assignee == assignee.strip())
    if statuses:
        query = query.where(claim_state.c.status.in_([_check_status(s) for s in statuses]))
    query = query.order_by(claim_state.c.article_id.desc(), claims.c.start)
    with store.engine.connect() as conn:
        return [QueueItem(r.claim_id, r.article_id, r.title, r.text, r.status, r.assignee, r.label)
                for r in conn.execute(query)]


def add_comment(store: VerdictStore, claim_id: int, *, author: str, text: str) -> Comment:
    """Keep a reviewer's comment on a claim, with its author and time."""
    _ensure(store)
    author, text = author.strip(), text.strip()
    if not author:
        raise CheckerError("a comment needs its author's name")
    author = visible_name(author, "the comment's author name")
    if not text:
        raise CheckerError("the comment is empty")

    def op(conn: sa.Connection) -> int:
        if conn.execute(sa.select(claims.c.id).where(claims.c.id == claim_id)).first() is None:
            raise CheckerError(f"no claim with id {claim_id}")
        key = conn.execute(comments.insert().values(claim_id=claim_id, author=author[:200], text=text,
                                                    created_at=now())).inserted_primary_key
        assert key is not None
        return int(key[0])

    comment_id = int(store._run(op))
    return next(c for c in comment_list(store, claim_id) if c.comment_id == comment_id)


def comment_list(store: VerdictStore, claim_id: int) -> list[Comment]:
    """A claim's comments, oldest first."""
    _ensure(store)
    with store.engine.connect() as conn:
        return [Comment(r.id, r.claim_id, r.author, r.text, r.created_at) for r in conn.execute(
            sa.select(comments).where(comments.c.claim_id == claim_id).order_by(comments.c.id))]
