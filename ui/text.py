"""Making user and corpus text safe to show: never rendered as HTML or Markdown."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:=^])")


def escape_markdown(text: str) -> str:
    """Text that Streamlit's Markdown shows literally: every special character escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return escaped.replace("\n", "  \n")


def escape_html(text: str) -> str:
    return html.escape(text, quote=True)


def safe_link(url: str | None, label: str = "source") -> str:
    """A Markdown link for http(s) URLs only; anything else is shown as escaped text."""
    if not url:
        return ""
    if re.match(r"^https?://[^\s<>]+$", url.strip(), re.I):
        target = url.strip().replace(")", "%29").replace("(", "%28")
        return f"[{escape_markdown(label)}]({target})"
    return escape_markdown(url)
