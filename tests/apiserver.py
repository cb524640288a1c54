"""Start the real API server (`python -m checker serve`) on 127.0.0.1 for tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Server:
    url: str
    token: str
    home: Path
    log: Path
    pid: int = 0  # the server process, for benchmarks that read its CPU time

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(home: Path, index: Path, *, token: str = "test-token", env: dict[str, str] | None = None,
          startup_timeout: float = 600.0) -> Iterator[Server]:
    """A server on a free loopback port over `index`, its database in `home`; stopped on exit."""
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "index").exists():
        (home / "index").symlink_to(index)
    port = free_port()
    log = home / "server.log"
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKER_")}
    child_env |= {"CHECKER_HOME": str(home), "CHECKER_API_TOKEN": token, "PYTHONUNBUFFERED": "1"} | (env or {})
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--port", str(port),
                                 "--log-level", "warning"], cwd=ROOT, env=child_env, stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with {proc.returncode}: {log.read_text()[-2000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer /healthz in {startup_timeout:.0f} s")
            time.sleep(0.5)
        yield Server(url, token, home, log, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
