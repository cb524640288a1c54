"""The HTTP API through the real server (`python -m checker serve`) on 127.0.0.1: the JSON
contract, the token rules, error JSON, the body limit, and a verdict that reaches the app."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from starlette.requests import Request

from checker.api.guard import allow_read, is_loopback, require_token
from tests.conftest import DEMO_ARTICLE, ROOT

pytestmark = pytest.mark.model
DEMO = DEMO_ARTICLE.read_text(encoding="utf-8")


def _error_of(response: requests.Response, status: int) -> str:
    """The one-line error of a JSON error response with this status (never a traceback)."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"error"} and isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in response.text
    return body["error"]


def test_healthz_says_model_index_and_database_are_ready(api_server) -> None:
    body = requests.get(f"{api_server.url}/healthz", timeout=30).json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["index"]["passages"] > 30 and "minilm" in body["model"].lower()


def test_check_returns_the_same_object_as_the_command_line(api_server, demo_retriever) -> None:
    """POST /v1/check gives `check --json`'s object: the same claims, in the same order, with the same evidence."""
    from checker.config import Settings
    from checker.pipeline import check_article, reader_options

    got = requests.post(f"{api_server.url}/v1/check", json={"text": DEMO, "date": "2022-01-21"}, timeout=300)
    assert got.status_code == 200, got.text[:300]
    api = got.json()
    local = json.loads(json.dumps(check_article(DEMO, retriever=demo_retriever, article_date="2022-01-21",
                                                **reader_options(Settings())).to_dict()))
    assert set(api) == set(local) and "claim_id" not in api["claims"][0]  # nothing stored without save
    assert [c["text"] for c in api["claims"]] == [c["text"] for c in local["claims"]]
    assert any("massing 100,000 forces" in c["text"] for c in api["claims"])
    assert any(c["evidence"] for c in api["claims"])
    for a, b in zip(api["claims"], local["claims"], strict=True):  # the reader may show no evidence for a claim
        assert a["score"] == pytest.approx(b["score"], abs=1e-4)
        assert [e["passage_id"] for e in a["evidence"][:1]] == [e["passage_id"] for e in b["evidence"][:1]]
        assert set(a) == set(b) and all(set(e) == set(a["evidence"][0]) for e in a["evidence"] + b["evidence"])


def test_check_options_top_k_and_threshold(api_server) -> None:
    """`threshold` keeps exactly the sentences scoring at least it, in the same order: a threshold
    between two of the demo's claim scores keeps the claims above it and drops the rest, and one
    above the best score leaves no claim; `top_k` 1 caps each claim's evidence at one passage."""
    url = f"{api_server.url}/v1/check"
    base = requests.post(url, json={"text": DEMO, "top_k": 1}, timeout=300).json()
    assert not base["every_sentence"]
    scores = sorted({c["score"] for c in base["claims"]})
    assert len(scores) >= 3, scores
    cut = (scores[len(scores) // 2 - 1] + scores[len(scores) // 2]) / 2  # between two neighbouring scores
    out = requests.post(url, json={"text": DEMO, "top_k": 1, "threshold": cut}, timeout=300).json()
    kept = [c["text"] for c in base["claims"] if c["score"] >= cut]
    assert [c["text"] for c in out["claims"]] == kept and 0 < len(kept) < len(base["claims"])
    assert all(len(c["evidence"]) <= 1 for c in out["claims"]) and any(c["evidence"] for c in out["claims"])
    above = (scores[-1] + 1.0) / 2
    assert scores[-1] < above <= 1.0
    assert requests.post(url, json={"text": DEMO, "threshold": above}, timeout=300).json()["claims"] == []


def test_search_returns_hits(api_server) -> None:
    r = requests.get(f"{api_server.url}/v1/search", params={"q": "Russian troops near the Ukrainian border",
                                                            "top_k": 3}, timeout=60)
    hits = r.json()["hits"]
    assert 1 <= len(hits) <= 3 and hits[0]["passage_id"] and hits[0]["score"] >= hits[-1]["score"]
    assert "troops" in " ".join(h["text"].lower() for h in hits)
    assert "q" in _error_of(requests.get(f"{api_server.url}/v1/search", params={"q": "  "}, timeout=30), 422)


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "needle"), [
    ("post", "/v1/check", {"data": "not json", "headers": {"content-type": "application/json"}}, 400, "JSON"),
    ("post", "/v1/check", {"data": "text=hello"}, 422, "JSON object"),
    ("post", "/v1/check", {"json": {}}, 422, "text"),
    ("post", "/v1/check", {"json": {"text": 5}}, 422, "text"),
    ("post", "/v1/check", {"json": {"text": "   "}}, 422, "empty"),
    ("post", "/v1/check", {"json": {"text": "Troops massed.", "date": "2022-13-01"}}, 422, "date"),
    ("post", "/v1/check", {"json": {"text": "Troops massed.", "top_k": 0}}, 422, "top_k"),
    ("post", "/v1/check", {"json": {"text": "Troops massed.", "unknown": 1}}, 422, "unknown"),
    ("get", "/v1/claims/999999", {}, 404, "no claim"),
    ("get", "/v1/claims/abc", {}, 422, "claim_id"),
    ("get", "/v1/export", {"params": {"format": "xml"}}, 422, "format"),
    ("get", "/v1/nothing-here", {}, 404, "Not Found"),
    ("delete", "/v1/check", {}, 405, "Not Allowed"),
])
def test_errors_are_one_json_line(api_server, method, path, kwargs, status, needle) -> None:
    response = requests.request(method, f"{api_server.url}{path}", timeout=60, **kwargs)
    assert needle in _error_of(response, status)


