"""Fetch an article from a URL: http(s) only, bounded in time and size, no private addresses."""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from checker.errors import InputError


@dataclass(frozen=True)
class FetchedArticle:
    text: str
    title: str = ""
    url: str = ""
    source: str | None = None
    published: str | None = None


def check_url(url: str, *, allow_private: bool = False) -> str:
    """The URL if it may be fetched, else InputError saying why."""
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InputError("only http:// and https:// addresses can be fetched")
    if not allow_private:
        try:
            infos = socket.getaddrinfo(parsed.hostname, parsed.port or None, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError) as exc:
            raise InputError(f"cannot reach {parsed.hostname}: the name does not resolve "
                             "(is the network reachable?)") from exc
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if not ip.is_global:
                raise InputError(f"{parsed.hostname} is a private or local address; fetching it is "
                                 "not allowed (set CHECKER_ALLOW_PRIVATE_URLS=1 to allow it)")
    return url.strip()


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        check_url(newurl, allow_private=self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_article(url: str, *, timeout: float = 15.0, max_bytes: int = 5_000_000,
                  allow_private: bool = False) -> FetchedArticle:
    """Download a page and extract its main text and metadata with trafilatura."""
    url = check_url(url, allow_private=allow_private)
    opener = urllib.request.build_opener(_CheckedRedirects(allow_private))
    request = urllib.request.Request(url, headers={"User-Agent": "claim-checker/0.1"})
    try:
        with opener.open(request, timeout=timeout) as response:
            data = response.read(max_bytes + 1)
            final_url = response.geturl()
    except urllib.error.HTTPError as exc:
        raise InputError(f"the server answered {exc.code} {exc.reason} for {url}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"cannot reach {url}: {reason} (is the network reachable?)") from exc
    if len(data) > max_bytes:
        raise InputError(f"the page at {url} is larger than {max_bytes:,} bytes")
    from checker.corpus import parse_html_document
    from checker.errors import CorpusError
    from checker.textio import decode_text

    try:
        doc = parse_html_document(decode_text(data, name=url), doc_id=url, source=url)
    except CorpusError as exc:
        raise InputError(f"no article text found at {url}") from exc
    return FetchedArticle(text=doc.text, title=doc.title, url=doc.url or final_url,
                          source=doc.publisher, published=doc.date)
