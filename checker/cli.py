"""Command line: `python -m checker index | check | search`.

Errors print one line to stderr and exit with status 2 (1 for an unexpected failure), never a
traceback unless CHECKER_DEBUG is set.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from checker.config import Settings, load_settings
from checker.errors import CheckerError, InputError
from checker.types import Hit

if TYPE_CHECKING:
    from checker.store import VerdictStore


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _progress_bar(label: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        if not sys.stderr.isatty() and done != total:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
        sys.stderr.flush()

    return show


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from checker.corpus import load_corpus
    from checker.embed import get_embedder
    from checker.index import build_index

    corpus_paths = [Path(p) for p in args.corpus] if args.corpus else settings.corpus_paths()
    loaded = load_corpus(corpus_paths)
    for problem in loaded.problems:
        _stderr(f"warning: {problem}")
    if not loaded.documents:
        raise InputError(f"no documents found in {', '.join(map(str, corpus_paths))}")
    report = build_index(loaded.documents, get_embedder(settings.model), settings.index,
                         batch_size=settings.batch_size, force=args.force,
                         progress=_progress_bar("embedding passages"))
    if report.up_to_date:
        print(f"index at {report.folder} is up to date: {report.documents} documents, "
              f"{report.passages} passages")
    else:
        print(f"indexed {report.documents} documents as {report.passages} passages into "
              f"{report.folder} ({report.embedded} embedded, {report.reused} reused) "
              f"in {report.seconds:.1f} s")
    return 0


def _read_article(source: str) -> str:
    from checker.textio import article_from_bytes

    if source == "-":
        text, notes = article_from_bytes(sys.stdin.buffer.read(), name="standard input")
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{source}: no such file")
        text, notes = article_from_bytes(path.read_bytes(), name=source)
    for note in notes:
        _stderr(f"note: {note}")
    return text


def _print_hits(hits: Sequence[Hit], indent: str = "  ") -> None:
    if not hits:
        print(f"{indent}(no evidence found)")
    for h in hits:
        p = h.passage
        meta = ", ".join(x for x in (p.publisher, p.date) if x)
        print(f"{indent}{h.rank}. [{h.score:.4f} | dense {h.dense_score:.3f} | "
              f"bm25 {h.lexical_score:.2f}] {p.title}" + (f" ({meta})" if meta else ""))
        for c in h.checks:
            if c.is_flag():
                print(f"{indent}   {'!' if c.status == 'differs' else '?'} {c.kind} {c.status}: {c.detail}")
        snippet = textwrap.shorten(p.text, width=220, placeholder=" …")
        print(textwrap.indent(textwrap.fill(snippet, width=96), indent + "   "))
        if p.url:
            print(f"{indent}   {p.url}")


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from checker.pipeline import check_article, open_retriever, validate_article

    text = validate_article(_read_article(args.file), max_chars=settings.max_article_chars)
    retriever = open_retriever(settings)
    result = check_article(text, retriever=retriever, top_k=settings.top_k,
                           threshold=settings.claim_threshold, max_claims=settings.max_claims,
                           max_chars=settings.max_article_chars, max_sentences=settings.max_sentences,
                           article_date=args.date)
    for note in result.notes():
        _stderr(f"note: {note}")
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return 0
    if not result.reports:
        print("no check-worthy claims found")
    for n, r in enumerate(result.reports, start=1):
        print(f"{n}. [{r.claim.score:.2f}] {r.claim.text}")
        _print_hits(r.evidence, indent="    ")
        print()
    return 0


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


def _store(args: argparse.Namespace, settings: Settings) -> VerdictStore:
    from checker.store import VerdictStore

    return VerdictStore(args.db or settings.db)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from checker.export import to_claimreview, to_csv

    rows = _store(args, settings).latest_rows(all_versions=args.all_versions)
    if args.format == "csv":
        text = to_csv(rows)
    else:
        text = to_claimreview(rows, organisation=settings.organisation, url_template=settings.review_url)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {len(rows)} verdicts to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_verdicts(args: argparse.Namespace, settings: Settings) -> int:
    from checker.export import row_record

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


def cmd_eval_retrieval(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from checker.embed import get_embedder
    from checker.evaluate import cached_index, load_beir, retrieval_scores, run_retrieval
    from checker.index import load_index
    from checker.retrieve import Retriever

    started = time.perf_counter()
    folder = Path(args.data)
    data = load_beir(folder, args.split)
    if args.decontextualise:
        from checker.focus import standalone

        data = type(data)(data.folder, {q: standalone(t) or t for q, t in data.queries.items()}, data.qrels)
    embedder = get_embedder(settings.model)
    index_dir = cached_index(folder / "corpus.jsonl", embedder=embedder, cache_root=settings.cache,
                             progress=_progress_bar("indexing the corpus"))
    config = settings.retrieval_config(mode=args.mode, fusion=args.fusion, dense_weight=args.dense_weight,
                                       candidates=max(settings.candidates, args.top_k * 3))
    retriever = Retriever(load_index(index_dir, model=settings.model), embedder, config=config)
    run = run_retrieval(retriever, data.queries, top_k=args.top_k, progress=_progress_bar("queries"))
    scores = retrieval_scores(run, data.qrels)
    seconds = time.perf_counter() - started
    print(f"{folder.name} / {args.split}: {scores['queries']} queries, {config.mode} retrieval"
          + (f", {config.fusion} fusion" if config.mode == "hybrid" else "")
          + (f" (dense weight {config.dense_weight})" if config.mode == "hybrid" and config.fusion == "weighted"
             else ""))
    for key in ("ndcg@10", "map@5", "mrr@10", "recall@10", "recall@100"):
        print(f"  {key:<11} {scores[key]:.4f}")
    print(f"  seconds     {seconds:.1f}")
    if args.json:
        print(json.dumps({**{k: round(float(v), 6) for k, v in scores.items() if k != "queries"},
                          "queries": int(scores["queries"]), "seconds": round(seconds, 2)}))
    return 0


def cmd_eval_checkworthiness(args: argparse.Namespace, settings: Settings) -> int:
    import math
    import time

    from checker.checkworthy import default_model, score_sentences
    from checker.evaluate import classification_scores, load_checkworthiness

    started = time.perf_counter()
    texts, labels, groups = load_checkworthiness(Path(args.data))
    model = None if args.features_only else default_model()
    vectors, name = None, None
    if model is not None:
        from checker.embcache import cached_embeddings
        from checker.embed import get_embedder

        embedder = get_embedder(settings.model)
        if model.fits(embedder.name, model.dim):
            vectors = cached_embeddings(texts, embedder=embedder, cache=settings.cache, name=Path(args.data).stem,
                                        progress=_progress_bar("embedding"))
            name = embedder.name
    scored = score_sentences(texts, vectors=vectors, embedding_model=name, model=model)
    scores = [s for s, _ in scored]
    threshold = settings.claim_threshold if args.threshold is None else args.threshold
    print(f"scorer: {'trained model' if vectors is not None else 'transparent features'}")
    result = classification_scores(scores, labels, threshold, groups)
    seconds = time.perf_counter() - started
    print(f"{Path(args.data).name}: {len(texts)} rows, {sum(labels)} positive, threshold {threshold}")
    for key in ("precision", "recall", "f1", "ap", "map"):
        value = result[key]
        print(f"  {key:<10} " + ("n/a (no groups)" if math.isnan(value) else f"{value:.4f}"))
    if args.json:
        out = {k: (None if isinstance(v, float) and math.isnan(v) else round(float(v), 6))
               for k, v in result.items() if k != "rows"}
        print(json.dumps({**out, "rows": len(texts), "seconds": round(seconds, 2)}))
    return 0


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    from checker.config import PROJECT_ROOT
    from checker.embed import get_embedder
    from checker.train import train_checkworthiness

    data = Path(args.data) if args.data else PROJECT_ROOT.parent / "shared" / "data" / "checkworthiness"
    if not data.is_dir():
        raise InputError(f"{data}: no such folder (give the check-worthiness data with --data DIR)")
    model, report = train_checkworthiness(data, embedder=get_embedder(settings.model), cache=settings.cache,
                                          seed=args.seed, log=_stderr)
    model.save(Path(args.out))
    print(f"saved {args.out}: l2 {report['l2']}, threshold {report['threshold']}, "
          f"{report['seconds']:.0f} s")
    for side in ("dev", "test"):
        for name, m in report[side].items():
            print(f"  {side:<4} {name:<12} P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} "
                  f"AP {m['ap']:.3f} MAP {m['map']:.3f}")
    if args.json:
        print(json.dumps({side: report[side] for side in ("dev", "test")} | {"threshold": report["threshold"]},
                         default=float))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m checker",
                                     description="Find check-worthy claims and their evidence.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build or update the evidence index from a corpus")
    p.add_argument("--corpus", action="append", metavar="PATH",
                   help="corpus file or folder (repeatable; default: the configured corpus)")
    p.add_argument("--index", metavar="DIR", help="index folder")
    p.add_argument("--force", action="store_true", help="re-embed everything")
    p.set_defaults(run=cmd_index)

    p = sub.add_parser("check", help="find the claims of an article and their evidence")
    p.add_argument("file", metavar="FILE|-", help="article text file, or - for standard input")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the article's date, to resolve 'Friday' or 'last week'")
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

    p = sub.add_parser("eval", help="measure retrieval or check-worthiness on labelled data")
    evsub = p.add_subparsers(dest="what", required=True)
    e = evsub.add_parser("retrieval", help="BEIR-layout folder: nDCG@10, MAP@5, MRR@10, Recall@10/100")
    e.add_argument("--data", required=True, metavar="DIR", help="folder with corpus.jsonl, queries.jsonl, qrels/")
    e.add_argument("--split", required=True, metavar="NAME", help="qrels/NAME.tsv")
    e.add_argument("--top-k", type=int, default=100, metavar="K", help="documents ranked per query")
    e.add_argument("--mode", choices=["hybrid", "dense", "lexical"], help="switch one retriever off")
    e.add_argument("--fusion", choices=["rrf", "weighted"], help="how dense and lexical are fused")
    e.add_argument("--dense-weight", type=float, help="weight of the dense score in weighted fusion")
    e.add_argument("--decontextualise", action="store_true",
                   help="search with standalone wordings (reporting frames dropped)")
    e.add_argument("--json", action="store_true", help="end with one JSON line")
    e.set_defaults(run=cmd_eval_retrieval)
    e = evsub.add_parser("checkworthiness", help="{id, text, label, group} JSONL: P/R/F1, AP, MAP")
    e.add_argument("--data", required=True, metavar="FILE", help="JSONL file")
    e.add_argument("--threshold", type=float, help="decision threshold (default: the configured one)")
    e.add_argument("--features-only", action="store_true", help="score with the transparent features only")
    e.add_argument("--json", action="store_true", help="end with one JSON line")
    e.set_defaults(run=cmd_eval_checkworthiness)

    p = sub.add_parser("train", help="train a model from labelled data")
    trsub = p.add_subparsers(dest="what", required=True)
    t = trsub.add_parser("checkworthiness", help="the check-worthiness scorer (JSON weights)")
    t.add_argument("--out", required=True, metavar="PATH", help="where to write the weights")
    t.add_argument("--data", metavar="DIR", help="folder of {id,text,label,group} JSONL files "
                   "(default: ../shared/data/checkworthiness)")
    t.add_argument("--seed", type=int, default=0, help="seed of the group split")
    t.add_argument("--json", action="store_true", help="end with one JSON line")
    t.set_defaults(run=cmd_train)

    p = sub.add_parser("export", help="export verdicts as CSV or schema.org ClaimReview JSON-LD")
    p.add_argument("--format", choices=["csv", "claimreview"], default="csv")
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--db", metavar="URL", help="database URL (default: the configured one)")
    p.add_argument("--all-versions", action="store_true", help="every version, not only the latest")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("verdicts", help="list the latest verdict on every claim")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--db", metavar="URL", help="database URL (default: the configured one)")
    p.add_argument("--all-versions", action="store_true", help="every version, not only the latest")
    p.set_defaults(run=cmd_verdicts)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    debug = False
    try:
        settings = load_settings()
        debug = settings.debug
        settings = settings.with_(index=Path(args.index) if getattr(args, "index", None) else None,
                                  top_k=getattr(args, "top_k", None))
        if settings.top_k < 1:
            raise InputError("--top-k must be at least 1")
        return int(args.run(args, settings))
    except CheckerError as exc:
        _stderr(f"error: {exc}")
        return 2
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        _stderr("interrupted")
        return 130
    except Exception as exc:  # last resort: one line, no traceback
        if debug:
            raise
        _stderr(f"error: unexpected {type(exc).__name__}: {exc} (set CHECKER_DEBUG=1 for details)")
        return 1
