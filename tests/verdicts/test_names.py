"""Reviewer, author and assignee names need a visible character (red team, "Who may do what",
finding 6: " \\u200b " was accepted and stored, a verdict credited to nobody one can see)."""

from pathlib import Path

import pytest

from checker.errors import CheckerError
from checker.verdicts import worklog
from checker.verdicts.store import VerdictStore

INVISIBLE = [" \u200b ", "\u2060", "\ufeff\u200d", "\u00a0\u3000", "\u2028", "\u2029\u200e", "\u202e", "\x07"]


@pytest.fixture
def claim(tmp_path: Path) -> tuple[VerdictStore, int]:
    store = VerdictStore(f"sqlite:///{tmp_path / 'v.db'}")
    aid = store.add_article("Troops massed near the border.", title="T")
    cid = store.add_claim(aid, start=0, end=30, text="Troops massed near the border.")
    worklog.record_check(store, aid, [{"claim_id": cid, "query": "Troops", "evidence": None}])
    return store, cid


@pytest.mark.parametrize("name", INVISIBLE)
def test_a_name_with_no_visible_character_is_refused(claim: tuple[VerdictStore, int], name: str) -> None:
    store, cid = claim
    said = "has no visible character" if name.strip() else "needs"  # str.strip() takes some spaces already
    with pytest.raises(CheckerError, match=f"reviewer's name.*{said}|{said}.*reviewer's name"):
        store.save_verdict(cid, label="Supported", reviewer=name)
    with pytest.raises(CheckerError, match=f"author.*{said}|{said}.*author"):
        worklog.add_comment(store, cid, author=name, text="a note")
    if name.strip():  # a blank assignee is "unassign"
        with pytest.raises(CheckerError, match=r"assignee's name .* has no visible character"):
            worklog.set_status(store, cid, status="in review", assignee=name)
    assert store.history(cid) == [] and store.reviewer_names() == [] and worklog.comment_list(store, cid) == []
    assert worklog.claim_status(store, cid) == ("to check", None)


def test_names_with_something_visible_are_kept(claim: tuple[VerdictStore, int]) -> None:
    store, cid = claim
    assert store.save_verdict(cid, label="Supported", reviewer=" Ada\u200b ").reviewer == "Ada\u200b"
    assert store.save_verdict(cid, label="Refuted", reviewer="\u0644\u064a\u0644\u0649").reviewer == "ليلى"
    worklog.set_status(store, cid, assignee="Bo")
    assert worklog.claim_status(store, cid)[1] == "Bo"
    assert worklog.add_comment(store, cid, author="Cy", text="ok").author == "Cy"
