"""NUL, which PostgreSQL's text cannot hold, is stored the same on both backends: U+FFFD in its
place, like a lone surrogate (red team, "Who may do what", finding 3: a 500 on PostgreSQL)."""

from pathlib import Path

import pytest
import requests

from checker.verdicts import worklog
from checker.verdicts.store import VerdictStore
from tests.test_reliability import pg_url  # noqa: F401  (the fixture)

NUL = "\u0000"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'v.db'}"
    return str(request.getfixturevalue("pg_url"))


def test_nul_is_stored_as_the_replacement_character(url: str) -> None:
    store = VerdictStore(url)
    text = f"Troops{NUL} massed near the border."
    aid = store.add_article(text, title=f"T{NUL}", source=f"s{NUL}")
    cid = store.add_claim(aid, start=0, end=len(text), text=text)
    v = store.save_verdict(cid, label="Supported", reviewer=f"ann{NUL}", note=f"note {NUL} here")
    assert v.note == "note \ufffd here" and v.reviewer == "ann\ufffd"
    row = store.latest_rows()[0]
    assert row.original_text == "Troops\ufffd massed near the border." and len(row.original_text) == len(text)
    assert [h.reviewer for h in store.history(cid)] == ["ann\ufffd"]

    worklog.record_check(store, aid, [{"claim_id": cid, "query": f"q{NUL}", "evidence": None}])
    worklog.set_status(store, cid, status="in review", assignee=f"Ada{NUL}")
    assert worklog.claim_status(store, cid) == ("in review", "Ada\ufffd")
    assert [i.claim_id for i in worklog.queue(store, assignee=f"Ada{NUL}")] == [cid]  # the lookup is cleaned too
    note = worklog.add_comment(store, cid, author=f"Bo{NUL}", text=f"why{NUL}?")
    assert (note.author, note.text) == ("Bo\ufffd", "why\ufffd?")
    assert [(c.author, c.text) for c in worklog.comment_list(store, cid)] == [("Bo\ufffd", "why\ufffd?")]


@pytest.mark.model
def test_nul_through_the_api_on_postgresql(pg_url: str, demo_index: Path, tmp_path: Path) -> None:  # noqa: F811
    from tests.apiserver import serve

    with serve(tmp_path / "home", demo_index, env={"CHECKER_DB": pg_url}) as server:
        article = f"Russia has massed 100,000 troops{NUL} near the border, US officials said."
        checked = requests.post(f"{server.url}/v1/check", json={"text": article, "save": True, "threshold": 0},
                                headers=server.auth(), timeout=300)
        assert checked.status_code == 200, checked.text
        cid = checked.json()["claims"][0]["claim_id"]
        saved = requests.post(f"{server.url}/v1/claims/{cid}/verdicts", headers=server.auth(), timeout=60,
                              json={"label": "Supported", "reviewer": f"Ada{NUL}", "note": f"n{NUL}"})
        assert saved.status_code in (200, 201), saved.text
        got = requests.get(f"{server.url}/v1/claims/{cid}", timeout=60).json()
        assert got["verdicts"][-1]["reviewer"] == "Ada\ufffd" and got["verdicts"][-1]["note"] == "n\ufffd"
        assert NUL not in got["text"]
