"""The compare package's layout: small modules, imports in one direction, and nothing from
the rest of `checker` but its types and errors."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "checker" / "compare"
ALLOWED_OUTSIDE = {"checker.types", "checker.errors"}


def _imports(path: Path) -> set[str]:
    """The `checker...` modules a module imports."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("checker"):
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("checker"))
    return out


def _modules() -> dict[str, set[str]]:
    return {f"checker.compare.{p.stem}" if p.stem != "__init__" else "checker.compare": _imports(p)
            for p in PACKAGE.glob("*.py")}


def test_no_module_over_400_lines() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    assert max(sizes.values()) <= 400, sizes


def test_imports_stay_inside_the_package() -> None:
    for module, imported in _modules().items():
        outside = {m for m in imported if not m.startswith("checker.compare")} - ALLOWED_OUTSIDE
        assert not outside, (module, outside)


def test_no_import_cycles_and_text_knows_no_check() -> None:
    """The modules import each other in one direction; the shared text analysis imports no check."""
    graph = {m: {i for i in imported if i.startswith("checker.compare.")} for m, imported in _modules().items()}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for nxt in graph.get(module, ()):
            visit(nxt, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
    checks = {f"checker.compare.{name}" for name in ("numbers", "dates", "names", "negation", "figures",
                                                      "date_expressions")}
    assert not graph["checker.compare.text"] & checks
