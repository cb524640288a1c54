"""The real model and a real FAISS index over the shipped demo corpus."""

import pytest

from checker.pipeline import check_article
from tests.conftest import DEMO_ARTICLE, SEED_ARTICLE, shared_or_skip

pytestmark = pytest.mark.model

TROOP_WORDS = ("troops", "forces", "soldiers", "personnel")
GENEVA_WORDS = ("geneva",)


def _claim(reports, needle, within=5):
    top = reports[:within]
    found = [r for r in top if needle in r.claim.text]
    assert found, f"{needle!r} not in the top 5: {[r.claim.text for r in top]}"
    return found[0]


def _assert_demo_expectations(reports, talks_claim: str = "breakthrough", talks_within: int = 5) -> None:
    troops = _claim(reports, "massing 100,000 forces")
    assert any(
        any(w in (h.passage.title + h.passage.text).lower() for w in TROOP_WORDS)
        and any(ch.isdigit() for ch in h.passage.text)
        for h in troops.evidence[:3]
    ), "no troop-number evidence in the top 3"
    talks = _claim(reports, talks_claim, talks_within)
    assert any(
        "geneva" in (h.passage.title + h.passage.text).lower()
        and ("lavrov" in h.passage.text.lower() or "talks" in h.passage.text.lower())
        for h in talks.evidence[:3]
    ), "no evidence on the Geneva talks in the top 3"


def test_demo_article_claims_and_evidence(demo_retriever) -> None:
    """Our demo article: both headline claims in the top 5, each with on-topic evidence in its top 3."""
    text = DEMO_ARTICLE.read_text(encoding="utf-8")
    reports = check_article(text, retriever=demo_retriever, top_k=5).reports
    _assert_demo_expectations(reports)
    for r in reports:
        assert text[r.claim.start : r.claim.end] == r.claim.text
        assert 1 <= len(r.evidence) <= 5


@pytest.mark.shared
def test_seed_article_claims_and_evidence(demo_retriever) -> None:
    """The original article the demo is built around meets the same expectations."""
    text = shared_or_skip(SEED_ARTICLE).read_text(encoding="utf-8")
    reports = check_article(text, retriever=demo_retriever, top_k=5).reports
    # the seed also reports the previous week's talks "ended without a breakthrough" (evidence on
    # those talks, in Geneva on Jan. 10); the claim meant here is Blinken's on the Jan. 21 meeting
    # With the fine-tuned scorer (bench/RESULTS.md, "Check-worthiness fine-tuned") Blinken's
    # "no breakthrough achieved" ranks below the top 5 of the seed's claims; it must still be a
    # claim at the default threshold, with evidence on the talks.
    _assert_demo_expectations(reports, talks_claim="no breakthrough achieved", talks_within=len(reports))


def test_real_embeddings_are_normalised_and_semantic(demo_retriever) -> None:
    import numpy as np

    v = demo_retriever.embedder.encode(["Russia massed troops at the border",
                                        "Soldiers gathered near the frontier",
                                        "The recipe needs two eggs"])
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_troop_numbers_are_compared(demo_retriever) -> None:
    """The 100,000 claim is checked against its evidence: numbers carry a number check."""
    text = DEMO_ARTICLE.read_text(encoding="utf-8")
    reports = check_article(text, retriever=demo_retriever, top_k=5, article_date="2022-01-21").reports
    troops = next(r for r in reports if "massing 100,000 forces" in r.claim.text)
    kinds = {c.kind for h in troops.evidence for c in h.checks}
    assert "number" in kinds and "name" in kinds
