"""Fine-tuning the check-worthiness classifier on CPU: MiniLM's layers and a two-class head.

The splits are the linear trainer's (`clean_sides`, across datasets, with the same seed), so
the figures compare. MiniLM's token embeddings and its lower `split` layers are frozen:
their hidden states are computed once per sentence, and the layers above and the head are
trained on them (by default every layer, `split` 0: three epochs take about half an hour on
one CPU thread at 64 tokens). The epoch is chosen on dev (mean of
ClaimBuster AP, CheckThat! 2020 per-debate MAP and CheckThat! 2021 AP); the fine-tuned layers
are rounded to float16 as shipped; Platt calibration and the F1-best threshold are fitted on
ClaimBuster dev with the rounded weights. Test parts are only measured.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from checker.errors import InputError
from checker.evaluate.metrics import best_f1_threshold, classification_scores
from checker.training.checkworthiness import FILES, clean_sides


@dataclass(frozen=True)
class FinetuneConfig:
    base_model: str = "all-MiniLM-L6-v2"
    split: int = 0  # frozen lower layers (0: only the token embeddings); the rest are fine-tuned
    epochs: int = 3
    batch_size: int = 32
    lr: float = 5e-5
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    train_tokens: int = 64
    ct2020_negatives_per_positive: int = 8
    ct2021_repeat: int = 2
    max_steps: int = 0  # 0: no limit (a limit is for probes)
    train_limit: int = 0  # 0: every training row (a limit is for probes)
    train_on: tuple[str, ...] = ("claimbuster", "ct2020", "ct2021")  # datasets whose train parts are used

    def __post_init__(self) -> None:
        unknown = sorted(set(self.train_on) - set(DATASETS))
        if unknown or not self.train_on:
            raise InputError(f"train on: {', '.join(unknown) or 'nothing'}: choose from {', '.join(DATASETS)}")


DATASETS = ("claimbuster", "ct2020", "ct2021")
# each option of `train checkworthiness` and the field it sets (the CLI reads it, `command_line` writes it)
FLAGS = {"split": "--split", "epochs": "--epochs", "lr": "--lr", "train_tokens": "--train-tokens",
         "train_on": "--train-on", "ct2020_negatives_per_positive": "--ct2020-negatives"}


def command_line(cfg: FinetuneConfig, seed: int) -> str:
    """The `train checkworthiness` command that reproduces `cfg` (options left at their defaults are omitted)."""
    default = FinetuneConfig()
    words = ["python -m checker train checkworthiness", f"--seed {seed}"]
    for field, flag in FLAGS.items():
        value = getattr(cfg, field)
        if value != getattr(default, field):
            words.append(f"{flag} {','.join(value) if isinstance(value, tuple) else value}")
    return " ".join(words)


@dataclass
class Rows:
    texts: list[str]
    labels: np.ndarray
    groups: list[str | None]

    def subset(self, idx: list[int]) -> Rows:
        return Rows([self.texts[i] for i in idx], self.labels[idx], [self.groups[i] for i in idx])

    def write(self, path: Path) -> None:
        path.write_text("".join(json.dumps({"id": str(i), "text": t, "label": int(y), "group": g}) + "\n"
                                for i, (t, y, g) in enumerate(zip(self.texts, self.labels, self.groups,
                                                                  strict=True))), encoding="utf-8")


def load_splits(data: Path, *, seed: int, report: dict | None = None) -> dict[str, dict[str, Rows]]:
    """{dataset: {train|dev|test: Rows}}, the same rows as the linear trainer's parts; `report`,
    when given, receives the split's report (rows per side, rows dropped, joined debates)."""
    rows, sides, split_report = clean_sides(data, seed=seed)
    if report is not None:
        report.update(split_report)
    out: dict[str, dict[str, Rows]] = {}
    for name in FILES:
        texts, labels, groups = rows[name]
        whole = Rows(texts, np.asarray(labels), groups)
        if name == "ct2021-dev":
            out["ct2021"]["test"] = whole.subset(sides[name]["test"])
            continue
        out[name] = {side: whole.subset(idx) for side, idx in sides[name].items()}
    return out


