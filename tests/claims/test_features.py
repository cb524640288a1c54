"""The first, feature-based check-worthiness scorer."""

import pytest

from checker.claims.features import extract_claims, score_sentence
from tests.conftest import DEMO_ARTICLE


@pytest.mark.parametrize(
    ("checkable", "uncheckable"),
    [
        ("Russia has massed 100,000 troops near the border, officials said.",
         "What happens next is anyone's guess?"),
        ("Unemployment fell to 3.5% in December, the Labor Department said.",
         "I think we should all calm down a little."),
        ("He said no breakthrough was achieved in Geneva.", "Thanks."),
        ("The summit took place in Geneva in June 2021.", "© Copyright Example 2024. All rights reserved."),
    ],
)
def test_checkable_sentences_outscore_uncheckable(checkable: str, uncheckable: str) -> None:
    """Quantities, attributions and negated outcomes score above questions, opinions and boilerplate."""
    assert score_sentence(checkable)[0] > score_sentence(uncheckable)[0]


def test_scores_are_probabilities_with_reasons() -> None:
    score, reasons = score_sentence("Russia has massed 100,000 troops near the border.")
    assert 0.0 <= score <= 1.0
    assert "quantity" in reasons


def test_extract_claims_sorted_with_offsets() -> None:
    """Claims come most check-worthy first, and their offsets slice the article."""
    text = DEMO_ARTICLE.read_text(encoding="utf-8")
    claims = extract_claims(text)
    assert claims
    assert [c.score for c in claims] == sorted((c.score for c in claims), reverse=True)
    for c in claims:
        assert text[c.start : c.end] == c.text


def test_threshold_and_limit() -> None:
    text = DEMO_ARTICLE.read_text(encoding="utf-8")
    every = extract_claims(text)
    assert all(c.score >= 0.5 for c in extract_claims(text, threshold=0.5))
    assert len(extract_claims(text, max_claims=3)) == 3
    assert len(extract_claims(text, threshold=1.01)) == 0
    assert len(every) == len(extract_claims(text, threshold=0.0))


@pytest.mark.parametrize("needle", ["massing 100,000 forces", "no breakthrough"])
def test_demo_claims_in_top_five(needle: str) -> None:
    """The two claims the demo is built around rank among the top five sentences."""
    top = extract_claims(DEMO_ARTICLE.read_text(encoding="utf-8"))[:5]
    assert any(needle in c.text for c in top), [c.text for c in top]
