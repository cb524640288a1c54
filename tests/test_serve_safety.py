"""`serve` refuses a blank token, and the client address the API judges is the socket's, never an
X-Forwarded-For header (red team, "Who may do what", finding 8)."""

import os
import subprocess
import sys

import pytest
import requests

from tests.conftest import ROOT


@pytest.mark.parametrize("host", ["0.0.0.0", "127.0.0.1"])
@pytest.mark.parametrize("token", [" ", "\t \n"], ids=["space", "whitespace"])
def test_serve_refuses_a_blank_token(host: str, token: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKER_")} | {"CHECKER_API_TOKEN": token}
    done = subprocess.run([sys.executable, "-m", "checker", "serve", "--host", host, "--port", "8999"], cwd=ROOT,
                          env=env, text=True, capture_output=True, timeout=120)
    assert done.returncode == 2 and done.stdout == "", done
    assert done.stderr.startswith("error: CHECKER_API_TOKEN is blank") and done.stderr.count("\n") == 1


@pytest.mark.model
def test_a_forwarded_for_header_does_not_change_the_client(api_server) -> None:
    """From 127.0.0.1 reads are open: a header claiming another client does not make them remote,
    and no header can make a remote client local (uvicorn's proxy headers are off)."""
    for forwarded in ("203.0.113.9", "10.0.0.5, 127.0.0.1"):
        got = requests.get(f"{api_server.url}/v1/export?format=csv", headers={"X-Forwarded-For": forwarded},
                           timeout=60)
        assert got.status_code == 200, (forwarded, got.status_code, got.text)
