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
