"""Retrieval quality of every configuration tried, on SciFact (train) and CheckThat! 2021 2A
(train, dev). Candidates are gathered once per query; each fusion is then scored on them.

    python bench/retrieval_quality.py [--scifact DIR] [--checkthat DIR] [--cache DIR] [--no-record]

Weights are chosen on train only: CheckThat! picks its best weight on train and reports it on
dev; SciFact has only a train split, so its tuned figure is also given as 5-fold
cross-validation over queries (the weight chosen on four folds, scored on the fifth).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from common import ROOT, record

from checker.claims.linear import fit_logistic
from checker.config import load_settings
from checker.evaluate.data import load_beir
from checker.evaluate.metrics import retrieval_scores
from checker.evaluate.retrieval import cached_index
from checker.evidence.index import load_index
from checker.evidence.lexical import LexicalIndex
from checker.evidence.retrieve import RetrievalConfig, Retriever, fuse
from checker.text.clean import clean_query
from checker.text.embed import get_embedder

SHARED = ROOT.parent / "shared" / "data" / "beir"
WEIGHTS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
DEPTH = 300


def gather(retriever: Retriever, queries: dict[str, str], clean: bool) -> dict[str, object]:
    ids = list(queries)
    texts = [clean_query(queries[q]) if clean else queries[q] for q in ids]
    vectors = retriever.embed(texts)
    _, dense_rows = retriever.index.search_dense(vectors, DEPTH)
    return {q: retriever.candidates(t, vectors[i], dense_rows[i], DEPTH)
            for i, (q, t) in enumerate(zip(ids, texts, strict=True))}


def doc_run(index, cands: dict[str, object], config: RetrievalConfig) -> dict[str, dict[str, float]]:
    run = {}
    for q, cand in cands.items():
        parts = fuse(cand, config)  # type: ignore[arg-type]
        docs: dict[str, float] = {}
        for row, (a, b) in zip(cand.rows, parts, strict=False):  # type: ignore[attr-defined]
            doc = index.passages[row].doc_id
            docs[doc] = max(docs.get(doc, float("-inf")), a + b)
        run[q] = dict(sorted(docs.items(), key=lambda kv: -kv[1])[:100])
    return run


def configs() -> list[tuple[str, RetrievalConfig]]:
    out = [("BM25 alone", RetrievalConfig(mode="lexical")), ("MiniLM alone", RetrievalConfig(mode="dense")),
           ("RRF k=60", RetrievalConfig(fusion="rrf", rrf_k=60)),
           ("RRF k=20", RetrievalConfig(fusion="rrf", rrf_k=20))]
    out += [(f"weighted w={w}", RetrievalConfig(fusion="weighted", dense_weight=w)) for w in WEIGHTS]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scifact", type=Path, default=SHARED / "scifact")
    parser.add_argument("--checkthat", type=Path, default=SHARED / "checkthat2021-2a")
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    settings = load_settings()
    embedder = get_embedder(settings.model)
    lines = []

    def table(title: str, columns: list[str], rows: list[list[str]]) -> None:
        text = [f"#### {title}", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        text += ["| " + " | ".join(r) + " |" for r in rows]
        print("\n".join(text), flush=True)
        lines.extend([*text, ""])

    for name, folder, splits in [("CheckThat! 2021 2A", args.checkthat, ["train", "dev"]),
                                 ("SciFact", args.scifact, ["train"])]:
        if not folder.exists():
            print(f"skipping {name}: {folder} is absent", file=sys.stderr)
            continue
        t0 = time.perf_counter()
        index = load_index(cached_index(folder / "corpus.jsonl", embedder=embedder,
                                        cache_root=args.cache or settings.cache))
        retriever = Retriever(index, embedder, config=RetrievalConfig(candidates=DEPTH))
        data = {s: load_beir(folder, s) for s in splits}
        rows, best = [], {}
        for clean in (False, True):
            cands = {s: gather(retriever, data[s].queries, clean) for s in splits}
            for label, cfg in configs():
                cells = [label + (", cleaned queries" if clean else "")]
                for s in splits:
                    scores = retrieval_scores(doc_run(index, cands[s], cfg), data[s].qrels)
                    cells += [f"{scores['ndcg@10']:.4f}", f"{scores['map@5']:.4f}", f"{scores['recall@100']:.4f}"]
                    best.setdefault((s, clean), []).append((scores, label, cfg))
                rows.append(cells)
            if name == "SciFact":
                rows.append(cv_row(index, cands["train"], data["train"].qrels, clean))
            if not clean:
                rows += extended_rows(index, cands, data, splits, cv=name == "SciFact")
        columns = ["configuration"] + [f"{s} {m}" for s in splits for m in ("nDCG@10", "MAP@5", "R@100")]
        table(f"{name} ({time.perf_counter() - t0:.0f} s)", columns, rows)
        if "dev" in splits:
            for clean in (False, True):
                pick = max(best[("train", clean)], key=lambda x: x[0]["map@5"])
                dev = next(x for x in best[("dev", clean)] if x[1] == pick[1])
                line = (f"CheckThat! 2A, best on train by MAP@5 ({'cleaned' if clean else 'raw'} queries): "
                        f"{pick[1]} -> dev MAP@5 {dev[0]['map@5']:.4f}")
                print(line)
                lines.append(f"- {line}")
    if not args.no_record and lines:
        record("retrieval_quality", ["tables below", "", *lines])


FEATURES = ("dense", "bm25 title+text", "bm25 text", "bm25 title", "dense rrf", "bm25 rrf")


def features(index, cands: dict[str, object], queries: dict[str, str], fields) -> dict[str, np.ndarray]:
    """Per query, one row of signals per candidate passage."""
    text_bm25, title_bm25 = fields
    out = {}
    for q, cand in cands.items():
        rows = cand.rows  # type: ignore[attr-defined]
        text_all, title_all = text_bm25.scores(queries[q]), title_bm25.scores(queries[q])
        d_rank = {r: i for i, r in enumerate(cand.dense_ranking, start=1)}  # type: ignore[attr-defined]
        l_rank = {r: i for i, r in enumerate(cand.lexical_ranking, start=1)}  # type: ignore[attr-defined]
        out[q] = np.column_stack([
            cand.dense,  # type: ignore[attr-defined]
            cand.lexical / (cand.lexical_best or 1.0),  # type: ignore[attr-defined]
            text_all[rows] / (text_all.max() or 1.0),
            title_all[rows] / (title_all.max() or 1.0),
            [1 / (60 + d_rank[r]) if r in d_rank else 0.0 for r in rows],
            [1 / (60 + l_rank[r]) if r in l_rank else 0.0 for r in rows],
        ]) if rows else np.zeros((0, len(FEATURES)))
    return out


def run_from_scores(index, cands, scores: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    run = {}
    for q, cand in cands.items():
        docs: dict[str, float] = {}
        for row, value in zip(cand.rows, scores[q], strict=False):  # type: ignore[attr-defined]
            doc = index.passages[row].doc_id
            docs[doc] = max(docs.get(doc, float("-inf")), float(value))
        run[q] = dict(sorted(docs.items(), key=lambda kv: -kv[1])[:100])
    return run


def fields_score(feats: np.ndarray, w: float, beta: float) -> np.ndarray:
    return w * feats[:, 0] + (1 - w) * (beta * feats[:, 2] + (1 - beta) * feats[:, 3])


def learned_scores(index, cands, feats, qrels, train_ids, test_ids) -> dict[str, np.ndarray]:
    """Logistic regression on the signals, trained on `train_ids`, applied to `test_ids`."""
    x = np.vstack([feats[q] for q in train_ids])
    y = np.concatenate([[1 if qrels[q].get(index.passages[r].doc_id, 0) > 0 else 0 for r in cands[q].rows]
                        for q in train_ids])
    model = fit_logistic(x, y, l2=1.0, names=FEATURES)
    return {q: model.decision(feats[q]) for q in test_ids}


def extended_rows(index, cands_by_split, data, splits, cv: bool) -> list[list[str]]:
    """Title and text as separate BM25 fields, and a learned combination of every signal."""
    texts = [p.text for p in index.passages]
    titles = [p.title for p in index.passages]
    fields = (LexicalIndex.build(texts), LexicalIndex.build(titles))
    feats = {s: features(index, cands_by_split[s], data[s].queries, fields) for s in splits}
    grid = [(w, b) for w in WEIGHTS for b in (0.5, 0.7, 0.9)]

    def metrics(split, scores, ids=None):
        ids = ids or list(cands_by_split[split])
        sub = {q: cands_by_split[split][q] for q in ids}
        return retrieval_scores(run_from_scores(index, sub, scores), {q: data[split].qrels[q] for q in ids})

    rows = []
    if cv:  # SciFact: 5-fold cross-validation over train queries
        ids = sorted(cands_by_split["train"])
        random.Random(0).shuffle(ids)
        folds = [ids[i::5] for i in range(5)]
        for label in ("fields", "learned"):
            totals = {"ndcg@10": 0.0, "map@5": 0.0, "recall@100": 0.0}
            for i, test in enumerate(folds):
                train = [q for j, f in enumerate(folds) if j != i for q in f]
                f = feats["train"]
                if label == "fields":
                    w, b = max(grid, key=lambda wb: metrics(
                        "train", {q: fields_score(f[q], *wb) for q in train}, train)["ndcg@10"])
                    scores = {q: fields_score(f[q], w, b) for q in test}
                else:
                    scores = learned_scores(index, cands_by_split["train"], f, data["train"].qrels, train, test)
                m = metrics("train", scores, test)
                for k in totals:
                    totals[k] += m[k] * len(test) / len(ids)
            name = ("separate title/text BM25 fields + dense, weights by 5-fold CV" if label == "fields"
                    else "learned combination (logistic regression on 6 signals), 5-fold CV")
            rows.append([name] + [f"{totals[k]:.4f}" for k in ("ndcg@10", "map@5", "recall@100")])
        return rows
    f = feats["train"]
    w, b = max(grid, key=lambda wb: metrics("train", {q: fields_score(f[q], *wb) for q in f})["map@5"])
    cells = [f"separate title/text BM25 fields + dense (w={w}, title share {1 - b:.1f}, tuned on train)"]
    for s in splits:
        m = metrics(s, {q: fields_score(feats[s][q], w, b) for q in feats[s]})
        cells += [f"{m['ndcg@10']:.4f}", f"{m['map@5']:.4f}", f"{m['recall@100']:.4f}"]
    rows.append(cells)
    train_ids = list(feats["train"])
    cells = ["learned combination (logistic regression on 6 signals, trained on train)"]
    for s in splits:
        if s == "train":
            scores = {}
            for fold in range(5):  # train figures out of fold, so they are not in-sample
                test = train_ids[fold::5]
                scores |= learned_scores(index, cands_by_split["train"], feats["train"], data["train"].qrels,
                                         [q for q in train_ids if q not in set(test)], test)
        else:
            scores = learned_on(index, cands_by_split, feats, data, train_ids, s)
        m = metrics(s, scores)
        cells += [f"{m['ndcg@10']:.4f}", f"{m['map@5']:.4f}", f"{m['recall@100']:.4f}"]
    rows.append(cells)
    return rows


def learned_on(index, cands_by_split, feats, data, train_ids, split) -> dict[str, np.ndarray]:
    x = np.vstack([feats["train"][q] for q in train_ids])
    y = np.concatenate([[1 if data["train"].qrels[q].get(index.passages[r].doc_id, 0) > 0 else 0
                         for r in cands_by_split["train"][q].rows] for q in train_ids])
    model = fit_logistic(x, y, l2=1.0, names=FEATURES)
    print("learned weights:", dict(zip(FEATURES, np.round(model.coef, 3), strict=False)), flush=True)
    return {q: model.decision(feats[split][q]) for q in feats[split]}


def cv_row(index, cands: dict[str, object], qrels, clean: bool) -> list[str]:
    """5-fold cross-validation of the fusion weight over queries."""
    ids = sorted(cands)
    random.Random(0).shuffle(ids)
    folds = [ids[i::5] for i in range(5)]
    totals = {"ndcg@10": 0.0, "map@5": 0.0, "recall@100": 0.0}
    picked = []
    for i, test in enumerate(folds):
        train = [q for j, f in enumerate(folds) if j != i for q in f]

        def score(cfg: RetrievalConfig, qs: list[str]) -> dict[str, float]:
            sub = {q: cands[q] for q in qs}
            return retrieval_scores(doc_run(index, sub, cfg), {q: qrels[q] for q in qs})

        base = RetrievalConfig(fusion="weighted")
        w = max(WEIGHTS, key=lambda w: score(replace(base, dense_weight=w), train)["ndcg@10"])
        picked.append(w)
        s = score(replace(base, dense_weight=w), test)
        for k in totals:
            totals[k] += s[k] * len(test) / len(ids)
    label = f"weighted, w tuned by 5-fold CV (picked {picked})" + (", cleaned queries" if clean else "")
    return [label] + [f"{totals[k]:.4f}" for k in ("ndcg@10", "map@5", "recall@100")]


if __name__ == "__main__":
    main()
