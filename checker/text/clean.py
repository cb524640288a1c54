"""Cleaning a query before it is searched: links, handles and tweet signatures are noise."""

from __future__ import annotations

import re

_URL = re.compile(r"(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+|\b\w+\.\w{2,4}/\S+", re.I)
# "— Name (@handle) January 14, 2020" at the end of an embedded tweet
_SIGNATURE = re.compile(r"\s*[—–]+\s*([^—–\n]{0,80}?)\s*\(@\w+\)\s*\w+\s+\d{1,2},\s*\d{4}\s*\"?\s*$")
_HANDLE = re.compile(r"(?<!\w)@\w+")  # kept as a word, without the @
_HASHTAG = re.compile(r"(?<!\w)#(\w+)")
_SPACE = re.compile(r"\s+")


def clean_query(text: str) -> str:
    """The text without links; a tweet's "— Name (@handle) date" signature keeps only the name
    (the author is often what the claim is about); handles and hashtags keep their word."""
    cleaned = _SIGNATURE.sub(lambda m: " " + m.group(1), text)
    cleaned = _URL.sub(" ", cleaned)
    cleaned = _HANDLE.sub(lambda m: " " + m.group()[1:], cleaned)
    cleaned = _HASHTAG.sub(r"\1", cleaned)
    cleaned = _SPACE.sub(" ", cleaned).strip()
    return cleaned or text.strip()
