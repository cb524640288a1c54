"""The reader never judges the same (claim, passage) twice: a pair it judged before, in this call or
any earlier one, comes from its memory with the same scores."""

from __future__ import annotations

import numpy as np
import pytest

from checker.reading.model import Reader

pytestmark = pytest.mark.model
CLAIM = "Officials said 100,000 Russian troops were massed near the border with Ukraine."
PASSAGES = ["Satellite images show about 100,000 Russian soldiers near Ukraine's border, officials said.",
            "The central bank raised interest rates by half a point on Tuesday.",
            "Talks in Geneva ended without a breakthrough, both sides said."]


@pytest.fixture(scope="module")
def reader() -> Reader:
    from checker.reading.model import DEFAULT_DIR

    return Reader(DEFAULT_DIR)  # a reader of its own, so the shared one's memory does not count here


def test_a_pair_is_judged_once(reader: Reader) -> None:
    claims = [CLAIM, CLAIM, CLAIM, CLAIM]
    passages = [PASSAGES[0], PASSAGES[1], PASSAGES[0], PASSAGES[2]]  # the first pair twice in one call
    before = reader.forward_pairs
    first = reader.score(claims, passages, dense=[0.8, 0.1, 0.8, 0.2])
    assert reader.forward_pairs - before == 3
    assert first.relevance[0] == first.relevance[2] and np.array_equal(first.stance[0], first.stance[2])
    again = reader.score(claims[::-1], passages[::-1], dense=[0.2, 0.8, 0.1, 0.8])  # every pair known
    assert reader.forward_pairs - before == 3
    assert np.allclose(again.stance[::-1], first.stance) and np.allclose(again.relevance[::-1], first.relevance)
    other = reader.score([PASSAGES[2]], [CLAIM])  # the same texts the other way round are another pair
    assert reader.forward_pairs - before == 4 and other.stance.shape == (1, 3)


def test_remembered_scores_equal_fresh_ones(reader: Reader) -> None:
    """The memory holds raw logits: calibration with another cosine still applies, as for a fresh reader."""
    reader.score([CLAIM], [PASSAGES[1]], dense=[0.1])
    remembered = reader.score([CLAIM], [PASSAGES[1]], dense=[0.9])
    fresh = Reader(reader.folder).score([CLAIM], [PASSAGES[1]], dense=[0.9])
    assert np.allclose(remembered.relevance, fresh.relevance, atol=1e-5)
    assert np.allclose(remembered.stance, fresh.stance, atol=1e-5)
