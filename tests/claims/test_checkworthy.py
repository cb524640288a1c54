"""The check-worthiness scorer: the shipped fine-tuned classifier, its files, and the baseline."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from checker.claims.checkworthy import MODEL_DIR, CheckworthinessModel, default_model, score_sentences
from checker.config import DEFAULT_MODEL, Settings
from checker.errors import CheckerError, ModelError
from checker.text.sentences import split_sentences
from tests.conftest import DEMO_ARTICLE, SEED_ARTICLE, SHARED, shared_or_skip

TEXTS = ["Russia has massed 100,000 troops near the border, officials said.", "Thank you.",
         "Turnout in the 2019 election was 67.3 percent.", "I think we should all be kinder to each other."]


@pytest.fixture(scope="module")
def model():
    return default_model()


def test_shipped_weights_are_plain_and_small() -> None:
    """Only JSON and safetensors files, each at most 5 MB, each matching the SHA-256 in the config."""
    import hashlib

    config = json.loads((MODEL_DIR / "config.json").read_text())
    assert config["base_model"] == DEFAULT_MODEL and 0.05 <= config["threshold"] <= 0.95
    assert "held_out" in config["meta"] and "command" in config["meta"]
    files = sorted(p.name for p in MODEL_DIR.iterdir())
    assert files == sorted(["config.json", *config["files"]])
    for name in files:
        path = MODEL_DIR / name
        assert path.suffix in (".json", ".safetensors") and path.stat().st_size <= 5_000_000
        if path.suffix == ".safetensors":
            raw = path.read_bytes()
            header_len = int.from_bytes(raw[:8], "little")
            header = json.loads(raw[8 : 8 + header_len])  # a safetensors header is plain JSON: no pickle
            assert all(v["dtype"] in ("F16", "F32") for k, v in header.items() if k != "__metadata__")
            assert hashlib.sha256(raw).hexdigest() == config["files"][name]


@pytest.mark.model
def test_probabilities_are_calibrated_and_deterministic(model) -> None:
    """Scores are probabilities, identical on a second run, and independent of the batch."""
    first = model.score(TEXTS)
    assert ((first >= 0) & (first <= 1)).all()
    assert model.score(TEXTS).tolist() == first.tolist()
    alone = [float(model.score([t])[0]) for t in TEXTS]
    assert alone == pytest.approx(first.tolist(), abs=1e-6)
    scored = score_sentences(TEXTS, vectors=np.zeros((4, 384), np.float32), embedding_model=DEFAULT_MODEL)
    assert [s for s, _ in scored] == first.tolist()


@pytest.mark.model
def test_one_sentence_claim_and_chatter(model) -> None:
    """A single factual sentence is a claim at the configured threshold; thanks and opinions are not."""
    threshold = Settings().claim_threshold
    ((score, reasons),) = score_sentences([TEXTS[2]], embedding_model=DEFAULT_MODEL)
    assert score >= threshold and reasons
    assert model.score([TEXTS[1]])[0] < threshold and model.score([TEXTS[3]])[0] < threshold


def test_threshold_is_the_configured_default() -> None:
    """The threshold chosen on dev is the workbench's default claim threshold."""
    config = json.loads((MODEL_DIR / "config.json").read_text())
    assert Settings().claim_threshold == pytest.approx(config["threshold"])


@pytest.mark.model
def test_shared_pass_gives_the_embedders_vectors(model) -> None:
    """The lower layers are shared: the vectors from `embed_and_score` are MiniLM's own."""
    from checker.claims.checkworthy import embed_and_score
    from checker.text.embed import get_embedder

    texts = [*TEXTS, "word " * 400]  # longer than the 256-token limit
    vectors, scored = embed_and_score(texts)
    expected = get_embedder(DEFAULT_MODEL).encode(texts)
    assert np.abs(vectors - expected).max() < 1e-5
    assert [s for s, _ in scored][:4] == pytest.approx(model.score(TEXTS).tolist(), abs=1e-6)


