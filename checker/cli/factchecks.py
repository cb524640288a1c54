"""`factchecks import | search | export`: published fact-checks (ClaimReview) in, matched, and out."""

from __future__ import annotations

import argparse
import json
import textwrap
import time
from pathlib import Path

from checker.cli.common import _progress_bar, _stderr
from checker.config import Settings
from checker.errors import InputError


def import_records(settings: Settings, loaded: object, *, reindex: bool = True) -> str:
    """Store the loaded records and rebuild the fact-check index: one line saying what happened."""
    from checker.factchecks.files import Loaded
    from checker.factchecks.index import build_factcheck_index
    from checker.factchecks.store import FactCheckStore
    from checker.text.embed import get_embedder

    assert isinstance(loaded, Loaded)
    store = FactCheckStore.open(settings.db)
    report = store.upsert(loaded.records)
    line = f"{len(loaded.records)} fact-checks read: {report.line()}"
    if loaded.duplicates:
        line += f"; {loaded.duplicates} repeated URLs (the last of each kept)"
    if reindex:
        built = build_factcheck_index(store.all(), get_embedder(settings.model), settings.factcheck_index,
                                      batch_size=settings.batch_size, max_shards=settings.max_shards,
                                      progress=_progress_bar("embedding fact-checks"))
        if built is not None:
            line += (f"; index {built.folder}: {built.documents} fact-checks"
                     + (" (up to date)" if built.up_to_date else f", {built.embedded} embedded"))
    return line


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from checker.factchecks.files import Loaded, read_files

    started = time.perf_counter()
    loaded = read_files([Path(p) for p in args.file], source=args.source) if args.file else Loaded()
    if args.verdicts:  # the workbench's own published verdicts, through its ClaimReview export
        from checker.factchecks.files import parse_text
        from checker.verdicts.export import to_claimreview
        from checker.verdicts.store import VerdictStore

        rows = VerdictStore(settings.db).latest_rows(claimants=True)
        text = to_claimreview(rows, organisation=settings.organisation, url_template=settings.review_url)
        if rows:
            loaded.add(parse_text(text, where="verdicts", source=args.source or "verdicts", suffix=".json"))
        loaded = loaded.deduplicated()
    if not args.file and not args.verdicts:
        raise InputError("name a file to import (or --verdicts)")
    for problem in loaded.problems:
        _stderr(f"skipped: {problem}")
    if not loaded.records:
        raise InputError("no fact-check could be read" + (f" ({len(loaded.problems)} problems above)"
                                                            if loaded.problems else ""))
    print(import_records(settings, loaded, reindex=not args.no_index)
          + f" in {time.perf_counter() - started:.1f} s"
          + (f"; {len(loaded.problems)} records skipped" if loaded.problems else ""))
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from checker.factchecks.index import open_matcher

    if not args.query.strip():
        raise InputError("the query is empty")
    matcher = open_matcher(settings)
    if matcher is None:
        raise InputError(f"no fact-check index at {settings.factcheck_index}: import some first "
                         "(python -m checker factchecks import FILE)")
    threshold = 0.0 if args.all else None
    found = matcher.match([args.query], top_k=settings.top_k if args.top_k else None, threshold=threshold)[0]
    if args.json:
        print(json.dumps({"fact_checks": [m.to_dict() for m in found], "threshold": matcher.threshold},
                         ensure_ascii=False))
        return 0
    if not found:
        print(f"(no fact-check scores {matcher.threshold:.2f} or more; --all shows the nearest)")
    for n, m in enumerate(found, 1):
        print(f"{n}. [{m.score:.3f}] " + summary_line(m.record))
        print(textwrap.indent(textwrap.fill(m.record.claim if m.record else m.fc_id, 96), "   "))
        if m.record:
            print(f"   {m.record.url}")
    return 0


def summary_line(record: object) -> str:
    """"PolitiFact rated a similar claim False on 2020-10-22" (with what is known of it)."""
    from checker.factchecks.records import FactCheck

    if not isinstance(record, FactCheck):
        return "a fact-check no longer in the database"
    who = record.publisher or "A fact-checker"
    when = f" on {record.date}" if record.date else ""
    by = f" (claimant: {record.claimant})" if record.claimant else ""
    return f"{who} rated a similar claim {record.rating or record.verdict}{when}{by}"


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from checker.factchecks.store import FactCheckStore
    from checker.factchecks.write import to_json

    text = to_json(FactCheckStore.open(settings.db).all())
    if args.out:
        try:
            Path(args.out).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    else:
        print(text)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("factchecks", help="import published fact-checks (ClaimReview), search and export them")
    fsub = p.add_subparsers(dest="what", required=True)
    e = fsub.add_parser("import", help="ClaimReview JSON-LD, aggregator JSON feeds, CSV or HTML pages")
    e.add_argument("file", metavar="FILE", nargs="*", help="files or folders to import")
    e.add_argument("--source", metavar="NAME", help="name the feed the records came from (default: the file name)")
    e.add_argument("--verdicts", action="store_true", help="also import this workbench's own saved verdicts")
    e.add_argument("--no-index", action="store_true", help="store only; `python -m checker index` indexes later")
    e.set_defaults(run=cmd_import)
    e = fsub.add_parser("search", help="the fact-checks of claims like QUERY")
    e.add_argument("query")
    e.add_argument("--top-k", type=int, metavar="K", help="fact-checks at most (default CHECKER_FACTCHECK_TOP_K)")
    e.add_argument("--all", action="store_true", help="also those under the threshold")
    e.add_argument("--json", action="store_true", help="print JSON")
    e.set_defaults(run=cmd_search)
    e = fsub.add_parser("export", help="every stored fact-check as a ClaimReview JSON-LD array")
    e.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    e.set_defaults(run=cmd_export)
