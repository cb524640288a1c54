"""Fact-check records in the workbench's database (the verdict store's, SQLite or PostgreSQL).

One row per fact-check URL: importing a URL again updates its row. The table lives beside the
verdict tables, created on first use with the same helpers (checker/verdicts/schema.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import sqlalchemy as sa

from checker.factchecks.records import FactCheck
from checker.verdicts.schema import String, Text, add_missing_columns, create_tables
from checker.verdicts.store import VerdictStore, now

factcheck_metadata = sa.MetaData()
fact_checks = sa.Table(
    "fact_checks", factcheck_metadata,
    sa.Column("fc_id", String(40), primary_key=True),
    sa.Column("url", Text, nullable=False),
    sa.Column("claim", Text, nullable=False),
    sa.Column("rating", Text, nullable=False, default=""),
    sa.Column("verdict", String(10), nullable=False, default="other"),
    sa.Column("claimant", Text),
    sa.Column("publisher", Text),
    sa.Column("date", Text),
    sa.Column("claim_date", Text),
    sa.Column("language", Text),
    sa.Column("headline", Text),
    sa.Column("appearance", Text),
    sa.Column("rating_value", sa.Float),
    sa.Column("best_rating", sa.Float),
    sa.Column("worst_rating", sa.Float),
    sa.Column("claimant_type", Text),
    sa.Column("publisher_type", Text),
    sa.Column("source", Text),
    sa.Column("reviewer", Text),
    sa.Column("review_body", Text),
    sa.Column("imported_at", Text, nullable=False),
    sa.Column("updated_at", Text, nullable=False),
)
_FIELDS = [f.name for f in fields(FactCheck)]
_CHUNK = 500


@dataclass(frozen=True)
class ImportReport:
    added: int
    updated: int
    unchanged: int

    def line(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"


def _create(conn: sa.Connection) -> None:
    create_tables(conn, factcheck_metadata)
    add_missing_columns(conn, factcheck_metadata)


def _row(record: FactCheck) -> dict[str, Any]:
    return {k: getattr(record, k) for k in _FIELDS}


class FactCheckStore:
    """Reads and writes of fact-check records, through a verdict store's engine and retries."""

    def __init__(self, store: VerdictStore) -> None:
        self.store = store
        store._run(_create)

    @classmethod
    def open(cls, url: str) -> FactCheckStore:
        return cls(VerdictStore(url))

    def upsert(self, records: Sequence[FactCheck]) -> ImportReport:
        """Add new URLs, update changed ones; in one transaction."""
        def op(conn: sa.Connection) -> ImportReport:
            added = updated = unchanged = 0
            stamp = now()
            for lo in range(0, len(records), _CHUNK):
                chunk = list({r.fc_id: r for r in records[lo : lo + _CHUNK]}.values())
                have = {row.fc_id: row for row in conn.execute(
                    sa.select(fact_checks).where(fact_checks.c.fc_id.in_([r.fc_id for r in chunk])))}
                new = [_row(r) | {"imported_at": stamp, "updated_at": stamp} for r in chunk if r.fc_id not in have]
                if new:
                    conn.execute(fact_checks.insert(), new)
                added += len(new)
                for r in chunk:
                    old = have.get(r.fc_id)
                    if old is None:
                        continue
                    if all(getattr(old, k) == v for k, v in _row(r).items()):
                        unchanged += 1
                        continue
                    conn.execute(fact_checks.update().where(fact_checks.c.fc_id == r.fc_id)
                                 .values(**_row(r), updated_at=stamp))
                    updated += 1
            return ImportReport(added, updated, unchanged)

        result: ImportReport = self.store._run(op)
        return result

    def all(self) -> list[FactCheck]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(fact_checks).order_by(fact_checks.c.imported_at, fact_checks.c.fc_id))
            return [self._record(r) for r in rows]

    def get(self, ids: Iterable[str]) -> dict[str, FactCheck]:
        wanted = list(dict.fromkeys(ids))
        out: dict[str, FactCheck] = {}
        with self.store.engine.connect() as conn:
            for lo in range(0, len(wanted), _CHUNK):
                rows = conn.execute(sa.select(fact_checks).where(fact_checks.c.fc_id.in_(wanted[lo : lo + _CHUNK])))
                out.update({r.fc_id: self._record(r) for r in rows})
        return out

    def count(self) -> int:
        with self.store.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(fact_checks)).scalar() or 0)

    @staticmethod
    def _record(row: Any) -> FactCheck:
        return FactCheck(**{k: getattr(row, k) for k in _FIELDS})
