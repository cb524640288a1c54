"""The package reads like the pipeline: one folder per stage, imports only downward, short modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CHECKER = Path(__file__).resolve().parent.parent / "checker"
MAX_LINES = 400

# Lowest first. A module may import its own stage and any stage with a lower rank.
RANKS = {
    "errors": 0, "types": 0.5, "config": 0.5,
    "text": 1,
    "compare": 2,
    "claims": 3,
    "evidence": 4,
    "reading": 4.5,
    "verdicts": 5,
    "factchecks": 5.5,
    "evaluate": 6,
    "training": 7,
    "summary": 7.5, "pipeline": 8, "batch": 8.5, "workbench": 8.5, "api": 9, "cli": 9.5, "__main__": 10, "__init__": 10,
}


def _modules() -> list[Path]:
    return sorted(p for p in CHECKER.rglob("*.py") if "__pycache__" not in p.parts)


def _stage(path: Path) -> str:
    rel = path.relative_to(CHECKER)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imported_stages(path: Path) -> set[str]:
    """Stages this module imports, at module level or inside functions (TYPE_CHECKING blocks excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    out = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names] if node.module == "checker" \
                else [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "checker" and len(parts) > 1:
                out.add(parts[1])
    return out


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(CHECKER)))
def test_module_is_short(path: Path) -> None:
    """No module is longer than one sitting's reading."""
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(CHECKER)))
def test_imports_only_go_down(path: Path) -> None:
    """A stage imports only itself and the stages beneath it, so there is no cycle between stages."""
    own = _stage(path)
    assert own in RANKS, f"{own}: a new stage needs a rank in tests/test_layout.py"
    upward = {s for s in _imported_stages(path) if s != own and RANKS.get(s, 99) >= RANKS[own]}
    assert not upward, f"{path.relative_to(CHECKER)} imports {sorted(upward)} from above or beside it"


def test_every_stage_says_its_job() -> None:
    """Each subpackage opens with a docstring that says what it is for."""
    for folder in sorted(p for p in CHECKER.iterdir() if (p / "__init__.py").is_file()):
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, f"{folder.name}/__init__.py needs a docstring saying its job"


def test_no_import_cycle_between_modules() -> None:
    """Module-level imports form no cycle (function-level imports may defer on purpose)."""
    graph: dict[str, set[str]] = {}
    names = {".".join(p.relative_to(CHECKER.parent).with_suffix("").parts).removesuffix(".__init__"): p
             for p in _modules()}
    for name, path in names.items():
        deps = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("checker"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    deps.add(full if full in names else node.module)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("checker"))
        graph[name] = {d for d in deps if d in names and d != name}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in graph[node]:
            if state.get(dep) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail, node, dep]))
            if not state.get(dep):
                visit(dep, [*trail, node])
        state[node] = 2

    for node in graph:
        if not state.get(node):
            visit(node, [])
