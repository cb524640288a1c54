"""Adding one document to a 10,000-passage index, against embedding that document alone, in the
same run. Checks that no unchanged document is embedded again (every encode call is counted).
Prints the ratio; appends it to bench/RESULTS.md.

    python bench/incremental.py [--rounds 5] [--doc DOC_ID] [--json] [--no-record]

The index: every SciFact document (8,781 passages), then CheckThat! 2021 2A documents up to
10,000 passages. Their embeddings come from the cache `python -m checker eval retrieval` keeps in
$CHECKER_HOME/cache (built first if absent), so that setting up takes seconds, not ten minutes.
The new document: a news report from the demo corpus (by default the one with the median length,
two passages), as a newsroom would upload it. Each round embeds it alone with the raw model
(timed), adds it (timed: `build_index` with the real model), and removes it again (untimed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from common import ROOT, record

from checker.config import DEFAULT_MODEL, load_settings
from checker.evaluate.retrieval import cached_index
from checker.evidence.corpus import load_corpus, split_passages
from checker.evidence.index import build_index, load_index
from checker.text.embed import Embedder, get_embedder
from checker.types import Document

DATA = ROOT.parent / "shared" / "data" / "beir"
SIZE = 10_000


class CountingEmbedder:
    """The real embedder, counting what it is asked to embed and the time it takes."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.texts: list[str] = []
        self.seconds = 0.0

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, progress=None) -> np.ndarray:
        self.texts += texts
        t0 = time.perf_counter()
        out = self.inner.encode(texts, batch_size=batch_size, progress=progress)
        self.seconds += time.perf_counter() - t0
        return out


class CachedEmbedder:
    """Embeddings the evaluation cache already holds, by passage hash; the model for the rest."""

    def __init__(self, inner: Embedder, folders: Sequence[Path]) -> None:
        self.inner = inner
        self.name = inner.name
        self.known: dict[str, np.ndarray] = {}
        for folder in folders:  # any index format: read through load_index
            index = load_index(folder)
            for passage, vec in zip(index.passages, np.asarray(index.vectors), strict=True):
                self.known[self.key(passage.embedding_text())] = vec

    @staticmethod
    def key(text: str) -> str:
        import hashlib

        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, progress=None) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        todo = {k: t for t, k in zip(texts, keys, strict=True) if k not in self.known}
        if todo:
            for k, vec in zip(todo, self.inner.encode(list(todo.values()), batch_size=batch_size), strict=True):
                self.known[k] = vec
        return np.stack([self.known[k] for k in keys]) if texts else np.zeros((0, self.dim), np.float32)


def ten_thousand_passages() -> list[Document]:
    docs = load_corpus([DATA / "scifact" / "corpus.jsonl"]).documents
    total = sum(len(split_passages(d)) for d in docs)
    for doc in load_corpus([DATA / "checkthat2021-2a" / "corpus.jsonl"]).documents:
        if total >= SIZE:
            break
        docs.append(doc)
        total += len(split_passages(doc))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--doc", help="doc_id of the demo corpus document to add (default: median length)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    load = os.getloadavg()[0]
    settings = load_settings()
    model = get_embedder(DEFAULT_MODEL)
    docs = ten_thousand_passages()
    news = sorted(load_corpus([ROOT / "corpus"]).documents, key=lambda d: (len(d.text), d.doc_id))
    new = next(d for d in news if d.doc_id == args.doc) if args.doc else news[len(news) // 2]
    new_texts = [p.embedding_text() for p in split_passages(new)]
    seeds = [cached_index(DATA / name / "corpus.jsonl", embedder=model, cache_root=settings.cache)
             for name in ("scifact", "checkthat2021-2a")]

    raw = model._load()  # the raw sentence-transformers model, for the baseline
    raw.encode(new_texts, batch_size=settings.batch_size, show_progress_bar=False)  # warm up
    adds, alones, overheads = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "index"
        t0 = time.perf_counter()
        base = build_index(docs, CachedEmbedder(model, seeds), folder, batch_size=settings.batch_size)
        setup = time.perf_counter() - t0
        print(f"10k index: {base.documents} documents, {base.passages} passages, built in {setup:.1f} s")
        for _ in range(args.rounds):  # each round: embed it alone, add it, remove it (untimed)
            t0 = time.perf_counter()
            raw.encode(new_texts, batch_size=settings.batch_size, show_progress_bar=False)
            alones.append(time.perf_counter() - t0)
            counting = CountingEmbedder(model)
            t0 = time.perf_counter()
            report = build_index([*docs, new], counting, folder, batch_size=settings.batch_size)
            adds.append(time.perf_counter() - t0)
            overheads.append(adds[-1] - counting.seconds)
            # unchanged documents were not embedded again: only the new document's passages were
            assert counting.texts == new_texts, f"embedded {len(counting.texts)} texts, expected {len(new_texts)}"
            assert (report.embedded, report.reused) == (len(new_texts), base.passages), report
            build_index(docs, counting, folder, batch_size=settings.batch_size)
            assert counting.texts == new_texts, "removing a document embeds nothing"

    add, alone, overhead = statistics.median(adds), statistics.median(alones), statistics.median(overheads)
    ratio = add / alone
    print(f"new document: {new.doc_id} ({len(new.text.split())} words, {len(new_texts)} passages)")
    print(f"adding it: {add * 1000:.0f} ms (embedding inside build_index {(add - overhead) * 1000:.0f} ms, "
          f"everything else {overhead * 1000:.0f} ms); embedding it alone: {alone * 1000:.0f} ms")
    print(f"embedded while adding: {len(new_texts)} passages, all of the new document; unchanged documents "
          f"re-embedded: 0 (encode calls counted, {args.rounds} rounds)")
    print(f"ratio: {ratio:.2f}x of embedding the document alone (target <= 2x), median of {args.rounds}")
    if not args.no_record:
        record("incremental", [
            f"10k index: {base.documents} documents (SciFact + CheckThat! 2A), {base.passages} passages; "
            f"added {new.doc_id} ({len(new_texts)} passages)",
            f"add {add * 1000:.0f} ms (embedding {(add - overhead) * 1000:.0f} ms, rest {overhead * 1000:.0f} ms); "
            f"embedding it alone {alone * 1000:.0f} ms; ratio {ratio:.2f}x (target <= 2x), median of {args.rounds}",
            f"unchanged documents re-embedded: 0 (counted encode calls); load average at start {load:.1f}",
        ])
    if args.json:
        print(json.dumps({"ratio": round(ratio, 4), "add_seconds": round(add, 4), "alone_seconds": round(alone, 4),
                          "overhead_seconds": round(overhead, 4), "passages": base.passages,
                          "new_passages": len(new_texts), "reembedded_unchanged": 0, "rounds": args.rounds}))


if __name__ == "__main__":
    main()
