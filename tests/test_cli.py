"""The command line contract, run as a user would run it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_ARTICLE, ROOT


def run_cli(*args: str, home: Path, stdin: bytes | None = None, env_extra=None):
    env = {**os.environ, "CHECKER_HOME": str(home), **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=ROOT, env=env,
                          input=stdin, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory, demo_index: Path) -> Path:
    """A CHECKER_HOME whose index is the demo index built with the real model."""
    home = tmp_path_factory.mktemp("home")
    (home / "index").symlink_to(demo_index)
    return home


@pytest.mark.model
def test_check_json_shape(cli_home: Path) -> None:
    """`check --json` prints the documented shape."""
    out = run_cli("check", str(DEMO_ARTICLE), "--json", "--top-k", "3", home=cli_home)
    assert out.returncode == 0, out.stderr.decode()
    data = json.loads(out.stdout)
    assert {"claims", "sentences", "skipped_sentences", "every_sentence", "unsearched_claims", "summary",
            "notes"} == set(data)
    assert data["claims"] and data["unsearched_claims"] == 0 and all(c["searched"] for c in data["claims"])
    summary = data["summary"]  # the article at a glance: every claim counted once, by what its evidence says
    assert summary["claims"] == len(data["claims"]) == sum(summary["states"].values())
    assert summary["states"]["refuted"] == sum((c["suggestion"] or {}).get("label") == "REFUTES"
                                               for c in data["claims"])
    assert summary["states"]["no relevant evidence"] == sum(not c["evidence"] for c in data["claims"])
    assert summary["coverage"].startswith("the corpus has")
    lavrov = next(c for c in data["claims"] if c["text"].startswith("Lavrov told reporters"))
    assert lavrov["claimant"]["name"] == "Sergei Lavrov" and lavrov["claimant"]["kind"] == "said"
    assert data["skipped_sentences"] == 0 and data["notes"] == [] and data["every_sentence"] is False
    for claim in data["claims"]:
        assert isinstance(claim["text"], str) and isinstance(claim["score"], float)
        assert isinstance(claim["start"], int) and isinstance(claim["end"], int)
        assert len(claim["evidence"]) <= 3
        who = claim["claimant"]  # who the sentence attributes it to; name null: the article itself
        assert who["kind"] in {"said", "according_to", "quote", "pronoun", "none"}
        assert (who["name"] is None) == (who["kind"] == "none")
        assert claim["start"] <= who["statement"][0] <= who["statement"][1] <= claim["end"]
        for ev in claim["evidence"]:
            for key, typ in [("doc_id", str), ("passage_id", str), ("title", str), ("text", str),
                             ("score", float)]:
                assert isinstance(ev[key], typ), key
            assert ev["url"] is None or isinstance(ev["url"], str)
            for check in ev["checks"]:
                assert check["kind"] in {"number", "date", "name", "negation"}
                assert check["status"] in {"agrees", "differs", "missing"} and isinstance(check["detail"], str)
            assert ev["date"] is None or isinstance(ev["date"], str)


@pytest.mark.model
def test_a_long_article_ends_with_notes_of_what_was_left_out(cli_home: Path, tmp_path: Path) -> None:
    """The demo article 300 times over (4,500 sentences): scored up to CHECKER_MAX_SENTENCES, evidence for the
    claims of the first CHECKER_MAX_CLAIMS distinct sentences (every copy of them), the rest listed unsearched;
    the notes say both, in the JSON and on stderr, and the plain output marks each unsearched claim."""
    article = tmp_path / "long.txt"
    article.write_text("\n\n".join([DEMO_ARTICLE.read_text(encoding="utf-8")] * 300), encoding="utf-8")
    env = {"CHECKER_MAX_CLAIMS": "2"}
    out = run_cli("check", str(article), "--json", home=cli_home, env_extra=env)
    assert out.returncode == 0, out.stderr.decode()
    data = json.loads(out.stdout)
    assert data["skipped_sentences"] > 0 and data["sentences"] > 4_000
    searched = {c["text"] for c in data["claims"] if c["searched"]}
    assert len(searched) == 2 and all(c["evidence"] or c["weaker_matches"] for c in data["claims"] if c["searched"])
    assert data["unsearched_claims"] == sum(not c["searched"] for c in data["claims"]) > 0
    assert all(c["evidence"] == [] for c in data["claims"] if not c["searched"])
    notes = data["notes"]
    assert any("CHECKER_MAX_SENTENCES" in n for n in notes) and any("CHECKER_MAX_CLAIMS" in n for n in notes)
    stderr = out.stderr.decode()
    assert "note: only the first 2,000" in stderr and "CHECKER_MAX_CLAIMS" in stderr and "Traceback" not in stderr
    plain = run_cli("check", str(article), home=cli_home, env_extra=env)
    assert plain.returncode == 0, plain.stderr.decode()
    assert "evidence not searched: beyond CHECKER_MAX_CLAIMS" in plain.stdout.decode()


@pytest.mark.model
def test_check_reads_stdin_and_search_works(cli_home: Path) -> None:
    out = run_cli("check", "-", "--json", home=cli_home,
                  stdin=b"Russia has massed 100,000 troops near Ukraine's border, officials said.")
    assert out.returncode == 0, out.stderr.decode()
    assert json.loads(out.stdout)["claims"][0]["evidence"]
    out = run_cli("search", "Blinken Lavrov Geneva", "--json", "--top-k", "2", home=cli_home)
    hits = json.loads(out.stdout)["hits"]
    assert len(hits) == 2 and "geneva" in (hits[0]["title"] + hits[0]["text"]).lower()
    human = run_cli("search", "troops on the border", home=cli_home)
    assert human.returncode == 0 and b"1. [" in human.stdout


@pytest.mark.model
def test_one_pasted_sentence_is_a_claim(cli_home: Path) -> None:
    """The user's intent wins: one sentence on its own is checked, whatever its score."""
    out = run_cli("check", "-", "--json", home=cli_home, stdin=b"Turnout in the 2019 election was 67.3 percent.")
    assert out.returncode == 0, out.stderr.decode()
    data = json.loads(out.stdout)
    assert data["every_sentence"] is True and data["sentences"] == 1
    assert [c["text"] for c in data["claims"]] == ["Turnout in the 2019 election was 67.3 percent."]
    human = run_cli("check", "-", home=cli_home, stdin=b"The weather was nice.")
    assert human.returncode == 0 and human.stdout.decode().startswith("1. [")


