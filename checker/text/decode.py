"""Turning bytes from a file, an upload or a pipe into text, with clear errors."""

from __future__ import annotations

import codecs
import re

from checker.errors import InputError


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


_HTML_PAGE = re.compile(r"^\s*(?:<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])", re.I)


def prepare_article(text: str) -> tuple[str, list[str]]:
    """The text to check, and notes on what was done to it.

    A whole HTML page pasted as text is reduced to its main text (never rendered).
    """
    if _HTML_PAGE.search(text[:2000]):
        import trafilatura

        extracted = trafilatura.extract(text, include_comments=False)
        if extracted and extracted.strip():
            return extracted, ["the text looked like an HTML page; its main text was extracted"]
    return text, []


def article_from_bytes(data: bytes, *, name: str = "input") -> tuple[str, list[str]]:
    """Decode an article file or upload, refusing PDFs and binary data with a clear message."""
    if data.lstrip()[:5] == b"%PDF-":
        raise InputError(f"{name}: is a PDF; articles must be text (.txt, .md or .html)")
    return prepare_article(decode_text(data, name=name))
