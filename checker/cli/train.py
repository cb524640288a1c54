"""`train`: fit a learned part on labelled data, on CPU."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from checker.cli.common import _stderr
from checker.config import Settings
from checker.errors import InputError

if TYPE_CHECKING:
    from checker.training.finetune_checkworthiness import FinetuneConfig


def _print_figures(report: dict) -> None:
    for side in ("dev", "test"):
        for name, m in report[side].items():
            print(f"  {side:<4} {name:<12} P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} "
                  f"AP {m['ap']:.3f} MAP {m['map']:.3f}")


def _write_splits(data: Path, seed: int, folder: Path) -> None:
    from checker.training.finetune_checkworthiness import load_splits

    folder.mkdir(parents=True, exist_ok=True)
    for name, sides in load_splits(data, seed=seed).items():
        for side in ("dev", "test"):
            sides[side].write(folder / f"{name}-{side}.jsonl")
    _stderr(f"wrote the dev and test parts to {folder}")


def finetune_config(args: argparse.Namespace) -> FinetuneConfig:
    """The fine-tuning configuration the options ask for (defaults where an option is absent)."""
    from checker.training.finetune_checkworthiness import FLAGS, FinetuneConfig

    given = {field: getattr(args, flag.removeprefix("--").replace("-", "_")) for field, flag in FLAGS.items()}
    if given["train_on"] is not None:
        given["train_on"] = tuple(w.strip() for w in given["train_on"].split(",") if w.strip())
    return FinetuneConfig(**{k: v for k, v in given.items() if v is not None})


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    from checker.config import PROJECT_ROOT

    data = Path(args.data) if args.data else PROJECT_ROOT.parent / "shared" / "data" / "checkworthiness"
    if not data.is_dir():
        raise InputError(f"{data}: no such folder (give the check-worthiness data with --data DIR)")
    if args.splits:
        _write_splits(data, args.seed, Path(args.splits))
    if args.kind == "linear":
        from checker.text.embed import get_embedder
        from checker.training.checkworthiness import train_checkworthiness

        if not args.out:
            raise InputError("--kind linear needs --out PATH (a JSON file)")
        model, report = train_checkworthiness(data, embedder=get_embedder(settings.model), cache=settings.cache,
                                              seed=args.seed, log=_stderr)
        model.save(Path(args.out))
        print(f"saved {args.out}: l2 {report['l2']}, threshold {report['threshold']}, {report['seconds']:.0f} s")
    else:
        from checker.claims.checkworthy import MODEL_DIR
        from checker.training.finetune_checkworthiness import save_finetuned, train_finetuned

        config, tensors, report = train_finetuned(data, seed=args.seed, cfg=finetune_config(args), log=_stderr)
        out = Path(args.out) if args.out else MODEL_DIR
        save_finetuned(out, config, tensors)
        print(f"saved {out}: layers {config['layers']} fine-tuned, best epoch {report['best_epoch']}, "
              f"threshold {report['threshold']}, {report['seconds']:.0f} s")
    _print_figures(report)
    if args.json:
        print(json.dumps({side: report[side] for side in ("dev", "test")} | {"threshold": report["threshold"]},
                         default=float))
    return 0


def cmd_train_reader(args: argparse.Namespace, settings: Settings) -> int:
    from checker.config import PROJECT_ROOT
    from checker.reading.model import DEFAULT_DIR
    from checker.training.reader import TrainConfig
    from checker.training.reader_run import SOURCES, cross_validate, train_reader

    shared = PROJECT_ROOT.parent / "shared" / "data"
    beir = Path(args.beir) if args.beir else shared / "beir"
    stance_dir = Path(args.stance) if args.stance else shared / "stance"
    stance = stance_dir / "scifact-train.jsonl"
    for need in (beir / "scifact", stance):
        if not need.exists():
            raise InputError(f"{need}: missing (give the data with --beir DIR and --stance DIR)")
    cfg = TrainConfig(seed=args.seed, **{k: v for k, v in (("epochs", args.epochs), ("split", args.split),
                                                            ("max_length", args.max_length),
                                                            ("synthetic_per_label", args.synthetic))
                                         if v is not None})
    sources = tuple(w.strip() for w in (args.sources or ",".join(SOURCES)).split(",") if w.strip())
    if args.no_synthetic:
        sources = tuple(s for s in sources if s != "synthetic")
    if unknown := [s for s in sources if s not in SOURCES] or ([] if sources else ["nothing"]):
        raise InputError(f"--sources {','.join(unknown)}: choose from {', '.join(SOURCES)}")
    if args.cv:
        variants = ["plain"] if args.no_synthetic else (["synthetic"] if args.cv_synthetic_only
                                                         else ["synthetic", "plain"])
        result = cross_validate(beir_root=beir, stance_path=stance, cfg=cfg,
                                cache=settings.cache, log=_stderr, variants=variants,
                                oof_path=Path(args.cv_out) if args.cv_out else None)
        for name, m in result.items():
            per = m["per_class"]
            print(f"{name:<10} n {m['n']} accuracy {m['accuracy']:.3f} macro-F1 {m['macro_f1']:.3f} "
                  + " ".join(f"{lab} F1 {per[lab]['f1']:.3f}" for lab in per))
        if args.json:
            print(json.dumps(result))
        return 0
    out = Path(args.out) if args.out else DEFAULT_DIR
    if args.calibrate_only:
        from checker.training.reader_run import calibrate, calibration_examples

        cal = calibration_examples(beir_root=beir, stance_dir=stance_dir, cfg=cfg, cache=settings.cache,
                                   log=_stderr, max_queries=args.max_queries, model_name=settings.model)
        meta = calibrate(out, cal, model_name=settings.model, log=_stderr)
        print(f"calibrated {out}: floor {meta['floor']:.2f}, calibration AUC {meta['report']['calibration_auc']}")
        _combiner(args, out, stance)
        return 0
    meta = train_reader(beir_root=beir, stance_dir=stance_dir, cfg=cfg, cache=settings.cache,
                        out=out, log=_stderr, sources=sources, max_queries=args.max_queries,
                        model_name=settings.model)
    rep = meta["report"]
    print(f"saved {out}: floor {meta['floor']:.2f}, calibration AUC {rep['calibration_auc']}, "
          f"{rep['seconds']:.0f} s")
    for name, f in rep["held_out"].items():
        print(f"  held out {name:<14} n {f['n']} macro-F1 {f['macro_f1']:.3f} REFUTES F1 {f['refutes_f1']:.3f} "
              f"accuracy {f['accuracy']:.3f}")
    _combiner(args, out, stance)
    if args.json:
        print(json.dumps(meta))
    return 0


def cmd_train_suggestion(args: argparse.Namespace, settings: Settings) -> int:
    from checker.config import PROJECT_ROOT
    from checker.evaluate.metrics import STANCE_LABELS
    from checker.reading.model import DEFAULT_DIR
    from checker.training.splits import normalise
    from checker.training.suggestion import attach_rule, cross_validate_rule, fit_rule, load_items

    items = load_items(Path(args.source))
    if not args.all_claims:
        from checker.training.reader_data import heldout_scifact_claims

        stance_dir = Path(args.stance) if args.stance else PROJECT_ROOT.parent / "shared" / "data" / "stance"
        if not (stance_dir / "scifact-train.jsonl").is_file():
            raise InputError(f"{stance_dir}: no scifact-train.jsonl (give --stance DIR, or --all-claims)")
        held = heldout_scifact_claims(stance_dir, seed=args.seed)
        items = [i for i in items if normalise(i.claim) in held]
        if not items:
            raise InputError(f"{args.source}: none of its claims is in the reader's held-out fold")
    rule, f1 = fit_rule(items)
    cv = cross_validate_rule(items, [normalise(i.claim) for i in items], seed=args.seed)
    per = cv["per_class"]
    print(f"fitted on {len(items)} claims: SUPPORTS at {rule.supports:.2f}, REFUTES at {rule.refutes:.2f} "
          f"(macro-F1 {f1:.3f} on them)")
    print(f"grouped 5-fold CV: accuracy {cv['accuracy']:.3f} macro-F1 {cv['macro_f1']:.3f} "
          + " ".join(f"{lab} F1 {per[lab]['f1']:.3f}" for lab in STANCE_LABELS))
    if not args.dry_run:
        out = Path(args.out) if args.out else DEFAULT_DIR
        command = "python -m checker eval verdicts --data ../shared/data/beir/scifact --split train --held-out " \
            f"--out FILE && python -m checker train suggestion --from FILE --seed {args.seed}" \
            + (" --all-claims" if args.all_claims else "")
        attach_rule(out, rule, {"claims": len(items), "fit_macro_f1": round(f1, 4),
                                "cv_macro_f1": round(cv["macro_f1"], 4), "cv_accuracy": round(cv["accuracy"], 4),
                                "command": command})
        print(f"stored in {out / 'reader.json'}")
    if args.json:
        print(json.dumps({"rule": rule.to_dict(), "fit_macro_f1": f1, "cv": cv}))
    return 0


def _combiner(args: argparse.Namespace, out: Path, stance: Path) -> None:
    if args.combiner_from:
        from checker.training.stance_combiner import attach_combiner

        entry = attach_combiner(out, Path(args.combiner_from), stance)
        print(f"stance combiner (reader logits + rule checks) fitted on {entry['rows']} out-of-fold rows, "
              f"stored in {out / 'reader.json'}")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a model from labelled data")
    trsub = p.add_subparsers(dest="what", required=True)
    t = trsub.add_parser("checkworthiness", help="the check-worthiness scorer")
    t.add_argument("--kind", choices=["finetune", "linear"], default="finetune",
                   help="finetune: MiniLM's top layers and a two-class head (the default scorer; "
                        "safetensors + JSON); linear: the logistic-regression baseline (JSON)")
    t.add_argument("--out", metavar="PATH", help="where to write the weights (finetune: a folder, default "
                   "checker/models/checkworthiness; linear: a JSON file, required)")
    t.add_argument("--data", metavar="DIR", help="folder of {id,text,label,group} JSONL files "
                   "(default: ../shared/data/checkworthiness)")
    t.add_argument("--seed", type=int, default=0, help="seed of the group split and of training")
    t.add_argument("--split", type=int, metavar="N", help="finetune: frozen lower layers "
                   "(default 0 of 6: every layer is fine-tuned)")
    t.add_argument("--epochs", type=int, metavar="N", help="finetune: epochs (default 3; the best on dev is kept)")
    t.add_argument("--lr", type=float, metavar="R", help="finetune: learning rate of the layers (default 5e-5)")
    t.add_argument("--train-tokens", type=int, metavar="N", help="finetune: tokens kept of each training "
                   "sentence (default 64)")
    t.add_argument("--train-on", metavar="NAMES", help="finetune: comma-separated datasets whose train parts "
                   "are used (default claimbuster,ct2020,ct2021)")
    t.add_argument("--ct2020-negatives", type=int, metavar="N", help="finetune: CheckThat! 2020 lines that are "
                   "not check-worthy sampled per check-worthy one (default 8)")
    t.add_argument("--splits", metavar="DIR", help="also write each dataset's dev and test parts there as "
                   "JSONL (for `eval checkworthiness`)")
    t.add_argument("--json", action="store_true", help="end with one JSON line")
    t.set_defaults(run=cmd_train)
    r = trsub.add_parser("reader", help="the reader: relevance and stance cross-encoder (LoRA + heads)")
    r.add_argument("--seed", type=int, default=0, help="seed of sampling, initialisation and folds")
    r.add_argument("--out", metavar="DIR", help="where to write the weights (default: checker/models/reader)")
    r.add_argument("--beir", metavar="DIR", help="BEIR folders (default: ../shared/data/beir)")
    r.add_argument("--stance", metavar="DIR", help="stance folder with fnc1-train.jsonl, fnc1-bodies-train.jsonl, "
                   "arc-all.jsonl, scifact-train.jsonl and feversym-dev.jsonl (default: ../shared/data/stance)")
    r.add_argument("--sources", metavar="NAMES", help="comma-separated training sources "
                   "(default fnc1,arc,scifact,synthetic); the held-out sets are measured whatever the choice")
    r.add_argument("--no-synthetic", action="store_true", help="leave out the synthetic stance pairs")
    r.add_argument("--calibrate-only", action="store_true",
                   help="refit the relevance calibration and floor of the weights in --out, without training")
    r.add_argument("--cv", action="store_true", help="5-fold grouped cross-validation of stance; saves nothing")
    r.add_argument("--combiner-from", metavar="FILE", help="fit the stance combiner (reader logits + rule "
                   "checks) on the out-of-fold logits a `--cv --cv-out FILE` run wrote, and store it with the weights")
    r.add_argument("--cv-out", metavar="FILE", help="with --cv: write each row's out-of-fold stance logits (JSONL)")
    r.add_argument("--cv-synthetic-only", action="store_true", help="with --cv: only the variant with synthetic pairs")
    r.add_argument("--epochs", type=int, help="passes over the training pairs")
    r.add_argument("--split", type=int, help="frozen bottom layers (the adapter trains the ones above)")
    r.add_argument("--max-length", type=int, help="word pieces per pair")
    r.add_argument("--synthetic", type=int, metavar="N", help="synthetic pairs per label")
    r.add_argument("--max-queries", type=int, default=200, help="training queries per BEIR dataset")
    r.add_argument("--json", action="store_true", help="end with one JSON line")
    r.set_defaults(run=cmd_train_reader)
    g = trsub.add_parser("suggestion", help="the suggestion rule's thresholds, from `eval verdicts --out FILE`")
    g.add_argument("--from", dest="source", metavar="FILE", required=True,
                   help="per-claim JSONL written by `python -m checker eval verdicts --out FILE`")
    g.add_argument("--out", metavar="DIR", help="the reader folder whose reader.json stores the rule "
                   "(default: checker/models/reader)")
    g.add_argument("--stance", metavar="DIR", help="stance folder, to find the reader's held-out SciFact claims "
                   "(default: ../shared/data/stance)")
    g.add_argument("--all-claims", action="store_true", help="fit on every claim, not only those the reader "
                   "never trained on")
    g.add_argument("--seed", type=int, default=0, help="the reader's seed (its held-out fold) and the CV folds'")
    g.add_argument("--dry-run", action="store_true", help="print the fit and the CV; store nothing")
    g.add_argument("--json", action="store_true", help="end with one JSON line")
    g.set_defaults(run=cmd_train_suggestion)
    c = trsub.add_parser("combiner", help="the stance combiner: the rule checks' differences as offsets on the "
                         "reader's stance logits, fitted on synthetic pairs of documents nothing else reads")
    c.add_argument("--reader", metavar="DIR", help="the reader folder whose reader.json stores it "
                   "(default: checker/models/reader)")
    c.add_argument("--stance", metavar="DIR", help="stance folder (default: ../shared/data/stance)")
    c.add_argument("--beir", metavar="DIR", help="BEIR folders, for SciFact's unlabelled abstracts "
                   "(default: ../shared/data/beir)")
    c.add_argument("--seed", type=int, default=0, help="the reader's seed (its held-out fold) and the pairs'")
    c.add_argument("--synthetic", type=int, default=500, metavar="N", help="synthetic pairs per label (default 500)")
    c.add_argument("--full", action="store_true", help="a full logistic layer over logits and every rule feature "
                   "(measured worse; see bench/RESULTS.md)")
    c.add_argument("--dry-run", action="store_true", help="print the fit and its CV; store nothing")
    c.add_argument("--json", action="store_true", help="end with one JSON line")
    c.set_defaults(run=cmd_train_combiner)


def cmd_train_combiner(args: argparse.Namespace, settings: Settings) -> int:
    from checker.config import PROJECT_ROOT
    from checker.reading.model import DEFAULT_DIR
    from checker.training.stance_combiner import fit_on_held_side

    shared = PROJECT_ROOT.parent / "shared" / "data"
    stance_dir = Path(args.stance) if args.stance else shared / "stance"
    beir = Path(args.beir) if args.beir else shared / "beir"
    for name in ("fnc1-train.jsonl", "fnc1-bodies-train.jsonl", "scifact-train.jsonl"):
        if not (stance_dir / name).is_file():
            raise InputError(f"{stance_dir}: no {name} (give --stance DIR)")
    folder = Path(args.reader) if args.reader else DEFAULT_DIR
    entry = fit_on_held_side(folder, stance_dir, seed=args.seed, per_label=args.synthetic, store=not args.dry_run,
                             beir_scifact=beir / "scifact", offsets=not args.full, log=_stderr)
    cv, head = entry["cv"], entry["stance_head_alone"]
    print(f"fitted on {entry['rows']} pairs: grouped 5-fold CV macro-F1 {cv['macro_f1']:.3f} REFUTES F1 "
          f"{cv['refutes_f1']:.3f} (the stance head alone {head['macro_f1']:.3f} / {head['refutes_f1']:.3f})")
    if not args.dry_run:
        print(f"stored in {folder / 'reader.json'}")
    if args.json:
        print(json.dumps(entry))
    return 0