@pytest.mark.model
def test_check_all_lists_every_sentence(cli_home: Path) -> None:
    """`check --all` makes every sentence of a longer text a claim, each with its evidence."""
    plain = json.loads(run_cli("check", str(DEMO_ARTICLE), "--json", "--top-k", "1", home=cli_home).stdout)
    out = run_cli("check", str(DEMO_ARTICLE), "--json", "--all", "--top-k", "1", home=cli_home)
    assert out.returncode == 0, out.stderr.decode()
    every = json.loads(out.stdout)
    assert every["every_sentence"] is True and len(every["claims"]) == every["sentences"]
    assert len(plain["claims"]) < plain["sentences"] == every["sentences"]
    # every claim was searched: its passages are evidence, or weaker matches below the reader's floor
    assert all(c["evidence"] or c["weaker_matches"] for c in every["claims"])


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["check", "does-not-exist.txt"], None, "no such file"),
        (["check", "-"], b"   \n ", "empty"),
        (["check", "-"], bytes(range(256)) * 8, "binary"),
        (["search", "troops"], None, "no index"),
        (["index", "--corpus", "/nonexistent/corpus"], None, "no such file or folder"),
    ],
)
def test_errors_are_one_line_without_traceback(tmp_path: Path, args, stdin, message) -> None:
    out = run_cli(*args, home=tmp_path, stdin=stdin)
    err = out.stderr.decode()
    assert out.returncode != 0
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], err


