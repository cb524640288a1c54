"""Shared fixtures: a tiny deterministic embedder, tiny corpora, and the real demo index."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from checker.text.embed import normalise
from checker.types import Document

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEMO_ARTICLE = ROOT / "checker" / "demo" / "article.txt"
SEED_ARTICLE = SHARED / "seed" / "blinken-geneva-2022-01-21.txt"


class HashEmbedder:
    """Bag-of-words hashed into a small vector: deterministic, instant, and similar texts
    get similar vectors. Counts what it embedded, so tests can see what was re-embedded."""

    def __init__(self, name: str = "test-hash-embedder", dim: int = 64) -> None:
        self.name = name
        self._dim = dim
        self.calls: list[str] = []

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, progress=None) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for i, text in enumerate(texts):
            self.calls.append(text)
            for word in re.findall(r"\w+", text.lower()):
                h = int.from_bytes(hashlib.md5(word.encode()).digest()[:4], "little")
                out[i, h % self._dim] += 1.0 if (h >> 16) & 1 else -1.0
        if progress:
            progress(len(texts), len(texts))
        return normalise(out)


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


TINY_DOCS = [
    Document("troops", "Troop estimates", "Russia has massed about 100,000 troops near the border "
             "with Ukraine, US officials said. The estimate rose to 127,000 in January.",
             url="https://example.org/troops", date="2022-01-19", publisher="Example Wire"),
    Document("geneva", "Geneva talks", "Blinken and Lavrov met in Geneva on January 21. "
             "No breakthrough was achieved, but both sides agreed to keep talking.",
             date="2022-01-21", publisher="Example Wire"),
    Document("football", "Cup final", "The football cup final ended two to one after extra time. "
                                      "Fans celebrated in the streets."),
]


@pytest.fixture
def tiny_docs() -> list[Document]:
    return list(TINY_DOCS)


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped demo corpus indexed with the real model (built once per test run)."""
    from checker.config import DEFAULT_MODEL
    from checker.evidence.corpus import load_corpus
    from checker.evidence.index import build_index
    from checker.text.embed import get_embedder

    folder = tmp_path_factory.mktemp("demo") / "index"
    loaded = load_corpus([ROOT / "corpus"])
    assert not loaded.problems, loaded.problems
    build_index(loaded.documents, get_embedder(DEFAULT_MODEL), folder)
    return folder


@pytest.fixture(scope="session")
def demo_retriever(demo_index: Path):
    from checker.config import DEFAULT_MODEL
    from checker.evidence.index import load_index
    from checker.evidence.retrieve import Retriever
    from checker.text.embed import get_embedder

    return Retriever(load_index(demo_index, model=DEFAULT_MODEL), get_embedder(DEFAULT_MODEL))


def shared_or_skip(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data only exists on the project's machines")
    return path


@pytest.fixture(scope="session")
def api_server(demo_index: Path, tmp_path_factory: pytest.TempPathFactory):
    """The real API server (`python -m checker serve`) on a free 127.0.0.1 port over the demo
    index, with a fresh database and the token "test-token"; shared by the API test modules."""
    from tests.apiserver import serve

    # no rate limit here: the API test modules share this server and send hundreds of requests from
    # loopback (tests/test_api_bounds.py tests the limit on a server of its own)
    with serve(tmp_path_factory.mktemp("api"), demo_index, env={"CHECKER_RATE_PER_MINUTE": "0"}) as server:
        yield server


@pytest.fixture
def app(tmp_path: Path, demo_index: Path, monkeypatch):
    """The Streamlit app under AppTest, run once, with the real demo index and a fresh, empty
    verdict database (a test module may define its own `app`)."""
    from streamlit.testing.v1 import AppTest

    (tmp_path / "index").symlink_to(demo_index)
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