def training_rows(splits: dict[str, dict[str, Rows]], cfg: FinetuneConfig, seed: int) -> tuple[list[str], np.ndarray]:
    """ClaimBuster train; CheckThat! 2020 train positives with a seeded sample of negatives;
    CheckThat! 2021 train repeated (each only if `cfg.train_on` names it)."""
    texts: list[str] = []
    labels: list[int] = []
    if "claimbuster" in cfg.train_on:
        texts += splits["claimbuster"]["train"].texts
        labels += [int(y) for y in splits["claimbuster"]["train"].labels]
    if "ct2020" in cfg.train_on:
        ct = splits["ct2020"]["train"]
        pos = [i for i, y in enumerate(ct.labels) if y]
        neg = [i for i, y in enumerate(ct.labels) if not y]
        sample = min(len(neg), len(pos) * cfg.ct2020_negatives_per_positive)
        keep = sorted(pos + random.Random(seed).sample(neg, sample))
        texts += [ct.texts[i] for i in keep]
        labels += [int(ct.labels[i]) for i in keep]
    if "ct2021" in cfg.train_on:
        tw = splits["ct2021"]["train"]
        texts += list(tw.texts) * cfg.ct2021_repeat
        labels += [int(y) for y in tw.labels] * cfg.ct2021_repeat
    if cfg.train_limit:
        idx = sorted(random.Random(seed).sample(range(len(texts)), min(cfg.train_limit, len(texts))))
        texts, labels = [texts[i] for i in idx], [labels[i] for i in idx]
    return texts, np.asarray(labels)


