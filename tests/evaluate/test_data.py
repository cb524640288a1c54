"""Evaluation data loaders: debate queries with the transcript lines before them."""

from pathlib import Path

import pytest

from checker.errors import InputError
from checker.evaluate.data import BeirData, with_context


def _debate(tmp_path: Path) -> Path:
    folder = tmp_path / "transcripts"
    folder.mkdir(exist_ok=True)
    (folder / "2016_town_hall.tsv").write_text(
        "1\tMODERATOR\tLet us talk about jobs.\n2\tSMITH\tManufacturing moved abroad.\n"
        "3\tSMITH\tWe lost 60,000 factories.\n", encoding="utf-8")
    return folder


def test_queries_gain_the_lines_before_them(tmp_path: Path) -> None:
    data = BeirData(tmp_path, {"2016_Town_Hall_0003": "We lost 60,000 factories.",
                               "2016_town_hall_0001": "Let us talk about jobs."}, {})
    assert with_context(data, _debate(tmp_path), 0) is data
    two = with_context(data, _debate(tmp_path), 2)
    assert two.queries == {"2016_Town_Hall_0003": "Let us talk about jobs. Manufacturing moved abroad. "
                                                  "We lost 60,000 factories.",
                           "2016_town_hall_0001": "Let us talk about jobs."}  # nothing before line 1


def test_a_query_without_its_transcript_is_a_clear_error(tmp_path: Path) -> None:
    data = BeirData(tmp_path, {"2012_debate_0007": "Taxes went up."}, {})
    with pytest.raises(InputError, match="no transcript line '0007'"):
        with_context(data, _debate(tmp_path), 1)
