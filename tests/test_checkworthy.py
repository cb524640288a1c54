"""The trained check-worthiness scorer: shipped weights, fallbacks and reproducible training."""

import json
from pathlib import Path

import numpy as np
import pytest

from checker.checkworthy import MODEL_PATH, CheckworthinessModel, default_model, score_sentences
from tests.conftest import SHARED, shared_or_skip


def test_shipped_weights_are_plain_and_small() -> None:
    """The weights are JSON (never pickle), at most 5 MB, for MiniLM's 384 dimensions."""
    assert MODEL_PATH.suffix == ".json" and MODEL_PATH.stat().st_size < 5_000_000
    data = json.loads(MODEL_PATH.read_text())
    model = default_model()
    assert model is not None and model.dim == 384 and model.fits("all-MiniLM-L6-v2", 384)
    assert len(data["linear"]["coef"]) == 384 + len(data["linear"]["names"]) - 384
    assert 0.05 <= model.threshold <= 0.95 and "held_out" in model.meta


def test_probabilities_and_fallback() -> None:
    """Scores are probabilities; with embeddings of another model the feature scorer is used."""
    model = default_model()
    texts = ["Russia has massed 100,000 troops near the border, officials said.", "Thank you."]
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(2, 384)).astype(np.float32)
    probs = model.score(texts, vectors)
    assert ((probs >= 0) & (probs <= 1)).all()
    trained = score_sentences(texts, vectors=vectors, embedding_model="all-MiniLM-L6-v2")
    assert [s for s, _ in trained] == pytest.approx(probs.tolist())
    fallback = score_sentences(texts, vectors=vectors[:, :64], embedding_model="test-hash-embedder")
    from checker.claims import score_sentence

    assert fallback == [score_sentence(t) for t in texts]


@pytest.mark.model
@pytest.mark.shared
def test_training_is_reproducible(tmp_path: Path) -> None:
    """Training twice with the same seed on the same data gives identical weights."""
    from checker.embed import get_embedder
    from checker.train import FILES, train_checkworthiness

    source = shared_or_skip(SHARED / "data" / "checkworthiness")
    data = tmp_path / "data"
    data.mkdir()
    for filename in FILES.values():  # a small, group-preserving sample of each file
        rows = [json.loads(line) for line in (source / filename).read_text().splitlines() if line.strip()]
        sample = []
        for group in sorted({str(r.get("group")) for r in rows})[:12]:
            members = [r for r in rows if str(r.get("group")) == group]
            sample += [r for r in members if r["label"]][:8] + [r for r in members if not r["label"]][:12]
        (data / filename).write_text("\n".join(json.dumps(r) for r in sample))
    embedder = get_embedder("all-MiniLM-L6-v2")
    first, report = train_checkworthiness(data, embedder=embedder, cache=tmp_path / "cache", seed=3, log=lambda _: None)
    second, _ = train_checkworthiness(data, embedder=embedder, cache=tmp_path / "cache", seed=3, log=lambda _: None)
    assert first.to_json() == second.to_json()
    first.save(tmp_path / "m.json")
    assert CheckworthinessModel.load(tmp_path / "m.json").to_json() == first.to_json()
    assert set(report["test"]) == {"claimbuster", "ct2020", "ct2021"}
