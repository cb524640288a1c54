"""Fetching articles: only http(s), no private addresses by default, bounded size."""

import http.server
import threading

import pytest

from checker.errors import InputError
from checker.evidence.fetch import fetch_article

PAGE = (b"<html><head><title>T</title></head><body><article><h1>Talks</h1><p>Blinken and Lavrov "
        b"met in Geneva on Friday and no breakthrough was achieved, officials said after the "
        b"meeting.</p></article></body></html>")


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "javascript:alert(1)",
                                 "nohost"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(InputError, match="only http"):
        fetch_article(url, timeout=2)  # refused before any connection


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://localhost:8501/", "http://10.0.0.1/",
                                 "http://192.168.1.1/", "http://[::1]/"])
def test_private_addresses_refused(url: str) -> None:
    with pytest.raises(InputError, match="private or local"):
        fetch_article(url, timeout=2)  # refused before any connection


class Base(str):
    """The server's address, and the paths it was asked for."""

    def __new__(cls, value: str, requests: list[str]) -> "Base":
        made = super().__new__(cls, value)
        made.requests = requests
        return made


@pytest.fixture
def local_server():
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            if self.path.startswith("/go"):  # /go?to=URL: a redirect there
                self.send_response(302)
                self.send_header("Location", self.path.split("to=", 1)[1])
                self.end_headers()
                return
            body = PAGE if self.path == "/a" else b"x" * 5000
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Base(f"http://127.0.0.1:{server.server_address[1]}", requests)
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


@pytest.mark.parametrize("url", ["http://example.org:99999/", "http://[::1/", "http://example.org:0/",
                                 "http://example.org:abc/", "https://[zz::1]/"])
def test_malformed_addresses_are_input_errors(url: str) -> None:
    with pytest.raises(InputError, match="not a valid address"):
        fetch_article(url, timeout=2)


@pytest.mark.parametrize("url", ["http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a00:1]/",
                                 "http://[::ffff:127.0.0.1]/", "http://[2002:7f00:1::]/",
                                 "http://[::127.0.0.1]/", "http://[64:ff9b:1::7f00:1]/"])
def test_ipv6_forms_of_private_ipv4_are_refused(url: str) -> None:
    """NAT64, IPv4-mapped, 6to4 and IPv4-compatible forms of loopback or private addresses."""
    with pytest.raises(InputError, match="private or local"):
        fetch_article(url, timeout=2)  # refused before any connection


def test_dns_rebinding_cannot_reach_a_private_server(local_server: str, monkeypatch) -> None:
    """A name that answers a public address to the check and 127.0.0.1 to the connection."""
    import socket

    port = int(local_server.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    answers = iter(["93.184.216.34"] + ["127.0.0.1"] * 10)
    seen: list[str] = []

    def rebinding(host, *args, **kwargs):
        if host != "rebind.test":
            return real(host, *args, **kwargs)
        address = next(answers)
        seen.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    requests_before = len(local_server.requests)
    with pytest.raises(InputError):
        fetch_article(f"http://rebind.test:{port}/a", timeout=2)
    assert len(local_server.requests) == requests_before, "the private server was fetched"
    assert seen == ["93.184.216.34"]


def test_a_trickling_server_is_cut_off_at_the_total_time() -> None:
    """The timeout bounds the whole fetch, not each read: one byte per 0.2 s does not keep it alive."""
    import socket
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
            while not stop.is_set():
                try:
                    conn.sendall(b"x")
                except OSError:
                    return
                time.sleep(0.2)

    threading.Thread(target=trickle, daemon=True).start()
    try:
        with pytest.raises(InputError, match="took longer than 1 s"):
            fetch_article(f"http://127.0.0.1:{listener.getsockname()[1]}/", allow_private=True, timeout=1)
    finally:
        stop.set()
        listener.close()


@pytest.mark.parametrize("head", [
    b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n",
], ids=["http-1.0", "connection-close", "close-with-length"])
def test_a_trickle_after_connection_close_is_cut_off_too(head: bytes) -> None:
    """http.client drops conn.sock after the headers of an HTTP/1.0 or `Connection: close` answer;
    the deadline still bounds the fetch (red team: a byte every 0.5 s kept timeout=3 alive 30 s)."""
    import socket
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(head)
            while not stop.is_set():
                try:
                    conn.sendall(b"x")
                except OSError:
                    return
                time.sleep(0.3)

    threading.Thread(target=trickle, daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(InputError, match=r"took longer than 1\.5 s"):
            fetch_article(f"http://127.0.0.1:{listener.getsockname()[1]}/", allow_private=True, timeout=1.5)
        assert time.monotonic() - started < 3.5
    finally:
        stop.set()
        listener.close()


def test_redirects_are_followed_and_each_hop_checked(local_server: str) -> None:
    got = fetch_article(f"{local_server}/go?to=/a", allow_private=True, timeout=5)
    assert "no breakthrough was achieved" in got.text and got.url.endswith("/a")
    with pytest.raises(InputError, match="only http"):
        fetch_article(f"{local_server}/go?to=file:///etc/passwd", allow_private=True, timeout=5)
    with pytest.raises(InputError, match="redirects"):
        fetch_article(f"{local_server}/go?to=/go?to=/go?to=/go?to=/go?to=/go?to=/go?to=/a", allow_private=True,
                      timeout=5)
