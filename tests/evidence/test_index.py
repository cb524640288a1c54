"""The index folder: build, load, refuse a mismatched model, rebuild only what changed."""

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from checker.errors import IndexMismatchError, IndexMissingError
from checker.evidence.index import build_index, is_up_to_date, load_index
from checker.evidence.retrieve import Retriever
from tests.conftest import HashEmbedder


def test_build_then_load(tmp_path: Path, tiny_docs, hash_embedder) -> None:
    """The folder holds a manifest and one shard of vectors, passages and term counts, and loads back."""
    report = build_index(tiny_docs, hash_embedder, tmp_path / "idx")
    assert report.passages == 3 and report.embedded == 3
    assert {p.name for p in (tmp_path / "idx").iterdir()} == {"manifest.json", "shards"}
    names = {p.name for p in (tmp_path / "idx" / "shards" / "00000").iterdir()}
    assert names == {"vectors.npy", "passages.jsonl", "rows.npz", "terms.npz", "vocab.json"}
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    assert manifest["model"] == hash_embedder.name and manifest["dim"] == 64
    assert manifest["passages"] == 3 and len(manifest["corpus_hash"]) == 64
    assert "faiss-cpu" in manifest["versions"] and manifest["created"]
    assert manifest["format_version"] == 2
    assert manifest["shards"] == [{"name": "00000", "passages": 3, "rows": 3, "documents": 3, "deleted": []}]
    index = load_index(tmp_path / "idx", model=hash_embedder.name)
    assert len(index) == 3 and index.passages[0].doc_id == "troops"
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1.0, atol=1e-5)


def test_missing_index_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="python -m checker index"):
        load_index(tmp_path / "nothing")


def test_index_from_another_model_is_refused(tmp_path: Path, tiny_docs, hash_embedder) -> None:
    """Loading with another model fails with a message that says how to rebuild."""
    build_index(tiny_docs, hash_embedder, tmp_path / "idx")
    with pytest.raises(IndexMismatchError, match="rebuild it with: python -m checker index"):
        load_index(tmp_path / "idx", model="all-MiniLM-L6-v2")
    index = load_index(tmp_path / "idx")
    with pytest.raises(IndexMismatchError, match="another-model"):
        Retriever(index, HashEmbedder(name="another-model"))


def test_same_name_other_dimension_is_refused(tmp_path: Path, tiny_docs) -> None:
    build_index(tiny_docs, HashEmbedder(dim=64), tmp_path / "idx")
    retriever = Retriever(load_index(tmp_path / "idx"), HashEmbedder(dim=32))
    with pytest.raises(IndexMismatchError, match="32 dimensions"):
        retriever.search("troops")


def test_damaged_index_is_reported(tmp_path: Path, tiny_docs, hash_embedder) -> None:
    build_index(tiny_docs, hash_embedder, tmp_path / "idx")
    (tmp_path / "idx" / "shards" / "00000" / "terms.npz").write_bytes(b"garbage")
    with pytest.raises(IndexMismatchError, match="damaged"):
        load_index(tmp_path / "idx")



@pytest.mark.parametrize("victim, data", [("terms.npz", b""), ("vectors.npy", b""), ("rows.npz", b"PK\x03\x04junk")])
def test_truncated_shard_files_are_damage_not_a_traceback(tmp_path: Path, tiny_docs, hash_embedder, victim: str,
                                                         data: bytes) -> None:
    """An empty .npy (EOFError) or a broken .npz (BadZipFile) is a damaged index to load, and a rebuild over it says
    so and starts afresh."""
    folder = tmp_path / "idx"
    build_index(tiny_docs, hash_embedder, folder)
    (folder / "shards" / "00000" / victim).write_bytes(data)
    if victim != "rows.npz":  # rows.npz is read by builds only
        with pytest.raises(IndexMismatchError, match=r"damaged .*rebuild it with: python -m checker index .* --force"):
            load_index(folder)
    docs = [*tiny_docs, replace(tiny_docs[0], doc_id="new", text="Talks resume in Geneva soon.")]
    report = build_index(docs, hash_embedder, folder)
    if victim == "terms.npz":  # an incremental build takes the shard over unread, so only --force mends it
        assert report.damaged == ""
        report = build_index(docs, hash_embedder, folder, force=True)
    else:
        assert "damaged" in report.damaged and report.embedded == 4
    assert len(load_index(folder)) == report.passages == 4


