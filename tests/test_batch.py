"""Batch checking: many articles in one process share model calls, give what single checks give,
and a bad article gives an error line while the rest go on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker.batch import Article, PrefetchedRetriever, check_articles, valid_date
from checker.errors import InputError
from checker.evidence.index import build_index, load_index
from checker.evidence.retrieve import Retriever
from checker.pipeline import check_article
from tests.conftest import DEMO_ARTICLE, ROOT

ARTICLES = [
    "Russia has massed 100,000 troops near the border, officials said on Friday. Fans celebrated in the streets.",
    "Blinken and Lavrov met in Geneva on January 21. No breakthrough was achieved, the agency reported.",
    "The cup final ended two to one after extra time. Russia has massed 100,000 troops near the border, "
    "officials said on Friday.",
]


@pytest.fixture
def hash_retriever(tmp_path: Path, tiny_docs, hash_embedder) -> Retriever:
    build_index(tiny_docs, hash_embedder, tmp_path / "index")
    hash_embedder.calls.clear()
    return Retriever(load_index(tmp_path / "index"), hash_embedder)


def test_a_chunk_embeds_each_distinct_sentence_once(hash_retriever, hash_embedder) -> None:
    """Three articles in one chunk: one embedding call for all, a repeated sentence embedded once."""
    outcomes = list(check_articles([Article(i, t) for i, t in enumerate(ARTICLES)], retriever=hash_retriever,
                                   chunk=3, threshold=0.0))
    assert [o.article.id for o in outcomes] == [0, 1, 2] and all(o.result for o in outcomes)
    assert len(hash_embedder.calls) == len(set(hash_embedder.calls)) == 5  # 6 sentences, one repeated


@pytest.mark.parametrize("chunk", [1, 2, 32])
def test_batch_results_equal_single_checks(hash_retriever, chunk) -> None:
    batch = [o.to_dict() for o in check_articles([Article(i, t) for i, t in enumerate(ARTICLES)],
                                                 retriever=hash_retriever, chunk=chunk, threshold=0.2)]
    for i, (got, text) in enumerate(zip(batch, ARTICLES, strict=True)):
        single = check_article(text, retriever=hash_retriever, threshold=0.2).to_dict()
        assert got == {"id": i} | single


def test_a_bad_article_gives_an_error_and_the_rest_go_on(hash_retriever) -> None:
    items = [Article("a", ARTICLES[0]), Article("empty", "   "), Article("bad", "", error="line 3: not JSON"),
             Article("dated", ARTICLES[1], date="2022-01-21")]
    out = [o.to_dict() for o in check_articles(items, retriever=hash_retriever, chunk=4)]
    assert [o["id"] for o in out] == ["a", "empty", "bad", "dated"]
    assert "claims" in out[0] and "claims" in out[3]
    assert out[1] == {"id": "empty", "error": "the article is empty: paste or load some text to check"}
    assert out[2] == {"id": "bad", "error": "line 3: not JSON"}


def test_prefetched_retriever_falls_back_to_the_model(hash_retriever, hash_embedder) -> None:
    """A text that was not prefetched is embedded on demand; the rest answer from the prefetch."""
    known = hash_retriever.embed(["Troops massed."])
    hash_embedder.calls.clear()
    shared = PrefetchedRetriever(hash_retriever, {"Troops massed.": known[0]})
    vectors = shared.embed(["Troops massed.", "Talks failed.", "Troops massed."])
    assert hash_embedder.calls == ["Talks failed."] and shared.answered == 2
    assert vectors.shape == (3, known.shape[1]) and (vectors[0] == known[0]).all()
    assert shared.search("troops", top_k=1)[0].passage.doc_id == "troops"


@pytest.mark.parametrize(("value", "expected"), [(None, None), ("", None), ("2022-01-21", "2022-01-21"),
                                                 (" 2022-01-21 ", "2022-01-21")])
def test_valid_dates(value, expected) -> None:
    assert valid_date(value) == expected


@pytest.mark.parametrize("value", ["2022-13-01", "21/01/2022", "yesterday", 20220121, "2022-1-2"])
def test_invalid_dates(value) -> None:
    with pytest.raises(InputError):
        valid_date(value)


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKER_")} | {"CHECKER_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory, demo_index: Path) -> Path:
    home = tmp_path_factory.mktemp("batch")
    (home / "index").symlink_to(demo_index)
    return home


@pytest.mark.model
def test_check_jsonl_prints_one_line_per_article(cli_home: Path, tmp_path: Path) -> None:
    demo = DEMO_ARTICLE.read_text(encoding="utf-8")
    lines = [json.dumps({"id": "demo", "text": demo, "date": "2022-01-21"}), "{not json",
             json.dumps({"id": 7, "text": "Russia has massed 100,000 troops near the border."}), "",
             json.dumps({"id": "late", "text": demo, "date": "2022-02-30"}), json.dumps({"text": "no id"})]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_cli("check", "--jsonl", str(path), home=cli_home)
    out = [json.loads(x) for x in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["demo", None, 7, "late", None]
    assert any("massing 100,000 forces" in c["text"] for c in out[0]["claims"])
    assert out[2]["claims"] and "error" not in out[2]
    assert out[1]["error"].startswith("line 2: not JSON") and "line 5" in out[3]["error"]
    assert "line 6" in out[4]["error"] and '"id"' in out[4]["error"]
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == 'error: 3 of 5 articles could not be checked; their lines carry "error"'


@pytest.mark.model
def test_check_several_files(cli_home: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Blinken and Lavrov met in Geneva on January 21, officials said.", encoding="utf-8")
    done = run_cli("check", str(DEMO_ARTICLE), str(other), str(tmp_path / "missing.txt"), "--date", "2022-01-21",
                   home=cli_home)
    out = [json.loads(x) for x in done.stdout.splitlines()]
    assert [o["id"] for o in out] == [str(DEMO_ARTICLE), str(other), str(tmp_path / "missing.txt")]
    assert out[0]["claims"] and out[1]["claims"] and "no such file" in out[2]["error"]
    assert done.returncode == 2 and "checked 2 of 3 articles" in done.stderr


def test_the_shared_pass_serves_a_chunk_with_the_default_model(demo_retriever) -> None:
    """With MiniLM and the fine-tuned classifier, a chunk's sentences are embedded and scored
    in one shared pass beforehand; each check answers from it, with the same claims and scores
    (to rounding) as a check of the article alone."""
    from checker.batch import Prefetched

    passes = Prefetched(ARTICLES, retriever=demo_retriever, max_chars=100_000, max_sentences=300)
    assert len(passes.scored) == 5  # six sentences, one repeated
    for text in ARTICLES:
        got = check_article(text, retriever=demo_retriever, threshold=0.2, passes=passes)
        alone = check_article(text, retriever=demo_retriever, threshold=0.2)
        assert [r.claim.text for r in got.reports] == [r.claim.text for r in alone.reports]
        assert [r.claim.score for r in got.reports] == pytest.approx([r.claim.score for r in alone.reports], abs=1e-5)
    assert passes.answered == 6 and len(passes.scored) == 5  # nothing went to the model twice
