"""The README tells a new user what they need: how to choose the port, and the whole `check --json` schema."""

import re

from checker.compare import Check
from checker.types import Claim, ClaimReport, Hit, Passage
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_make_run_port_is_documented() -> None:
    assert re.search(r"make run PORT=\d+", README)


def test_check_json_schema_lists_every_field() -> None:
    """Every key `check --json` writes for a claim, its evidence and their checks is in the README's schema."""
    block = README[README.index("`check --json` prints"):]
    block = block[: block.index("```", block.index("```") + 3)]
    passage = Passage("p1", "d1", "text", 0, 4, "title")
    check = Check("number", "agrees", (0, 1), (0, 1), "ok")
    report = ClaimReport(Claim("text", 0, 4, 0.5), (Hit(passage, 1.0, 1.0, 1.0, checks=(check,)),))
    data = report.to_dict()
    keys = set(data) | set(data["evidence"][0]) | set(data["evidence"][0]["checks"][0])
    missing = sorted(k for k in keys if f'"{k}"' not in block)
    assert not missing, f"README's check --json schema omits {missing}"


def _engine_table() -> list[tuple[list[str], str]]:
    """The rows of the README's engine table: (the stage paths of the first cell, the job cell)."""
    section = README[README.index("## The engine"):]
    section = section[: section.index("\n## ", 1)]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `checker/") and len(cells) == 2:
            rows.append((re.findall(r"`checker/([^`]+)`", cells[0]), cells[1]))
    return rows


def test_engine_table_names_every_stage_and_module_in_the_layout_order() -> None:
    """Each stage of checker/ has a row, in the order of tests/test_layout.py's ranks, and each row of a
    folder names every module in it (and none that is gone)."""
    from tests.test_layout import CHECKER, RANKS

    rows = _engine_table()
    assert rows, "README's engine table not found under '## The engine'"
    stages = [(p.removesuffix("/").removesuffix(".py"), p) for paths, _ in rows for p in paths]
    on_disk = {p.name if p.is_dir() else p.stem for p in CHECKER.iterdir()
               if (p.is_dir() and (p / "__init__.py").is_file()) or p.suffix == ".py"}
    missing = sorted(on_disk - {s for s, _ in stages})
    assert not missing, f"README's engine table has no row for {missing}"
    gone = sorted({s for s, _ in stages} - on_disk)
    assert not gone, f"README's engine table names stages that are not in checker/: {gone}"
    ranks = [RANKS[s] for s, _ in stages]
    assert ranks == sorted(ranks), f"README's engine table is not in the order of tests/test_layout.py: {stages}"
    for paths, job in rows:
        for path in (p for p in paths if p.endswith("/")):
            folder = CHECKER / path
            modules = {m.name for m in folder.glob("*.py") if m.name != "__init__.py"}
            named = set(re.findall(r"`([\w]+\.py)`", job))
            assert not modules - named, f"README's row for checker/{path} omits {sorted(modules - named)}"
            assert not named - modules, f"README's row for checker/{path} names {sorted(named - modules)}, not there"


def test_interpreter_is_the_same_in_readme_makefile_and_pyproject() -> None:
    """`make` creates the virtualenv with the Python the README names and pyproject.toml targets."""
    import tomllib

    said = re.search(r"with Python (3\.\d+)", README)
    assert said, "README does not say which Python `make` uses"
    version = said.group(1)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    default = re.search(r"^PYTHON \?= (\S+)$", makefile, re.M)
    assert default and default.group(1) == f"python{version}", f"the Makefile's PYTHON is not python{version}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["requires-python"] == f">={version}"
    assert project["tool"]["mypy"]["python_version"] == version
    assert project["tool"]["ruff"]["target-version"] == "py" + version.replace(".", "")