@pytest.mark.parametrize("value", [np.nan, np.inf], ids=["nan", "inf"])
def test_non_finite_vectors_are_refused_at_load(tmp_path: Path, tiny_docs, hash_embedder, value: float) -> None:
    """A vectors.npy holding NaN (or infinity) loaded and then scored NaN against every query (red team);
    it is refused at load with the command that rebuilds it, and that rebuild mends it."""
    folder = tmp_path / "idx"
    build_index(tiny_docs, hash_embedder, folder)
    path = folder / "shards" / "00000" / "vectors.npy"
    vectors = np.load(path)
    vectors[1, 3] = value
    np.save(path, vectors)
    with pytest.raises(IndexMismatchError, match=r"not finite .*vectors\.npy, row 1; rebuild it with: "
                                                 r"python -m checker index --index .* --force"):
        load_index(folder)
    build_index(tiny_docs, hash_embedder, folder, force=True)
    assert np.isfinite(np.asarray(load_index(folder).vectors)).all()


@pytest.mark.parametrize("manifest", ["{", "[]", '{"model": "m"}', "PASSAGES"])
def test_damaged_manifest_is_reported_then_rebuilt(tmp_path: Path, tiny_docs, hash_embedder, manifest: str) -> None:
    """A manifest that cannot be read is not taken for "no index yet": loading says it is damaged, and a build
    rebuilds from scratch and says why in its report (the CLI and the Corpus page show it)."""
    folder = tmp_path / "idx"
    build_index(tiny_docs, hash_embedder, folder)
    path = folder / "manifest.json"
    good = json.loads(path.read_text())
    path.write_text(json.dumps({**good, "passages": "three"}) if manifest == "PASSAGES" else manifest)
    with pytest.raises(IndexMismatchError, match="damaged manifest"):
        load_index(folder)
    assert not is_up_to_date(folder, tiny_docs, hash_embedder.name)
    report = build_index(tiny_docs, hash_embedder, folder)
    assert report.damaged.startswith(f"the index at {folder} has a damaged manifest manifest.json (")
    assert "rebuild it with" not in report.damaged
    assert (report.embedded, report.reused, report.up_to_date) == (3, 0, False)
    assert len(load_index(folder)) == 3
    again = build_index(tiny_docs, hash_embedder, folder)
    assert again.up_to_date and again.damaged == ""


def test_a_first_build_reports_nothing_damaged(tmp_path: Path, tiny_docs, hash_embedder) -> None:
    assert build_index(tiny_docs, hash_embedder, tmp_path / "idx").damaged == ""


def test_an_unexpected_error_reading_the_manifest_is_not_a_silent_rebuild(tmp_path: Path, tiny_docs, hash_embedder,
                                                                          monkeypatch) -> None:
    """Only "no index" and "damaged index" mean "build it"; any other error (a bug) goes through."""
    import checker.evidence.index as ix

    folder = tmp_path / "idx"
    build_index(tiny_docs, hash_embedder, folder)

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    monkeypatch.setattr(ix.Manifest, "read", boom)
    with pytest.raises(RuntimeError, match="a bug"):
        build_index(tiny_docs, hash_embedder, folder)
    with pytest.raises(RuntimeError, match="a bug"):
        is_up_to_date(folder, tiny_docs, hash_embedder.name)


def test_a_newer_index_format_is_reported_before_it_is_replaced(tmp_path: Path, tiny_docs, hash_embedder) -> None:
    folder = tmp_path / "idx"
    build_index(tiny_docs, hash_embedder, folder)
    path = folder / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "format_version": 99}))
    report = build_index(tiny_docs, hash_embedder, folder)
    assert "has format 99" in report.damaged and report.embedded == 3


def test_an_unknown_index_type_is_rebuilt_by_the_command_its_error_names(tmp_path: Path, tiny_docs,
                                                                          hash_embedder) -> None:
    folder = tmp_path / "idx"
    build_index(tiny_docs, hash_embedder, folder)
    path = folder / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "index_type": "hnsw"}))
    with pytest.raises(IndexMismatchError, match=r"index type 'hnsw'.*python -m checker index --index \S+$"):
        load_index(folder)
    report = build_index(tiny_docs, hash_embedder, folder)
    assert "index type 'hnsw'" in report.damaged and len(load_index(folder)) == 3


