"""Bounded work in one check: the claim cap, a sentence repeated in the article scored and searched
once, and a check that stops at its bound with the claims finished so far."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from checker.evidence.index import build_index, load_index
from checker.evidence.retrieve import Retriever
from checker.pipeline import Bound, Stopped, capped, check_article, sentence_pass
from checker.types import Claim, Hit

SENTENCES = [f"Officials said {n} thousand troops moved near the border on day {n}." for n in range(2, 9)]


class CountingRetriever(Retriever):
    """The real retriever, remembering every query it searched."""

    searched: list[str]

    def search_many(self, queries: Sequence[str], *, top_k: int = 5,
                    vectors: np.ndarray | None = None) -> list[list[Hit]]:
        self.searched += list(queries)
        return super().search_many(queries, top_k=top_k, vectors=vectors)


@pytest.fixture
def retriever(tmp_path: Path, tiny_docs, hash_embedder) -> CountingRetriever:
    build_index(tiny_docs, hash_embedder, tmp_path / "idx")
    r = CountingRetriever(load_index(tmp_path / "idx"), hash_embedder)
    r.searched = []
    return r


def test_a_repeated_sentence_is_scored_and_searched_once(retriever: CountingRetriever) -> None:
    """Each copy is a claim of its own (its own offsets) with the same evidence, but the model and the
    search see its text once."""
    text = " ".join([SENTENCES[0]] * 5 + [SENTENCES[1]] + [SENTENCES[0]] * 3)
    base = sentence_pass(retriever)
    seen: list[str] = []

    def passes(texts: list[str]):
        seen.extend(texts)
        return base(texts)

    result = check_article(text, retriever=retriever, check_all=True, evidence_batch=2, passes=passes)
    assert sorted(seen) == sorted(SENTENCES[:2])
    assert sorted(retriever.searched) == sorted(SENTENCES[:2])
    assert len(result.reports) == 9 and len({r.claim.start for r in result.reports}) == 9
    copies = [r for r in result.reports if r.claim.text == SENTENCES[0]]
    assert len(copies) == 8 and all(r.searched for r in copies)
    assert {tuple(h.passage.passage_id for h in r.evidence) for r in copies} == {
        tuple(h.passage.passage_id for h in copies[0].evidence)} and copies[0].evidence


def test_claims_beyond_the_cap_are_listed_without_evidence(retriever: CountingRetriever) -> None:
    text = " ".join(SENTENCES)
    full = check_article(text, retriever=retriever, check_all=True)
    assert len(full.reports) == 7 and all(r.searched and r.evidence for r in full.reports)
    retriever.searched = []
    result = check_article(text, retriever=retriever, check_all=True, max_claims=3, evidence_batch=2)
    assert [r.claim.text for r in result.reports] == [r.claim.text for r in full.reports]  # every claim listed
    assert [r.searched for r in result.reports] == [True] * 3 + [False] * 4
    assert all(r.evidence for r in result.reports[:3]) and not any(r.evidence for r in result.reports[3:])
    assert sorted(retriever.searched) == sorted(r.claim.text for r in full.reports[:3])
    data = result.to_dict()
    assert data["unsearched_claims"] == 4 and [c["searched"] for c in data["claims"]].count(False) == 4
    assert any("CHECKER_MAX_CLAIMS" in n and "3 of 7" in n for n in data["notes"])


def test_the_cap_counts_distinct_sentences() -> None:
    claims = [Claim(t, i, i + 1, 1.0) for i, t in enumerate("a a b a c d".split())]
    assert capped(claims, 2) == 4  # a a b a: two distinct texts; c would be the third
    assert capped(claims, 10) == 6 and capped(claims, None) == 6 and capped(claims, 1) == 2


def test_a_cancelled_check_stops_with_the_claims_finished(retriever: CountingRetriever) -> None:
    """Cancelled after its first batch of evidence: Stopped carries exactly that batch, best first."""
    bound = Bound()
    text = " ".join(SENTENCES)
    with pytest.raises(Stopped) as stopped:
        check_article(text, retriever=retriever, check_all=True, evidence_batch=2, bound=bound,
                      on_reports=lambda batch: bound.cancel("the client disconnected"))
    partial = stopped.value.partial
    assert stopped.value.reason == "the client disconnected" and partial is not None
    assert len(partial.reports) == 2 and len(retriever.searched) == 2
    full = check_article(text, retriever=retriever, check_all=True)
    assert [r.claim.text for r in partial.reports] == [r.claim.text for r in full.reports[:2]]
    assert any("stopped early, the client disconnected" in n for n in partial.to_dict()["notes"])


def test_a_check_past_its_deadline_stops_before_any_work(retriever: CountingRetriever) -> None:
    with pytest.raises(Stopped) as stopped:
        check_article(" ".join(SENTENCES), retriever=retriever, check_all=True, bound=Bound(0.0))
    assert "CHECKER_REQUEST_SECONDS" in stopped.value.reason
    assert stopped.value.partial is not None and stopped.value.partial.reports == []
    assert retriever.searched == []
