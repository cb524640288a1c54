"""An index of shards: a rebuild writes one small shard and links the rest, removals are rows
marked deleted, too many shards are compacted, and search equals a fresh single build."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import checker.evidence.dense as dense
import checker.evidence.index as ix
from checker.evidence.index import build_index, load_index
from checker.evidence.retrieve import Retriever
from checker.types import Document
from tests.conftest import HashEmbedder
from tests.evidence.test_index_scale import VectorEmbedder, clustered, make_docs, same_index

QUERIES = ("troops at the border", "gas pipeline sanctions vote", "court budget strike", "zzz nothing")


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def inodes(folder: Path) -> dict[str, int]:
    """Inode of every file under the version `folder` links to, by path inside it."""
    root = folder.resolve()
    return {str(p.relative_to(root)): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


def same_search(a: Path, b: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Same passages in the same rows, and every search gives the same ids, order and scores."""
    ia, ib = load_index(a), load_index(b)
    assert [p.passage_id for p in ia.passages] == [p.passage_id for p in ib.passages]
    assert np.array_equal(np.asarray(ia.vectors), np.asarray(ib.vectors))
    queries = embedder.encode(list(QUERIES))
    (sa, ra), (sb, rb) = ia.search_dense(queries, 20), ib.search_dense(queries, 20)
    assert np.array_equal(ra, rb) and np.allclose(sa, sb, atol=1e-5)
    for query in QUERIES:
        assert np.allclose(ia.lexical.scores(query), ib.lexical.scores(query), atol=1e-5)
        hits_a, hits_b = (Retriever(i, embedder).search(query, top_k=10) for i in (ia, ib))
        assert [h.passage.passage_id for h in hits_a] == [h.passage.passage_id for h in hits_b]
        assert np.allclose([h.score for h in hits_a], [h.score for h in hits_b], atol=1e-5)


def test_adding_a_document_writes_one_shard_and_links_the_rest(tmp_path: Path) -> None:
    docs = make_docs(100)
    folder = tmp_path / "idx"
    build_index(docs, HashEmbedder(), folder)
    before = inodes(folder)
    new = make_docs(1, seed=1)[0]
    report = build_index([*docs, new], HashEmbedder(), folder)
    assert (report.shards, report.compacted) == (2, False)
    after = inodes(folder)
    linked = {path for path, ino in after.items() if ino in before.values()}
    assert linked == {p for p in before if p.startswith("shards/00000/")}, "every file of the old shard, linked"
    written = set(after) - linked
    assert written == {"manifest.json"} | {f"shards/00001/{n}" for n in
                                           ("vectors.npy", "passages.jsonl", "rows.npz", "terms.npz", "vocab.json")}
    assert [s["name"] for s in manifest(folder)["shards"]] == ["00000", "00001"]
    assert manifest(folder)["shards"][1]["rows"] == len(ix.split_passages(new))
    build_index([*docs, new], HashEmbedder(), tmp_path / "fresh")
    same_search(folder, tmp_path / "fresh", HashEmbedder())


def test_removing_and_editing_documents_marks_rows_deleted(tmp_path: Path) -> None:
    docs = make_docs(100)
    folder = tmp_path / "idx"
    build_index(docs, HashEmbedder(), folder)
    before = inodes(folder)
    edited = replace(docs[10], text=docs[10].text + " A late sentence about the treaty.")
    changed = [*docs[:10], edited, *docs[11:40], *docs[41:]]  # docs[40] removed, docs[10] edited
    embedder = HashEmbedder()
    report = build_index(changed, embedder, folder)
    assert len(embedder.calls) == report.embedded == 1 and "late sentence" in embedder.calls[0]
    shard = manifest(folder)["shards"][0]
    start = sum(len(ix.split_passages(d)) for d in docs[:10])
    rows_10, rows_40 = len(ix.split_passages(docs[10])), len(ix.split_passages(docs[40]))
    start_40 = sum(len(ix.split_passages(d)) for d in docs[:40])
    assert shard["deleted"] == [[start, start + rows_10], [start_40, start_40 + rows_40]]
    assert shard["documents"] == 98 and manifest(folder)["documents"] == 99
    assert all(inodes(folder)[p] == ino for p, ino in before.items() if p.startswith("shards/00000/"))
    index = load_index(folder)
    assert not any(p.doc_id == docs[40].doc_id for p in index.passages)
    tail = [p.text for p in index.passages][-len(ix.split_passages(edited)):]
    assert tail == [p.text for p in ix.split_passages(edited)], "the edited document's rows come last"

    # the same documents in the index's order (the edited one last), built fresh, search the same
    build_index([*docs[:10], *docs[11:40], *docs[41:], edited], HashEmbedder(), tmp_path / "fresh")
    same_search(folder, tmp_path / "fresh", HashEmbedder())
    build_index(changed, HashEmbedder(), tmp_path / "corpus-order")
    same_index(folder, tmp_path / "corpus-order")


