"""Index type by corpus size, and incremental rebuilds that only embed what changed."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import checker.evidence.dense as dense
import checker.evidence.index as ix
from checker.errors import IndexMismatchError
from checker.evidence.corpus import corpus_hash, document_hash
from checker.evidence.index import IndexSpec, build_index, choose_index_type, load_index
from checker.evidence.lexical import LexicalIndex, TermCounts
from checker.evidence.retrieve import Retriever
from checker.text.embed import normalise
from checker.types import Document
from tests.conftest import HashEmbedder
from tests.evidence.formats import write_flat_index

# -- the index type for the size -----------------------------------------------------------------


def test_small_corpora_get_exact_search() -> None:
    for n in (0, 1, 3, 10_000, dense.FLAT_MAX - 1):
        assert choose_index_type(n) == IndexSpec("flat")
    assert choose_index_type(dense.FLAT_MAX).type == "ivf_sq8"


@pytest.mark.parametrize("n", [dense.FLAT_MAX, 100_000, 1_000_000, 10_000_000])
def test_large_corpora_get_ivf_with_enough_probes(n: int) -> None:
    spec = choose_index_type(n)
    assert spec.type == "ivf_sq8" and spec.rerank == dense.RERANK
    assert spec.nlist & (spec.nlist - 1) == 0, "a power of two"
    assert n / spec.nlist >= dense.TRAIN_PER_LIST, "enough training vectors per list"
    assert 1 <= spec.nprobe <= spec.nlist
    scanned = n * spec.nprobe / spec.nlist
    assert scanned >= min(n, max(dense.SCAN_FRACTION * n, dense.MIN_SCAN)) * 0.999


def test_one_million_passages() -> None:
    """The parameters bench/search_scale.py measured at 1M (recall@10 >= 0.95 within 10 ms)."""
    assert choose_index_type(1_000_000) == IndexSpec("ivf_sq8", nlist=2048, nprobe=123, rerank=50)


def test_forced_index_types() -> None:
    assert choose_index_type(1_000_000, "flat") == IndexSpec("flat")
    assert choose_index_type(2_000, "ivf_sq8").type == "ivf_sq8"
    assert choose_index_type(10, "ivf_sq8") == IndexSpec("flat"), "too few vectors to train lists"
    with pytest.raises(ValueError, match="unknown index type"):
        choose_index_type(10, "hnsw")


# -- a real approximate index, built small ------------------------------------------------------

class VectorEmbedder:
    """Embeds "item <i>" as the i-th of the given vectors."""

    name = "test-vector-embedder"

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors
        self.calls = 0

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, progress=None) -> np.ndarray:
        self.calls += len(texts)
        return self.vectors[[int(t.split()[1]) for t in texts]]


def clustered(n: int, dim: int = 32, clusters: int = 40, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    return normalise(centres[rng.integers(clusters, size=n)] + rng.normal(scale=0.35, size=(n, dim)))


def test_an_ivf_index_loads_back_with_its_search_parameters(tmp_path: Path, monkeypatch) -> None:
    """Forced on 2,000 vectors, with fewer probes than lists: recall@10 against exact search."""
    monkeypatch.setattr(dense, "MIN_SCAN", 600)  # probe 30% of the lists, not all of them
    vectors = clustered(2_000)
    docs = [Document(f"d{i}", "", f"item {i}") for i in range(len(vectors))]
    build_index(docs, VectorEmbedder(vectors), tmp_path / "idx", index_type="ivf_sq8")

    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    expected = choose_index_type(2_000, "ivf_sq8")
    assert manifest["index_type"] == "ivf_sq8"
    assert manifest["index_params"] == {"nlist": 32, "nprobe": 10, "rerank": 50} == expected.params()

    index = load_index(tmp_path / "idx")
    assert index.spec == expected
    import faiss

    ivf = faiss.extract_index_ivf(index.dense)
    assert (ivf.nlist, ivf.nprobe) == (32, 10)

    queries = normalise(vectors[:200] + np.random.default_rng(1).normal(scale=0.2, size=(200, 32)))
    scores, rows = index.search_dense(queries, 10)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(rows, exact, strict=True)])
    assert recall >= 0.95
    cosines = np.einsum("qd,qkd->qk", queries, vectors[rows])
    assert np.allclose(scores, cosines, atol=1e-5), "scores are exact cosines"
    assert (np.diff(scores, axis=1) <= 1e-7).all(), "best first"

    hits = Retriever(index, VectorEmbedder(vectors)).search("item 7", top_k=3)
    assert hits[0].passage.doc_id == "d7"


def test_index_from_before_index_params_loads_as_flat(tmp_path: Path, tiny_docs, hash_embedder) -> None:
    build_index(tiny_docs, hash_embedder, tmp_path / "idx")
    path = tmp_path / "idx" / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["index_type"], manifest["index_params"]
    path.write_text(json.dumps(manifest))
    index = load_index(tmp_path / "idx")
    assert index.spec == IndexSpec("flat")
    assert Retriever(index, hash_embedder).search("troops")[0].passage.doc_id == "troops"


@pytest.mark.parametrize("change", [{"index_type": "hnsw"}, {"index_type": "ivf_sq8", "index_params": {}},
                                    {"index_type": "ivf_sq8", "index_params": {"nlist": 4, "nprobe": 2}}])
def test_unreadable_index_types_are_refused(tmp_path: Path, tiny_docs, hash_embedder, change) -> None:
    """Unknown types, missing parameters, or a manifest that does not match dense.faiss."""
    build_index(tiny_docs, hash_embedder, tmp_path / "idx")
    path = tmp_path / "idx" / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **change}))
    with pytest.raises(IndexMismatchError, match="rebuild it with"):
        load_index(tmp_path / "idx")


def test_a_forced_type_change_rebuilds(tmp_path: Path, hash_embedder) -> None:
    docs = [Document(f"d{i}", "", f"item {i} about things") for i in range(100)]
    build_index(docs, hash_embedder, tmp_path / "idx")
    hash_embedder.calls.clear()
    report = build_index(docs, hash_embedder, tmp_path / "idx", index_type="ivf_sq8")
    assert not report.up_to_date and report.embedded == 0
    assert load_index(tmp_path / "idx").spec.type == "ivf_sq8"
    assert build_index(docs, hash_embedder, tmp_path / "idx", index_type="ivf_sq8").up_to_date


# -- incremental rebuilds -----------------------------------------------------------------------

WORDS = ("troops border talks summit sanctions minister treaty missile drill embassy ceasefire "
         "pipeline gas grain port vote court budget strike protest inflation election report").split()


def make_docs(n: int, seed: int = 0) -> list[Document]:
    """`n` documents of about 250 words each: two passages apiece."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        sentences = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(20)]
        docs.append(Document(f"doc-{seed}-{i}", f"Report {i}", " ".join(sentences), date="2022-01-21"))
    return docs


