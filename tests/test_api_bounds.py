"""The API's bounds through the real server (`python -m checker serve`) on 127.0.0.1: the claim cap,
the per-request deadline with the claims finished so far, a check that stops when its client
disconnects, and 429 for a client past its rate. Each class starts a server of its own with
small limits, one at a time."""

from __future__ import annotations

import http.client
import json
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.apiserver import Server, serve
from tests.conftest import DEMO_ARTICLE

pytestmark = pytest.mark.model
DEMO = DEMO_ARTICLE.read_text(encoding="utf-8")
# 150 distinct check-worthy sentences: far more reader work than a few seconds allow
LONG = " ".join(f"Officials said {n:,} Russian troops were massed near the border with Ukraine on day {n}."
                for n in range(1_000, 1_150))


def _get(server: Server, path: str, *, source: str) -> http.client.HTTPResponse:
    """GET from a chosen loopback address (127.0.0.2, ...): each is a client of its own to the server."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60, source_address=(source, 0))
    conn.request("GET", path)
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


@pytest.fixture(scope="class")
def capped(demo_index: Path, tmp_path_factory: pytest.TempPathFactory):
    env = {"CHECKER_MAX_CLAIMS": "3", "CHECKER_RATE_PER_MINUTE": "1", "CHECKER_RATE_BURST": "4"}
    with serve(tmp_path_factory.mktemp("capped"), demo_index, env=env) as s:
        yield s


@pytest.fixture(scope="class")
def bounded(demo_index: Path, tmp_path_factory: pytest.TempPathFactory):
    env = {"CHECKER_MAX_CLAIMS": "500", "CHECKER_REQUEST_SECONDS": "10", "CHECKER_EVIDENCE_BATCH": "2",
           "CHECKER_RATE_PER_MINUTE": "0"}
    with serve(tmp_path_factory.mktemp("deadline"), demo_index, env=env) as s:
        yield s


class TestCapAndRate:

    def test_only_the_first_claims_get_evidence(self, capped: Server) -> None:
        """CHECKER_MAX_CLAIMS=3: every claim of the demo is listed, the best three with evidence, the rest
        marked unsearched; saving them keeps every claim, so the app can search the rest on demand."""
        r = requests.post(f"{capped.url}/v1/check", json={"text": DEMO, "save": True}, headers=capped.auth(),
                          timeout=300)
        assert r.status_code == 200, r.text[:300]
        body = r.json()
        claims = body["claims"]
        assert len(claims) > 3
        assert [c["searched"] for c in claims] == [True] * 3 + [False] * (len(claims) - 3)
        assert any(c["evidence"] or c["weaker_matches"] for c in claims[:3])
        assert all(c["evidence"] == [] and c["weaker_matches"] == [] and c["suggestion"] is None for c in claims[3:])
        assert body["unsearched_claims"] == len(claims) - 3
        assert any("CHECKER_MAX_CLAIMS" in n for n in body["notes"])
        assert all(isinstance(c["claim_id"], int) for c in claims)
        assert [c["score"] for c in claims] == sorted((c["score"] for c in claims), reverse=True)

    def test_a_client_past_its_rate_gets_429(self, capped: Server) -> None:
        """Burst 4, then 1 a minute, per client address: the fifth request at once from 127.0.0.2 is 429
        with Retry-After and a JSON error; 127.0.0.3 is not held back by it, and /healthz never counts."""
        path = "/v1/search?q=troops+near+the+border&top_k=1"
        codes = [_get(capped, path, source="127.0.0.2").status for _ in range(4)]
        assert codes == [200] * 4
        refused = _get(capped, path, source="127.0.0.2")
        assert refused.status == 429
        assert refused.getheader("content-type", "").startswith("application/json")
        assert int(refused.getheader("retry-after", "0")) >= 1
        error = json.loads(refused.body)["error"]  # type: ignore[attr-defined]
        assert "127.0.0.2" in error and "CHECKER_RATE_PER_MINUTE" in error and "Traceback" not in error
        assert _get(capped, path, source="127.0.0.3").status == 200
        assert _get(capped, "/healthz", source="127.0.0.2").status == 200


class TestDeadlineAndDisconnect:

    def test_a_check_past_the_deadline_is_a_json_error_with_the_claims_finished(self, bounded: Server) -> None:
        r = requests.post(f"{bounded.url}/v1/check", json={"text": LONG, "all": True}, timeout=300)
        assert r.status_code == 504, r.text[:300]
        body = r.json()
        assert "CHECKER_REQUEST_SECONDS" in body["error"] and "Traceback" not in r.text
        claims = body["claims"]
        assert len(claims) < 150  # stopped: not every claim was finished
        assert all(c["searched"] and c["text"] in LONG for c in claims)
        assert [c["score"] for c in claims] == sorted((c["score"] for c in claims), reverse=True)
        assert any("stopped early" in n for n in body["notes"])
        assert "stopped: the check took longer than 10 s" in bounded.log.read_text()
        ok = requests.get(f"{bounded.url}/v1/search", params={"q": "troops near the border"}, timeout=60)
        assert ok.status_code == 200 and ok.json()["hits"]  # the server goes on

    def test_the_work_stops_when_the_client_disconnects(self, bounded: Server) -> None:
        """A client sends a long check and hangs up: the server logs that the check stopped because the
        client disconnected (the worker writes it once it has stopped), long before the deadline ends it."""
        parts = urlsplit(bounded.url)
        payload = json.dumps({"text": LONG, "all": True}).encode()
        before = bounded.log.read_text().count("the client disconnected")
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            sock.sendall(b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         + f"Content-Length: {len(payload)}\r\n\r\n".encode() + payload)
            time.sleep(1.0)  # the check is under way
        deadline = time.monotonic() + 120
        while bounded.log.read_text().count("the client disconnected") == before and time.monotonic() < deadline:
            time.sleep(0.2)
        log = bounded.log.read_text()
        assert log.count("a check stopped: the client disconnected") == before + 1, log[-2000:]
        ok = requests.get(f"{bounded.url}/healthz", timeout=30)
        assert ok.status_code == 200
