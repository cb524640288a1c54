"""The reader's contract with the real model: `eval verdicts` on a hand-made BEIR folder,
passages dated after the article (JSON, app, API), the empty state, deterministic scores,
and missing or damaged reader weights (CHECKER_READER_DIR) as one `error:` line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import requests
from streamlit.testing.v1 import AppTest

from checker.reading.model import DEFAULT_DIR, HEADS
from tests.conftest import ROOT
from tests.evaluate.test_verdicts import write_beir
from tests.test_cli import run_cli

pytestmark = pytest.mark.model

ONTOPIC = "Russia has massed about 100,000 troops near its border with Ukraine, US officials said on Wednesday."
OFFTOPIC = "The vaccine campaign reached 41 percent of adults in the region by March, health officials said."
TROOPS = "Russia has massed 100,000 troops near the border with Ukraine."
DATED = {  # one passage before the article (2022-01-21), one after, one undated
    "before.md": "---\ntitle: Troops gather\npublisher: Wire\ndate: 2022-01-19\n---\nRussia has massed about "
                 "100,000 troops near the border with Ukraine, US officials said on Wednesday.\n",
    "after.md": "---\ntitle: Troops counted again\npublisher: Wire\ndate: 2022-02-10\n---\nRussia has not massed "
                "100,000 troops near the border with Ukraine; that figure was false, officials said in February.\n",
    "undated.md": "---\ntitle: Border report\n---\nTroops near the border with Ukraine were counted by observers.\n",
}


@pytest.fixture(scope="module")
def home(tmp_path_factory, demo_index: Path) -> Path:
    home = tmp_path_factory.mktemp("home")
    (home / "index").symlink_to(demo_index)
    return home


@pytest.fixture(scope="module")
def dated_home(tmp_path_factory) -> Path:
    """A CHECKER_HOME whose index is the three dated documents, embedded with the real model."""
    from checker.config import DEFAULT_MODEL
    from checker.evidence.corpus import load_corpus
    from checker.evidence.index import build_index
    from checker.text.embed import get_embedder

    home = tmp_path_factory.mktemp("dated")
    corpus = home / "corpus"
    corpus.mkdir()
    for name, text in DATED.items():
        (corpus / name).write_text(text, encoding="utf-8")
    loaded = load_corpus([corpus])
    assert not loaded.problems and len(loaded.documents) == 3
    build_index(loaded.documents, get_embedder(DEFAULT_MODEL), home / "index")
    return home


def _one_error_line(out) -> str:
    err = out.stderr.decode()
    assert out.returncode == 2, (out.returncode, err)
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err, err
    return err


# eval verdicts


def test_eval_verdicts_command_counts_no_evidence_as_not_enough_info(tmp_path: Path) -> None:
    """With the floor at 1.0 nothing is evidence: every claim is predicted NOT_ENOUGH_INFO, so the
    figures are known; --limit keeps the first 3 labelled claims and --out has one line each."""
    beir = write_beir(tmp_path / "tiny")
    out_file = tmp_path / "claims.jsonl"
    out = run_cli("eval", "verdicts", "--data", str(beir), "--split", "train", "--limit", "3", "--json",
                  "--out", str(out_file), home=tmp_path / "home", env_extra={"CHECKER_RELEVANCE_FLOOR": "1.0"})
    assert out.returncode == 0, out.stderr.decode()
    text = out.stdout.decode()
    assert "accuracy" in text and "macro-F1" in text and "confusion" in text and "no relevant evidence" in text
    result = json.loads(text.strip().splitlines()[-1])
    assert result["n"] == 3 and result["no_relevant_evidence"] == 1.0
    assert result["accuracy"] == pytest.approx(1 / 3, abs=1e-6)
    nei = result["per_class"]["NOT_ENOUGH_INFO"]
    assert nei == {"precision": pytest.approx(1 / 3, abs=1e-6), "recall": 1.0, "f1": 0.5}
    assert result["macro_f1"] == pytest.approx(0.5 / 3, abs=1e-6)
    assert {g: c["NOT_ENOUGH_INFO"] for g, c in result["confusion"].items()} == \
        {"SUPPORTS": 1, "REFUTES": 1, "NOT_ENOUGH_INFO": 1}
    rows = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["q1", "q2", "q3"] and all(r["suggested"] == "NOT_ENOUGH_INFO" for r in rows)
    for r in rows:
        assert r["evidence"] == [] and r["weaker_matches"] and r["confidence"] is None
        for w in r["weaker_matches"]:
            assert 0.0 <= w["relevance"] < 1.0 and abs(sum(w["stance"].values()) - 1) < 1e-4
    assert any(w["gold_doc"] for w in rows[0]["weaker_matches"])  # q1's gold document d1 was found


@pytest.mark.parametrize(("args", "env", "message"), [
    (["--data", "{tmp}/nowhere", "--split", "train"], {}, "no such folder"),
    (["--data", "{tmp}/tiny", "--split", "dev"], {}, "labels/dev.tsv: missing"),
    (["--data", "{tmp}/bare", "--split", "train"], {}, "labels/train.tsv: missing"),
    (["--data", "{tmp}/tiny", "--split", "train", "--limit", "0"], {}, "--limit must be at least 1"),
    (["--data", "{tmp}/tiny", "--split", "train"], {"CHECKER_READER": "0"}, "needs the reader"),
])
def test_eval_verdicts_bad_input_is_one_error_line(tmp_path: Path, args, env, message: str) -> None:
    write_beir(tmp_path / "tiny")
    write_beir(tmp_path / "bare", labels=False)
    out = run_cli("eval", "verdicts", *[a.format(tmp=tmp_path) for a in args], home=tmp_path / "home",
                  env_extra=env)
    assert message in _one_error_line(out)


# passages dated after the article


def test_later_passage_is_flagged_in_json_and_not_cited(dated_home: Path) -> None:
    out = run_cli("check", "-", "--json", "--date", "2022-01-21", home=dated_home, stdin=TROOPS.encode(),
                  env_extra={"CHECKER_RELEVANCE_FLOOR": "0"})  # every passage is evidence
    assert out.returncode == 0, out.stderr.decode()
    (claim,) = json.loads(out.stdout)["claims"]
    flags = {e["doc_id"]: e["after_article"] for e in claim["evidence"]}
    assert flags == {"before": False, "after": True, "undated": None}
    assert claim["suggestion"] is not None and "after#0" not in claim["suggestion"]["evidence"]
    refuting = [e for e in claim["evidence"] if e["stance"]["label"] == "REFUTES"]
    only_later = bool(refuting) and all(e["after_article"] for e in refuting)
    assert bool(claim["notes"]) is only_later
    undated = json.loads(run_cli("check", "-", "--json", home=dated_home, stdin=TROOPS.encode(),
                                 env_extra={"CHECKER_RELEVANCE_FLOOR": "0"}).stdout)["claims"][0]
    assert all(e["after_article"] is None for e in undated["evidence"]) and undated["notes"] == []
    plain = run_cli("check", "-", "--date", "2022-01-21", home=dated_home, stdin=TROOPS.encode(),
                    env_extra={"CHECKER_RELEVANCE_FLOOR": "0"}).stdout.decode()
    assert plain.count("Wire, 2022-02-10, published after the article)") == 1  # the later passage's line
    assert ("note: the only refuting evidence" in plain) is only_later


def test_app_card_says_published_after_the_article(dated_home: Path, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "index").symlink_to(dated_home / "index")
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    monkeypatch.setenv("CHECKER_RELEVANCE_FLOOR", "0")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.text_area(key="article").input(TROOPS)
    at = at.run()  # a new article clears the details; the date goes in after it
    at.text_input(key="meta_date").input("2022-01-21")
    at = at.button(key="check").click().run()
    assert not at.exception and not at.error
    (claim,) = at.session_state["work"].claims
    assert {h.passage.doc_id: h.after_article for h in claim.evidence} == {"before": False, "after": True,
                                                                            "undated": None}
    assert [c.value for c in at.caption].count(
        "⏱ published after the article: shown, but it does not count towards the suggested verdict") == 1


def test_api_flags_passages_after_the_article_date(api_server) -> None:
    def check(body: dict) -> list[dict]:
        got = requests.post(f"{api_server.url}/v1/check", json={"text": ONTOPIC, **body}, timeout=300)
        assert got.status_code == 200, got.text[:300]
        (claim,) = got.json()["claims"]
        assert isinstance(claim["notes"], list) and claim["evidence"]
        return claim["evidence"] + claim["weaker_matches"]

    early = check({"date": "2021-01-01"})  # the demo corpus is dated from mid 2021 on: most passages are later
    assert any(e["after_article"] for e in early)
    assert all(e["after_article"] is (e["date"][:10] > "2021-01-01" if e["date"] else None) for e in early)
    assert all(e["after_article"] is None for e in check({}))


# the empty state and deterministic scores


def test_unrelated_claim_shows_only_weaker_matches(home: Path) -> None:
    out = run_cli("check", "-", "--json", home=home, stdin=OFFTOPIC.encode())
    assert out.returncode == 0, out.stderr.decode()
    (claim,) = json.loads(out.stdout)["claims"]
    assert claim["evidence"] == [] and claim["weaker_matches"] and claim["suggestion"] is None
    assert all(e["checks"] == [] for e in claim["weaker_matches"])


def test_app_says_no_relevant_evidence_for_an_unrelated_claim(home: Path, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "index").symlink_to(home / "index")
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.text_area(key="article").input(OFFTOPIC)
    at = at.button(key="check").click().run()
    assert not at.exception and not at.error
    assert any("No relevant evidence in the corpus" in i.value for i in at.info)
    assert any("Weaker matches" in e.label for e in at.expander)


def test_two_checks_of_the_same_text_give_identical_json(home: Path) -> None:
    first, second = (run_cli("check", "-", "--json", home=home, stdin=ONTOPIC.encode()) for _ in range(2))
    assert first.returncode == 0 and second.returncode == 0, first.stderr.decode()
    assert first.stdout == second.stdout
    (claim,) = json.loads(first.stdout)["claims"]
    assert claim["evidence"] and all(e["relevance"] is not None for e in claim["evidence"])


# missing or damaged reader weights


@pytest.mark.parametrize("damage", ["missing", "truncated", "empty folder"])
def test_broken_reader_weights_are_one_error_line(home: Path, tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "reader"
    if damage == "empty folder":
        folder.mkdir()
    else:
        shutil.copytree(DEFAULT_DIR, folder)
        heads = folder / HEADS
        if damage == "missing":
            heads.unlink()
        else:
            heads.write_bytes(heads.read_bytes()[: heads.stat().st_size // 2])
    out = run_cli("check", "-", "--json", home=home, stdin=ONTOPIC.encode(),
                  env_extra={"CHECKER_READER_DIR": str(folder)})
    err = _one_error_line(out)
    assert out.stdout == b""
    expected = {"missing": f"reader weights missing: {folder / HEADS}",
                "truncated": f"reader weights damaged: {folder / HEADS}",
                "empty folder": "reader weights missing: "}[damage]
    assert expected in err, err
