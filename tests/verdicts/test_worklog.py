"""The work-log tables: added to an existing verdict database on first use, twice over harmlessly."""

from pathlib import Path

import sqlalchemy as sa

from checker.verdicts import worklog
from checker.verdicts.store import VerdictStore


def test_tables_are_added_to_an_older_database_and_opening_twice_is_harmless(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    old = VerdictStore(url)
    article = old.add_article("Some text. More text.", title="T")
    (claim,) = old.add_claims(article, [(0, 10, "Some text.", 0.5)])
    assert "claim_state" not in sa.inspect(old.engine).get_table_names()
    first, second = VerdictStore(url), VerdictStore(url)
    worklog.record_check(first, article, [{"claim_id": claim, "query": "Some text.", "evidence": None}])
    worklog.set_status(second, claim, status="in review", assignee="Ada")  # its own first use
    assert worklog.claim_status(first, claim) == ("in review", "Ada")
    saved = worklog.load_article(second, article)
    assert saved is not None and saved.claims[0].evidence is None and saved.title == "T"
    assert worklog.article_summaries(first, threshold=0.38)[0].open == 1  # its score 0.5 is above
