"""The warm-up's progress: where the bar stands and what it says while the models load."""

from __future__ import annotations

import pytest

from ui.resources import WARM_STAGES, warm_progress


def test_each_stage_moves_the_bar_on_and_names_what_it_waits_for() -> None:
    total = sum(s for _, s in WARM_STAGES)
    start, _ = warm_progress({"stage": 0, "stage_started": 100.0}, 100.0)
    one_second, what = warm_progress({"stage": 0, "stage_started": 100.0}, 101.0)
    assert start == 0.0 and one_second == pytest.approx(1.0 / total)  # moving within the first second
    assert what.startswith("Loading the models (1 of 4): importing the engine")
    stuck, _ = warm_progress({"stage": 0, "stage_started": 100.0}, 1_000.0)
    assert stuck == pytest.approx(0.95 * WARM_STAGES[0][1] / total)  # a slow stage never fills its share
    later, what = warm_progress({"stage": 2, "stage_started": 200.0}, 200.0)
    assert later == pytest.approx((WARM_STAGES[0][1] + WARM_STAGES[1][1]) / total) and "reader" in what
    last, what = warm_progress({"stage": 3, "stage_started": 300.0}, 10_000.0)
    assert stuck < later < last < 1.0 and "check-worthiness" in what


def test_a_state_without_a_stage_starts_at_zero() -> None:
    assert warm_progress({}, 5.0)[0] == 0.0