def test_removing_a_whole_shard_drops_it(tmp_path: Path) -> None:
    docs, new = make_docs(50), make_docs(2, seed=1)
    folder = tmp_path / "idx"
    build_index(docs, HashEmbedder(), folder)
    build_index([*docs, *new], HashEmbedder(), folder)
    embedder = HashEmbedder()
    report = build_index(docs, embedder, folder)
    assert embedder.calls == [] and report.shards == 1 and not report.compacted
    assert manifest(folder)["shards"] == [{"name": "00000", "passages": report.passages,
                                           "rows": report.passages, "documents": 50, "deleted": []}]
    build_index(docs, HashEmbedder(), tmp_path / "fresh")
    same_search(folder, tmp_path / "fresh", HashEmbedder())


def test_too_many_shards_are_compacted_into_one(tmp_path: Path) -> None:
    docs = make_docs(40)
    folder = tmp_path / "idx"
    build_index(docs, HashEmbedder(), folder, max_shards=3)
    for i in range(1, 3):
        docs = [*docs, make_docs(1, seed=i)[0]]
        report = build_index(docs, HashEmbedder(), folder, max_shards=3)
        assert (report.shards, report.compacted) == (i + 1, False)
    docs = [*docs, make_docs(1, seed=3)[0]]
    embedder = HashEmbedder()
    report = build_index(docs, embedder, folder, max_shards=3)
    assert (report.shards, report.compacted) == (1, True)
    assert len(embedder.calls) == len(ix.split_passages(docs[-1])), "compaction embeds only the new document"
    assert [s["name"] for s in manifest(folder)["shards"]] == ["00000"]
    build_index(docs, HashEmbedder(), tmp_path / "fresh")
    same_search(folder, tmp_path / "fresh", HashEmbedder())
    shard = folder / "shards" / "00000"
    fresh = tmp_path / "fresh" / "shards" / "00000"
    for name in ("vectors.npy", "passages.jsonl", "rows.npz"):
        assert (shard / name).read_bytes() == (fresh / name).read_bytes(), name


def test_many_deleted_rows_are_compacted(tmp_path: Path) -> None:
    docs = make_docs(40)
    folder = tmp_path / "idx"
    build_index(docs, HashEmbedder(), folder)
    report = build_index(docs[:35], HashEmbedder(), folder)  # 12% of the rows deleted: kept as deletions
    assert not report.compacted and manifest(folder)["shards"][0]["deleted"]
    report = build_index(docs[:28], HashEmbedder(), folder)  # 30%: more than MAX_DELETED
    assert report.compacted and manifest(folder)["shards"][0]["deleted"] == []
    build_index(docs[:28], HashEmbedder(), tmp_path / "fresh")
    same_search(folder, tmp_path / "fresh", HashEmbedder())


@pytest.mark.parametrize("where", ["write_shard", "link_shard"])
def test_a_build_that_fails_midway_leaves_the_previous_index(tmp_path: Path, monkeypatch, where: str) -> None:
    docs = make_docs(30)
    folder = tmp_path / "idx"
    build_index(docs, HashEmbedder(), folder)
    build_index([*docs, make_docs(1, seed=1)[0]], HashEmbedder(), folder)  # two shards
    before, version = inodes(folder), folder.resolve()
    real = getattr(ix, where)

    def fail_after(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(ix, where, fail_after)
    with pytest.raises(KeyboardInterrupt):
        build_index([*docs, *make_docs(2, seed=2)], HashEmbedder(), folder)
    assert folder.resolve() == version and inodes(folder) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".idx.")] == [version.name]
    assert len(load_index(folder)) == manifest(folder)["passages"]