@pytest.mark.model
def test_demo_article_claims_in_top_six(model) -> None:
    """The demo article's two headline claims (as tests/test_integration.py names them) pass the default
    threshold and rank in its top 6 of 15 sentences ("massing" 1st and "without a breakthrough" 6th with the
    model trained on the clean splits; 1st and 5th before)."""
    texts = [s.text for s in split_sentences(DEMO_ARTICLE.read_text(encoding="utf-8"))]
    scores = model.score(texts)
    order = np.argsort(-scores, kind="stable")
    top = [texts[i] for i in order[:6]]
    for needle in ("massing 100,000 forces", "without a breakthrough"):
        assert any(needle in t for t in top), f"{needle!r} not in the top 6: {top}"
        assert max(s for t, s in zip(texts, scores, strict=True) if needle in t) >= Settings().claim_threshold


NOT_YET = pytest.mark.xfail(strict=True, reason="below the threshold with the shipped weights (bench/RESULTS.md, "
                            "Check-worthiness fine-tuned): an issue-13 target not yet met")


@pytest.mark.model
@pytest.mark.shared
@pytest.mark.parametrize("needle", ["severe and a united response", "Ukraine and Germany",
                                    "There are no minor incursions",
                                    pytest.param("delivered by next week", marks=NOT_YET)])
def test_seed_article_sentences_are_claims(model, needle: str) -> None:
    """The sentences a fact-checker picks in the seed article pass the default threshold."""
    text = shared_or_skip(SEED_ARTICLE).read_text(encoding="utf-8")
    sentences = [s.text for s in split_sentences(text) if needle in s.text]
    assert sentences, f"{needle!r} is not in the seed article"
    scores = model.score(sentences)
    assert max(scores) >= Settings().claim_threshold, f"{needle!r}: {list(zip(sentences, scores, strict=True))}"


def test_other_embedders_use_the_transparent_features() -> None:
    from checker.claims.features import score_sentence

    rng = np.random.default_rng(0)
    fallback = score_sentences(TEXTS, vectors=rng.normal(size=(4, 64)), embedding_model="test-hash-embedder")
    assert fallback == [score_sentence(t) for t in TEXTS]
    assert score_sentences(TEXTS) == [score_sentence(t) for t in TEXTS]


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "weights"
    shutil.copytree(MODEL_DIR, folder)
    return folder


def _load_error(folder: Path) -> str:
    from checker.claims.finetuned import FinetunedCheckworthiness

    with pytest.raises(ModelError) as info:
        FinetunedCheckworthiness.load(folder)
    assert isinstance(info.value, CheckerError) and "\n" not in str(info.value)
    return str(info.value)


def test_missing_weights_are_a_clear_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "head.safetensors").unlink()
    assert "head.safetensors is missing" in _load_error(folder)
    (folder / "config.json").unlink()
    assert "config.json is missing" in _load_error(folder)
    assert "config.json is missing" in _load_error(tmp_path / "nowhere")


