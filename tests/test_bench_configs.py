"""The configurations bench/retrieval_quality.py measures are the ones its rows name.

Its "RRF" rows were once built as `RetrievalConfig()`, whose default fusion is `weighted`, so
they repeated the w=0.7 row; these tests fail on that.
"""

import importlib
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from checker.evidence.retrieve import Candidates

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def bench():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("retrieval_quality")
    finally:
        sys.path.remove(str(BENCH))


def test_each_row_label_matches_its_config(bench) -> None:  # type: ignore[no-untyped-def]
    configs = dict(bench.configs())
    rrf = {label: cfg for label, cfg in configs.items() if label.startswith("RRF")}
    assert set(rrf) == {"RRF k=60", "RRF k=20"}
    for label, cfg in rrf.items():
        assert (cfg.mode, cfg.fusion, cfg.rrf_k) == ("hybrid", "rrf", int(label.split("=")[1])), label
    for label, cfg in configs.items():
        if label.startswith("weighted"):
            assert (cfg.fusion, cfg.dense_weight) == ("weighted", float(label.split("=")[1])), label
    assert configs["BM25 alone"].mode == "lexical" and configs["MiniLM alone"].mode == "dense"


def test_rrf_rows_rank_differently_from_weighted(bench) -> None:  # type: ignore[no-untyped-def]
    """Three documents, one passage each. "a" has by far the best cosine but the worst BM25;
    "b" is second by cosine and first by BM25. Weighted 0.7 puts "a" first (0.68 against 0.51);
    RRF puts "b" first at k=60 (1/62 + 1/61 > 1/61 + 1/63) and at k=20."""
    index = SimpleNamespace(passages=[SimpleNamespace(doc_id=d) for d in ("a", "b", "c")])
    cand = Candidates(rows=[0, 1, 2], dense=np.array([0.95, 0.30, 0.20]), lexical=np.array([0.5, 10.0, 9.0]),
                      lexical_best=10.0, dense_ranking=[0, 1, 2], lexical_ranking=[1, 2, 0])
    configs = dict(bench.configs())

    def order(label: str) -> list[str]:
        return list(bench.doc_run(index, {"q": cand}, configs[label])["q"])

    assert order("weighted w=0.7") == ["a", "b", "c"]
    assert order("RRF k=60") == ["b", "a", "c"]
    assert order("RRF k=20") == ["b", "a", "c"]
