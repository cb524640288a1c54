"""Text meets Markdown in one place (ui.text.md): reviewer names, assignees and messages show
literally in every banner, and no banner in ui/ builds its Markdown by hand (red team,
"Who may do what", finding 1)."""

import ast
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_ARTICLE, ROOT
from tests.test_app import _check, _select
from ui.text import WORD_JOINER, Markdown, md

IMAGE = "![p](http://127.0.0.1:9/x.gif)"
KINDS = {"success", "info", "warning", "error", "caption", "markdown", "toast"}


def _elements(markdown: str) -> set[str]:
    """Every element type Streamlit's Markdown (CommonMark) would render from `markdown`."""
    types = set()
    for token in MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown):
        types.add(token.type)
        types.update(child.type for child in token.children or [])
    return types


def _shown(markdown: str) -> str:
    """The text a reader sees (the word joiner that stops autolinks is invisible)."""
    parsed = MarkdownIt("commonmark").parseInline(markdown)
    text = "".join(c.content for t in parsed for c in t.children or [] if c.type == "text")
    return text.replace(WORD_JOINER, "")


def test_md_escapes_values_and_keeps_the_template() -> None:
    out = md("**{}** scored {:.2f} · {}", IMAGE, 0.5, Markdown("[source](https://example.org)"))
    assert isinstance(out, Markdown)
    types = _elements(out)
    assert "image" not in types and "strong_open" in types and "link_open" in types  # the trusted link only
    assert IMAGE in _shown(out) and "0.50" in out


def _st_call(func: ast.expr) -> bool:
    if isinstance(func, ast.IfExp):
        return _st_call(func.body) or _st_call(func.orelse)
    return (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "st"
            and func.attr in KINDS)


def _safe(arg: ast.expr) -> bool:
    """A literal, an UPPER_CASE constant, or text built by md / escape_markdown."""
    if isinstance(arg, ast.Constant):
        return isinstance(arg.value, str)
    if isinstance(arg, ast.IfExp):
        return _safe(arg.body) and _safe(arg.orelse)
    if isinstance(arg, ast.Call):
        name = getattr(arg.func, "id", getattr(arg.func, "attr", ""))
        return name in {"md", "escape_markdown"}
    if isinstance(arg, (ast.Name, ast.Attribute)):
        return getattr(arg, "id", getattr(arg, "attr", "")).isupper()
    return False  # f-strings, concatenation, variables, subscripts: built by hand


def test_no_banner_in_ui_builds_markdown_by_hand() -> None:
    bad = []
    for path in [*sorted((ROOT / "ui").glob("*.py")), ROOT / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and _st_call(node.func) and node.args):
                continue
            if any(k.arg == "unsafe_allow_html" for k in node.keywords):
                continue  # the HTML builders of ui/highlight.py, escaped for both
            if not _safe(node.args[0]):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:90]}")
    assert not bad, "build these with ui.text.md:\n" + "\n".join(bad)


def test_the_scan_finds_a_hand_built_banner() -> None:
    tree = ast.parse('st.success(f"Saved: {name}")\n(st.error if x else st.success)(message[1])\n'
                     'st.info("ok")\nst.warning(md("{}", name))')
    flagged = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call) and _st_call(n.func)
               and not _safe(n.args[0])]
    assert sorted(flagged) == [1, 2]


@pytest.fixture
def app(tmp_path: Path, demo_index: Path, monkeypatch) -> AppTest:
    (tmp_path / "index").symlink_to(demo_index)
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["reviewer"] = IMAGE
    return at.run()


@pytest.mark.model
def test_a_markdown_name_shows_literally_in_the_queue_banner(app: AppTest) -> None:
    _check(app, DEMO_ARTICLE.read_text(encoding="utf-8"))
    cid = _select(app, "without a breakthrough")
    app.button(key=f"assign_me_{cid}").click().run()
    assert not app.exception and app.session_state["work"].get(cid).assignee == IMAGE
    [banner] = [s.value for s in app.success]
    assert IMAGE in _shown(banner) and not _elements(banner) & {"image", "link_open"}

    app.text_input(key=f"assignee_{cid}").input("[x](http://127.0.0.1:9/) **b**").run()
    app.button(key=f"save_status_{cid}").click().run()
    [banner] = [s.value for s in app.success]
    assert "[x](http://127.0.0.1:9/) **b**" in _shown(banner)
    assert not _elements(banner) & {"image", "link_open", "strong_open"}