class Trainer:
    """Holds the frozen base, the trainable top layers and the head."""

    def __init__(self, cfg: FinetuneConfig, seed: int, log: Callable[[str], None]) -> None:
        import torch

        from checker.claims.finetuned import load_base

        torch.manual_seed(seed)
        self.torch, self.cfg, self.log = torch, cfg, log
        self.tokenizer, self.base = load_base(cfg.base_model)
        n = self.base.config.num_hidden_layers
        self.layers = list(range(cfg.split, n))
        self.tuned = torch.nn.ModuleList(copy.deepcopy(self.base.encoder.layer[i]) for i in self.layers)
        self.head = torch.nn.Linear(self.base.config.hidden_size, 2)
        for p in list(self.tuned.parameters()) + list(self.head.parameters()):
            p.requires_grad_(True)

    def lower(self, texts: list[str], max_tokens: int, batch: int = 64) -> list[Any]:
        """Per-sentence hidden states after the frozen layers (trimmed to the sentence's tokens)."""
        from checker.claims.finetuned import encode_tokens, lower_states

        out: list[Any] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        started = time.perf_counter()
        with self.torch.inference_mode():
            for k in range(0, len(order), batch):
                idx = order[k : k + batch]
                tokens = encode_tokens(self.tokenizer, [texts[i] for i in idx], max_tokens)
                hidden = lower_states(self.base, tokens, self.cfg.split)
                lengths = tokens["attention_mask"].sum(1).tolist()
                for j, i in enumerate(idx):
                    out[i] = hidden[j, : int(lengths[j])].clone()
        self.log(f"  lower layers for {len(texts):,} sentences: {time.perf_counter() - started:.0f} s")
        return out

    def _pad(self, states: list[Any]) -> tuple[Any, Any]:
        torch = self.torch
        longest = max(int(s.shape[0]) for s in states)
        hidden = torch.zeros(len(states), longest, states[0].shape[1])
        mask = torch.zeros(len(states), longest, dtype=torch.long)
        for j, s in enumerate(states):
            hidden[j, : s.shape[0]] = s
            mask[j, : s.shape[0]] = 1
        return hidden, mask

    def logits(self, states: list[Any]) -> Any:
        from checker.claims.finetuned import mean_pool, run_layers

        hidden, mask = self._pad(states)
        return self.head(mean_pool(run_layers(self.base, list(self.tuned), hidden, mask), mask))

    def decisions(self, states: list[Any], batch: int = 64) -> np.ndarray:
        self.tuned.eval()
        self.head.eval()
        order = sorted(range(len(states)), key=lambda i: (int(states[i].shape[0]), i))
        out = np.zeros(len(states))
        with self.torch.inference_mode():
            for k in range(0, len(order), batch):
                idx = order[k : k + batch]
                z = self.logits([states[i] for i in idx]).double()
                out[idx] = (z[:, 1] - z[:, 0]).numpy()
        return out

    def batches(self, states: list[Any], rng: np.random.Generator) -> list[list[int]]:
        """Shuffled batches of similar lengths (less padding), in a seeded order."""
        bs = self.cfg.batch_size
        perm = rng.permutation(len(states)).tolist()
        out = []
        for k in range(0, len(perm), bs * 50):
            chunk = sorted(perm[k : k + bs * 50], key=lambda i: int(states[i].shape[0]))
            out += [chunk[j : j + bs] for j in range(0, len(chunk), bs)]
        return [out[i] for i in rng.permutation(len(out)).tolist()]

    def fit(self, states: list[Any], labels: np.ndarray, *, seed: int,
            on_epoch: Callable[[int], float]) -> dict[str, Any]:
        torch, cfg = self.torch, self.cfg
        rng = np.random.default_rng(seed)
        opt = torch.optim.AdamW([{"params": self.tuned.parameters(), "lr": cfg.lr},
                                 {"params": self.head.parameters(), "lr": cfg.head_lr}],
                                weight_decay=cfg.weight_decay)
        per_epoch = (len(states) + cfg.batch_size - 1) // cfg.batch_size
        total = per_epoch * cfg.epochs if not cfg.max_steps else min(cfg.max_steps, per_epoch * cfg.epochs)
        warm = max(1, int(total * cfg.warmup))
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
        y = torch.tensor(labels, dtype=torch.long)
        step, started = 0, time.perf_counter()
        best: tuple[float, int, Any] = (-1.0, 0, None)
        for epoch in range(1, cfg.epochs + 1):
            self.tuned.train()
            self.head.train()
            for idx in self.batches(states, rng):
                if step >= total:
                    break
                loss = torch.nn.functional.cross_entropy(self.logits([states[i] for i in idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(list(self.tuned.parameters()) + list(self.head.parameters()), 1.0)
                opt.step()
                sched.step()
                step += 1
                if step % 50 == 0 or step == total:
                    rate = (time.perf_counter() - started) / step
                    self.log(f"  epoch {epoch} step {step}/{total} loss {loss.item():.4f} ({rate:.2f} s/step)")
            objective = on_epoch(epoch)
            self.log(f"epoch {epoch}: dev objective {objective:.4f}")
            if objective > best[0]:
                best = (objective, epoch, copy.deepcopy((self.tuned.state_dict(), self.head.state_dict())))
        objective, epoch, state = best
        self.tuned.load_state_dict(state[0])
        self.head.load_state_dict(state[1])
        self.round_to_float16()
        return {"steps": step, "best_epoch": epoch, "dev_objective": objective,
                "seconds_training": time.perf_counter() - started}

    def round_to_float16(self) -> None:
        """Round the fine-tuned layers as they are shipped, so every figure is the shipped model's."""
        with self.torch.no_grad():
            for p in self.tuned.parameters():
                p.copy_(p.half().float())

    def tensors(self) -> dict[str, dict[str, Any]]:
        """{filename: tensors}: one float16 file per fine-tuned layer, and the head in float32."""
        out = {f"layer{i}.safetensors": {f"layer{i}.{k}": v.detach().half().contiguous()
                                         for k, v in layer.state_dict().items()}
               for i, layer in zip(self.layers, self.tuned, strict=True)}
        out["head.safetensors"] = {f"head.{k}": v.detach().float().contiguous()
                                   for k, v in self.head.state_dict().items()}
        return out


def dev_objective(scores: dict[str, dict[str, float]]) -> float:
    return float(np.mean([scores["claimbuster"]["ap"], scores["ct2020"]["map"], scores["ct2021"]["ap"]]))


def _measure(decide: Callable[[str, str], np.ndarray], splits: dict[str, dict[str, Rows]], side: str,
             prob: Callable[[np.ndarray], np.ndarray], threshold: float) -> dict[str, dict[str, float]]:
    out = {}
    for name, sides in splits.items():
        rows = sides.get(side)
        if rows is None or not len(rows.labels):
            continue
        out[name] = classification_scores(prob(decide(name, side)).tolist(), rows.labels.tolist(), threshold,
                                          rows.groups if name != "ct2021" else None)
    return out


def train_finetuned(data: Path, *, seed: int = 0, cfg: FinetuneConfig | None = None,
                    log: Callable[[str], None] = print) -> tuple[dict[str, Any], dict[str, dict[str, Any]], dict]:
    """Fine-tune, choose the epoch on dev, calibrate and pick the threshold on ClaimBuster dev.

    Returns (config.json content, {filename: tensors}, report with dev and test figures).
    """
    import torch

    from checker.claims.checkworthy import platt
    from checker.claims.finetuned import FORMAT, MAX_TOKENS

    cfg = cfg or FinetuneConfig()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    started = time.perf_counter()
    split_report: dict[str, Any] = {}
    splits = load_splits(data, seed=seed, report=split_report)
    texts, labels = training_rows(splits, cfg, seed)
    log(f"training on {len(texts):,} sentences ({int(labels.sum()):,} check-worthy); "
        f"fine-tuning layers {cfg.split}+ of {cfg.base_model}")
    trainer = Trainer(cfg, seed, log)
    states = trainer.lower(texts, cfg.train_tokens)
    cached: dict[tuple[str, str], list[Any]] = {}

    def decide(name: str, side: str) -> np.ndarray:
        if (name, side) not in cached:
            cached[name, side] = trainer.lower(splits[name][side].texts, MAX_TOKENS)
        return trainer.decisions(cached[name, side])

    def on_epoch(epoch: int) -> float:
        return dev_objective(_measure(decide, splits, "dev", lambda d: d, 0.0))

    fit = trainer.fit(states, labels, seed=seed, on_epoch=on_epoch)
    dev = splits["claimbuster"]["dev"]
    dev_decisions = decide("claimbuster", "dev")
    a, b = platt(dev_decisions, dev.labels)

    def prob(d: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(a * d + b, -40, 40)))

    threshold, _ = best_f1_threshold(prob(dev_decisions).tolist(), dev.labels.tolist())
    report: dict[str, Any] = {"dev": _measure(decide, splits, "dev", prob, threshold)}
    for key in [k for k in cached if k[1] == "dev"]:
        del cached[key]  # free the dev states before the test parts
    report["test"] = _measure(decide, splits, "test", prob, threshold)
    report |= fit | {"threshold": threshold, "seed": seed, "seconds": time.perf_counter() - started,
                     "rows": len(texts)}

    def rounded(d: dict[str, dict[str, float]]) -> dict[str, dict[str, float | None]]:
        return {k: {m: (None if np.isnan(v) else round(float(v), 4)) for m, v in s.items()
                    if m in ("precision", "recall", "f1", "ap", "map")} for k, s in d.items()}

    tensors = trainer.tensors()
    config = {"format": FORMAT, "base_model": cfg.base_model, "split": cfg.split, "layers": trainer.layers,
              "calibration": [a, b], "threshold": threshold, "files": {},
              "meta": {"seed": seed, "hyperparameters": asdict(cfg) | {"best_epoch": fit["best_epoch"]},
                       "trained_on": [FILES[k] for k in DATASETS if k in cfg.train_on],
                       "split": "by group across datasets (checker/training/splits.py); test share 0.2, dev share "
                                "0.1 (CheckThat! 2021: 15% of train rows as dev, its dev file as test); no "
                                "normalised text on two sides; calibrated and thresholded on ClaimBuster dev",
                       "rows": split_report["rows"], "dropped": split_report["dropped"],
                       "excluded": ["rows whose normalised text is on another side (dropped, counted)",
                                    "each dataset's test part (never tuned on)"],
                       "dev": rounded(report["dev"]), "held_out": rounded(report["test"]),
                       "command": command_line(cfg, seed)}}
    return config, tensors, report


def save_finetuned(folder: Path, config: dict[str, Any], tensors: dict[str, dict[str, Any]]) -> None:
    """Write the safetensors files and config.json (with each file's SHA-256)."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for filename, named in tensors.items():
        save_file(named, str(folder / filename), metadata={"format": "pt"})
        (folder / filename).chmod(0o644)
        files[filename] = hashlib.sha256((folder / filename).read_bytes()).hexdigest()
    (folder / "config.json").write_text(json.dumps(config | {"files": files}, indent=1) + "\n", encoding="utf-8")
