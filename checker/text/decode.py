"""Turning bytes from a file, an upload or a pipe into text, with clear errors."""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from typing import BinaryIO

from checker.errors import InputError

_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """`text` with each lone surrogate (which UTF-8 cannot encode) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def decode_text(data: bytes, *, name: str = "input") -> str:
    """Decode `data` as UTF-8 (or UTF-16/UTF-8 with a byte-order mark), else Windows-1252.

    Raises InputError for data that is clearly binary.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: starts like UTF-16 but cannot be decoded ({exc.reason})") from exc
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text[:8192]) // 100):
        raise InputError(f"{name}: looks like binary data, not text")
    return text


def read_bounded(stream: BinaryIO, *, max_chars: int, name: str = "input") -> bytes:
    """At most the bytes `max_chars` characters can take (4 each in UTF-8), else InputError.

    Reading stops there: an endless stream (`check - < /dev/zero`) costs bounded memory.
    """
    limit = 4 * max_chars
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{name}: more than {limit:,} bytes, longer than the {max_chars:,}-character "
                         "limit allows (set CHECKER_MAX_ARTICLE_CHARS to raise it)")
    return data


_HTML_PAGE = re.compile(r"^\s*(?:<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])", re.I)


def prepare_article(text: str) -> tuple[str, list[str]]:
    """The text to check, and notes on what was done to it.

    A whole HTML page pasted as text is reduced to its main text (never rendered).
    """
    if _HTML_PAGE.search(text[:2000]):
        import trafilatura

        try:
            extracted = trafilatura.extract(text, include_comments=False)
        except (RecursionError, ValueError):
            extracted = None
        if extracted and extracted.strip():
            return extracted, ["the text looked like an HTML page; its main text was extracted"]
        stripped = strip_tags(text)
        if not stripped.strip():
            raise InputError("the text looks like an HTML page with no text in it")
        return stripped, ["the text looked like an HTML page, but no main text could be picked out of it "
                          "(too deeply nested, or no article in it): its tags were removed and all its text "
                          "is checked"]
    return text, []


class _TextOnly(HTMLParser):
    """The text of an HTML page without its tags, scripts or styles; never recursive, so any depth."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style", "template", "noscript"):
            self.skipping += 1
        elif tag in ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "noscript"):
            self.skipping = max(0, self.skipping - 1)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def strip_tags(page: str) -> str:
    parser = _TextOnly()
    parser.feed(page)
    parser.close()
    text = re.sub(r"[ \t]+", " ", "".join(parser.parts))
    return re.sub(r"\s*\n\s*", "\n", text).strip()


def article_from_bytes(data: bytes, *, name: str = "input") -> tuple[str, list[str]]:
    """Decode an article file or upload, refusing PDFs and binary data with a clear message."""
    if data.lstrip()[:5] == b"%PDF-":
        raise InputError(f"{name}: is a PDF; articles must be text (.txt, .md or .html)")
    return prepare_article(decode_text(data, name=name))
