"""The verdict store: articles, claims and append-only verdict versions, via SQLAlchemy Core.

SQLite by default (WAL mode, a busy timeout, and retries when two reviewers save at once);
any SQLAlchemy URL works, PostgreSQL included. A verdict is never overwritten: editing saves
a new version, and the latest version is the current one.
"""

from __future__ import annotations

import contextlib
import functools
import os
import random
import time
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from checker.claims.claimant import find_claimant
from checker.errors import CheckerError
from checker.types import CitedEvidence, Label, Verdict, text_hash
from checker.verdicts.schema import (  # noqa: F401 (re-exported: the tables are part of this module's API)
    SCHEMA_VERSION,
    StoreError,
    articles,
    claims,
    clean_text,
    evidence,
    meta_table,
    metadata,
    migrate,
    reviewers,
    stored_version,
    verdicts,
    visible_name,
)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class VerdictRow:
    """The latest verdict on a claim, with its claim and article: one row of the review table."""

    verdict: Verdict
    claim_start: int
    claim_end: int
    original_text: str
    article_id: int
    article_title: str
    article_url: str | None
    article_source: str | None
    article_published: str | None
    claimant: str | None = None  # who the claim's sentence attributes it to (checker/claims/claimant.py)


@dataclass(frozen=True)
class Match:
    """An earlier verdict on a claim similar to a new one."""

    row: VerdictRow
    similarity: float


def _new_id(result: sa.CursorResult) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _sqlite_url(parsed: sa.URL) -> str:
    """The URL to open a SQLite file with: read-only where its folder cannot be written.

    SQLite in WAL mode needs to create files beside the database even to read it; in a
    folder it cannot write, the database is opened read-only (immutable) instead, so that
    verdicts can still be read and exported, and a save says the database is read-only.
    """
    database = str(parsed.database)
    if database.startswith("file:"):  # already an SQLite URI (`?uri=true`): used as given
        return parsed.render_as_string(hide_password=False)
    path = Path(database).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if not path.exists():
            raise StoreError(f"cannot create the folder of the verdict database {path}: "
                             f"{exc.strerror or exc}") from exc
    if path.exists() and not os.access(path.parent, os.W_OK):
        return f"sqlite:///file:{urllib.parse.quote(str(path.resolve()))}?mode=ro&immutable=1&uri=true"
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any, *, busy_ms: int = 15000) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
    cur.execute("PRAGMA foreign_keys = ON")
    with contextlib.suppress(Exception):  # a read-only database keeps its journal mode
        cur.execute("PRAGMA journal_mode = WAL")
    cur.close()


