"""Hybrid retrieval: fusion arithmetic, padding, and the scores every hit carries."""

from pathlib import Path

import pytest

from checker.evidence.index import build_index, load_index
from checker.evidence.retrieve import Retriever, rrf


def test_rrf_by_hand() -> None:
    """1/(k+rank) summed over lists: an item first in both beats one first in only one."""
    fused = rrf([[1, 2], [2, 3]], k=60)
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[3] == pytest.approx(1 / 62)


@pytest.fixture
def retriever(tmp_path: Path, tiny_docs, hash_embedder) -> Retriever:
    build_index(tiny_docs, hash_embedder, tmp_path / "idx")
    return Retriever(load_index(tmp_path / "idx"), hash_embedder)


def test_k_larger_than_corpus_has_no_padding(retriever: Retriever) -> None:
    """FAISS pads with -1 when k exceeds the corpus; no such row becomes a hit."""
    hits = retriever.search("troops near the border", top_k=50)
    assert len(hits) == 3
    assert len({h.passage.passage_id for h in hits}) == 3


def test_hits_carry_all_scores_and_rank(retriever: Retriever) -> None:
    hits = retriever.search("Russia massed 100,000 troops near the border", top_k=3)
    assert hits[0].passage.doc_id == "troops"
    assert [h.rank for h in hits] == [1, 2, 3]
    assert hits[0].lexical_score > 0 and -1.0 <= hits[0].dense_score <= 1.0
    assert hits[0].score >= hits[1].score >= hits[2].score
    d = hits[0].to_dict()
    assert {"doc_id", "passage_id", "title", "text", "url", "date", "score",
            "dense_score", "lexical_score"} <= set(d)


def test_lexical_only_match_still_found(retriever: Retriever) -> None:
    """A word only BM25 can match (a rare name) pulls its passage into the results."""
    hits = retriever.search("Lavrov", top_k=1)
    assert hits[0].passage.doc_id == "geneva"


def test_many_queries_and_edge_cases(retriever: Retriever) -> None:
    assert retriever.search_many([]) == []
    assert retriever.search("troops", top_k=0) == []
    results = retriever.search_many(["troops border", "football final"], top_k=1)
    assert [r[0].passage.doc_id for r in results] == ["troops", "football"]


def test_weighted_fusion_by_hand() -> None:
    """w * cosine + (1 - w) * BM25 / best BM25, split into its two parts."""
    import numpy as np

    from checker.evidence.retrieve import Candidates, RetrievalConfig, fuse

    cand = Candidates(rows=[4, 7], dense=np.array([0.8, 0.2]), lexical=np.array([2.0, 4.0]),
                      lexical_best=4.0, dense_ranking=[4, 7], lexical_ranking=[7, 4])
    parts = fuse(cand, RetrievalConfig(fusion="weighted", dense_weight=0.7))
    assert parts[0] == pytest.approx((0.56, 0.15)) and parts[1] == pytest.approx((0.14, 0.3))
    rrf_parts = fuse(cand, RetrievalConfig(fusion="rrf", rrf_k=60))
    assert rrf_parts[0] == pytest.approx((1 / 61, 1 / 62))
    assert fuse(cand, RetrievalConfig(mode="dense"))[1] == pytest.approx((1 / 62, 0.0))
    assert fuse(cand, RetrievalConfig(mode="lexical"))[1] == pytest.approx((0.0, 1 / 61))


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_modes_and_fusions_all_rank(tmp_path: Path, tiny_docs, hash_embedder, mode: str) -> None:
    from checker.evidence.retrieve import RetrievalConfig

    build_index(tiny_docs, hash_embedder, tmp_path / "idx")
    for fusion in ("rrf", "weighted"):
        r = Retriever(load_index(tmp_path / "idx"), hash_embedder,
                      config=RetrievalConfig(mode=mode, fusion=fusion, clean_queries=True))
        hits = r.search("Lavrov Geneva talks https://t.co/x", top_k=3)
        assert hits[0].passage.doc_id == "geneva", (mode, fusion)


def test_clean_query() -> None:
    from checker.text.clean import clean_query

    tweet = ("Wow #AustralianFires pic.twitter.com/0eJ https://t.co/x @someone "
             "— Center for Bio Div (@CenterForBioDiv) January 14, 2020")
    assert clean_query(tweet) == "Wow AustralianFires someone Center for Bio Div"
    assert clean_query("https://only.a/link") == "https://only.a/link"  # never empty
