"""Index folders as older versions wrote them, for tests that read or rebuild over them."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

import checker.evidence.index as ix
from checker.evidence.corpus import corpus_hash, document_hash, split_passages
from checker.evidence.dense import build_dense, choose_index_type
from checker.evidence.lexical import TermCounts
from checker.text.embed import normalise
from checker.types import Document


def write_flat_index(documents: Sequence[Document], embedder, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Format 1, as the workbench wrote it before shards: one folder with every file in it."""
    lines, hashes, row_docs, texts = [], [], [], []
    for doc in documents:
        for p in split_passages(doc):
            h = hashlib.sha256(p.embedding_text().encode("utf-8", "surrogatepass")).hexdigest()
            lines.append(json.dumps({**p.to_dict(), "hash": h}, ensure_ascii=False) + "\n")
            hashes.append(h)
            row_docs.append(document_hash(doc))
            texts.append(p.embedding_text())
    vectors = normalise(embedder.encode(texts)).astype(np.float32)
    terms = TermCounts.count(texts, [])
    spec = choose_index_type(len(texts))
    folder.mkdir(parents=True)
    faiss.write_index(build_dense(vectors, spec), str(folder / "dense.faiss"))
    np.save(folder / "vectors.npy", vectors)
    (folder / "passages.jsonl").write_text("".join(lines), encoding="utf-8")
    terms.bm25().save(folder / "bm25")
    np.savez(folder / "terms.npz", ptr=terms.ptr, ids=terms.ids, tf=terms.tf, length=terms.length)
    (folder / "rows.json").write_text(json.dumps({"version": ix._pipeline_version(), "documents": row_docs,
                                                  "passages": hashes, "vocab": terms.vocab}), encoding="utf-8")
    manifest = {"model": embedder.name, "dim": embedder.dim, "passages": len(texts), "documents": len(documents),
                "corpus_hash": corpus_hash(documents), "created": time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "index_type": spec.type, "format_version": 1, "versions": {}, "index_params": spec.params()}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