def _first_line(exc: Exception) -> str:
    """The driver's message without the hints it puts on further lines ("Is the server running...")."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__


class VerdictStore:
    """All reads and writes of verdicts; one instance can be shared by threads."""

    def __init__(self, url: str, *, retries: int = 20, busy_timeout: float = 15.0) -> None:
        """`busy_timeout`: the longest a save waits, in all, for another program's lock."""
        self.url = url
        self.retries = retries
        self.busy_timeout = busy_timeout
        try:
            parsed = sa.engine.make_url(url)
        except sa.exc.ArgumentError as exc:
            raise StoreError(f"not a database URL: {url!r}") from exc
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            url = _sqlite_url(parsed)
        try:
            self.engine = sa.create_engine(url, future=True, pool_pre_ping=True)
        except Exception as exc:
            raise StoreError(f"cannot use the database {parsed.render_as_string()}: {exc}") from exc
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect",
                            functools.partial(_sqlite_pragmas, busy_ms=int(busy_timeout * 1000)))
        try:
            self._run(self._migrate)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot open the verdict database {parsed.render_as_string()}: "
                             f"{_first_line(exc)}") from exc

    # -- plumbing ---------------------------------------------------------------------------
    def _run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run `fn(conn, ...)` in one transaction, retrying when the database is busy.

        Waiting for locks takes `busy_timeout` seconds at most in all, retries included.
        """
        delay = 0.01
        deadline = time.monotonic() + self.busy_timeout
        for attempt in range(self.retries + 1):
            try:
                with self.engine.begin() as conn:
                    if conn.dialect.name == "sqlite":  # SQLite's own wait: only what is left
                        left_ms = max(0, int((deadline - time.monotonic()) * 1000))
                        conn.exec_driver_sql(f"PRAGMA busy_timeout = {left_ms}")
                    return fn(conn, *args, **kwargs)
            except OperationalError as exc:
                text = str(exc.orig).lower()
                busy = "locked" in text or "busy" in text or "could not serialize" in text
                # two processes creating or migrating a new database at once: the loser retries
                raced = "already exists" in text or "duplicate column" in text
                if (busy or raced) and attempt < self.retries and time.monotonic() < deadline:
                    time.sleep(delay * random.uniform(0.5, 1.5))
                    delay = min(delay * 2, 0.5)
                    continue
                if "readonly" in text or "read-only" in text:
                    raise StoreError("the verdict database is read-only; nothing was saved") from exc
                if busy:
                    raise StoreError(f"the verdict database was locked by another program for "
                                     f"{self.busy_timeout:g} s; nothing was saved, try again") from exc
                raise StoreError(f"database error: {_first_line(exc)}") from exc
            except IntegrityError:
                if attempt < self.retries and time.monotonic() < deadline:  # a concurrent writer took our version
                    time.sleep(delay * random.uniform(0.5, 1.5))
                    delay = min(delay * 2, 0.2)
                    continue
                raise
        raise AssertionError("unreachable")

    def _migrate(self, conn: sa.Connection) -> None:
        migrate(conn)

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return stored_version(conn) or 0

    # -- articles and claims ----------------------------------------------------------------
    def add_article(self, text: str, *, title: str = "", url: str | None = None,
                    source: str | None = None, published: str | None = None) -> int:
        """The id of the article with this text, adding it (with its metadata) if new."""
        text, title = clean_text(text), clean_text(title)
        url, source, published = clean_text(url), clean_text(source), clean_text(published)
        digest = text_hash(text)

        def op(conn: sa.Connection) -> int:
            found = conn.execute(sa.select(articles.c.id).where(articles.c.content_hash == digest)).first()
            if found:
                if url or source or published or title:
                    conn.execute(articles.update().where(articles.c.id == found.id).values(
                        **{k: v for k, v in dict(title=title, url=url, source=source,
                                                 published=published).items() if v}))
                return int(found.id)
            result = conn.execute(articles.insert().values(
                content_hash=digest, title=title or text.strip().split("\n", 1)[0][:200], url=url,
                source=source, published=published, text=text, created_at=now()))
            return _new_id(result)

        return int(self._run(op))

    def add_claim(self, article_id: int, *, start: int, end: int, text: str, score: float | None = None,
                  vector: np.ndarray | None = None, model: str | None = None) -> int:
        """The id of the claim at this span of the article, adding it if new."""
        vectors = None if vector is None else np.asarray(vector, dtype=np.float32)[None, :]
        return self.add_claims(article_id, [(start, end, text, score or 0.0)], vectors=vectors,
                               model=model)[0]

    def add_claims(self, article_id: int, spans: Sequence[tuple[int, int, str, float]], *,
                   vectors: np.ndarray | None = None, model: str | None = None) -> list[int]:
        """Ids of many claims of one article, (start, end, text, score) each, in one transaction."""

        def op(conn: sa.Connection) -> list[int]:
            existing = {(r.start, r.end): r.id for r in conn.execute(
                sa.select(claims.c.id, claims.c.start, claims.c.end)
                .where(claims.c.article_id == article_id))}
            ids = []
            for i, (start, end, raw, score) in enumerate(spans):
                text = clean_text(raw)
                blob = None if vectors is None else np.asarray(vectors[i], dtype=np.float32).tobytes()
                if (start, end) in existing:
                    cid = existing[(start, end)]
                    if blob is not None:
                        conn.execute(claims.update().where(claims.c.id == cid)
                                     .values(vector=blob, vector_model=model))
                else:
                    cid = _new_id(conn.execute(claims.insert().values(
                        article_id=article_id, start=start, end=end, text=text, score=score, vector=blob,
                        vector_model=model if blob is not None else None, created_at=now())))
                    existing[(start, end)] = cid
                ids.append(cid)
            return ids

        return list(self._run(op))

    # -- verdicts ---------------------------------------------------------------------------
    def save_verdict(self, claim_id: int, *, label: Label | str, reviewer: str, note: str = "",
                     claim_text: str | None = None,
                     cited: Sequence[CitedEvidence] = ()) -> Verdict:
        """Save a new version of the verdict on a claim, in one transaction."""
        label = Label(label)
        if not reviewer.strip():
            raise CheckerError("a verdict needs the reviewer's name")
        reviewer = visible_name(reviewer, "the reviewer's name")
        reviewer, note, claim_text = clean_text(reviewer), clean_text(note), clean_text(claim_text)

        def op(conn: sa.Connection) -> int:
            claim = conn.execute(sa.select(claims.c.text).where(claims.c.id == claim_id)).first()
            if claim is None:
                raise CheckerError(f"no claim with id {claim_id}")
            if conn.execute(sa.select(reviewers.c.name).where(reviewers.c.name == reviewer)).first() is None:
                try:
                    with conn.begin_nested():
                        conn.execute(reviewers.insert().values(name=reviewer, created_at=now()))
                except IntegrityError:
                    pass
            latest = conn.execute(sa.select(sa.func.max(verdicts.c.version))
                                  .where(verdicts.c.claim_id == claim_id)).scalar()
            result = conn.execute(verdicts.insert().values(
                claim_id=claim_id, version=(latest or 0) + 1, label=label.value, note=note,
                reviewer=reviewer, claim_text=claim_text or claim.text, created_at=now()))
            verdict_id = _new_id(result)
            if cited:
                conn.execute(evidence.insert(), [
                    dict(verdict_id=verdict_id, doc_id=clean_text(c.doc_id), passage_id=clean_text(c.passage_id),
                         passage_hash=c.passage_hash, title=clean_text(c.title), url=clean_text(c.url),
                         excerpt=clean_text(c.excerpt))
                    for c in cited])
            return verdict_id

        verdict_id = self._run(op)
        return self._verdicts(sa.select(verdicts).where(verdicts.c.id == verdict_id))[0]

    def revert(self, claim_id: int, version: int, *, reviewer: str) -> Verdict:
        """Undo: save a new version that repeats an earlier one."""
        old = next((v for v in self.history(claim_id) if v.version == version), None)
        if old is None:
            raise CheckerError(f"claim {claim_id} has no version {version}")
        return self.save_verdict(claim_id, label=old.label, reviewer=reviewer,
                                 note=f"Reverted to version {version}. {old.note}".strip(),
                                 claim_text=old.claim_text, cited=old.evidence)

    def _verdicts(self, query: sa.Select) -> list[Verdict]:
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            ids = [r.id for r in rows]
            cited: dict[int, list[CitedEvidence]] = {i: [] for i in ids}
            for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
                for e in conn.execute(sa.select(evidence).where(evidence.c.verdict_id.in_(chunk))
                                      .order_by(evidence.c.id)):
                    cited[e.verdict_id].append(CitedEvidence(e.doc_id, e.passage_id, e.passage_hash,
                                                             e.title, e.url, e.excerpt))
        return [Verdict(verdict_id=r.id, claim_id=r.claim_id, version=r.version, label=Label(r.label),
                        note=r.note, reviewer=r.reviewer, claim_text=r.claim_text,
                        created_at=r.created_at, evidence=tuple(cited[r.id])) for r in rows]

    def history(self, claim_id: int) -> list[Verdict]:
        """Every version of the verdict on a claim, oldest first."""
        return self._verdicts(sa.select(verdicts).where(verdicts.c.claim_id == claim_id)
                              .order_by(verdicts.c.version))

    def latest(self, claim_id: int) -> Verdict | None:
        found = self._verdicts(sa.select(verdicts).where(verdicts.c.claim_id == claim_id)
                               .order_by(verdicts.c.version.desc()).limit(1))
        return found[0] if found else None

    def count_versions(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(verdicts)).scalar_one())

    def latest_rows(self, *, labels: Sequence[str] = (), reviewer: str | None = None,
                    article_id: int | None = None, since: str | None = None,
                    until: str | None = None, all_versions: bool = False, claimants: bool = False) -> list[VerdictRow]:
        """Latest verdict per claim (or every version), newest first, with optional filters; with
        `claimants` (exports), who each claim's sentence attributes it to, read from its article."""
        newest = (sa.select(verdicts.c.claim_id, sa.func.max(verdicts.c.version).label("v"))
                  .group_by(verdicts.c.claim_id).subquery())
        query = (sa.select(verdicts, claims.c.start, claims.c.end, claims.c.text.label("original"),
                           articles.c.id.label("aid"), articles.c.title.label("atitle"),
                           articles.c.url.label("aurl"), articles.c.source.label("asource"),
                           articles.c.published.label("apublished"),
                           (articles.c.text if claimants else sa.null()).label("atext"))
                 .join(claims, claims.c.id == verdicts.c.claim_id)
                 .join(articles, articles.c.id == claims.c.article_id))
        if not all_versions:
            query = query.join(newest, sa.and_(newest.c.claim_id == verdicts.c.claim_id,
                                               newest.c.v == verdicts.c.version))
        if labels:
            query = query.where(verdicts.c.label.in_([Label(x).value for x in labels]))
        if reviewer:
            query = query.where(verdicts.c.reviewer == reviewer)
        if article_id is not None:
            query = query.where(articles.c.id == article_id)
        if since:
            query = query.where(verdicts.c.created_at >= since)
        if until:
            query = query.where(verdicts.c.created_at < until)
        query = query.order_by(verdicts.c.created_at.desc(), verdicts.c.id.desc())
        with self.engine.connect() as conn:
            raw = conn.execute(query).all()
        by_id = {v.verdict_id: v for v in self._verdicts(
            sa.select(verdicts).where(verdicts.c.id.in_([r.id for r in raw])))} if raw else {}
        return [VerdictRow(by_id[r.id], r.start, r.end, r.original, r.aid, r.atitle, r.aurl, r.asource, r.apublished,
                           find_claimant(r.original, before=r.atext[: r.start]).name if claimants else None)
                for r in raw]

    def reviewer_names(self) -> list[str]:
        with self.engine.connect() as conn:
            return [r.name for r in conn.execute(sa.select(reviewers.c.name).order_by(reviewers.c.name))]

    def article_list(self) -> list[tuple[int, str]]:
        with self.engine.connect() as conn:
            return [(r.id, r.title) for r in conn.execute(
                sa.select(articles.c.id, articles.c.title).order_by(articles.c.id.desc()))]

    # -- already checked --------------------------------------------------------------------
    def judged_claims(self, *, model: str, exclude_article: int | None = None
                      ) -> tuple[list[VerdictRow], np.ndarray | None]:
        """The latest verdict of every judged claim outside `exclude_article` whose stored vector
        comes from `model`, with those vectors (rows in the same order)."""
        rows = [r for r in self.latest_rows() if r.article_id != exclude_article]
        if not rows:
            return [], None
        with self.engine.connect() as conn:
            stored = {r.id: r.vector for r in conn.execute(
                sa.select(claims.c.id, claims.c.vector).where(
                    claims.c.id.in_([r.verdict.claim_id for r in rows]),
                    claims.c.vector_model == model, claims.c.vector.is_not(None)))}
        rows = [r for r in rows if r.verdict.claim_id in stored]
        if not rows:
            return [], None
        return rows, np.stack([np.frombuffer(stored[r.verdict.claim_id], dtype=np.float32) for r in rows])

    def similar_verdicts(self, vectors: np.ndarray, *, model: str, threshold: float,
                         exclude_article: int | None = None) -> list[Match | None]:
        """For each claim vector, the most similar claim with a verdict (cosine >= threshold)."""
        rows, matrix = self.judged_claims(model=model, exclude_article=exclude_article)
        if matrix is None or len(vectors) == 0 or matrix.shape[1] != vectors.shape[1]:
            return [None] * len(vectors)
        sims = np.asarray(vectors, dtype=np.float32) @ matrix.T
        out: list[Match | None] = []
        for row_sims in sims:
            best = int(np.argmax(row_sims))
            out.append(Match(rows[best], float(row_sims[best])) if row_sims[best] >= threshold else None)
        return out


def changed_evidence(cited: Iterable[CitedEvidence], current: dict[str, str]) -> list[CitedEvidence]:
    """Cited passages whose text hash differs from the current corpus (or that are gone)."""
    return [c for c in cited if current.get(c.passage_id) != c.passage_hash]