def test_body_over_the_limit_is_refused(api_server) -> None:
    """2 MB is the default limit; a larger body gets 413 whether its length is declared or streamed."""
    big = json.dumps({"text": "Troops massed near the border. " * 80_000}).encode()
    assert "larger than" in _error_of(requests.post(f"{api_server.url}/v1/check", data=big, timeout=60,
                                                    headers={"content-type": "application/json"}), 413)
    streamed = requests.post(f"{api_server.url}/v1/check", data=iter([big[:1_000_000], big[1_000_000:]]),
                             headers={"content-type": "application/json"}, timeout=60)
    assert "larger than" in _error_of(streamed, 413)


def test_writes_need_the_token_and_verdicts_append(api_server) -> None:
    url = api_server.url
    body = {"text": DEMO, "date": "2022-01-21", "save": True}
    assert "Bearer" in _error_of(requests.post(f"{url}/v1/check", json=body, timeout=300), 401)
    saved = requests.post(f"{url}/v1/check", json=body, headers=api_server.auth(), timeout=300).json()
    claim = next(c for c in saved["claims"] if "massing 100,000 forces" in c["text"])
    cid = claim["claim_id"]
    cited = next(c["evidence"][0]["passage_id"] for c in saved["claims"] if c["evidence"])
    verdict = {"label": "Supported", "reviewer": "Ada", "note": "US estimates matched.", "cite": [cited]}
    path = f"{url}/v1/claims/{cid}/verdicts"
    r = requests.post(path, json=verdict, timeout=30)
    assert "Bearer" in _error_of(r, 401) and r.headers["www-authenticate"] == "Bearer"
    assert "wrong" in _error_of(requests.post(path, json=verdict, timeout=30,
                                              headers={"Authorization": "Bearer nope"}), 401)
    first = requests.post(path, json=verdict, headers=api_server.auth(), timeout=30)
    assert first.status_code == 201 and first.json()["version"] == 1
    assert first.json()["evidence"][0]["passage_id"] == cited
    second = requests.post(path, json={"label": "Misleading", "reviewer": "Bo"}, headers=api_server.auth(),
                           timeout=30).json()
    assert second["version"] == 2
    record = requests.get(f"{url}/v1/claims/{cid}", timeout=30).json()
    assert [v["label"] for v in record["verdicts"]] == ["Supported", "Misleading"]
    assert record["latest"]["version"] == 2 and record["article"]["article_id"] == saved["article_id"]
    bad = {"label": "Probably", "reviewer": "Ada"}
    assert "label" in _error_of(requests.post(path, json=bad, headers=api_server.auth(), timeout=30), 422)
    unknown = {"label": "Refuted", "reviewer": "Ada", "cite": ["no-such-passage"]}
    assert "no-such-passage" in _error_of(requests.post(path, json=unknown, headers=api_server.auth(),
                                                        timeout=30), 422)
    assert "no claim" in _error_of(requests.post(f"{url}/v1/claims/999999/verdicts", json=verdict,
                                                 headers=api_server.auth(), timeout=30), 404)


