"""The reader's stance data, split clean: news (FNC-1), debate comments (ARC), science (SciFact)
and synthetic edits of news and science sentences; and the held-out parts it is judged on.

Splits are by connected component: two pairs are in one component when they share a claim
text (normalised, `checker.training.splits.normalise`) or a source document (FNC-1's body,
ARC's comment, SciFact's abstract), so a claim and its source document stay in one fold and no
claim text sits on two sides. FNC-1 and ARC "unrelated" pairs join a headline to a random other
story; they take no part in the components and are kept only when both ends fall on the same
side. Components go to folds by a seeded shuffle (`FOLDS` of them); fold 0 is held out.

FNC-1 passages are the ones the product would show: the body cut by `split_passages`, and the
passage with the best fused score against the headline (0.7 x cosine + 0.3 x word overlap over
the best overlap, the product's fusion with overlap standing in for BM25). The synthetic pairs
(`checker.training.synthetic`) are seeded only from training-side FNC-1 bodies and SciFact
abstracts: never from `corpus/`, the demo articles, or a document an evaluation uses.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.training.splits import _Union, normalise

FOLDS = 5
HELD_OUT = 0
LABEL_OF = {"agree": "SUPPORTS", "disagree": "REFUTES", "discuss": "NOT_ENOUGH_INFO", "unrelated": "NOT_ENOUGH_INFO"}
# training caps per fine label (FNC-1 and ARC); disagree is scarce, so all of it is kept
CAPS = {"fnc1": {"agree": 1200, "disagree": 10_000, "discuss": 800, "unrelated": 800},
        "arc": {"agree": 600, "disagree": 10_000, "discuss": 300, "unrelated": 400}}
# news pairs of the held-out side (outside its dev sample) that calibrate relevance and tune the floor
CALIBRATION = {"agree": 80, "disagree": 40, "discuss": 130, "unrelated": 250}
# the news dev sample of the target: 30% agree, 30% disagree, 20% discuss, 20% unrelated
DEV_MIX = {"agree": 0.3, "disagree": 0.3, "discuss": 0.2, "unrelated": 0.2}
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("the a an of to in and or is are was were be been on for with by at as that this it its from "
                  "has have had not no but he she they we you i his her their our".split())


@dataclass
class StancePair:
    claim: str
    passage: str
    label: str  # FEVER label
    fine: str  # agree / disagree / discuss / unrelated, or the FEVER label
    source: str  # fnc1, arc, scifact, synthetic-<edit>
    group: str  # its component
    row: str  # the source row's id
    doc: str = ""  # the source document (FNC-1 body, ARC comment, SciFact abstract)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def fold_of_components(keys: Sequence[Sequence[str]], *, seed: int, related: Sequence[bool] | None = None,
                       folds: int = FOLDS) -> list[int | None]:
    """Each row's fold: rows sharing any key are one component; rows not `related` join nothing
    and get the fold of their keys only when all their keys agree (else None: dropped)."""
    union = _Union()
    related = related if related is not None else [True] * len(keys)
    for ks, rel in zip(keys, related, strict=True):
        for k in ks:
            union.find(k)
        if rel:
            for k in ks[1:]:
                union.join(ks[0], k)
    roots = sorted({union.find(k) for ks in keys for k in ks})
    random.Random(seed).shuffle(roots)
    fold = {r: i % folds for i, r in enumerate(roots)}
    out: list[int | None] = []
    for ks in keys:
        fs = {fold[union.find(k)] for k in ks}
        out.append(fs.pop() if len(fs) == 1 else None)
    return out


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def best_passages(claims: Sequence[str], bodies: Sequence[str], *, embedder: Any,
                  cache: Path | None = None) -> list[str]:
    """For each (claim, body) pair, the body's passage the product would show for the claim."""
    import numpy as np

    from checker.evidence.corpus import split_passages
    from checker.types import Document

    cut: dict[str, list[str]] = {}
    for body in bodies:
        if body not in cut:
            doc = Document(doc_id=f"b{len(cut)}", title="", text=body)
            cut[body] = [p.text for p in split_passages(doc)] or [body]
    texts = sorted({p for ps in cut.values() for p in ps} | set(claims))
    if cache is not None:
        from checker.text.embcache import cached_embeddings

        encoded = cached_embeddings(texts, embedder=embedder, cache=cache, name="reader-news-passages")
    else:
        encoded = embedder.encode(texts)
    vectors = dict(zip(texts, encoded, strict=True))
    out = []
    for claim, body in zip(claims, bodies, strict=True):
        ps = cut[body]
        if len(ps) == 1:
            out.append(ps[0])
            continue
        cw = _words(claim)
        overlap = np.array([len(cw & _words(p)) for p in ps], dtype=float)
        cos = np.array([float(vectors[claim] @ vectors[p]) for p in ps])
        fused = 0.7 * cos + 0.3 * overlap / max(overlap.max(), 1.0)
        out.append(ps[int(fused.argmax())])
    return out


