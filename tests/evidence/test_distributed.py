"""`index --engine ray` on a real two-node Ray cluster gives the same index as a local build.

The cluster (`ray start --head` plus one worker node) runs inside a network namespace of its
own that has only the loopback interface, because Ray 2.60's GCS and raylet bind every
interface: there, every server listens on 127.0.0.1 only. Creating the namespace needs root
(CI runs as root); elsewhere these tests skip and say why.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.model, pytest.mark.ray]

SYNTHETIC_PASSAGES = 20_000
VENV_BIN = Path(sys.executable).parent


def _skip_reason() -> str | None:
    try:
        import ray  # noqa: F401
    except ImportError:
        return "Ray is not installed (pip install -r requirements-ray.txt; make test installs it)"
    if os.geteuid() != 0 or shutil.which("ip") is None:
        return "needs root and iproute2 to give the Ray cluster a loopback-only network namespace"
    return None


class Cluster:
    def __init__(self, namespace: str, address: str, env: dict[str, str]) -> None:
        self.namespace = namespace
        self.address = address
        self.env = env

    def run(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["ip", "netns", "exec", self.namespace, *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(["ip", "netns", "exec", self.namespace, *args], env=self.env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def index(self, corpus: Path, folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", "checker", "index", "--engine", "ray", "--ray-address", self.address,
                        "--ray-workers", "2", "--corpus", str(corpus), "--index", str(folder), *extra)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    namespace = f"checker-ray-{os.getpid()}"
    temp = Path(tempfile.mkdtemp(prefix="ray", dir="/tmp"))  # socket paths must stay short
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(16), "RAY_USAGE_STATS_ENABLED": "0",
           "CHECKER_HOME": str(temp / "home"), "PYTHONPATH": str(ROOT)}
    subprocess.run(["ip", "netns", "add", namespace], check=True)
    c = Cluster(namespace, "127.0.0.1:6380", env)
    common = ["--node-ip-address", "127.0.0.1", "--num-cpus", "1", "--object-store-memory", "200000000",
              "--disable-usage-stats"]
    try:
        c.run("ip", "link", "set", "lo", "up", timeout=30).check_returncode()
        head = c.run(str(VENV_BIN / "ray"), "start", "--head", "--port", "6380", "--include-dashboard=false",
                     "--temp-dir", str(temp / "r"), *common, timeout=180)
        assert head.returncode == 0, head.stderr[-2000:]
        worker = c.run(str(VENV_BIN / "ray"), "start", "--address", c.address, *common, timeout=180)
        assert worker.returncode == 0, worker.stderr[-2000:]
        yield c
    finally:
        c.run(str(VENV_BIN / "ray"), "stop", "--force", timeout=120)
        subprocess.run(["ip", "netns", "del", namespace], check=False)
        shutil.rmtree(temp, ignore_errors=True)


def _local_build(corpus: Path, folder: Path) -> None:
    from checker.config import DEFAULT_MODEL
    from checker.evidence.corpus import load_corpus
    from checker.evidence.index import build_index
    from checker.text.embed import get_embedder

    build_index(load_corpus([corpus]).documents, get_embedder(DEFAULT_MODEL), folder)


def _assert_same_index(ray_folder: Path, local_folder: Path) -> None:
    from checker.evidence.index import load_index

    ray_index, local_index = load_index(ray_folder), load_index(local_folder)
    assert [p.passage_id for p in ray_index.passages] == [p.passage_id for p in local_index.passages]
    ray_manifest = json.loads((ray_folder / "manifest.json").read_text())
    local_manifest = json.loads((local_folder / "manifest.json").read_text())
    for key in set(ray_manifest) | set(local_manifest):
        if key not in ("created", "versions"):
            assert ray_manifest.get(key) == local_manifest.get(key), key
    a, b = np.asarray(ray_index.vectors), np.asarray(local_index.vectors)
    assert a.shape == b.shape and float(np.abs(a - b).max()) <= 1e-5


@pytest.fixture(scope="module")
def synthetic_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 short, distinct documents (one passage each) in BEIR's corpus.jsonl layout."""
    rng = np.random.default_rng(7)
    subjects = "ministers troops negotiators diplomats officials analysts farmers engineers".split()
    verbs = "met discussed rejected approved reported estimated questioned welcomed".split()
    objects = "proposal border budget treaty figures talks plan sanctions".split()
    folder = tmp_path_factory.mktemp("synthetic")
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(SYNTHETIC_PASSAGES):
            s, v, o = rng.choice(subjects), rng.choice(verbs), rng.choice(objects)
            text = f"In report {i}, {s} {v} the {o} on day {int(rng.integers(1, 366))} of year {2000 + i % 25}."
            fh.write(json.dumps({"_id": f"s{i}", "title": "", "text": text}) + "\n")
    return folder / "corpus.jsonl"