def test_a_version_removed_by_another_build_meanwhile_is_read_again(tmp_path: Path, monkeypatch) -> None:
    """Another build swaps in (and removes the version this one links from): this one starts over."""
    docs = make_docs(30)
    folder = tmp_path / "idx"
    build_index(docs, HashEmbedder(), folder)
    real, calls = ix.link_shard, []

    def link_after_another_build(source: Path, target: Path) -> None:
        if not calls:
            calls.append(source)
            monkeypatch.setattr(ix, "link_shard", real)
            build_index(docs[:29], HashEmbedder(), folder, force=True)  # removes the version `source` is in
        real(source, target)

    monkeypatch.setattr(ix, "link_shard", link_after_another_build)
    new = make_docs(1, seed=1)[0]
    report = build_index([*docs, new], HashEmbedder(), folder)
    assert calls and not calls[0].exists() and report.passages == len(load_index(folder))
    build_index([*docs[:29], new, docs[29]], HashEmbedder(), tmp_path / "fresh")
    same_index(folder, tmp_path / "fresh")


def test_ivf_shards_share_the_trained_lists(tmp_path: Path, monkeypatch) -> None:
    """IVF: a new shard is coded with the version's quantizer; searching the shards (with rows
    deleted) gives what one index of the same vectors with that quantizer gives."""
    import faiss

    monkeypatch.setattr(dense, "MIN_SCAN", 600)
    vectors = clustered(2_100)
    embedder = VectorEmbedder(vectors)
    docs = [Document(f"d{i}", "", f"item {i}") for i in range(len(vectors))]
    folder = tmp_path / "idx"
    build_index(docs[:2_000], embedder, folder, index_type="ivf_sq8")
    before = inodes(folder)
    kept = [*docs[:100], *docs[150:2_000], *docs[2_000:]]  # 50 removed, 100 added
    report = build_index(kept, embedder, folder, index_type="ivf_sq8")
    assert (report.shards, report.compacted) == (2, False)
    after = inodes(folder)
    assert after["quantizer.faiss"] == before["quantizer.faiss"]
    assert after["shards/00000/dense.faiss"] == before["shards/00000/dense.faiss"]

    index = load_index(folder)
    assert [p.doc_id for p in index.passages] == [d.doc_id for d in kept]
    reference = faiss.read_index(str(folder / "quantizer.faiss"))
    reference.add(np.ascontiguousarray(vectors[[int(d.doc_id[1:]) for d in kept]]))
    dense.set_search_params(reference, index.spec)
    queries = vectors[::50] + np.random.default_rng(1).normal(scale=0.1, size=(42, 32)).astype(np.float32)
    scores, rows = index.search_dense(queries, 10)
    ref_scores, ref_rows = dense.search_vectors(reference, np.asarray(index.vectors), index.spec, queries, 10)
    assert np.array_equal(rows, ref_rows) and np.allclose(scores, ref_scores, atol=1e-5)
    assert not set(rows.ravel().tolist()) & {-1}


def test_a_new_ivf_list_count_compacts(tmp_path: Path) -> None:
    """Growing past a power of two of lists retrains: one shard again, like a fresh build."""
    vectors = clustered(3_300)  # 2,000 passages get 32 lists, 3,300 get 64
    docs = [Document(f"d{i}", "", f"item {i}") for i in range(len(vectors))]
    folder = tmp_path / "idx"
    build_index(docs[:2_000], VectorEmbedder(vectors), folder, index_type="ivf_sq8")
    nlist = manifest(folder)["index_params"]["nlist"]
    report = build_index(docs, VectorEmbedder(vectors), folder, index_type="ivf_sq8")
    assert manifest(folder)["index_params"]["nlist"] != nlist and report.compacted
    build_index(docs, VectorEmbedder(vectors), tmp_path / "fresh", index_type="ivf_sq8")
    for name in ("quantizer.faiss", "shards/00000/dense.faiss"):
        assert (folder / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes()


def test_damaged_shards_are_not_linked_again(tmp_path: Path) -> None:
    """A rebuild over a shard with a missing file builds afresh, so the rebuild hint works."""
    docs = make_docs(20)
    folder = tmp_path / "idx"
    build_index(docs, HashEmbedder(), folder)
    (folder / "shards" / "00000" / "rows.npz").unlink()
    embedder = HashEmbedder()
    report = build_index([*docs, make_docs(1, seed=1)[0]], embedder, folder)
    assert report.compacted and report.embedded == report.passages == len(embedder.calls)
    assert os.path.exists(folder / "shards" / "00000" / "rows.npz")
    assert len(load_index(folder)) == report.passages
