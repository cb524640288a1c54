"""The reader's training data is split clean and never comes from the demo corpus or articles."""

from __future__ import annotations

import inspect

import pytest

from checker.training.reader_data import fold_of_components
from checker.training.splits import normalise
from tests.conftest import DEMO_ARTICLE, ROOT, SHARED, shared_or_skip


def test_a_claim_citing_two_abstracts_keeps_both_in_its_fold() -> None:
    """Rows sharing a claim or a document are one component, whatever the seed; an unrelated pair whose
    two ends fall in different folds is dropped (None)."""
    keys = [["claim:a", "doc:1"], ["claim:a", "doc:2"], ["claim:b", "doc:2"], ["claim:c", "doc:3"],
            ["claim:d", "doc:4"], ["claim:c", "doc:4"]]
    related = [True, True, True, True, True, False]
    for seed in range(8):
        folds = fold_of_components(keys, seed=seed, related=related, folds=5)
        assert folds[0] == folds[1] == folds[2]
        assert folds[5] is None or folds[3] == folds[4] == folds[5]
        assert (folds[5] is None) == (folds[3] != folds[4])


def test_training_takes_no_corpus_folder() -> None:
    """Neither the training run nor the cross-validation can be handed the product's corpus."""
    from checker.training.reader_run import cross_validate, train_reader

    for fn in (train_reader, cross_validate):
        assert not any("corpus" in p for p in inspect.signature(fn).parameters)


def _sentences(text: str) -> set[str]:
    from checker.text.sentences import split_sentences

    return {n for s in split_sentences(text) if len((n := normalise(s.text)).split()) >= 6}


@pytest.mark.shared
def test_no_training_pair_comes_from_the_demo_corpus_or_articles() -> None:
    """No sentence of corpus/ or the demo article is inside a training pair, and no held-out claim text is
    trained on."""
    from checker.evidence.corpus import load_corpus
    from checker.training.reader_data import build

    stance = shared_or_skip(SHARED / "data" / "stance")
    data = build(stance, embedder=None, seed=0, sources=("fnc1", "arc", "scifact", "synthetic"),
                 synthetic_per_label=100, beir_scifact=SHARED / "data" / "beir" / "scifact")
    demo = _sentences(DEMO_ARTICLE.read_text(encoding="utf-8"))
    for doc in load_corpus([ROOT / "corpus"]).documents:
        demo |= _sentences(doc.text)
    assert len(demo) > 100
    trained = {normalise(p.passage) for p in data.train} | {normalise(p.claim) for p in data.train}
    assert not [s for s in demo if any(s in t for t in trained)]
    claims = {normalise(p.claim) for p in data.train if not p.source.startswith("synthetic")}
    for name, pairs in data.held_out.items():
        if name != "feversym-dev":
            assert not claims & {normalise(p.claim) for p in pairs}, name
    assert {"fnc1", "arc", "scifact", "synthetic"} <= set(data.report["sources"])
    assert data.report["sources"]["fnc1"]["trained_by_label"]["disagree"] > 500


def test_the_recorded_command_names_every_changed_option() -> None:
    """reader.json's command reproduces the run: options off their defaults are written, the others not."""
    from checker.training.reader import TrainConfig
    from checker.training.reader_run import SOURCES, command_line

    assert command_line(TrainConfig(), SOURCES) == "python -m checker train reader --seed 0"
    assert command_line(TrainConfig(epochs=6), ("scifact", "synthetic")) == \
        "python -m checker train reader --seed 0 --epochs 6 --sources scifact,synthetic"