@pytest.mark.model
def test_index_command_builds_then_reports_up_to_date(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("---\ntitle: A\n---\nRussia massed troops near the border.\n")
    (corpus / "bad.pdf").write_bytes(b"not a pdf")
    first = run_cli("index", "--corpus", str(corpus), "--index", str(tmp_path / "idx"), home=tmp_path)
    assert first.returncode == 0, first.stderr.decode()
    assert b"1 embedded" in first.stdout and b"warning: " in first.stderr and b"bad.pdf" in first.stderr
    second = run_cli("index", "--corpus", str(corpus), "--index", str(tmp_path / "idx"), home=tmp_path)
    assert b"up to date" in second.stdout
    (tmp_path / "idx" / "manifest.json").write_text("{")
    third = run_cli("index", "--corpus", str(corpus), "--index", str(tmp_path / "idx"), home=tmp_path)
    err = third.stderr.decode()
    assert third.returncode == 0 and b"1 embedded" in third.stdout, err
    assert "warning: the index at" in err and "damaged manifest" in err and "rebuilt it from scratch" in err


def test_index_from_another_model_gives_rebuild_hint(tmp_path: Path, tiny_docs, hash_embedder) -> None:
    from checker.evidence.index import build_index

    build_index(tiny_docs, hash_embedder, tmp_path / "index")
    out = run_cli("search", "troops", home=tmp_path)
    err = out.stderr.decode()
    assert out.returncode == 2 and "rebuild it with: python -m checker index" in err
    assert "Traceback" not in err


def test_verdicts_and_export_commands(tmp_path: Path) -> None:
    """`verdicts` lists the latest versions; `export` writes CSV and ClaimReview."""
    from checker.verdicts.store import VerdictStore

    db = f"sqlite:///{tmp_path / 'v.db'}"
    empty = run_cli("verdicts", "--db", db, home=tmp_path)
    assert empty.returncode == 0 and b"no verdicts saved yet" in empty.stdout
    store = VerdictStore(db)
    aid = store.add_article("Russia massed 100,000 troops.", url="https://news.example/a")
    cid = store.add_claim(aid, start=0, end=29, text="Russia massed 100,000 troops.")
    store.save_verdict(cid, label="Supported", reviewer="ann")
    store.save_verdict(cid, label="Misleading", reviewer="ann")
    listed = json.loads(run_cli("verdicts", "--json", "--db", db, home=tmp_path).stdout)["verdicts"]
    assert [(v["label"], v["version"]) for v in listed] == [("Misleading", 2)]
    every = json.loads(run_cli("verdicts", "--json", "--all-versions", "--db", db, home=tmp_path).stdout)
    assert len(every["verdicts"]) == 2
    out = tmp_path / "reviews.json"
    done = run_cli("export", "--format", "claimreview", "--out", str(out), "--db", db, home=tmp_path,
                   env_extra={"CHECKER_ORGANISATION": "Desk"})
    assert done.returncode == 0, done.stderr.decode()
    reviews = json.loads(out.read_text())
    assert reviews[0]["reviewRating"]["alternateName"] == "Misleading"
    assert reviews[0]["author"][0]["name"] == "Desk" and reviews[0]["author"][1]["name"] == "ann"
    refused = run_cli("export", "--format", "claimreview", "--publish", "--db", db, home=tmp_path)
    assert refused.returncode == 2 and refused.stderr.decode().startswith("error: CHECKER_REVIEW_URL is still the "
                                                                          "placeholder")
    scaled = run_cli("export", "--format", "claimreview", "--publish", "--db", db, home=tmp_path,
                     env_extra={"CHECKER_REVIEW_URL": "https://desk.org/claims/{claim_id}",
                                "CHECKER_RATING_SCALE": "Misleading=Half true:3"})
    assert scaled.returncode == 0, scaled.stderr.decode()
    assert json.loads(scaled.stdout)[0]["reviewRating"]["alternateName"] == "Half true"
    csv_out = run_cli("export", "--format", "csv", "--db", db, home=tmp_path).stdout.decode()
    assert csv_out.splitlines()[0].startswith("claim_id,version,label") and "Misleading" in csv_out
