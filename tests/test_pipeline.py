"""The check of one text: which sentences become claims, and that a long text is read whole."""

from pathlib import Path

import pytest

from checker.evidence.index import build_index, load_index
from checker.evidence.retrieve import Retriever
from checker.pipeline import SCORE_CHUNK, check_article, checks_every_sentence, score_article


@pytest.fixture
def retriever(tmp_path: Path, tiny_docs, hash_embedder) -> Retriever:
    build_index(tiny_docs, hash_embedder, tmp_path / "idx")
    return Retriever(load_index(tmp_path / "idx"), hash_embedder)


def test_short_texts_are_checked_whole() -> None:
    assert checks_every_sentence(1) and checks_every_sentence(2)
    assert not checks_every_sentence(0) and not checks_every_sentence(3)
    assert checks_every_sentence(3, check_all=True)


TURNOUT = "Turnout in the 2019 election was 67.3 percent."


@pytest.mark.parametrize(("text", "sentences"), [(TURNOUT, 1), ("The weather was nice.", 1),
                                               (TURNOUT + " The weather was nice.", 2)])
def test_one_or_two_sentences_are_claims_whatever_their_score(text: str, sentences: int, retriever: Retriever) -> None:
    """The user's intent wins: a pasted sentence or two is checked even when no score passes."""
    threshold = 1.01  # no score can reach it, so only the rule can make these claims
    result = check_article(text, retriever=retriever, threshold=threshold)
    assert result.every_sentence and result.to_dict()["every_sentence"] is True
    assert len(result.reports) == result.sentences == sentences
    assert all(r.claim.score < threshold and r.evidence for r in result.reports)


def test_three_sentences_keep_the_threshold_unless_all_are_asked_for(retriever: Retriever) -> None:
    text = "Russia has massed 100,000 troops near the border. The weather was nice. What happens next?"
    plain = check_article(text, retriever=retriever, threshold=0.35)
    assert not plain.every_sentence and 0 < len(plain.reports) < 3
    assert all(r.claim.score >= 0.35 for r in plain.reports)
    every = check_article(text, retriever=retriever, threshold=0.35, check_all=True)
    assert every.every_sentence and len(every.reports) == 3
    assert [r.claim.score for r in every.reports] == sorted((r.claim.score for r in every.reports), reverse=True)


def test_a_long_text_is_read_whole(retriever: Retriever) -> None:
    """700 sentences (more than the old 300-sentence and 40-claim caps): every sentence is scored,
    every claim above the threshold is reported with evidence, batch by batch, best first."""
    lines = []
    for n in range(350):
        lines.append(f"Officials said {n + 2} thousand troops moved near the border on day {n + 1}.")
        lines.append("It was quiet.")
    text = " ".join(lines)
    scored = score_article(text, retriever=retriever)
    assert len(scored.sentences) == 700 and scored.skipped == 0 and len(scored.vectors) == 700
    assert len(scored.sentences) > SCORE_CHUNK  # scored in several chunks
    passing = sorted(s.start for s, score in zip(scored.sentences, scored.scores, strict=True) if score >= 0.35)
    assert len(passing) >= 350

    batches: list[int] = []
    steps: list[str] = []
    result = check_article(text, retriever=retriever, threshold=0.35, evidence_batch=64,
                           on_reports=lambda b: batches.append(len(b)), progress=lambda i, n, what: steps.append(what))
    assert result.skipped_sentences == 0 and result.notes() == [] and result.sentences == 700
    assert sorted(r.claim.start for r in result.reports) == passing  # every claim above the threshold
    assert all(r.evidence for r in result.reports)
    assert batches[:-1] == [64] * (len(batches) - 1) and sum(batches) == len(passing)
    assert any("scoring sentences 257–512 of 700" in s for s in steps)
    assert any("searching evidence for claims 65–128" in s for s in steps)
    scores = [r.claim.score for r in result.reports]
    assert scores == sorted(scores, reverse=True)


def test_the_sentence_limit_is_never_silent(retriever: Retriever) -> None:
    """Beyond CHECKER_MAX_SENTENCES the text is cut, and the result says so."""
    text = " ".join(f"Officials said {n} thousand troops moved." for n in range(2, 30))
    result = check_article(text, retriever=retriever, threshold=0.0, max_sentences=10)
    assert result.sentences == 28 and result.skipped_sentences == 18 and len(result.reports) == 10
    assert "first 10 of 28 sentences" in result.notes()[0] and "CHECKER_MAX_SENTENCES" in result.notes()[0]


def test_the_default_model_embeds_and_scores_in_one_shared_pass(demo_retriever: Retriever) -> None:
    """With MiniLM and the fine-tuned classifier, `score_article` runs the lower layers once:
    its vectors are the embedder's and its scores the classifier's, as two separate passes give."""
    import numpy as np

    from checker.claims.checkworthy import score_sentences, shares_lower_layers

    text = (Path(__file__).resolve().parents[1] / "checker" / "demo" / "article.txt").read_text(encoding="utf-8")
    assert shares_lower_layers(demo_retriever.embedder)
    scored = score_article(text, retriever=demo_retriever)
    texts = [s.text for s in scored.sentences]
    separate = demo_retriever.embed(texts)
    assert scored.vectors.shape == separate.shape
    assert float(np.abs(scored.vectors - separate).max()) < 1e-5
    expected = [s for s, _ in score_sentences(texts, vectors=separate, embedding_model=demo_retriever.embedder.name)]
    assert np.allclose(scored.scores, expected, atol=1e-6)


def test_a_wrapped_or_other_embedder_keeps_two_passes(retriever: Retriever) -> None:
    from checker.claims.checkworthy import shares_lower_layers

    assert not shares_lower_layers(retriever.embedder)  # the tests' hashing embedder


def test_the_standalone_wording_places_relative_times_on_the_article_date(retriever: Retriever) -> None:
    """Issue 24, standalone wording: with the article's date, "next week" is a week of the calendar."""
    text = "He said talks would continue next week."
    dated = check_article(text, retriever=retriever, threshold=0.0, article_date="2022-01-21")
    assert dated.reports[0].claim.standalone == "Talks would continue in the week of 24 January 2022."
    undated = check_article(text, retriever=retriever, threshold=0.0)
    assert undated.reports[0].claim.standalone == "Talks would continue next week."
