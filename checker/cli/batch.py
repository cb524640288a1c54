"""`check FILE…` and `check --jsonl FILE`: many articles in one process, one JSON line each."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from checker.batch import Article, check_articles, valid_date
from checker.cli.common import _stderr
from checker.config import Settings
from checker.errors import CheckerError, InputError


def article_from_json(line: str, *, number: int, default_date: str | None) -> Article:
    """One JSONL line as an article; an Article with `error` set when the line is unusable."""
    try:
        data = json.loads(line)
    except ValueError as exc:
        return Article(None, "", error=f"line {number}: not JSON ({exc})")
    if not isinstance(data, dict):
        return Article(None, "", error=f"line {number}: expected an object with \"id\" and \"text\"")
    ident = data.get("id")
    if isinstance(ident, bool) or not isinstance(ident, str | int) or ident == "":
        return Article(ident if isinstance(ident, str | int) else None, "",
                       error=f"line {number}: \"id\" must be a non-empty string or an integer")
    text = data.get("text")
    if not isinstance(text, str):
        return Article(ident, "", error=f"line {number}: \"text\" must be a string")
    try:
        day = valid_date(data.get("date")) or default_date
    except InputError as exc:
        return Article(ident, "", error=f"line {number}: {exc}")
    return Article(ident, text, date=day)


def jsonl_articles(source: str, *, default_date: str | None) -> Iterator[Article]:
    """Articles from a JSONL file (or `-` for standard input), read one line at a time."""
    if source != "-" and not Path(source).is_file():
        raise InputError(f"{source}: no such file")
    stream = sys.stdin if source == "-" else open(source, encoding="utf-8", errors="replace")  # noqa: SIM115
    try:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                yield article_from_json(line, number=number, default_date=default_date)
    finally:
        if stream is not sys.stdin:
            stream.close()


def file_articles(sources: list[str], *, default_date: str | None) -> Iterator[Article]:
    """One article per text file, its id being the path as given."""
    from checker.text.decode import article_from_bytes

    for source in sources:
        path = Path(source)
        if not path.is_file():
            yield Article(source, "", error=f"{source}: no such file")
            continue
        try:
            text, notes = article_from_bytes(path.read_bytes(), name=source)
        except (CheckerError, OSError) as exc:
            yield Article(source, "", error=str(exc))
            continue
        for note in notes:
            _stderr(f"note: {note}")
        yield Article(source, text, date=default_date)


def _count_lines(sources: list[str]) -> int | None:
    total = 0
    for source in sources:
        if source == "-" or not Path(source).is_file():
            return None
        with open(source, "rb") as fh:
            total += sum(1 for line in fh if line.strip())
    return total


def _show_progress(total: int | None, started: float) -> Any:
    def show(done: int) -> None:
        if not sys.stderr.isatty():
            return
        rate = done / max(time.perf_counter() - started, 1e-9)
        if total:
            width = 30
            filled = int(width * done / max(total, 1))
            bar = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        else:
            bar = f"{done}"
        sys.stderr.write(f"\rchecking articles {bar} ({rate:.1f}/s)")
        sys.stderr.flush()

    return show


def check_options(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """The options of `check_article` that the settings and arguments give, as a single check passes them."""
    import inspect

    from checker.pipeline import check_article, reader_options

    wanted = {"top_k": settings.top_k, "threshold": settings.claim_threshold,
              "max_claims": getattr(settings, "max_claims", None),
              "evidence_batch": getattr(settings, "evidence_batch", None),
              "check_all": getattr(args, "all", None)} | reader_options(settings)
    accepted = inspect.signature(check_article).parameters
    return {k: v for k, v in wanted.items() if v is not None and k in accepted}


def run_batch(args: argparse.Namespace, settings: Settings) -> int:
    """Check every article; print one JSON line each; exit 2 when any could not be checked."""
    from checker.pipeline import open_retriever

    default_date = valid_date(args.date)
    if args.jsonl:
        total = _count_lines(args.file)
        articles: Iterator[Article] = (a for source in args.file
                                       for a in jsonl_articles(source, default_date=default_date))
    else:
        total = len(args.file)
        articles = file_articles(args.file, default_date=default_date)
    from dataclasses import replace

    from checker.factchecks.index import open_matcher, with_fact_checks

    retriever = open_retriever(settings)
    matcher = open_matcher(settings, retriever.embedder)
    started = time.perf_counter()
    failed = done = 0
    for outcome in check_articles(articles, retriever=retriever, batch_size=settings.batch_size,
                                  max_chars=settings.max_article_chars, max_sentences=settings.max_sentences,
                                  debug=settings.debug, progress=_show_progress(total, started),
                                  **check_options(args, settings)):
        done += 1
        failed += outcome.result is None
        if outcome.result is not None and matcher is not None:  # each claim's published fact-checks
            outcome = replace(outcome, result=replace(outcome.result,
                                                      reports=with_fact_checks(outcome.result.reports, matcher)))
        print(json.dumps(outcome.to_dict(), ensure_ascii=False), flush=True)
    seconds = time.perf_counter() - started
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    _stderr(f"checked {done - failed} of {done} articles in {seconds:.1f} s "
            f"({done / max(seconds, 1e-9):.2f} articles/s)")
    if failed:
        _stderr(f"error: {failed} of {done} articles could not be checked; their lines carry \"error\"")
        return 2
    return 0
