"""Every error of the command line is one `error:` line with exit status 2 (red team, "Who may do
what", finding 7: a stopped PostgreSQL printed the driver's second line, and an --out in a
missing folder was an `unexpected FileNotFoundError` with status 1)."""

import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli.common import one_line
from tests.apiserver import free_port
from tests.conftest import ROOT


def _run(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    child = {k: v for k, v in os.environ.items() if not k.startswith("CHECKER_")} | {"CHECKER_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=ROOT, env=child | env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("command", [["verdicts"], ["export"], ["verdicts", "--json"]])
def test_a_stopped_postgresql_is_one_error_line(command: list[str], tmp_path: Path) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"  # nothing listens there
    got = _run(command, tmp_path, CHECKER_DB=url)
    assert got.returncode == 2 and got.stdout == "", got
    assert got.stderr.startswith("error: ") and got.stderr.count("\n") == 1, got.stderr
    assert "Connection refused" in got.stderr and "unexpected" not in got.stderr
    assert "Is the server running" not in got.stderr


def test_export_into_a_missing_folder_is_one_error_line(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "dir" / "x.csv"
    got = _run(["export", "--out", str(out)], tmp_path)
    assert got.returncode == 2 and got.stderr.count("\n") == 1, got
    assert got.stderr.startswith(f"error: cannot write {out}: No such file or directory")
    assert not out.parent.exists()
    folder = tmp_path / "afolder"
    folder.mkdir()
    got = _run(["export", "--format", "claimreview", "--out", str(folder)], tmp_path)  # a folder, not a file
    assert got.returncode == 2 and got.stderr.count("\n") == 1 and got.stderr.startswith("error: cannot write"), got


def test_one_line_joins_what_a_library_wrapped() -> None:
    assert one_line("connection failed: refused\n\tIs the server running?\n") == \
        "connection failed: refused Is the server running?"


def test_train_combiner_without_its_data_is_one_error_line(tmp_path: Path) -> None:
    """`train combiner` names the stance file it lacks, and stores nothing."""
    got = _run(["train", "combiner", "--stance", str(tmp_path / "nowhere"), "--reader", str(tmp_path / "r")],
               tmp_path)
    assert got.returncode == 2 and got.stderr.count("\n") == 1, got
    assert got.stderr.startswith("error: ") and "no fnc1-train.jsonl" in got.stderr
    assert not (tmp_path / "r").exists()