def test_export_csv_and_claimreview(api_server) -> None:
    saved = requests.post(f"{api_server.url}/v1/check", json={"text": DEMO, "save": True},
                          headers=api_server.auth(), timeout=300).json()
    cid = saved["claims"][0]["claim_id"]
    requests.post(f"{api_server.url}/v1/claims/{cid}/verdicts", json={"label": "Refuted", "reviewer": "Cy"},
                  headers=api_server.auth(), timeout=30).raise_for_status()
    record = requests.get(f"{api_server.url}/v1/claims/{cid}", timeout=30).json()
    csv = requests.get(f"{api_server.url}/v1/export", params={"format": "csv"}, timeout=30)
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.startswith("claim_id,version,label,claim") and record["text"][:30] in csv.text
    reviews = requests.get(f"{api_server.url}/v1/export", params={"format": "claimreview"}, timeout=30).json()
    assert reviews and all(r["@type"] == "ClaimReview" for r in reviews)
    assert any(r["claimReviewed"] == record["text"] for r in reviews)
    refused = requests.get(f"{api_server.url}/v1/export", params={"format": "claimreview", "publish": "true"},
                           timeout=30)
    assert refused.status_code == 400 and "CHECKER_REVIEW_URL is still the placeholder" in refused.json()["error"]


def test_openapi_documents_every_endpoint_and_the_token(api_server) -> None:
    spec = requests.get(f"{api_server.url}/openapi.json", timeout=30).json()
    assert {"/v1/check", "/v1/search", "/v1/claims/{claim_id}", "/v1/claims/{claim_id}/verdicts",
            "/v1/export", "/healthz"} <= set(spec["paths"])
    assert spec["paths"]["/v1/claims/{claim_id}/verdicts"]["post"]["security"]
    assert "HTTPValidationError" not in json.dumps(spec)  # 422s are documented as {"error": ...}


def _request(client: str, authorization: str | None = None) -> Request:
    headers = [(b"authorization", authorization.encode())] if authorization else []
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "client": (client, 5000)})


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("10.0.0.5", False), ("example.org", False), ("", False), (None, False),
])
def test_loopback_addresses(host, loopback) -> None:
    assert is_loopback(host) is loopback


def test_reads_from_elsewhere_and_writes_need_the_token() -> None:
    """Reads are open on loopback only; writes always need the token, and no token means no writes."""
    from fastapi import HTTPException

    allow_read(_request("127.0.0.1"), "")
    allow_read(_request("10.0.0.5", "Bearer t0k"), "t0k")
    for request, token in [(_request("10.0.0.5"), "t0k"), (_request("10.0.0.5"), ""),
                           (_request("10.0.0.5", "Bearer wrong"), "t0k")]:
        with pytest.raises(HTTPException) as raised:
            allow_read(request, token)
        assert raised.value.status_code == 401
    require_token(_request("127.0.0.1", "Bearer t0k"), "t0k")
    for request, token, status in [(_request("127.0.0.1"), "t0k", 401),
                                   (_request("127.0.0.1", "Basic t0k"), "t0k", 401),
                                   (_request("127.0.0.1", "Bearer t0k"), "", 403)]:
        with pytest.raises(HTTPException) as raised:
            require_token(request, token)
        assert raised.value.status_code == status


def _serve(*args: str, token: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKER_")} | {"CHECKER_API_TOKEN": token}
    return subprocess.run([sys.executable, "-m", "checker", "serve", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=120)


def test_serve_refuses_a_public_address_without_a_token() -> None:
    done = _serve("--host", "0.0.0.0", "--port", "8999")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: refusing to listen on 0.0.0.0") and done.stderr.count("\n") == 1


def test_serve_says_when_the_port_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = _serve("--port", str(taken.getsockname()[1]), "--index", str(tmp_path / "none"))
    assert done.returncode == 2 and done.stderr.startswith("error: cannot listen on 127.0.0.1:")
    assert "Traceback" not in done.stderr


def test_a_verdict_posted_to_the_api_shows_in_the_review_page(api_server, monkeypatch) -> None:
    """End to end: POST the demo article, POST a verdict, and find it in the app's Review page."""
    from streamlit.testing.v1 import AppTest

    saved = requests.post(f"{api_server.url}/v1/check", json={"text": DEMO, "save": True},
                          headers=api_server.auth(), timeout=300).json()
    claim = next(c for c in saved["claims"] if "without a breakthrough" in c["text"])
    note = "Posted through the API for the review page."
    r = requests.post(f"{api_server.url}/v1/claims/{claim['claim_id']}/verdicts",
                      json={"label": "Not enough evidence", "reviewer": "Api Tester", "note": note},
                      headers=api_server.auth(), timeout=30)
    assert r.status_code == 201, r.text
    for name in [k for k in os.environ if k.startswith("CHECKER_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CHECKER_HOME", str(api_server.home))  # the server's database and index
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.radio(key="page").set_value("Review").run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    mine = table[table["claim_id"] == claim["claim_id"]]
    assert list(mine["label"]) == ["Not enough evidence"] and list(mine["reviewer"]) == ["Api Tester"]
    assert "without a breakthrough" in mine["claim"].iloc[0] and mine["note"].iloc[0] == note
