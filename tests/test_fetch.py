"""Fetching articles: only http(s), no private addresses by default, bounded size."""

import http.server
import threading

import pytest

from checker.errors import InputError
from checker.fetch import check_url, fetch_article

PAGE = (b"<html><head><title>T</title></head><body><article><h1>Talks</h1><p>Blinken and Lavrov "
        b"met in Geneva on Friday and no breakthrough was achieved, officials said after the "
        b"meeting.</p></article></body></html>")


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "javascript:alert(1)",
                                 "nohost"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(InputError, match="only http"):
        check_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://localhost:8501/", "http://10.0.0.1/",
                                 "http://192.168.1.1/", "http://[::1]/"])
def test_private_addresses_refused(url: str) -> None:
    with pytest.raises(InputError, match="private or local"):
        check_url(url)


@pytest.fixture
def local_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = PAGE if self.path == "/a" else b"x" * 5000
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_fetch_extracts_the_article_when_allowed(local_server: str) -> None:
    got = fetch_article(f"{local_server}/a", allow_private=True, timeout=5)
    assert "no breakthrough was achieved" in got.text


def test_fetch_limits_size(local_server: str) -> None:
    with pytest.raises(InputError, match="larger than"):
        fetch_article(f"{local_server}/big", allow_private=True, timeout=5, max_bytes=1000)


def test_unreachable_host_says_so() -> None:
    with pytest.raises(InputError, match="cannot reach"):
        fetch_article("http://127.0.0.1:9/", allow_private=True, timeout=2)
