"""The Check page shows published fact-checks above the evidence, links them, and cites one in the verdict."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_ARTICLE, ROOT

pytestmark = pytest.mark.model


@pytest.fixture
def app(tmp_path: Path, demo_index: Path, monkeypatch) -> AppTest:
    from checker.config import DEFAULT_MODEL
    from checker.factchecks.files import read_files
    from checker.factchecks.index import build_factcheck_index
    from checker.factchecks.store import FactCheckStore
    from checker.text.embed import get_embedder

    (tmp_path / "index").symlink_to(demo_index)
    store = FactCheckStore.open(f"sqlite:///{tmp_path / 'verdicts.db'}")
    store.upsert(read_files([ROOT / "checker" / "demo" / "factchecks.json"]).records)
    build_factcheck_index(store.all(), get_embedder(DEFAULT_MODEL), tmp_path / "factchecks")
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()


def test_already_fact_checked_link_and_cite(app: AppTest) -> None:
    app.text_area(key="article").input(DEMO_ARTICLE.read_text(encoding="utf-8"))
    app.button(key="check").click().run()
    work = app.session_state["work"]
    cid = next(c.claim_id for c in work.visible(0.38) if "there are no minor incursions" in c.sentence)
    app.radio(key="selected_claim").set_value(cid).run()
    assert not app.exception
    warnings = [w.value for w in app.warning]
    wanted = "Workbench demo desk rated a similar claim True on 2022\\-01\\-21"
    assert any("Already fact-checked" in w and wanted in w for w in warnings), warnings
    captions = [c.value for c in app.caption]
    assert any("[read the fact\\-check](https://factcheck.example/demo/no-minor-incursions)" in c for c in captions)
    app.button(key=f"cite_factcheck_{cid}_0").click().run()
    note = app.text_area(key=f"note_{cid}").value
    assert "https://factcheck.example/demo/no-minor-incursions" in note and note.startswith("Already fact-checked:")
    app.radio(key=f"label_{cid}").set_value("Supported")
    app.text_input(key=f"reviewer_{cid}").input("Ada")
    app.button(key=f"FormSubmitter:verdict_form_{cid}-Save verdict").click().run()
    assert any("Saved version 1" in s.value for s in app.success), [e.value for e in app.error]
    assert "no-minor-incursions" in work.get(cid).verdict.note


def test_no_fact_check_index_shows_nothing(tmp_path: Path, demo_index: Path, monkeypatch) -> None:
    (tmp_path / "index").symlink_to(demo_index)
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.text_area(key="article").input(DEMO_ARTICLE.read_text(encoding="utf-8"))
    at.button(key="check").click().run()
    assert not at.exception and not [w for w in at.warning if "Already fact-checked" in w.value]