def same_index(a: Path, b: Path) -> None:
    """Two index folders hold the same passages, vectors and BM25 scores (rows in any order:
    a rebuild appends new and edited documents, a fresh build keeps the corpus order)."""
    ia, ib = load_index(a), load_index(b)
    ids_a, ids_b = ([p.passage_id for p in i.passages] for i in (ia, ib))
    order_a, order_b = np.argsort(ids_a, kind="stable"), np.argsort(ids_b, kind="stable")
    assert [ia.passages[i] for i in order_a] == [ib.passages[i] for i in order_b]
    assert np.array_equal(np.asarray(ia.vectors)[order_a], np.asarray(ib.vectors)[order_b])
    for query in ("troops at the border", "gas pipeline sanctions vote", "nothing matches zzz"):
        assert np.array_equal(ia.lexical.scores(query)[order_a], ib.lexical.scores(query)[order_b])


def test_adding_a_document_embeds_only_that_document(tmp_path: Path) -> None:
    docs = make_docs(150)
    embedder = HashEmbedder()
    first = build_index(docs, embedder, tmp_path / "idx")
    assert first.passages >= 300 and first.embedded == first.passages

    new = make_docs(1, seed=1)[0]
    embedder.calls.clear()
    report = build_index([*docs[:70], new, *docs[70:]], embedder, tmp_path / "idx")
    new_texts = [p.embedding_text() for p in ix.split_passages(new)]
    assert embedder.calls == new_texts
    assert (report.embedded, report.reused) == (len(new_texts), first.passages)

    build_index([*docs[:70], new, *docs[70:]], HashEmbedder(), tmp_path / "scratch")
    same_index(tmp_path / "idx", tmp_path / "scratch")


