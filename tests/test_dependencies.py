"""The requirements files declare what the code imports, and pin nothing it does not use."""

from __future__ import annotations

import ast
import functools
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

from tests.conftest import ROOT

RUNTIME = ("requirements.txt", "requirements-ray.txt")  # what checker/, ui/ and app.py may import
EVERY = (*RUNTIME, "requirements-dev.txt")  # ...and tests/ and bench/
# Pinned without being imported, on purpose: the PostgreSQL driver SQLAlchemy loads by URL, trafilatura's
# HTML cleaner (an extra it needs), and the tools run as commands.
NOT_IMPORTED = {"psycopg", "lxml-html-clean", "pytest", "ruff", "mypy"}


def _name(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def _declared(files: tuple[str, ...]) -> set[str]:
    names = set()
    for file in files:
        for line in (ROOT / file).read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                names.add(_name(re.split(r"[\[=<>~! ;]", line, maxsplit=1)[0]))
    return names


def _imports(paths: list[Path]) -> dict[str, set[str]]:
    """Top-level module name -> the files that import it (third-party modules only)."""
    out: dict[str, set[str]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
            for name in names:
                top = name.split(".")[0]
                local = (path.parent / f"{top}.py").is_file() or (ROOT / top).is_dir()  # bench's own helpers
                if top not in sys.stdlib_module_names and not local:
                    out.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return out


def _files(*roots: str) -> list[Path]:
    return [p for r in roots for p in ([ROOT / r] if r.endswith(".py") else (ROOT / r).rglob("*.py"))]


@functools.cache
def _distributions(module: str) -> set[str]:
    return {_name(d) for d in _installed().get(module, [])}


@functools.cache
def _installed() -> dict[str, list[str]]:
    return packages_distributions()


def test_every_import_is_declared() -> None:
    """A third-party module the code imports comes from a package its requirements file pins."""
    for roots, files in ((("checker", "ui", "app.py"), RUNTIME), (("tests", "bench", "scripts"), EVERY)):
        declared = _declared(files)
        undeclared = {m: sorted(where)[:3] for m, where in _imports(_files(*roots)).items()
                      if not _distributions(m) & declared}
        assert not undeclared, f"imported but not in {' or '.join(files)}: {undeclared}"


def test_every_pin_is_used() -> None:
    """Each pinned package is imported somewhere (or is one of the few pinned for another reason)."""
    imported = {d for m in _imports(_files("checker", "ui", "app.py", "tests", "bench", "scripts"))
                for d in _distributions(m)}
    unused = sorted(_declared(EVERY) - imported - NOT_IMPORTED)
    assert not unused, f"pinned but never imported: {unused}"
