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
    assert found, f"{needle!r} not in the top {within}: {[r.claim.text for r in top]}"
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


# The demo article's "breakthrough" claim ranks 6th of its 10 claims with the check-worthiness
# model of commit cee5282 (5th before); tests/claims/test_checkworthy.py pins the same top 6 on
# the scores alone. 6, not "any claim": a scorer that drops it further fails here.
DEMO_TALKS_WITHIN = 6


def test_demo_article_claims_and_evidence(demo_retriever) -> None:
    """Our demo article: the troops claim in the top 5 and the breakthrough claim in the top 6,
    each with on-topic evidence in its top 3."""
    text = DEMO_ARTICLE.read_text(encoding="utf-8")
    reports = check_article(text, retriever=demo_retriever, top_k=5).reports
    _assert_demo_expectations(reports, talks_within=DEMO_TALKS_WITHIN)
    for r in reports:
        assert text[r.claim.start : r.claim.end] == r.claim.text
        assert 1 <= len(r.evidence) <= 5


@pytest.mark.shared
def test_seed_article_troop_claim_and_evidence(demo_retriever) -> None:
    """The original article the demo is built around: its "massing 100,000 forces" claim is in
    the top 5, with troop-number evidence in its top 3."""
    text = shared_or_skip(SEED_ARTICLE).read_text(encoding="utf-8")
    reports = check_article(text, retriever=demo_retriever, top_k=5).reports
    troops = _claim(reports, "massing 100,000 forces")
    assert any(any(w in (h.passage.title + h.passage.text).lower() for w in TROOP_WORDS)
               and any(ch.isdigit() for ch in h.passage.text) for h in troops.evidence[:3])


@pytest.mark.shared
@pytest.mark.xfail(strict=True, reason="with the check-worthiness model of commit cee5282 the seed's 'He noted that "
                   "there was no breakthrough achieved' scores 0.378, 18th of 26 sentences and below the 0.38 "
                   "threshold: not a claim at all (the bound was top 5 before commit 08b56d0 loosened it to any claim)")
def test_seed_article_talks_claim_in_top_five(demo_retriever) -> None:
    """Blinken's "no breakthrough achieved" on the Jan. 21 meeting (not the previous week's talks
    that "ended without a breakthrough") is among the seed's top 5 claims, with evidence on the
    Geneva talks in its top 3: the bound this test had before it was loosened."""
    text = shared_or_skip(SEED_ARTICLE).read_text(encoding="utf-8")
    reports = check_article(text, retriever=demo_retriever, top_k=5).reports
    _assert_demo_expectations(reports, talks_claim="no breakthrough achieved", talks_within=5)


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