def test_corrupt_weights_are_a_clear_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    layer = next(p for p in sorted(folder.glob("layer*.safetensors")))
    raw = bytearray(layer.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    layer.write_bytes(bytes(raw))
    assert "is corrupt" in _load_error(folder)
    (folder / "config.json").write_text("{not json")
    assert "config.json is unreadable" in _load_error(folder)


def test_cli_reports_missing_weights_on_one_line(tmp_path: Path) -> None:
    """`eval checkworthiness` with the weights gone: one `error:` line, exit 2, no traceback."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"text": "Turnout was 67 percent.", "label": 1}) + "\n")
    code = ("import sys; from pathlib import Path; import checker.claims.checkworthy as c; "
            f"c.MODEL_DIR = Path({str(tmp_path / 'none')!r}); from checker.cli import main; "
            f"sys.exit(main(['eval', 'checkworthiness', '--data', {str(data)!r}]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert [line for line in out.stderr.splitlines() if line.strip()] == [
        line for line in out.stderr.splitlines() if line.startswith("error:") and "config.json is missing" in line]


def _sample(tmp_path: Path, files: list[str]) -> Path:
    """A small, group-preserving sample of each data file."""
    source = shared_or_skip(SHARED / "data" / "checkworthiness")
    data = tmp_path / "data"
    data.mkdir()
    for filename in files:
        rows = [json.loads(line) for line in (source / filename).read_text().splitlines() if line.strip()]
        sample = []
        for group in sorted({str(r.get("group")) for r in rows})[:12]:
            members = [r for r in rows if str(r.get("group")) == group]
            sample += [r for r in members if r["label"]][:8] + [r for r in members if not r["label"]][:12]
        (data / filename).write_text("\n".join(json.dumps(r) for r in sample))
    return data


@pytest.mark.model
@pytest.mark.shared
def test_finetuning_is_reproducible(tmp_path: Path) -> None:
    """Two short fine-tuning runs with the same seed give identical weights, which load and score."""
    from checker.claims.finetuned import FinetunedCheckworthiness
    from checker.training.checkworthiness import FILES
    from checker.training.finetune_checkworthiness import FinetuneConfig, save_finetuned, train_finetuned

    data = _sample(tmp_path, list(FILES.values()))
    cfg = FinetuneConfig(epochs=1, max_steps=3, batch_size=8)
    first = train_finetuned(data, seed=3, cfg=cfg, log=lambda _: None)
    second = train_finetuned(data, seed=3, cfg=cfg, log=lambda _: None)
    save_finetuned(tmp_path / "a", first[0], first[1])
    save_finetuned(tmp_path / "b", second[0], second[1])
    assert (tmp_path / "a" / "config.json").read_text() == (tmp_path / "b" / "config.json").read_text()
    assert set(first[2]["test"]) == {"claimbuster", "ct2020", "ct2021"}
    probs = FinetunedCheckworthiness.load(tmp_path / "a").score(TEXTS)
    assert ((probs >= 0) & (probs <= 1)).all()


@pytest.mark.model
@pytest.mark.shared
def test_linear_baseline_training_is_reproducible(tmp_path: Path) -> None:
    """The baseline (`--kind linear`): same seed, same data, identical weights."""
    from checker.text.embed import get_embedder
    from checker.training.checkworthiness import FILES, train_checkworthiness

    data = _sample(tmp_path, list(FILES.values()))
    embedder = get_embedder(DEFAULT_MODEL)
    first, report = train_checkworthiness(data, embedder=embedder, cache=tmp_path / "cache", seed=3, log=lambda _: None)
    second, _ = train_checkworthiness(data, embedder=embedder, cache=tmp_path / "cache", seed=3, log=lambda _: None)
    assert first.to_json() == second.to_json()
    first.save(tmp_path / "m.json")
    assert CheckworthinessModel.load(tmp_path / "m.json").to_json() == first.to_json()
    assert set(report["test"]) == {"claimbuster", "ct2020", "ct2021"}


def test_training_options_round_trip_through_the_recorded_command() -> None:
    """The command stored in config.json, parsed again, asks for the same configuration."""
    from checker.cli import build_parser
    from checker.cli.train import finetune_config
    from checker.training.finetune_checkworthiness import FinetuneConfig, command_line

    for cfg in (FinetuneConfig(), FinetuneConfig(split=0, train_tokens=64, lr=5e-5, train_on=("claimbuster",)),
                FinetuneConfig(epochs=2, train_on=("claimbuster", "ct2021"), ct2020_negatives_per_positive=24)):
        words = command_line(cfg, 7).split()
        assert words[:4] == ["python", "-m", "checker", "train"]
        args = build_parser().parse_args(words[3:])
        assert args.seed == 7 and finetune_config(args) == cfg
    assert command_line(FinetuneConfig(), 0) == "python -m checker train checkworthiness --seed 0"


def test_unknown_training_dataset_is_one_error_line() -> None:
    """`--train-on` with a name that is not a dataset fails before any model is loaded."""
    from checker.errors import InputError
    from checker.training.finetune_checkworthiness import FinetuneConfig, training_rows

    for train_on in (("claimbuster", "tweets"), ()):
        with pytest.raises(InputError, match="choose from claimbuster, ct2020, ct2021"):
            training_rows({}, FinetuneConfig(train_on=train_on), 0)
