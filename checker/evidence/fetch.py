"""Fetch an article from a URL: http(s) only, bounded in time and size, no private addresses.

The host name is resolved once, every address it gives is checked, and the connection goes to
the checked address (the name still travels in the Host header and in TLS's SNI), so a name
that answers a public address to the check and a private one to the connection (DNS
rebinding) cannot reach a private server. Each redirect is checked and pinned the same way.
`timeout` bounds the whole fetch (name look-ups, connections, redirects and every read), not
each read: a server that trickles bytes is cut off when the time is up.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass

from checker.errors import InputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::/96"))  # + IPv4-compatible
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: local NAT64, IPv4 anywhere inside


@dataclass(frozen=True)
class FetchedArticle:
    text: str
    title: str = ""
    url: str = ""
    source: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address the connection goes to


class _Clock:
    """The time left of the whole fetch."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self.expired()
        return left

    def expired(self) -> InputError:
        return InputError(f"the fetch took longer than {self.seconds:g} s and was stopped "
                          "(CHECKER_FETCH_TIMEOUT)")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries: mapped, 6to4, Teredo, NAT64, IPv4-compatible."""
    out = [v4 for v4 in (ip.ipv4_mapped, ip.sixtofour) if v4 is not None]
    if ip.teredo:
        out.extend(ip.teredo)
    if any(ip in net for net in _NAT64):
        out.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return out


def is_public(ip: IPAddress) -> bool:
    """Whether `ip` is a global address, and so is any IPv4 address embedded in it."""
    if not ip.is_global:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        return ip not in _NAT64_LOCAL and all(v4.is_global for v4 in _embedded_ipv4(ip))
    return True


def _resolve(host: str, port: int, clock: _Clock) -> list[str]:
    """The addresses of `host`, looked up once, within the time left."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    found: dict[str, object] = {}

    def look_up() -> None:
        try:
            found["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except Exception as exc:  # shown to the person fetching, below
            found["error"] = exc

    worker = threading.Thread(target=look_up, daemon=True)
    worker.start()
    worker.join(clock.left())
    if worker.is_alive():
        raise clock.expired()
    if "error" in found or not found.get("infos"):
        raise InputError(f"cannot reach {host}: the name does not resolve (is the network reachable?)")
    infos = found["infos"]
    assert isinstance(infos, list)
    return list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in infos))


def _target(url: str, *, allow_private: bool, clock: _Clock) -> _Target:
    """The parsed URL and the checked address to connect to, or InputError saying why not."""
    url = url.strip()
    try:
        parsed = urllib.parse.urlsplit(url)
        port = parsed.port
        host = parsed.hostname
    except ValueError as exc:  # "port out of range", "Invalid IPv6 URL", ...
        raise InputError(f"not a valid address: {url[:200]!r} ({exc})") from exc
    if parsed.scheme.lower() not in ("http", "https") or not host:
        raise InputError("only http:// and https:// addresses can be fetched")
    if port == 0:
        raise InputError(f"not a valid address: {url[:200]!r} (port 0)")
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        raise InputError(f"not a valid address: {url[:200]!r} (spaces or control characters)")
    scheme = parsed.scheme.lower()
    port = port or (443 if scheme == "https" else 80)
    addresses = _resolve(host, port, clock)
    if not allow_private:
        for address in addresses:
            if not is_public(ipaddress.ip_address(address)):
                raise InputError(f"{host} is a private or local address; fetching it is "
                                 "not allowed (set CHECKER_ALLOW_PRIVATE_URLS=1 to allow it)")
    path = (parsed.path or "/") + (f"?{parsed.query}" if parsed.query else "")
    return _Target(url, scheme, host, port, path, addresses[0])


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to a checked address; the Host header still names the host."""

    def __init__(self, target: _Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address; SNI and the certificate check use the host name."""

    def __init__(self, target: _Target, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        try:
            self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


def _get(target: _Target, clock: _Clock, max_bytes: int) -> tuple[int, str, str | None, bytes]:
    """(status, reason, Location header, body) of one GET, stopped when the time is up."""
    cls = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    conn = cls(target, clock.left())
    stopped = threading.Event()
    # Our own reference to the socket: after getresponse() http.client drops conn.sock when the
    # server answers HTTP/1.0 or sends `Connection: close` (the response keeps reading from it),
    # so conn.sock cannot be what the deadline shuts or re-times.
    kept: list[socket.socket] = []

    def stop() -> None:  # unblocks a read that the server keeps alive byte by byte
        stopped.set()
        for sock in [*kept, *([conn.sock] if conn.sock is not None else [])]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(clock.left(), stop)
    timer.daemon = True
    timer.start()
    try:
        conn.connect()
        kept.append(conn.sock)
        if stopped.is_set():  # the time ran out while connecting, before the socket was kept
            raise clock.expired()
        conn.request("GET", target.path, headers={"User-Agent": "claim-checker/0.1",
                                                  "Accept-Encoding": "identity"})
        response = conn.getresponse()
        if response.status in REDIRECTS:
            return response.status, response.reason, response.getheader("Location"), b""
        body = bytearray()
        while True:
            kept[0].settimeout(clock.left())  # each read waits at most the time left of the whole fetch
            chunk = response.read1(65536)
            if not chunk:
                break
            body += chunk
            if len(body) > max_bytes:
                raise InputError(f"the page at {target.url} is larger than {max_bytes:,} bytes")
        if stopped.is_set():
            raise clock.expired()
        return response.status, response.reason, None, bytes(body)
    except InputError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if stopped.is_set() or isinstance(exc, TimeoutError) or time.monotonic() >= clock.deadline:
            raise clock.expired() from exc
        reason = getattr(exc, "reason", None) or exc
        raise InputError(f"cannot reach {target.url}: {reason} (is the network reachable?)") from exc
    finally:
        timer.cancel()
        conn.close()


def fetch_article(url: str, *, timeout: float = 15.0, max_bytes: int = 5_000_000,
                  allow_private: bool = False) -> FetchedArticle:
    """Download a page and extract its main text and metadata with trafilatura."""
    clock = _Clock(timeout)
    target = _target(url, allow_private=allow_private, clock=clock)
    for _ in range(MAX_REDIRECTS + 1):
        status, reason, location, data = _get(target, clock, max_bytes)
        if status not in REDIRECTS:
            break
        if not location:
            raise InputError(f"the server answered {status} {reason} for {target.url} without saying where to")
        target = _target(urllib.parse.urljoin(target.url, location), allow_private=allow_private, clock=clock)
    else:
        raise InputError(f"more than {MAX_REDIRECTS} redirects from {url.strip()[:200]}")
    if status >= 400:
        raise InputError(f"the server answered {status} {reason} for {target.url}")
    from checker.errors import CorpusError
    from checker.evidence.corpus import parse_html_document
    from checker.text.decode import decode_text

    try:
        doc = parse_html_document(decode_text(data, name=target.url), doc_id=target.url, source=target.url)
    except CorpusError as exc:
        raise InputError(f"no article text found at {target.url}") from exc
    return FetchedArticle(text=doc.text, title=doc.title, url=doc.url or target.url,
                          source=doc.publisher, published=doc.date)
