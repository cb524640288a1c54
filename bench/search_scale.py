"""Dense search at 100k and 1M passages with the FAISS index the workbench picks for the size,
against exact search (IndexFlatIP) on the same vectors in the same run. Prints, per size: latency
per claim (one query at a time, k = 50 candidates as the retriever asks), recall@10 against exact
search, and resident memory after loading the index and answering every query; appends them to
bench/RESULTS.md.

    python bench/search_scale.py [--sizes 100000,1000000] [--queries 500] [--noise 0.025]
                                 [--cache DIR] [--json] [--no-record]

Vectors: real all-MiniLM-L6-v2 embeddings of the SciFact and CheckThat! 2021 2A passages (22,605,
from the cache `python -m checker eval retrieval` keeps in $CHECKER_HOME/cache, built if absent);
beyond those, copies with Gaussian noise (std `--noise` per dimension; 0.025 puts a copy at
cosine ~0.90 to its original), re-normalised. Queries: real MiniLM embeddings of the SciFact and
CheckThat! queries (embedded once, cached under --cache). Loading and querying run in a fresh
process, as `load_index` does it (vectors.npy read row by row through `VectorFile`), whose RSS
growth is the memory figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
from common import ROOT, record

from checker.evidence.index import (
    IndexSpec,
    VectorFile,
    build_dense,
    choose_index_type,
    search_vectors,
    set_search_params,
)

DATA = ROOT.parent / "shared" / "data" / "beir"
CORPORA = ("scifact", "checkthat2021-2a")
DEPTH = 50  # the candidates the retriever asks the dense index for
BASELINE_QUERIES = 50  # exact search at 1M takes ~0.1 s a query


def rss() -> dict[str, int]:
    """This process's resident memory in bytes: total, anonymous, and file-backed (mmap)."""
    wanted = {"VmRSS": "rss", "RssAnon": "anon", "RssFile": "file"}
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in wanted:
            out[wanted[key]] = int(value.split()[0]) * 1024
    return out


def base_vectors() -> np.ndarray:
    """Real MiniLM passage embeddings, from the evaluation's cached indexes."""
    from checker.config import DEFAULT_MODEL, load_settings
    from checker.evaluate.retrieval import cached_index
    from checker.text.embed import get_embedder

    cache = load_settings().cache
    parts = []
    for name in CORPORA:
        folder = cached_index(DATA / name / "corpus.jsonl", embedder=get_embedder(DEFAULT_MODEL), cache_root=cache)
        parts.append(np.load(folder / "vectors.npy"))
    return np.concatenate(parts)


