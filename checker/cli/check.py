"""`index`, `check` and `search`: build the evidence index and use it."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from checker.cli.common import _progress_bar, _stderr
from checker.config import Settings
from checker.errors import InputError
from checker.types import ClaimReport, Hit


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from checker.evidence.corpus import load_corpus
    from checker.evidence.index import build_index
    from checker.text.embed import get_embedder

    corpus_paths = [Path(p) for p in args.corpus] if args.corpus else settings.corpus_paths()
    loaded = load_corpus(corpus_paths)
    for problem in loaded.problems:
        _stderr(f"warning: {problem}")
    if not loaded.documents:
        raise InputError(f"no documents found in {', '.join(map(str, corpus_paths))}")
    embedder = get_embedder(settings.model)
    if args.engine == "ray":  # Ray is imported only on this path
        from checker.evidence.distributed import RayEmbedder

        embedder = RayEmbedder(settings.model, address=args.ray_address, workers=args.ray_workers)  # type: ignore[assignment]
    report = build_index(loaded.documents, embedder, settings.index,
                         batch_size=settings.batch_size, force=args.force, max_shards=settings.max_shards,
                         progress=_progress_bar("embedding passages"))
    if report.damaged:
        _stderr(f"warning: {report.damaged}; rebuilt it from scratch")
    if report.up_to_date:
        print(f"index at {report.folder} is up to date: {report.documents} documents, "
              f"{report.passages} passages")
    else:
        print(f"indexed {report.documents} documents as {report.passages} passages into "
              f"{report.folder} ({report.embedded} embedded, {report.reused} reused) "
              f"in {report.seconds:.1f} s")
    _index_factchecks(settings)
    return 0


def _index_factchecks(settings: Settings) -> None:
    """The fact-check index beside the corpus index: the configured feed (the demo's by default)
    imported again (unchanged records stay as they are), then every stored fact-check indexed."""
    from checker.cli.factchecks import import_records
    from checker.factchecks.files import Loaded, read_files

    loaded = read_files([settings.factchecks]) if settings.factchecks.exists() else Loaded()
    for problem in loaded.problems:
        _stderr(f"warning: {problem}")
    print(f"fact-checks: {import_records(settings, loaded)}")


def _read_article(source: str, *, max_chars: int) -> str:
    from checker.text.decode import article_from_bytes, read_bounded

    if source == "-":
        data = read_bounded(sys.stdin.buffer, max_chars=max_chars, name="standard input")
        text, notes = article_from_bytes(data, name="standard input")
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{source}: no such file")
        with path.open("rb") as fh:
            data = read_bounded(fh, max_chars=max_chars, name=source)
        text, notes = article_from_bytes(data, name=source)
    for note in notes:
        _stderr(f"note: {note}")
    return text


def _print_hits(hits: Sequence[Hit], indent: str = "  ") -> None:
    if not hits:
        print(f"{indent}(no evidence found)")
    for h in hits:
        p = h.passage
        meta = ", ".join(x for x in (p.publisher, p.date, "published after the article" if h.after_article else "")
                         if x)
        judged = "" if h.relevance is None else f" | relevant {h.relevance:.2f} | {h.stance}"
        print(f"{indent}{h.rank}. [{h.score:.4f} | dense {h.dense_score:.3f} | "
              f"bm25 {h.lexical_score:.2f}{judged}] {p.title}" + (f" ({meta})" if meta else ""))
        for c in h.checks:
            if c.is_flag():
                print(f"{indent}   {'!' if c.status == 'differs' else '?'} {c.kind} {c.status}: {c.detail}")
        snippet = textwrap.shorten(p.text, width=220, placeholder=" …")
        print(textwrap.indent(textwrap.fill(snippet, width=96), indent + "   "))
        if p.url:
            print(f"{indent}   {p.url}")


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from checker.pipeline import check_article, open_retriever, reader_options, validate_article

    if args.jsonl or len(args.file) > 1:  # many articles: one JSON line each (checker/cli/batch.py)
        from checker.cli.batch import run_batch

        return run_batch(args, settings)
    from checker.batch import valid_date

    args.date = valid_date(args.date)  # a bad --date is an error, not silently ignored
    text = validate_article(_read_article(args.file[0], max_chars=settings.max_article_chars),
                            max_chars=settings.max_article_chars)
    from checker.factchecks.index import open_matcher, with_fact_checks

    retriever = open_retriever(settings)
    matcher = open_matcher(settings, retriever.embedder)
    shown: list[ClaimReport] = []

    def show(batch: list[ClaimReport]) -> None:  # the first claims print while the rest are searched
        for r in with_fact_checks(batch, matcher):
            shown.append(r)
            print(f"{len(shown)}. [{r.claim.score:.2f}] {r.claim.text}")
            if not r.searched:
                print("    evidence not searched: beyond CHECKER_MAX_CLAIMS (check this sentence alone to search it)")
            elif r.suggestion is not None:
                print(f"    suggested: {r.suggestion.verdict()} ({r.suggestion.confidence:.2f})")
            elif r.weaker:
                print("    No relevant evidence in the corpus (weaker matches hidden; --json lists them)")
            for note in r.notes:
                print(f"    note: {note}")
            _print_fact_checks(r)
            _print_hits(r.evidence, indent="    ")
            print(flush=True)

    result = check_article(text, retriever=retriever, top_k=settings.top_k,
                           threshold=settings.claim_threshold, check_all=args.all,
                           evidence_batch=settings.evidence_batch, max_chars=settings.max_article_chars,
                           max_sentences=settings.max_sentences, article_date=args.date,
                           progress=_progress_line, on_reports=None if args.json else show,
                           max_claims=settings.max_claims, **reader_options(settings))
    for note in result.notes():
        _stderr(f"note: {note}")
    if args.json:
        from dataclasses import replace

        result = replace(result, reports=with_fact_checks(result.reports, matcher))
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return 0
    if not result.reports:
        print("no check-worthy claims found (check --all checks every sentence)")
    else:
        summary = result.summary()
        print(f"summary: {summary.line()}; {summary.coverage()}")
    return 0


def _print_fact_checks(report: ClaimReport) -> None:
    from checker.cli.factchecks import summary_line

    for m in report.fact_checks:
        print(f"    Already fact-checked: {summary_line(m.record)} [{m.score:.3f}]")
        if m.record is not None:
            print(f"      “{textwrap.shorten(m.record.claim, 160, placeholder=' …')}” {m.record.url}")


def _progress_line(done: int, total: int, what: str) -> None:
    """Where a long check is, on a terminal only (scoring, then evidence batch by batch)."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\033[K{what}" + ("\n" if what == "done" else ""))
        sys.stderr.flush()


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from checker.pipeline import open_retriever

    if not args.query.strip():
        raise InputError("the query is empty")
    hits = open_retriever(settings).search(args.query, top_k=settings.top_k)
    if args.json:
        print(json.dumps({"hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
    else:
        _print_hits(hits)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("index", help="build or update the evidence index from a corpus")
    p.add_argument("--corpus", action="append", metavar="PATH",
                   help="corpus file or folder (repeatable; default: the configured corpus)")
    p.add_argument("--index", metavar="DIR", help="index folder")
    p.add_argument("--force", action="store_true", help="re-embed everything")
    p.add_argument("--engine", choices=["local", "ray"], default="local",
                   help="where passages are embedded: this process (default) or a Ray Data job")
    p.add_argument("--ray-address", metavar="ADDR",
                   help="Ray cluster to join, e.g. 127.0.0.1:6379 (default: start Ray in this process)")
    p.add_argument("--ray-workers", type=int, default=1, metavar="N",
                   help="Ray workers embedding at once, each loading the model once (default 1)")
    p.set_defaults(run=cmd_index)

    p = sub.add_parser("check", help="find the claims of an article and their evidence")
    p.add_argument("file", metavar="FILE|-", nargs="+",
                   help="article text file, or - for standard input; several files print one JSON line each")
    p.add_argument("--jsonl", action="store_true",
                   help='FILE holds one article a line: {"id", "text", "date"?}; prints one JSON line each')
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the article's date, to resolve 'Friday' or 'last week'")
    p.add_argument("--all", action="store_true",
                   help="check every sentence as a claim, whatever its score (always so for one or two sentences)")
    p.add_argument("--index", metavar="DIR", help="index folder")
    p.add_argument("--top-k", type=int, metavar="K", help="evidence passages per claim")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("search", help="search the evidence index")
    p.add_argument("query")
    p.add_argument("--index", metavar="DIR", help="index folder")
    p.add_argument("--top-k", type=int, metavar="K", help="number of hits")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_search)
