"""The check-worthiness splits are clean across datasets: no normalised text on two sides, a
debate and its other dataset's transcription on one side."""

from __future__ import annotations

import pytest

from checker.training.splits import Dataset, clean_splits, normalise, shared_texts
from tests.conftest import SHARED, shared_or_skip


def _debate(tag: str, n: int = 10) -> list[str]:
    return [f"Sentence number {i} of the debate called {tag} with enough words." for i in range(n)]


def _texts(ds: Dataset, idx: list[int]) -> list[str]:
    return [ds.texts[i] for i in idx]


def test_normalise_ignores_case_punctuation_and_spacing() -> None:
    """Copies that differ only in case, punctuation, spacing or Unicode form compare equal."""
    assert normalise("  Thank   you, Mr. President!") == normalise("thank you mr president")
    assert normalise("ＡＢＣ costs 5%") == normalise("abc costs 5")


def test_a_debate_transcribed_twice_lands_on_one_side() -> None:
    """A ClaimBuster debate and the CheckThat! copy of it (other dates, other group names) share a
    side, whatever the seed; a line repeated in every debate joins nothing."""
    repeated = "I will bring back the jobs to this great country of ours."
    cb_groups, cb_texts, ct_groups, ct_texts = [], [], [], []
    for d in range(10):
        for t in [*_debate(f"cb{d}"), repeated]:
            cb_groups.append(f"19{d:02d}-01-01.txt")
            cb_texts.append(t)
    copy = _debate("cb3")[:8]
    for d in range(10):
        for t in [*(_debate(f"ct{d}") if d else copy), repeated]:
            ct_groups.append(f"ct-debate-{d}")
            ct_texts.append(t)
    data = {"claimbuster": Dataset(cb_texts, cb_groups), "ct2020": Dataset(ct_texts, ct_groups)}
    for seed in range(6):
        sides, report = clean_splits(data, seed=seed)
        side_cb3 = {s for s, idx in sides["claimbuster"].items() for i in idx if cb_groups[i] == "1903-01-01.txt"}
        side_copy = {s for s, idx in sides["ct2020"].items() for i in idx if ct_groups[i] == "ct-debate-0"}
        assert len(side_cb3) == 1 and side_cb3 == side_copy
        assert report["cross_dataset_components"] == 1
        parts = {n: {s: _texts(data[n], idx) for s, idx in sd.items()} for n, sd in sides.items()}
        assert all(v == 0 for v in shared_texts(parts).values())
        kept = [t for sd in parts.values() for ts in sd.values() for t in ts if t == repeated]
        assert 0 < len(kept) < 20  # the repeated line stays on one side only


def test_dates_a_day_apart_join_two_datasets() -> None:
    """"2016-10-09.txt" and "20161010_2pres" are the same evening's debate."""
    data = {"claimbuster": Dataset(_debate("a", 3) + _debate("b", 3), ["2016-10-09.txt"] * 3 + ["2012-01-01.txt"] * 3),
            "ct2020": Dataset(_debate("c", 3), ["20161010_2pres"] * 3)}
    _, report = clean_splits(data, seed=0)
    assert report["cross_dataset_components"] == 1


def test_the_fixed_test_file_stays_test() -> None:
    """Every row of the CheckThat! 2021 dev file is test, and a train tweet equal to one of them
    is not trained on."""
    dev = Dataset(["Vaccines contain microchips that track you, a post said.", "Another tweet here."], [None, None])
    train = Dataset(["vaccines contain MICROCHIPS that track you a post said"] + [f"tweet {i}" for i in range(20)],
                    [None] * 21)
    sides, _ = clean_splits({"ct2021": train, "ct2021-dev": dev}, seed=0)
    assert sides["ct2021-dev"]["test"] == [0, 1]
    assert 0 not in sides["ct2021"]["train"] + sides["ct2021"]["dev"]


@pytest.mark.shared
def test_shared_checkworthiness_splits_share_no_text() -> None:
    """On the real data: train, dev and test share no normalised text across all four files, the
    2016 debates of ClaimBuster and CheckThat! 2020 sit on one side each, and every dev part has
    both labels."""
    from checker.training.checkworthiness import clean_sides

    data = shared_or_skip(SHARED / "data" / "checkworthiness")
    rows, sides, report = clean_sides(data, seed=0)
    parts = {n: {s: [rows[n][0][i] for i in idx] for s, idx in sd.items()} for n, sd in sides.items()}
    assert shared_texts(parts) == {("dev", "test"): 0, ("dev", "train"): 0, ("test", "train"): 0}
    assert report["cross_dataset_components"] >= 4
    for cb, ct in (("2016-09-26.txt", "20160926_1pres"), ("2016-10-19.txt", "20161019_3pres"),
                   ("2016-10-09.txt", "20161010_2pres")):
        side = {s for s, idx in sides["claimbuster"].items() for i in idx if rows["claimbuster"][2][i] == cb}
        assert side == {s for s, idx in sides["ct2020"].items() for i in idx if rows["ct2020"][2][i] == ct}
    for name in ("claimbuster", "ct2020", "ct2021"):
        assert {rows[name][1][i] for i in sides[name]["dev"]} == {0, 1}


def test_shipped_checkworthiness_config_records_its_split() -> None:
    """The shipped classifier's config.json records the rows of each side and the rows dropped as duplicates."""
    import json

    from checker.claims.checkworthy import MODEL_DIR

    meta = json.loads((MODEL_DIR / "config.json").read_text(encoding="utf-8"))["meta"]
    assert "across datasets" in meta["split"] and meta["rows"]["claimbuster"]["test"] > 0
    assert sum(meta["dropped"].values()) > 0 and meta["excluded"]