def news_pairs(stance_dir: Path, name: str, *, seed: int, embedder: Any | None) -> list[tuple[StancePair, int | None]]:
    """Every FNC-1 (`fnc1`) or ARC (`arc`) pair with its fold (None: an unrelated pair across sides)."""
    rows = read_jsonl(stance_dir / ("fnc1-train.jsonl" if name == "fnc1" else "arc-all.jsonl"))
    keys = [[f"claim:{normalise(r['claim'])}", f"doc:{name}:{r['group']}"] for r in rows]
    folds = fold_of_components(keys, seed=seed, related=[r["fine_label"] != "unrelated" for r in rows])
    if name == "fnc1":
        bodies = {b["body_id"]: b["text"] for b in read_jsonl(stance_dir / "fnc1-bodies-train.jsonl")}
        full = [bodies.get(str(r["body_id"]), r["evidence"]) for r in rows]
    else:
        full = [r.get("evidence_full") or r["evidence"] for r in rows]
    out = []
    for r, f, body in zip(rows, folds, full, strict=True):
        pair = StancePair(r["claim"], body, LABEL_OF[r["fine_label"]], r["fine_label"], name, str(f), str(r["id"]),
                          str(r.get("body_id", r["group"])))
        out.append((pair, f))
    return out


def sample(pairs: Sequence[StancePair], caps: dict[str, int], *, seed: int) -> list[StancePair]:
    by: dict[str, list[StancePair]] = defaultdict(list)
    for p in pairs:
        by[p.fine].append(p)
    rng = random.Random(seed)
    out: list[StancePair] = []
    for fine in sorted(by):
        group = by[fine]
        out += group if len(group) <= caps.get(fine, len(group)) else rng.sample(group, caps[fine])
    return out


def dev_sample(pairs: Sequence[StancePair], *, seed: int, mix: dict[str, float] = DEV_MIX) -> list[StancePair]:
    """The held-out pairs resampled to `mix`, as large as the scarcest label allows."""
    by: dict[str, list[StancePair]] = defaultdict(list)
    for p in pairs:
        by[p.fine].append(p)
    total = min(len(by[f]) / share for f, share in mix.items() if share)
    rng = random.Random(seed)
    return [p for f, share in mix.items() for p in rng.sample(by[f], round(total * share))]


def scifact_pairs(stance_dir: Path, *, seed: int) -> list[tuple[StancePair, int]]:
    """SciFact stance rows with folds by claim and abstract together."""
    rows = read_jsonl(stance_dir / "scifact-train.jsonl")
    keys = [[f"claim:{normalise(r['claim'])}", f"doc:scifact:{r['group']}"] for r in rows]
    folds = fold_of_components(keys, seed=seed)
    return [(StancePair(r["claim"], r["evidence"], r["label"], r["label"], "scifact", str(f), str(r["id"]),
                        str(r["group"])), int(f))
            for r, f in zip(rows, folds, strict=True) if f is not None]


def heldout_scifact_claims(stance_dir: Path, *, seed: int) -> set[str]:
    """Normalised texts of the SciFact claims whose stance rows are held out (fold 0)."""
    return {normalise(p.claim) for p, f in scifact_pairs(stance_dir, seed=seed) if f == HELD_OUT}


def synthetic(seeds: Sequence[tuple[str, str]], *, per_label: int, seed: int) -> list[StancePair]:
    from checker.training.synthetic import synthetic_pairs

    return [StancePair(p.claim, p.evidence, p.label, p.label, f"synthetic-{p.edit}", p.group, p.group)
            for p in synthetic_pairs(seeds, per_label=per_label, seed=seed)]


