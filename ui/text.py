"""Making user and corpus text safe to show: never rendered as HTML or Markdown."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:=^])")
_SCHEME = re.compile(r"(?i)\b(https?|ftp|mailto|xmpp):")
_WWW = re.compile(r"(?i)\bwww\.")
WORD_JOINER = "\u2060"


def break_autolinks(text: str) -> str:
    """Text in which Markdown finds no bare URL or e-mail address to turn into a link.

    GitHub-flavoured Markdown links `https://…`, `www.…` and `name@host` in plain text after
    escapes are read, so escaping cannot stop it; an invisible word joiner after the scheme's
    colon, after `www` and after `@` does.
    """
    text = _SCHEME.sub(lambda m: m.group(0) + WORD_JOINER, text)
    text = _WWW.sub(lambda m: m.group(0)[:3] + WORD_JOINER + ".", text)
    return text.replace("@", "@" + WORD_JOINER)


def escape_markdown(text: str) -> str:
    """Text that Streamlit's Markdown shows literally: every special character escaped."""
    text = break_autolinks(text.replace("\r\n", "\n").replace("\r", "\n"))
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return escaped.replace("\n", "  \n")


class Markdown(str):
    """Text that is already safe Markdown (built by `md` or `safe_link`): `md` inserts it as is."""


def md(template: str, *values: object) -> Markdown:
    """Markdown from a template written in the code, its `{}` fields filled with text shown literally.

    The one place where text meets Markdown: every banner, caption and Markdown line that carries
    a name, a note, a title or a message builds it here, so none can forget to escape. Numbers keep
    their format specs (`{:.2f}`); values already `Markdown` are inserted as they are; everything
    else is escaped by `escape_markdown`.
    """
    safe = [v if isinstance(v, Markdown) or (isinstance(v, (int, float)) and not isinstance(v, bool))
            else escape_markdown(str(v)) for v in values]
    return Markdown(template.format(*safe))


def safe_link(url: str | None, label: str = "source") -> Markdown:
    """A Markdown link for http(s) URLs only; anything else is shown as escaped text."""
    if not url:
        return Markdown("")
    if re.match(r"^https?://[^\s<>]+$", url.strip(), re.I):
        target = url.strip().replace(")", "%29").replace("(", "%28")
        return Markdown(f"[{escape_markdown(label)}]({target})")
    return Markdown(escape_markdown(url))
