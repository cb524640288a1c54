"""`export` and `verdicts`: what reviewers decided, as CSV, ClaimReview or a list."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from checker.config import Settings
from checker.errors import InputError

if TYPE_CHECKING:
    from checker.verdicts.store import VerdictStore


def _store(args: argparse.Namespace, settings: Settings) -> VerdictStore:
    from checker.verdicts.store import VerdictStore

    return VerdictStore(args.db or settings.db)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from checker.verdicts.export import to_claimreview, to_csv

    rows = _store(args, settings).latest_rows(all_versions=args.all_versions, claimants=args.format != "csv")
    if args.format == "csv":
        text = to_csv(rows)
    else:
        text = to_claimreview(rows, organisation=settings.organisation, url_template=settings.review_url,
                              scale=settings.rating_scale, publish=args.publish)
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
        print(f"wrote {len(rows)} verdicts to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_verdicts(args: argparse.Namespace, settings: Settings) -> int:
    from checker.verdicts.export import row_record

    rows = _store(args, settings).latest_rows(all_versions=args.all_versions)
    if args.json:
        print(json.dumps({"verdicts": [row_record(r) for r in rows]}, ensure_ascii=False))
        return 0
    if not rows:
        print("no verdicts saved yet")
    for r in rows:
        v = r.verdict
        print(f"[{v.label.value}] v{v.version} by {v.reviewer} at {v.created_at[:16]}: "
              f"{textwrap.shorten(v.claim_text, 100)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export verdicts as CSV or schema.org ClaimReview JSON-LD")
    p.add_argument("--format", choices=["csv", "claimreview"], default="csv")
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--db", metavar="URL", help="database URL (default: the configured one)")
    p.add_argument("--all-versions", action="store_true", help="every version, not only the latest")
    p.add_argument("--publish", action="store_true", help="claimreview: refuse a CHECKER_REVIEW_URL left at the "
                   "placeholder (an example host)")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("verdicts", help="list the latest verdict on every claim")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--db", metavar="URL", help="database URL (default: the configured one)")
    p.add_argument("--all-versions", action="store_true", help="every version, not only the latest")
    p.set_defaults(run=cmd_verdicts)
