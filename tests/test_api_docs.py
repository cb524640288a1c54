"""The API's documentation pages work offline, and an unreadable body is a 400 (the README's
error table), through the real server (`python -m checker serve`)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from tests.test_api import _error_of

pytestmark = pytest.mark.model


class _Assets(HTMLParser):
    """Every address an HTML page makes the browser load: src and href attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


def _same_origin_assets(base: str, page: str) -> list[str]:
    response = requests.get(f"{base}{page}", timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    parser = _Assets()
    parser.feed(response.text)
    # the scripts' own addresses in the page's JavaScript too (Swagger UI's `url: '/openapi.json'`)
    quoted = re.findall(r"""(?:url|spec-url)\s*[:=]\s*['"]([^'"]+)['"]""", response.text)
    urls = [urljoin(f"{base}{page}", u) for u in parser.urls + quoted]
    assert urls, response.text[:300]
    foreign = [u for u in urls if urlsplit(u).netloc != urlsplit(base).netloc]
    assert not foreign, f"{page} loads from another origin: {foreign}"
    return urls


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_load_only_assets_the_server_serves(api_server, page: str) -> None:
    urls = _same_origin_assets(api_server.url, page)
    assert any(u.endswith(".js") for u in urls) and any(u.endswith("/openapi.json") for u in urls)
    for url in urls:
        got = requests.get(url, timeout=30)
        assert got.status_code == 200, (url, got.status_code)
        assert len(got.content) > 1000, url  # the real Swagger UI / ReDoc bundle, the favicon, the schema
    assert "swagger-ui" in requests.get(api_server.url + "/docs", timeout=30).text.lower()


def test_a_body_that_is_not_json_is_a_400(api_server) -> None:
    for body in (b'{"text": "Troops massed', b"not json at all"):
        r = requests.post(f"{api_server.url}/v1/check", data=body, timeout=30,
                          headers={"Content-Type": "application/json"})
        assert _error_of(r, 400) == "the body is not valid JSON"
    r = requests.post(f"{api_server.url}/v1/check", json={"text": 5}, timeout=30)  # JSON, but not valid: 422
    assert "text" in _error_of(r, 422)
