"""Running the workbench's own retriever over a BEIR benchmark, with its index cached."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from checker.errors import InputError


def cached_index(corpus_file: Path, *, embedder: object, cache_root: Path,
                 progress: object = None) -> Path:
    """Index a BEIR corpus with the workbench's own pipeline, cached by corpus hash and model."""
    import hashlib
    import re as _re

    from checker.evidence.corpus import corpus_hash, load_corpus
    from checker.evidence.index import build_index, is_up_to_date

    loaded = load_corpus([corpus_file])
    if not loaded.documents:
        raise InputError(f"{corpus_file}: no documents")
    name = getattr(embedder, "name", "model")
    key = hashlib.sha256(f"{corpus_hash(loaded.documents)}|{name}".encode()).hexdigest()[:16]
    slug = _re.sub(r"[^A-Za-z0-9]+", "-", f"{corpus_file.parent.name}-{name}")[-60:]
    folder = Path(cache_root) / f"{slug}-{key}"
    if not is_up_to_date(folder, loaded.documents, name):
        build_index(loaded.documents, embedder, folder, progress=progress)  # type: ignore[arg-type]
    return folder


def reranked(reader: object, queries: list[str], results: list[list], depth: int,
             order: str = "fused") -> list[list]:
    """Each query's hits with the first `depth` judged by the reader (no floor), in `order`."""
    from checker.reading.rerank import rerank

    heads = [hits[:depth] for hits in results]
    readings = rerank(reader, queries, heads, top_k=depth, floor=0.0, order=order)  # type: ignore[arg-type]
    return [r.shown + hits[depth:] for r, hits in zip(readings, results, strict=True)]


def run_retrieval(retriever: object, queries: Mapping[str, str], *, top_k: int = 100,
                  passages_per_doc: int = 3, batch: int = 64, progress: object = None, reader: object = None,
                  rerank_depth: int = 20, order: str = "fused") -> dict[str, dict[str, float]]:
    """{query id: {doc id: score}}, a document scoring as its best passage; with a reader, the
    first `rerank_depth` passages are re-ranked by it and the score is 1 / (1 + position)."""
    ids = list(queries)
    run: dict[str, dict[str, float]] = {}
    depth = top_k * passages_per_doc
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        results = retriever.search_many([queries[q] for q in chunk], top_k=depth)  # type: ignore[attr-defined]
        if reader is not None:
            results = reranked(reader, [queries[q] for q in chunk], results, rerank_depth, order)
        for qid, hits in zip(chunk, results, strict=True):
            docs: dict[str, float] = {}
            for position, h in enumerate(hits):
                if h.passage.doc_id not in docs:
                    docs[h.passage.doc_id] = h.score if reader is None else 1.0 / (1 + position)
            run[qid] = dict(list(docs.items())[:top_k])
        if callable(progress):
            progress(min(start + batch, len(ids)), len(ids))
    return run
