"""Property-based tests: 500 examples each in the default run, 10,000 with `pytest -m long`."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.errors import InputError
from checker.evidence.index import build_index, load_index
from checker.evidence.retrieve import Retriever
from checker.pipeline import check_article
from checker.text.sentences import split_sentences
from tests.conftest import TINY_DOCS, HashEmbedder

NEWSY = st.lists(st.sampled_from([*list("abcXYZ .,!?\"'“”\n\t-:;0123456789$%()"), "U.S.", "Jan. ", "Mr. ", "\n\n"]),
                 max_size=80).map("".join)
ANY_TEXT = st.one_of(st.text(), NEWSY, st.text(alphabet=st.characters(codec="utf-8")))


def _round_trip(text: str) -> None:
    last = 0
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text and s.text.strip() == s.text and s.text
        assert s.start >= last
        last = s.end


_retriever: Retriever | None = None


def retriever(tmp: Path) -> Retriever:
    global _retriever
    if _retriever is None:
        embedder = HashEmbedder()
        build_index(TINY_DOCS, embedder, tmp / "idx")
        _retriever = Retriever(load_index(tmp / "idx"), embedder)
    return _retriever


def _check(text: str, tmp: Path) -> None:
    try:
        result = check_article(text, retriever=retriever(tmp), top_k=2, threshold=0.0)
    except InputError:
        assert not text.strip()  # only an empty article is refused
        return
    for r in result.reports:
        assert text[r.claim.start : r.claim.end] == r.claim.text
        assert 0.0 <= r.claim.score <= 1.0


@settings(max_examples=500, deadline=None)
@given(ANY_TEXT)
def test_offsets_round_trip(text: str) -> None:
    """Claim offsets always slice the original text, whatever the text."""
    _round_trip(text)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ANY_TEXT)
def test_checking_never_raises(tmp_path_factory, text: str) -> None:
    """Checking arbitrary Unicode either works or says the article is empty."""
    _check(text, tmp_path_factory.getbasetemp())


@pytest.mark.long
@settings(max_examples=10_000, deadline=None)
@given(ANY_TEXT)
def test_offsets_round_trip_long(text: str) -> None:
    _round_trip(text)


@pytest.mark.long
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ANY_TEXT)
def test_checking_never_raises_long(tmp_path_factory, text: str) -> None:
    _check(text, tmp_path_factory.getbasetemp())
