"""Render helpers escape every piece of user and corpus text."""

import re
from html import unescape

from checker.types import Hit, Passage
from ui.highlight import Span, highlighted_article, score_bar, shared_words
from ui.text import escape_markdown

EVIL = '<script>window.__x=1</script><img src=x onerror="window.__y=1"> **bold** [link](javascript:x)'


def test_article_html_escapes_everything_but_our_marks() -> None:
    text = f"Intro. {EVIL} Outro."
    spans = [Span(0, 6, "yellow", 'tip "quoted" <b>'), Span(7, 7 + len(EVIL), "red")]
    html = highlighted_article(text, spans)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "onerror&#61;&quot;" in html
    assert EVIL in unescape(html)
    assert html.count("<mark") == 2


def test_overlapping_or_bad_spans_are_ignored() -> None:
    html = highlighted_article("abcdef", [Span(0, 4, "x"), Span(2, 5, "y"), Span(5, 99, "z")])
    assert html.count("<mark") == 1


def test_shared_words_and_bar_escape() -> None:
    html = shared_words(EVIL + " troops massed", "troops <script>")
    assert "<script" not in html and '<mark style="background:#fff3a3">troops</mark>' in html
    p = Passage("d#0", "d", "t", 0, 1, "<b>title</b>")
    bar = score_bar(Hit(p, 0.03, 0.5, 1.0, 1, 0.016, 0.014), best_possible=2 / 61)
    assert "<b>" not in bar


def test_pronouns_and_stop_words_are_not_shared_words() -> None:  # second walk, item 9
    claim = "He said we would send one hundred troops to the border: they were not there."
    html = shared_words("He told us we would send one hundred troops; they were there. He left.", claim)
    marked = re.findall(r'<mark style="background:#fff3a3">([^<]*)</mark>', html)
    assert marked == ["send", "one", "hundred", "troops"], marked  # not He, we, would, they, there


def test_markdown_escape() -> None:
    out = escape_markdown(EVIL)
    assert "\\*\\*bold\\*\\*" in out and "\\[link\\]" in out and "<script>" not in out


def test_only_http_links_are_links() -> None:
    from ui.text import safe_link

    assert safe_link("https://example.org/a(b)") == "[source](https://example.org/a%28b%29)"
    assert "](" not in safe_link("javascript:alert(1)")
    assert safe_link(None) == ""


def test_check_chips_escape_and_order() -> None:
    from checker.compare import Check
    from ui.highlight import check_chips

    checks = [Check("name", "agrees", (0, 1), (0, 1), "ok"), Check("number", "differs", (0, 1), (2, 3), "<b>1</b>"),
              Check("date", "missing", (0, 1), None, "unresolved")]
    html = check_chips(checks)
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert html.index("number differs") < html.index("date missing") < html.index("agrees: name (ok)")
    marked = shared_words("troops 127,000 here", "troops", flagged=[(7, 14)])
    assert '<mark style="background:#ffb3b3">127,000</mark>' in marked


# A hostile article or corpus passage: after a blank line, Markdown would show a remote image
# (a tracking pixel), a link to another site and a heading, unless every piece is escaped.
MARKDOWN_PAYLOAD = ("Intro.\n\n![pixel](http://127.0.0.1:9/pixel.png)\n\n[click](https://evil.example/)\n\n"
                    "# Heading\n\nTitle\n===\n\n<https://evil.example/x>\r\rrow 2\r![p2](http://x/y.png)")


def _rendered(markdown: str) -> str:
    """CommonMark with raw HTML allowed, as Streamlit renders `unsafe_allow_html=True`."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown)


def _assert_no_markdown(rendered: str) -> None:
    for tag in ("<img", "<a ", "<h1", "<h2", "<p>"):
        assert tag not in rendered, (tag, rendered)


def test_markdown_in_an_article_stays_text() -> None:
    text = f"Officials said so. {MARKDOWN_PAYLOAD} The end."
    article = highlighted_article(text, [Span(0, 18, "yellow"), Span(19, 40, "red")])
    _assert_no_markdown(_rendered(article))
    assert "\n" not in article and "\r" not in article
    inline = "Checkable parts: " + highlighted_article(MARKDOWN_PAYLOAD, [Span(0, 6, "x")], block=False)
    rendered = _rendered(inline)
    for tag in ("<img", "<a ", "<h1", "<h2"):
        assert tag not in rendered, rendered
    passage = f'<div style="font-size:0.92em">{shared_words(MARKDOWN_PAYLOAD, "pixel click heading")}</div>'
    _assert_no_markdown(_rendered(passage))


def test_markdown_escape_of_names_and_problems() -> None:
    for text in (MARKDOWN_PAYLOAD, "report.md\n===", "a\r\r# b"):
        rendered = _rendered(escape_markdown(text))
        for tag in ("<img", "<a ", "<h1", "<h2"):
            assert tag not in rendered, rendered


def test_bare_urls_and_addresses_are_not_linked() -> None:
    """GFM links bare `https://…`, `www.…` and `a@b.c` in Markdown text after escapes are read."""
    import re

    text = "See https://evil.example/a, WWW.evil.example and mail ann@evil.example now."
    linkable = re.compile(r"(?i)https?://|\bwww\.|@[\w-]")
    assert linkable.search(text)
    for out in (escape_markdown(text), highlighted_article(text, [Span(0, 3, "x")], block=False)):
        plain = unescape(out).replace("\\", "")
        assert not linkable.search(plain), plain
        assert text in re.sub(r"<[^>]+>", "", plain.replace("\u2060", ""))
