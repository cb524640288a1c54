"""Start a real `streamlit run` server for browser tests and benchmarks, and stop it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Server:
    base: str  # http://127.0.0.1:PORT
    started: float  # time.perf_counter() when the process was launched
    health_seconds: float  # launch to the first healthy answer
    log: Path


@contextlib.contextmanager
def streamlit_server(home: Path, *, script: Path = ROOT / "app.py", python_flags: tuple[str, ...] = (),
                     timeout: float = 60.0) -> Iterator[Server]:
    """Serve `script` on 127.0.0.1 with CHECKER_HOME=home until the block ends."""
    port = free_port()
    env = {**os.environ, "CHECKER_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    log_path = home / f"streamlit-{script.stem}-{port}.log"
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, *python_flags, "-m", "streamlit", "run", str(script), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.perf_counter() - started > timeout:
                    raise RuntimeError(f"streamlit did not start: {log_path.read_text()[-2000:]}")
                time.sleep(0.02)
            yield Server(base, started, time.perf_counter() - started, log_path)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
