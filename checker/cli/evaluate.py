"""`eval`: measure retrieval or check-worthiness on labelled data."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from checker.cli.common import _progress_bar
from checker.config import DEFAULT_MODEL, PROJECT_ROOT, Settings
from checker.errors import InputError

TRANSCRIPTS_2B = (PROJECT_ROOT.parent / "shared" / "data" / "checkthat2021_task2b_en_debate_claim_retrieval"
                  / "transcripts_train_dev")


def cmd_eval_retrieval(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from checker.evaluate.data import load_beir
    from checker.evaluate.metrics import retrieval_scores
    from checker.evaluate.retrieval import cached_index, run_retrieval
    from checker.evidence.index import load_index
    from checker.evidence.retrieve import Retriever
    from checker.pipeline import open_reader
    from checker.text.embed import get_embedder

    started = time.perf_counter()
    folder = Path(args.data)
    data = load_beir(folder, args.split)
    if args.decontextualise:
        from checker.claims.focus import standalone

        data = type(data)(data.folder, {q: standalone(t) or t for q, t in data.queries.items()}, data.qrels)
    if args.context:
        from checker.evaluate.data import with_context

        transcripts = Path(args.transcripts) if args.transcripts else TRANSCRIPTS_2B
        data = with_context(data, transcripts, args.context)
    embedder = get_embedder(settings.model)
    if args.corpus == "factchecks":
        return _eval_factchecks(args, settings, data, embedder, started)
    index_dir = cached_index(folder / "corpus.jsonl", embedder=embedder, cache_root=settings.cache,
                             progress=_progress_bar("indexing the corpus"))
    config = settings.retrieval_config(mode=args.mode, fusion=args.fusion, dense_weight=args.dense_weight,
                                       candidates=max(settings.candidates, args.top_k * 3))
    if args.held_out:
        from checker.training.reader import heldout_query

        kept = {q: t for q, t in data.queries.items() if heldout_query(folder.name, q)}
        if not kept:
            raise InputError(f"{folder.name}: --held-out applies to SciFact train only "
                             "(the reader never trained on any dev split)")
        data = type(data)(data.folder, kept, {q: data.qrels[q] for q in kept})
    retriever = Retriever(load_index(index_dir, model=settings.model), embedder, config=config)
    reader = None if args.no_reader else open_reader(settings)
    run = run_retrieval(retriever, data.queries, top_k=args.top_k, progress=_progress_bar("queries"),
                        reader=reader, rerank_depth=settings.rerank_depth, order=args.order)
    scores = retrieval_scores(run, data.qrels)
    seconds = time.perf_counter() - started
    print(f"{folder.name} / {args.split}: {scores['queries']} queries, {config.mode} retrieval"
          + (f", {config.fusion} fusion" if config.mode == "hybrid" else "")
          + (f" (dense weight {config.dense_weight})" if config.mode == "hybrid" and config.fusion == "weighted"
             else "")
          + (f", reader judging the top {settings.rerank_depth} ({args.order} order)" if reader is not None
             else ", no reader"))
    for key in ("ndcg@10", "map@5", "mrr@10", "recall@10", "recall@100"):
        print(f"  {key:<11} {scores[key]:.4f}")
    print(f"  seconds     {seconds:.1f}")
    if args.json:
        print(json.dumps({**{k: round(float(v), 6) for k, v in scores.items() if k != "queries"},
                          "queries": int(scores["queries"]), "seconds": round(seconds, 2)}))
    return 0


def _eval_factchecks(args: argparse.Namespace, settings: Settings, data: object, embedder: object,
                     started: float) -> int:
    """`eval retrieval --corpus factchecks`: the corpus indexed as fact-checks, matched as a check does."""
    import math
    import time

    from checker.evaluate.factchecks import run_factchecks, shown_scores, tune_threshold
    from checker.evaluate.metrics import retrieval_scores
    from checker.evidence.index import load_index
    from checker.evidence.retrieve import Retriever
    from checker.factchecks.index import FactCheckMatcher, cached_factcheck_index

    if args.held_out or args.order != "fused":
        raise InputError("--corpus factchecks matches without the reader: --held-out and --order do not apply")
    folder = data.folder  # type: ignore[attr-defined]
    index_dir, records = cached_factcheck_index(folder / "corpus.jsonl", embedder=embedder,  # type: ignore[arg-type]
                                                cache_root=settings.cache, progress=_progress_bar("indexing"))
    config = settings.retrieval_config(mode=args.mode, fusion=args.fusion,
                                       dense_weight=args.dense_weight or settings.factcheck_dense_weight,
                                       candidates=max(settings.candidates, args.top_k * 3))
    retriever = Retriever(load_index(index_dir, model=settings.model), embedder, config=config)  # type: ignore[arg-type]
    matcher = FactCheckMatcher(retriever, lambda ids: {i: records[i] for i in ids if i in records},
                               threshold=settings.factcheck_threshold, top_k=settings.factcheck_top_k)
    queries, qrels = data.queries, data.qrels  # type: ignore[attr-defined]
    run = run_factchecks(matcher, queries, top_k=args.top_k, progress=_progress_bar("queries"))
    scores = retrieval_scores(run, qrels)
    threshold = settings.factcheck_threshold if args.threshold is None else args.threshold
    at = shown_scores(run, qrels, threshold, shown=settings.factcheck_top_k)
    tuned = tune_threshold(run, qrels, precision=args.precision, shown=settings.factcheck_top_k)
    seconds = time.perf_counter() - started
    print(f"{folder.name} / {args.split}: {scores['queries']} queries, the fact-check path ({len(records):,} "
          f"fact-checks), {config.mode} retrieval"
          + (f", {config.fusion} fusion (dense weight {config.dense_weight})" if config.mode == "hybrid" else ""))
    for key in ("ndcg@10", "map@5", "mrr@10", "recall@10", "recall@100"):
        print(f"  {key:<11} {scores[key]:.4f}")

    def fmt(v: float) -> str:
        return "n/a" if math.isnan(v) else f"{v:.4f}"

    print(f"  shown at threshold {threshold:.2f} (top {settings.factcheck_top_k}): {at['shown']} matches, "
          f"precision {fmt(at['precision'])}, recall {fmt(at['recall'])}, "
          f"{at['queries_with_a_match']} of {scores['queries']} queries with a match")
    print(f"  lowest threshold reaching precision {args.precision:.2f} on this split: "
          + ("none" if tuned is None else f"{tuned:.2f}") + " (tune on train, report on dev)")
    print(f"  seconds     {seconds:.1f}")
    if args.json:
        print(json.dumps({**{k: round(float(v), 6) for k, v in scores.items() if k != "queries"},
                          "queries": int(scores["queries"]), "threshold": threshold,
                          "precision_at_threshold": None if math.isnan(at["precision"]) else round(at["precision"], 6),
                          "recall_at_threshold": None if math.isnan(at["recall"]) else round(at["recall"], 6),
                          "shown": at["shown"], "tuned_threshold": tuned, "seconds": round(seconds, 2)}))
    return 0


def cmd_eval_checkworthiness(args: argparse.Namespace, settings: Settings) -> int:
    import math
    import time

    from checker.claims.checkworthy import default_model, score_sentences
    from checker.evaluate.data import load_checkworthiness
    from checker.evaluate.metrics import best_f1_threshold, classification_scores
    from checker.text.embed import same_model

    started = time.perf_counter()
    if args.weights and args.features_only:
        raise InputError("--weights and --features-only exclude each other")
    texts, labels, groups = load_checkworthiness(Path(args.data))
    learned = not args.features_only and same_model(settings.model, DEFAULT_MODEL)
    model = default_model(Path(args.weights)) if args.weights and learned else None
    scored = score_sentences(texts, embedding_model=settings.model if learned else None, model=model)
    scores = [s for s, _ in scored]
    threshold = (model.threshold if model is not None and args.threshold is None
                 else settings.claim_threshold if args.threshold is None else args.threshold)
    print(f"scorer: {'fine-tuned MiniLM classifier' if learned else 'transparent features'}"
          + (f" ({args.weights})" if model is not None else ""))
    result = classification_scores(scores, labels, threshold, groups)
    best_threshold, best_f1 = best_f1_threshold(scores, labels)
    seconds = time.perf_counter() - started
    print(f"{Path(args.data).name}: {len(texts)} rows, {sum(labels)} positive, threshold {threshold}")
    for key in ("precision", "recall", "f1", "ap", "map"):
        value = result[key]
        print(f"  {key:<10} " + ("n/a (no groups)" if math.isnan(value) else f"{value:.4f}"))
    print(f"  best F1 over thresholds on this data: {best_f1:.4f} at {best_threshold:.2f} "
          "(an oracle: it sizes what a threshold could do here, never use it to choose one)")
    if args.json:
        out = {k: (None if isinstance(v, float) and math.isnan(v) else round(float(v), 6))
               for k, v in result.items() if k != "rows"}
        print(json.dumps({**out, "oracle_f1": round(best_f1, 6), "oracle_threshold": best_threshold,
                          "rows": len(texts), "seconds": round(seconds, 2)}))
    return 0


def _print_labels(result: dict) -> None:
    """Accuracy, macro-F1, per class and the confusion matrix of `stance_scores`."""
    from checker.evaluate.data import STANCE_LABELS

    per = result["per_class"]
    print(f"  accuracy  {result['accuracy']:.4f}")
    print(f"  macro-F1  {result['macro_f1']:.4f}")
    for lab in STANCE_LABELS:
        m = per[lab]
        print(f"  {lab:<16} P {m['precision']:.4f} R {m['recall']:.4f} F1 {m['f1']:.4f}")
    confusion = result["confusion"]
    print("  confusion (rows gold, columns predicted: " + ", ".join(STANCE_LABELS) + ")")
    for lab in STANCE_LABELS:
        print(f"  {lab:<16} " + " ".join(f"{confusion[lab][p]:>6}" for p in STANCE_LABELS))


def _labels_json(result: dict) -> dict:
    """The JSON of `eval stance`: n, accuracy, macro-F1 and per class, rounded."""
    from checker.evaluate.data import STANCE_LABELS

    return {"n": result["n"], "accuracy": round(float(result["accuracy"]), 6),
            "macro_f1": round(float(result["macro_f1"]), 6),
            "per_class": {lab: {k: round(v, 6) for k, v in result["per_class"][lab].items()}
                          for lab in STANCE_LABELS}}


def cmd_eval_stance(args: argparse.Namespace, settings: Settings) -> int:
    from checker.evaluate.data import load_stance
    from checker.evaluate.metrics import stance_scores

    rows = load_stance(Path(args.data))
    if args.rules:
        from checker.training.reader_run import rules_stance

        predicted = [rules_stance(r.claim, r.evidence) for r in rows]
        name = "rules (number, date, name and negation checks)"
    else:
        from checker.reading.model import get_reader

        reader = get_reader(Path(args.reader) if args.reader else settings.reader_dir)
        scores = reader.score([r.claim for r in rows], [r.evidence for r in rows])
        predicted = [scores.label(i) for i in range(len(rows))]
        name = f"reader ({reader.folder})"
    result = stance_scores(predicted, [r.label for r in rows])
    print(f"{Path(args.data).name}: {result['n']} pairs, {name}")
    _print_labels(result)
    if args.json:
        print(json.dumps(_labels_json(result)))
    return 0


def cmd_eval_verdicts(args: argparse.Namespace, settings: Settings) -> int:
    import functools
    import time

    from checker.evaluate.data import STANCE_LABELS, ClaimLabels, load_claim_labels
    from checker.evaluate.retrieval import cached_index
    from checker.evaluate.verdicts import run_verdicts, verdict_scores
    from checker.evidence.index import load_index
    from checker.evidence.retrieve import Retriever
    from checker.pipeline import check_claims, reader_options
    from checker.text.embed import get_embedder

    started = time.perf_counter()
    if args.limit is not None and args.limit < 1:
        raise InputError("--limit must be at least 1")
    folder = Path(args.data)
    data = load_claim_labels(folder, args.split)
    ids = list(data.claims)
    if args.held_out:
        from checker.config import PROJECT_ROOT
        from checker.training.reader_data import heldout_scifact_claims
        from checker.training.splits import normalise

        stance_dir = PROJECT_ROOT.parent / "shared" / "data" / "stance"
        if not (stance_dir / "scifact-train.jsonl").is_file():
            raise InputError(f"--held-out needs {stance_dir / 'scifact-train.jsonl'} (the reader's held-out fold)")
        held = heldout_scifact_claims(stance_dir, seed=0)
        ids = [q for q in ids if normalise(data.claims[q]) in held]
        if not ids:
            raise InputError(f"{folder.name}: --held-out applies to SciFact train only "
                             "(the reader never trained on any dev split)")
    ids = ids[: args.limit] if args.limit else ids
    data = ClaimLabels(data.folder, {q: data.claims[q] for q in ids}, {q: data.labels[q] for q in ids}, data.qrels)
    if not settings.reader:
        raise InputError("eval verdicts measures the reader's suggestion: it needs the reader (unset CHECKER_READER)")
    out = Path(args.out) if args.out else None
    if out is not None and not out.parent.is_dir():
        raise InputError(f"--out {out}: no folder {out.parent}")
    reading = reader_options(settings)  # a missing or damaged reader fails here, before indexing
    embedder = get_embedder(settings.model)
    index_dir = cached_index(folder / "corpus.jsonl", embedder=embedder, cache_root=settings.cache,
                             progress=_progress_bar("indexing the corpus"))
    retriever = Retriever(load_index(index_dir, model=settings.model), embedder, config=settings.retrieval_config())
    check = functools.partial(check_claims, retriever=retriever, top_k=settings.top_k, **reading)
    outcomes = run_verdicts(data, check, progress=_progress_bar("claims"))
    result = verdict_scores(outcomes)
    seconds = time.perf_counter() - started
    floor = reading["reader"].floor if settings.relevance_floor < 0 else settings.relevance_floor
    counts = ", ".join(f"{sum(1 for g in data.labels.values() if g == lab)} {lab}" for lab in STANCE_LABELS)
    print(f"{folder.name} / {args.split}: {result['n']} claims ({counts}); the product's check: top "
          f"{settings.rerank_depth} judged by the reader, relevance floor {floor:.3f}, {settings.top_k} shown")
    _print_labels(result)
    print(f"  no relevant evidence  {result['no_relevant_evidence']:.4f} "
          f"({result['no_relevant_evidence_claims']} of {result['n']} claims, counted as NOT_ENOUGH_INFO)")
    print(f"  seconds   {seconds:.1f}")
    if out is not None:
        try:
            with out.open("w", encoding="utf-8") as fh:
                for o in outcomes:
                    fh.write(json.dumps(o.record(data.qrels.get(o.query_id, {}) if data.qrels else None),
                                        ensure_ascii=False) + "\n")
        except OSError as exc:
            raise InputError(f"--out {out}: cannot write ({exc.strerror or exc})") from exc
    if args.json:
        print(json.dumps({**_labels_json(result), "confusion": result["confusion"],
                          "no_relevant_evidence": round(result["no_relevant_evidence"], 6),
                          "seconds": round(seconds, 2)}))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
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
    e.add_argument("--context", type=int, default=0, metavar="N",
                   help="debate queries (CheckThat! 2B): prepend the N transcript lines before each sentence")
    e.add_argument("--transcripts", metavar="DIR", help="with --context: the debates' TSV transcripts (default: "
                   "../shared/data/checkthat2021_task2b_en_debate_claim_retrieval/transcripts_train_dev)")
    e.add_argument("--no-reader", action="store_true", help="fused ranking only, without the reader (baseline)")
    e.add_argument("--order", choices=["fused", "relevance"], default="fused",
                   help="with the reader: keep the fused order (as the product does) or re-rank by relevance")
    e.add_argument("--held-out", action="store_true",
                   help="only the queries the shipped reader never trained on (SciFact train: 30%%)")
    e.add_argument("--corpus", choices=["evidence", "factchecks"], default="evidence",
                   help="index the corpus as evidence passages (default) or as fact-check records, matched "
                        "as a check matches claims (CheckThat! 2A/2B)")
    e.add_argument("--threshold", type=float, help="with --corpus factchecks: the shown-match threshold "
                   "(default CHECKER_FACTCHECK_THRESHOLD)")
    e.add_argument("--precision", type=float, default=0.9, help="with --corpus factchecks: the precision "
                   "the printed tuned threshold reaches on this split (default 0.9)")
    e.add_argument("--json", action="store_true", help="end with one JSON line")
    e.set_defaults(run=cmd_eval_retrieval)
    e = evsub.add_parser("stance", help="{id, claim, evidence, label, group} JSONL: accuracy, macro-F1, per class")
    e.add_argument("--data", required=True, metavar="FILE", help="JSONL file")
    e.add_argument("--rules", action="store_true", help="the rules-only baseline instead of the reader")
    e.add_argument("--reader", metavar="DIR", help="reader weights folder (default: the shipped one)")
    e.add_argument("--json", action="store_true", help="end with one JSON line")
    e.set_defaults(run=cmd_eval_stance)
    e = evsub.add_parser("verdicts", help="BEIR folder with labels/SPLIT.tsv: the suggested verdict of the "
                         "product's own check against each claim's label")
    e.add_argument("--data", required=True, metavar="DIR",
                   help="folder with corpus.jsonl, queries.jsonl and labels/NAME.tsv (query-id, label)")
    e.add_argument("--split", required=True, metavar="NAME", help="labels/NAME.tsv (and qrels/NAME.tsv, if any)")
    e.add_argument("--limit", type=int, metavar="N", help="only the first N labelled claims (a quick run)")
    e.add_argument("--held-out", action="store_true",
                   help="only the claims the shipped reader never trained on, for stance or relevance (SciFact "
                        "train: the claims of its held-out stance fold, about a fifth)")
    e.add_argument("--top-k", type=int, metavar="K", help="evidence passages shown per claim (default: the "
                   "configured one)")
    e.add_argument("--out", metavar="FILE", help="write one JSON line per claim: labels, suggestion, and the "
                   "reader's relevance and stance of every shown passage and weaker match")
    e.add_argument("--json", action="store_true", help="end with one JSON line")
    e.set_defaults(run=cmd_eval_verdicts)
    e = evsub.add_parser("checkworthiness", help="{id, text, label, group} JSONL: P/R/F1, AP, MAP")
    e.add_argument("--data", required=True, metavar="FILE", help="JSONL file")
    e.add_argument("--threshold", type=float, help="decision threshold (default: the configured one)")
    e.add_argument("--features-only", action="store_true", help="score with the transparent features only")
    e.add_argument("--weights", metavar="DIR", help="a fine-tuned classifier's folder, as `train checkworthiness "
                   "--out DIR` writes it (default: the shipped one); its own threshold is the default")
    e.add_argument("--json", action="store_true", help="end with one JSON line")
    e.set_defaults(run=cmd_eval_checkworthiness)