def test_edits_and_removals(tmp_path: Path) -> None:
    """An edited document re-embeds only its changed passage; a removed one disappears."""
    docs = make_docs(120)
    embedder = HashEmbedder()
    build_index(docs, embedder, tmp_path / "idx")
    edited = replace(docs[5], text=docs[5].text + " A late sentence about the treaty.")
    changed = [*docs[:5], edited, *docs[6:40], *docs[41:]]
    embedder.calls.clear()
    report = build_index(changed, embedder, tmp_path / "idx")
    assert len(embedder.calls) == report.embedded == 1 and "late sentence" in embedder.calls[0]
    build_index(changed, HashEmbedder(), tmp_path / "scratch")
    same_index(tmp_path / "idx", tmp_path / "scratch")
    assert not any(p.doc_id == docs[40].doc_id for p in load_index(tmp_path / "idx").passages)


def test_a_flat_index_of_format_1_loads_and_is_rebuilt_reusing_its_rows(tmp_path: Path) -> None:
    """Indexes written before shards: they load as they are, and a rebuild takes their rows over."""
    docs = make_docs(60)
    write_flat_index(docs, HashEmbedder(), tmp_path / "idx")
    build_index(docs, HashEmbedder(), tmp_path / "scratch")
    same_index(tmp_path / "idx", tmp_path / "scratch")
    new = make_docs(1, seed=2)[0]
    embedder = HashEmbedder()
    report = build_index([*docs, new], embedder, tmp_path / "idx")
    assert embedder.calls == [p.embedding_text() for p in ix.split_passages(new)]
    assert report.reused == load_index(tmp_path / "scratch").manifest.passages
    assert json.loads((tmp_path / "idx" / "manifest.json").read_text())["format_version"] == 2
    build_index([*docs, new], HashEmbedder(), tmp_path / "scratch")
    same_index(tmp_path / "idx", tmp_path / "scratch")


def test_an_index_without_rows_file_still_reuses_embeddings(tmp_path: Path) -> None:
    """Indexes built before rows.json and terms.npz: embeddings reused by passage hash."""
    docs = make_docs(60)
    write_flat_index(docs, HashEmbedder(), tmp_path / "idx")
    (tmp_path / "idx" / "rows.json").unlink()
    (tmp_path / "idx" / "terms.npz").unlink()
    new = make_docs(1, seed=2)[0]
    embedder = HashEmbedder()
    build_index([*docs, new], embedder, tmp_path / "idx")
    assert len(embedder.calls) == len(ix.split_passages(new))
    build_index([*docs, new], HashEmbedder(), tmp_path / "scratch")
    same_index(tmp_path / "idx", tmp_path / "scratch")


def test_rows_from_another_splitter_are_not_taken_over(tmp_path: Path, monkeypatch) -> None:
    docs = make_docs(20)
    build_index(docs, HashEmbedder(), tmp_path / "idx")
    monkeypatch.setattr(ix, "_pipeline_version", lambda: "another splitter")
    seen: list[str] = []
    split = ix.split_passages
    monkeypatch.setattr(ix, "split_passages", lambda d: seen.append(d.doc_id) or split(d))
    build_index([*docs, *make_docs(1, seed=3)], HashEmbedder(), tmp_path / "idx")
    assert len(seen) == 21, "every document split again"


def test_bm25_from_counts_matches_bm25s() -> None:
    texts = [d.text for d in make_docs(30)] + ["the and of it", "Lavrov met Blinken in Geneva", ""]
    ours = TermCounts.count(texts, []).bm25()
    reference = LexicalIndex.build(texts)
    for query in ("Lavrov in Geneva", "troops border", "sanctions", "the", "unknownword"):
        assert np.array_equal(ours.scores(query), reference.scores(query)), query


def test_corpus_digest_is_corpus_hash(tiny_docs) -> None:
    assert ix._corpus_digest([document_hash(d) for d in tiny_docs]) == corpus_hash(tiny_docs)
