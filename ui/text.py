"""Making user and corpus text safe to show: never rendered as HTML or Markdown."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")


def escape_markdown(text: str) -> str:
    """Text that Streamlit's Markdown shows literally: every special character escaped."""
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return escaped.replace("\n", "  \n")


def escape_html(text: str) -> str:
    return html.escape(text, quote=True)