def test_only_changed_documents_are_embedded_again(tmp_path: Path, tiny_docs, hash_embedder) -> None:
    """A rebuild embeds the passages of new or edited documents and reuses the rest."""
    folder = tmp_path / "idx"
    build_index(tiny_docs, hash_embedder, folder)
    hash_embedder.calls.clear()
    edited = [tiny_docs[0], replace(tiny_docs[1], text=tiny_docs[1].text + " Talks resume soon."),
              tiny_docs[2]]
    report = build_index(edited, hash_embedder, folder)
    assert (report.embedded, report.reused) == (1, 2)
    assert len(hash_embedder.calls) == 1 and "Talks resume soon." in hash_embedder.calls[0]
    hash_embedder.calls.clear()
    again = build_index(edited, hash_embedder, folder)
    assert again.up_to_date and hash_embedder.calls == []
    index = load_index(folder)
    fresh = hash_embedder.encode([p.embedding_text() for p in index.passages])
    assert np.allclose(index.vectors, fresh, atol=1e-6)


def test_embeddings_of_another_model_are_not_reused(tmp_path: Path, tiny_docs) -> None:
    folder = tmp_path / "idx"
    build_index(tiny_docs, HashEmbedder(name="a"), folder)
    other = HashEmbedder(name="b")
    assert build_index(tiny_docs, other, folder).embedded == 3


def test_empty_corpus_builds_an_empty_index(tmp_path: Path, hash_embedder) -> None:
    build_index([], hash_embedder, tmp_path / "idx")
    retriever = Retriever(load_index(tmp_path / "idx"), hash_embedder)
    assert retriever.search("anything") == []


def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_build_killed_between_the_old_layouts_two_renames_is_recovered(tmp_path: Path, tiny_docs,
                                                                         hash_embedder) -> None:
    """The older swap renamed the index away, then the new one in: a kill between left no index."""
    folder = tmp_path / "idx"
    build_index(tiny_docs, hash_embedder, folder)
    moved_away = tmp_path / f".idx.old-{_dead_pid()}"
    shutil.copytree(folder, moved_away)  # where the killed build had put the old index
    shutil.rmtree(folder.resolve())
    if folder.is_symlink():
        folder.unlink()
    assert len(load_index(folder)) == 3


def test_leftovers_of_killed_builds_are_removed(tmp_path: Path, tiny_docs, hash_embedder) -> None:
    folder = tmp_path / "idx"
    build_index(tiny_docs, hash_embedder, folder)
    pid = _dead_pid()
    leftovers = [tmp_path / f".idx.tmp-{pid}", tmp_path / f".idx.old-{pid}", tmp_path / f".idx.v-{pid}-5"]
    for path in leftovers:
        path.mkdir()
        (path / "vectors.npy").write_bytes(b"half")
    (tmp_path / f".idx.link-{pid}-7").symlink_to("nowhere")
    build_index(tiny_docs[:2], hash_embedder, folder)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "idx" and p.name.startswith(".idx")) == \
        [folder.resolve().name]
    assert len(load_index(folder)) == 2


def _build_in_child(folder: Path, docs, barrier) -> str:
    barrier.wait()
    try:
        build_index(docs, HashEmbedder(), folder, force=True)
        return "ok"
    except Exception as exc:  # shown by the parent
        return f"{type(exc).__name__}: {exc}"


def test_builds_at_once_all_succeed_and_a_reader_always_finds_an_index(tmp_path: Path, tiny_docs) -> None:
    """Several builds of one folder at the same moment; meanwhile the index never disappears."""
    import multiprocessing
    import threading

    folder = tmp_path / "idx"
    build_index(tiny_docs, HashEmbedder(), folder)
    missing: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                load_index(folder)
            except (IndexMissingError, IndexMismatchError) as exc:
                missing.append(str(exc))

    reader = threading.Thread(target=read)
    reader.start()
    ctx = multiprocessing.get_context("fork")
    results = []
    try:
        with ctx.Pool(3) as pool:
            for _ in range(4):
                barrier = ctx.Manager().Barrier(3)
                results += pool.starmap(_build_in_child, [(folder, tiny_docs, barrier)] * 3)
    finally:
        stop.set()
        reader.join()
    assert results == ["ok"] * 12
    assert missing == []
    assert len(load_index(folder)) == 3
    versions = [p for p in tmp_path.iterdir() if p.name.startswith(".idx.")]
    assert versions == [folder.resolve()], versions