def test_demo_corpus_on_the_cluster_equals_a_local_build(cluster: Cluster, tmp_path: Path) -> None:
    """Same passage ids, same manifest fields, vectors within 1e-5 of a single-process build."""
    done = cluster.index(ROOT / "corpus", tmp_path / "ray")
    assert done.returncode == 0, done.stderr[-2000:]
    _local_build(ROOT / "corpus", tmp_path / "local")
    _assert_same_index(tmp_path / "ray", tmp_path / "local")
    again = cluster.index(ROOT / "corpus", tmp_path / "ray")
    assert again.returncode == 0 and "up to date" in again.stdout


def test_twenty_thousand_passages_and_a_killed_worker(cluster: Cluster, synthetic_corpus: Path,
                                                      tmp_path: Path) -> None:
    """A 20,000-passage build matches the local one; killing a worker midway either finishes
    or fails with one clear line, and the previous index still answers."""
    from checker.config import DEFAULT_MODEL
    from checker.evidence.index import load_index
    from checker.evidence.retrieve import Retriever
    from checker.text.embed import get_embedder

    folder = tmp_path / "ray"
    done = cluster.index(synthetic_corpus, folder)
    assert done.returncode == 0, done.stderr[-2000:]
    _local_build(synthetic_corpus, tmp_path / "local")
    _assert_same_index(folder, tmp_path / "local")

    rebuild = cluster.popen(sys.executable, "-m", "checker", "index", "--engine", "ray", "--ray-address",
                            cluster.address, "--ray-workers", "2", "--corpus", str(synthetic_corpus),
                            "--index", str(folder), "--force")
    killed = _kill_one_worker(deadline=time.monotonic() + 300)
    _, err = rebuild.communicate(timeout=900)
    assert killed, "no Ray embedding worker was seen to kill"
    if rebuild.returncode != 0:
        lines = [line for line in err.splitlines() if line.strip()]
        assert rebuild.returncode == 2 and lines[-1].startswith("error: ") and "Ray" in lines[-1], err[-2000:]
        assert "Traceback" not in err
    index = load_index(folder, model=DEFAULT_MODEL)
    assert len(index) == SYNTHETIC_PASSAGES
    hits = Retriever(index, get_embedder(DEFAULT_MODEL)).search("report 1234 diplomats", top_k=3)
    assert hits and all(h.passage.doc_id.startswith("s") for h in hits)


def _kill_one_worker(*, deadline: float) -> bool:
    """SIGKILL one process running the embedding actor, once it has had time to start working."""
    import psutil

    while time.monotonic() < deadline:
        for proc in psutil.process_iter(["pid", "cmdline", "create_time"]):
            cmd = " ".join(proc.info["cmdline"] or [])
            if "_EncodeBlocks" in cmd and time.time() - proc.info["create_time"] > 5:
                os.kill(proc.info["pid"], signal.SIGKILL)
                return True
        time.sleep(0.5)
    return False


def test_ray_is_imported_only_for_the_ray_engine() -> None:
    """The command line, the index and even the Ray module itself load without importing Ray."""
    code = ("import sys, checker.cli, checker.evidence.index, checker.evidence.distributed; "
            "print('ray' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_a_cluster_that_is_not_there_is_one_clear_error(tmp_path: Path) -> None:
    """--ray-address pointing nowhere: exit 2 and one `error:` line, no traceback."""
    if _skip_reason() and "Ray is not installed" in (_skip_reason() or ""):
        pytest.skip(_skip_reason() or "")
    env = {**os.environ, "CHECKER_HOME": str(tmp_path), "RAY_USAGE_STATS_ENABLED": "0"}
    done = subprocess.run([sys.executable, "-m", "checker", "index", "--engine", "ray", "--ray-address",
                           "127.0.0.1:9", "--corpus", str(ROOT / "corpus"), "--index", str(tmp_path / "i")],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=False)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2 and lines[-1].startswith("error: cannot connect to the Ray cluster"), done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "i").exists()
