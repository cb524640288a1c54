"""Turning bytes from a file, an upload or a pipe into text, with clear errors."""

from __future__ import annotations

import codecs

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
