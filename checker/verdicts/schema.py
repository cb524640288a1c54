"""The verdict database's tables, and opening a database of any age, from many processes at once.

- Tables and indexes are created with `CREATE ... IF NOT EXISTS`, so two processes opening a
  new database at the same moment both succeed (a plain check-then-create races).
- A table from an older version that lacks a column gets it added (`ALTER TABLE ... ADD
  COLUMN`, with the column's default), so old databases are migrated rather than broken.
- The schema version in `meta` must be a number this version understands; anything else is
  a clear StoreError, never a ValueError.
"""

from __future__ import annotations

import re
import unicodedata
from typing import overload

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from checker.errors import CheckerError, InputError

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@overload
def clean_text(value: str) -> str: ...
@overload
def clean_text(value: None) -> None: ...
@overload
def clean_text(value: str | None) -> str | None: ...
def clean_text(value: str | None) -> str | None:
    """`value` with lone surrogates (which UTF-8 cannot hold) and NUL (which PostgreSQL's text
    cannot hold) replaced, one for one, by U+FFFD, so that both backends store the same text.

    Offsets into the text stay valid: each replaced character is still one character.
    """
    return value if value is None else _UNSTORABLE.sub("\ufffd", value)


_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})  # controls, format (zero-width) and space characters


def visible_name(value: str, what: str) -> str:
    """`value` stripped of whitespace; InputError when no character of it can be seen.

    A name of spaces, zero-width spaces, joiners or other format characters (" \u200b ") would
    be stored, listed and credited as a blank: `what` names the field in the message.
    """
    name = value.strip()
    if not name:
        raise InputError(f"{what} is empty")
    if all(unicodedata.category(ch) in _INVISIBLE for ch in name):
        raise InputError(f"{what} {name!r} has no visible character")
    return name


class Text(sa.TypeDecorator[str]):
    """sa.Text whose every bound value (row written, or compared in a query) is `clean_text`ed."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return clean_text(value) if isinstance(value, str) else value


class String(sa.TypeDecorator[str]):
    """sa.String(length) whose every bound value is `clean_text`ed."""

    impl = sa.String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return clean_text(value) if isinstance(value, str) else value


SCHEMA_VERSION = 1

metadata = sa.MetaData()
meta_table = sa.Table(
    "meta", metadata,
    sa.Column("key", String(64), primary_key=True),
    sa.Column("value", Text, nullable=False),
)
articles = sa.Table(
    "articles", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("content_hash", String(64), nullable=False, unique=True),
    sa.Column("title", Text, nullable=False, default=""),
    sa.Column("url", Text),
    sa.Column("source", Text),
    sa.Column("published", String(32)),
    sa.Column("text", Text, nullable=False),
    sa.Column("created_at", String(32), nullable=False),
)
claims = sa.Table(
    "claims", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", Text, nullable=False),
    sa.Column("score", sa.Float),
    sa.Column("vector", sa.LargeBinary),
    sa.Column("vector_model", Text),
    sa.Column("created_at", String(32), nullable=False),
    sa.UniqueConstraint("article_id", "start", "end", name="uq_claim_span"),
)
reviewers = sa.Table(
    "reviewers", metadata,
    sa.Column("name", String(200), primary_key=True),
    sa.Column("created_at", String(32), nullable=False),
)
verdicts = sa.Table(
    "verdicts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("label", String(40), nullable=False),
    sa.Column("note", Text, nullable=False, default=""),
    sa.Column("reviewer", String(200), sa.ForeignKey("reviewers.name"), nullable=False),
    sa.Column("claim_text", Text, nullable=False),
    sa.Column("created_at", String(32), nullable=False),
    sa.UniqueConstraint("claim_id", "version", name="uq_verdict_version"),
)
evidence = sa.Table(
    "verdict_evidence", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("verdict_id", sa.Integer, sa.ForeignKey("verdicts.id"), nullable=False),
    sa.Column("doc_id", Text, nullable=False),
    sa.Column("passage_id", Text, nullable=False),
    sa.Column("passage_hash", String(64), nullable=False),
    sa.Column("title", Text, nullable=False, default=""),
    sa.Column("url", Text),
    sa.Column("excerpt", Text, nullable=False, default=""),
)
sa.Index("ix_verdicts_claim", verdicts.c.claim_id)
sa.Index("ix_evidence_verdict", evidence.c.verdict_id)
sa.Index("ix_claims_article", claims.c.article_id)


class StoreError(CheckerError):
    """The verdict database cannot be opened or written."""


def create_tables(conn: sa.Connection, meta: sa.MetaData) -> None:
    """Create what is missing of `meta`; harmless when another process does the same at once."""
    for table in meta.sorted_tables:
        conn.execute(sa.schema.CreateTable(table, if_not_exists=True))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            conn.execute(sa.schema.CreateIndex(index, if_not_exists=True))


def add_missing_columns(conn: sa.Connection, meta: sa.MetaData) -> list[str]:
    """Add the columns an older database lacks; the names of those added."""
    inspector = sa.inspect(conn)
    quote = conn.dialect.identifier_preparer.quote
    added = []
    for table in meta.sorted_tables:
        have = {c["name"] for c in inspector.get_columns(table.name)}
        for col in table.columns:
            if col.name in have:
                continue
            default = getattr(col.default, "arg", None) if col.default is not None and col.default.is_scalar else None
            if col.primary_key or (not col.nullable and default is None):
                raise StoreError(f"the verdict database's table {table.name} lacks column {col.name}, "
                                 "which cannot be added to it; export its verdicts with an older version")
            kind = col.type.compile(dialect=conn.dialect)
            ddl = f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(col.name)} {kind}"
            if default is not None:
                literal = sa.literal(default).compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
                ddl += f" NOT NULL DEFAULT {literal}" if not col.nullable else f" DEFAULT {literal}"
            conn.exec_driver_sql(ddl)
            added.append(f"{table.name}.{col.name}")
    return added


def stored_version(conn: sa.Connection) -> int | None:
    """The schema version the database records (None for a new one), or StoreError."""
    if not sa.inspect(conn).has_table(meta_table.name):
        return None
    value = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar()
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StoreError(f"the verdict database records schema version {str(value)[:40]!r}, which is not "
                         "a number: it was not written by this workbench, or it is damaged") from None


def migrate(conn: sa.Connection) -> None:
    """Bring the database up to SCHEMA_VERSION; refuse one from a newer version."""
    version = stored_version(conn)
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(f"the database has schema version {version}; this version of the "
                         f"workbench understands up to {SCHEMA_VERSION}")
    create_tables(conn, metadata)
    add_missing_columns(conn, metadata)
    if version is None:
        try:
            with conn.begin_nested():
                conn.execute(meta_table.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
        except IntegrityError:
            pass  # another process wrote it first