@dataclass
class ReaderData:
    train: list[StancePair]
    held_out: dict[str, list[StancePair]]  # name -> pairs never trained on
    report: dict[str, Any]


def build(stance_dir: Path, *, embedder: Any, seed: int, sources: Sequence[str], synthetic_per_label: int,
          beir_scifact: Path | None = None, cache: Path | None = None) -> ReaderData:
    """Training pairs from `sources` (fnc1, arc, scifact, synthetic) and every held-out set."""
    train: list[StancePair] = []
    held: dict[str, list[StancePair]] = {}
    report: dict[str, Any] = {"sources": {}, "excluded": []}
    seeds: list[tuple[str, str]] = []
    fnc_train_bodies: set[str] = set()
    for name in ("fnc1", "arc"):
        pairs = news_pairs(stance_dir, name, seed=seed, embedder=embedder)
        tr = [p for p, f in pairs if f is not None and f != HELD_OUT]
        dev = [p for p, f in pairs if f == HELD_OUT]
        dropped = sum(1 for _, f in pairs if f is None)
        chosen = sample(tr, CAPS[name], seed=seed) if name in sources else []
        dev_pairs = dev_sample(dev, seed=seed)
        in_dev = {id(p) for p in dev_pairs}
        calib = sample([p for p in dev if id(p) not in in_dev], CALIBRATION, seed=seed) if name == "fnc1" else []
        todo = chosen + dev_pairs + calib
        if embedder is not None and name == "fnc1":
            shown = best_passages([p.claim for p in todo], [p.passage for p in todo], embedder=embedder, cache=cache)
            for p, text in zip(todo, shown, strict=True):
                p.passage = text
        if name == "fnc1":
            fnc_train_bodies = {p.doc for p in tr}
        train += chosen
        held[f"{name}-dev"] = dev_pairs
        if calib:
            held[f"{name}-calibration"] = calib
        report["sources"][name] = {"rows": len(pairs), "train_side": len(tr), "held_out_side": len(dev),
                                   "trained": len(chosen), "dev_sample": len(dev_pairs),
                                   "trained_by_label": dict(Counter(p.fine for p in chosen)),
                                   "dropped_unrelated_across_sides": dropped}
    sci = scifact_pairs(stance_dir, seed=seed)
    sci_train = [p for p, f in sci if f != HELD_OUT]
    held["scifact-fold0"] = [p for p, f in sci if f == HELD_OUT]
    if "scifact" in sources:
        train += sci_train
    report["sources"]["scifact"] = {"rows": len(sci), "trained": len(sci_train) if "scifact" in sources else 0,
                                    "held_out": len(held["scifact-fold0"])}
    if "synthetic" in sources:
        bodies = read_jsonl(stance_dir / "fnc1-bodies-train.jsonl")
        seeds += [(f"fnc1:{b['body_id']}", b["text"]) for b in bodies if str(b["body_id"]) in fnc_train_bodies]
        if beir_scifact is not None:
            abstracts = {str(r["_id"]): r.get("text", "") for r in read_jsonl(beir_scifact / "corpus.jsonl")}
            train_docs = sorted({p.doc for p in sci_train})
            seeds += [(f"scifact:{d}", abstracts[d]) for d in train_docs if d in abstracts]
            report["excluded"].append(f"SciFact abstracts other than the {len(train_docs)} of training-side rows")
        syn = synthetic(seeds, per_label=synthetic_per_label, seed=seed)
        train += syn
        report["sources"]["synthetic"] = {"seed_documents": len(seeds), "trained": len(syn),
                                          "seeded_from": dict(Counter(k.split(":", 1)[0] for k, _ in seeds)),
                                          "by_edit": dict(Counter(p.source for p in syn))}
    fever = read_jsonl(stance_dir / "feversym-dev.jsonl")
    held["feversym-dev"] = [StancePair(r["claim"], r["evidence"], r["label"], r["label"], "feversym",
                                       str(r["group"]), str(r["id"])) for r in fever]
    report["excluded"] += ["corpus/ and checker/demo/ (never read)", "feversym-dev.jsonl (evaluation only)",
                           f"fold {HELD_OUT} of FNC-1, ARC and SciFact (held out)"]
    return ReaderData(train, held, report)