def query_vectors(cache: Path) -> np.ndarray:
    texts = [json.loads(line)["text"] for name in CORPORA
             for line in (DATA / name / "queries.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = cache / f"queries-all-MiniLM-L6-v2-{key}.npy"
    if not path.exists():
        from checker.config import DEFAULT_MODEL
        from checker.text.embed import get_embedder

        cache.mkdir(parents=True, exist_ok=True)
        np.save(path, get_embedder(DEFAULT_MODEL).encode(texts))
    return np.load(path)


def corpus_of_size(base: np.ndarray, n: int, noise: float, seed: int = 0) -> np.ndarray:
    """The real vectors, then noisy copies of them until there are `n`, all unit length."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for start in range(0, n, len(base)):
        stop = min(n, start + len(base))
        out[start:stop] = base[: stop - start]
        if start:
            out[start:stop] += rng.normal(0.0, noise, size=(stop - start, base.shape[1])).astype(np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def per_query_ms(fn, queries: np.ndarray) -> list[float]:
    times = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q[None, :])
        times.append((time.perf_counter() - t0) * 1000)
    return times


def child(folder: Path, spec: IndexSpec, queries_path: Path) -> None:
    """Load the index as load_index does, answer every query one at a time; print JSON."""
    import faiss

    queries = np.load(queries_path)
    before = rss()
    t0 = time.perf_counter()
    dense = faiss.read_index(str(folder / "dense.faiss"))
    set_search_params(dense, spec)
    vectors = VectorFile(folder / "vectors.npy")
    load_s = time.perf_counter() - t0
    loaded = rss()
    found = []

    def claim(q: np.ndarray) -> None:
        _, rows = search_vectors(dense, vectors, spec, q, DEPTH)
        kept = rows[0][rows[0] >= 0]
        vectors[kept] @ q[0]  # the retriever's exact cosine of its dense candidates
        found.append(rows[0][:10].tolist())

    times = per_query_ms(claim, queries)
    after = rss()
    print(json.dumps({"times_ms": times, "rows": found, "load_s": load_s, "before": before, "loaded": loaded,
                      "after": after}))


def measure(n: int, base: np.ndarray, queries: np.ndarray, noise: float, workdir: Path) -> dict:
    import faiss

    vectors = corpus_of_size(base, n, noise)
    raw = vectors.nbytes
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(queries, 10)
    flat_ms = per_query_ms(lambda q: search_vectors(exact, vectors, IndexSpec("flat"), q, DEPTH),
                           queries[:BASELINE_QUERIES])
    exact.reset()

    spec = choose_index_type(n)
    t0 = time.perf_counter()
    dense = build_dense(vectors, spec)
    build_s = time.perf_counter() - t0
    folder = workdir / f"n{n}"
    folder.mkdir()
    faiss.write_index(dense, str(folder / "dense.faiss"))
    np.save(folder / "vectors.npy", vectors)
    np.save(folder / "queries.npy", queries)
    del dense

    out = subprocess.run([sys.executable, __file__, "--child", str(folder), "--spec", json.dumps(asdict(spec))],
                         capture_output=True, text=True, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    recall = float(np.mean([len(set(r) & set(t)) / 10 for r, t in zip(got["rows"], truth.tolist(), strict=True)]))
    grown = {k: got["after"][k] - got["before"][k] for k in ("rss", "anon", "file")}
    picked_ms = statistics.median(got["times_ms"])
    return {
        "passages": n,
        "index_type": spec.type,
        "index_params": spec.params(),
        "build_seconds": round(build_s, 1),
        "load_seconds": round(got["load_s"], 2),
        "flat_ms": round(statistics.median(flat_ms), 3),
        "ms_per_claim": round(picked_ms, 3),
        "p95_ms": round(float(np.percentile(got["times_ms"], 95)), 3),
        "speedup_vs_flat": round(statistics.median(flat_ms) / picked_ms, 1),
        "recall_at_10": round(recall, 4),
        "raw_vector_mb": round(raw / 2**20, 1),
        "rss_growth_mb": round(grown["rss"] / 2**20, 1),
        "rss_anon_mb": round(grown["anon"] / 2**20, 1),
        "rss_file_mb": round(grown["file"] / 2**20, 1),
        "memory_ratio": round(grown["rss"] / raw, 3),
        "memory_ratio_after_load": round((got["loaded"]["rss"] - got["before"]["rss"]) / raw, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=500, help="queries for recall and latency")
    parser.add_argument("--noise", type=float, default=0.025)
    parser.add_argument("--cache", type=Path, default=None, help="default: $CHECKER_HOME/cache/search_scale")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, IndexSpec(**json.loads(args.spec)), args.child / "queries.npy")
        return

    from checker.config import load_settings

    cache = args.cache or load_settings().cache / "search_scale"
    cache.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    base = base_vectors()
    queries = query_vectors(cache)
    queries = queries[np.random.default_rng(0).permutation(len(queries))[: args.queries]]
    results = []
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            r = measure(n, base, queries, args.noise, Path(tmp))
            results.append(r)
            print(f"{n:>9,} passages: {r['index_type']} {r['index_params']} (built in {r['build_seconds']} s)\n"
                  f"           {r['ms_per_claim']:.2f} ms per claim (p95 {r['p95_ms']:.2f}), exact flat "
                  f"{r['flat_ms']:.2f} ms: {r['speedup_vs_flat']}x faster; recall@10 {r['recall_at_10']:.3f}\n"
                  f"           RSS +{r['rss_growth_mb']:.0f} MiB ({r['rss_anon_mb']:.0f} anonymous, "
                  f"{r['rss_file_mb']:.0f} mapped vectors) = {r['memory_ratio']:.2f}x the raw vectors "
                  f"({r['raw_vector_mb']:.0f} MiB); {r['memory_ratio_after_load']:.2f}x right after loading",
                  flush=True)
    seconds = time.perf_counter() - started
    met = all(r["ms_per_claim"] <= 10 and r["recall_at_10"] >= 0.95 and r["memory_ratio"] <= 1.2 for r in results)
    print(f"targets (<= 10 ms per claim at recall@10 >= 0.95, memory <= 1.2x raw): {'met' if met else 'NOT met'}")
    if not args.no_record:
        lines = [f"{len(base):,} real MiniLM passage vectors + noisy copies (std {args.noise}), "
                 f"{len(queries)} real queries, k={DEPTH}; {seconds:.0f} s in all; load average at start {load:.1f}"]
        lines += [f"{r['passages']:,} passages: {r['index_type']} {r['index_params']}, build {r['build_seconds']} s; "
                  f"{r['ms_per_claim']:.2f} ms per claim (p95 {r['p95_ms']:.2f}) vs exact flat {r['flat_ms']:.2f} ms "
                  f"({r['speedup_vs_flat']}x); recall@10 {r['recall_at_10']:.3f}; RSS +{r['rss_growth_mb']:.0f} MiB "
                  f"({r['rss_anon_mb']:.0f} anon + {r['rss_file_mb']:.0f} mapped) = {r['memory_ratio']:.2f}x raw "
                  f"vectors ({r['raw_vector_mb']:.0f} MiB)" for r in results]
        lines.append(f"targets: {'met' if met else 'NOT met'}")
        record("search_scale", lines)
    if args.json:
        print(json.dumps({"sizes": results, "targets_met": met, "seconds": round(seconds, 1)}))


if __name__ == "__main__":
    main()
