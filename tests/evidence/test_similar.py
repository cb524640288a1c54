""""Already checked" matching: dense cosine fused with the lexical overlap of retrieval's terms."""

import numpy as np
import pytest

from checker.evidence.similar import best_matches, fused_scores, lexical_scores, overlap, terms


def test_overlap_uses_retrieval_terms() -> None:
    a, b = terms("Russia has massed 100,000 troops near the border"), terms("Troops massing near Russia's border")
    assert overlap(a, a) == 1.0 and overlap(a, frozenset()) == 0.0
    assert 0 < overlap(a, b) < 1 and "troop" in a & b  # stemmed, stop words gone
    grid = lexical_scores([a, b, frozenset()], [b, a])
    assert grid.shape == (3, 2) and grid[0, 1] == pytest.approx(1.0) and grid[0, 0] == pytest.approx(overlap(a, b))
    assert not grid[2].any()


def test_a_paraphrase_with_shared_terms_is_lifted_over_the_threshold() -> None:
    """Same cosine, but one pool claim shares the claim's key terms: it alone clears the bar."""
    q = np.array([[1.0, 0.0]], dtype=np.float32)
    pool = np.array([[0.75, np.sqrt(1 - 0.75**2)], [0.75, -np.sqrt(1 - 0.75**2)]], dtype=np.float32)
    texts = ["Russia massed 100,000 troops on the Ukraine border", "The cup final ended two to one"]
    claim = "Russian troops, 100,000 of them, massed at the border of Ukraine"
    (found,) = best_matches([claim], q, texts, pool, threshold=0.76, dense_weight=0.7)
    assert found is not None and found[0] == 0
    assert best_matches([claim], q, texts, pool, threshold=0.76, dense_weight=1.0) == [None]  # cosine alone
    dense = fused_scores(q, [terms(claim)], pool, [terms(t) for t in texts], dense_weight=1.0)
    assert dense[0].tolist() == pytest.approx([0.75, 0.75])
    assert best_matches([], q[:0], texts, pool, threshold=0.5) == []
    assert best_matches([claim], q, [], pool[:0], threshold=0.5) == [None]
