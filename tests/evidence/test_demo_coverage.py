"""The shipped corpus covers the demo: each checkable claim of the demo article (and of the seed
article it is built around) finds a document that supports or refutes it in the top 5.

The claim -> document table is docs/demo_coverage.md; DEMO_CLAIMS below is its demo half and
SEED_CLAIMS ten rows of its seed half (the seed is not ours to ship). Each claim is a sentence
(or a clause) copied from the article, so editing the article without updating the table fails
here instead of silently leaving a claim uncovered.
"""

from __future__ import annotations

import pytest

from checker.evidence.corpus import load_corpus
from tests.conftest import DEMO_ARTICLE, ROOT, SEED_ARTICLE, shared_or_skip

pytestmark = pytest.mark.model

# (claim as written in checker/demo/article.txt, documents that support or refute it, stance)
DEMO_CLAIMS: list[tuple[str, tuple[str, ...], str]] = [
    ("U.S. Secretary of State Antony Blinken said on Friday that President Joe Biden could meet "
     "Vladimir Putin again if a second summit would help keep Russia from launching a new war in "
     "Ukraine.",
     ("geneva-blinken-summit-possible-2022-01-21-abc-news",), "SUPPORTS"),
    ("Blinken spoke to ABC News after about 90 minutes of talks with Russian Foreign Minister "
     "Sergei Lavrov at a hotel in Geneva.",
     ("geneva-blinken-lavrov-2022-01-21-hotel-handshake-cash",
      "geneva-blinken-gma-interview-2022-01-21-state-dept"), "SUPPORTS"),
    ("He said no breakthrough was achieved, but argued that the two governments still had room "
     "to keep talking.",
     ("geneva-blinken-gma-interview-2022-01-21-state-dept",
      "geneva-blinken-press-availability-2022-01-21-state-dept"), "SUPPORTS"),
    ("We were testing whether there was a path forward for diplomacy to resolve a crisis that "
     "Russia has created by massing 100,000 forces on Ukraine's border",
     ("geneva-blinken-gma-interview-2022-01-21-state-dept",), "SUPPORTS"),
    ("The meeting came two days after Biden's news conference marking his first year in office, "
     "where the president predicted that Putin would move into Ukraine and suggested that NATO "
     "allies might respond less firmly to a \"minor incursion\".",
     ("zelensky-no-minor-incursions-2022-01-20-nv",
      "biden-minor-incursion-2022-01-19-politico-psaki-statement",
      "biden-press-conference-2022-01-19-upi-move-in"), "SUPPORTS"),
    ("Ukrainian President Volodymyr Zelensky answered on Twitter on Thursday that there are no "
     "minor incursions, just as there are no minor casualties.",
     ("zelensky-no-minor-incursions-2022-01-20-nv",
      "zelensky-kuleba-minor-incursions-2022-01-20-the-week"), "SUPPORTS"),
    ("The White House said the same day that any movement of Russian troops across the border "
     "would be treated as an invasion.",
     ("biden-clarifies-invasion-2022-01-20-reuters",
      "biden-minor-incursion-2022-01-19-politico-psaki-statement"), "SUPPORTS"),
    ("After the Geneva meeting, Blinken repeated that a Russian invasion would meet a swift, "
     "severe and united response from the United States and its allies.",
     ("geneva-blinken-lavrov-2022-01-21-reuters-swift-severe-united",
      "geneva-blinken-press-availability-2022-01-21-state-dept",
      "geneva-blinken-lavrov-2022-01-21-itv"), "SUPPORTS"),
    ("Asked whether Biden and Putin could hold a second summit, Blinken said the United States "
     "was fully prepared for such a meeting if it proved useful.",
     ("geneva-blinken-summit-possible-2022-01-21-abc-news",), "SUPPORTS"),
    ("Lavrov told reporters that Moscow expected written answers to its demands for security "
     "guarantees, including a promise that NATO would not expand further east.",
     ("geneva-blinken-lavrov-2022-01-21-reuters-keep-talking",
      "geneva-blinken-lavrov-2022-01-21-itv"), "SUPPORTS"),
    ("Blinken said the United States would share its ideas in writing next week.",
     ("geneva-blinken-press-availability-2022-01-21-state-dept",
      "geneva-blinken-summit-possible-2022-01-21-abc-news"), "SUPPORTS"),
    ("The Geneva meeting followed a week of talks that ended without a breakthrough: U.S. and "
     "Russian officials met in Geneva on Jan. 10, the NATO-Russia Council convened in Brussels on "
     "Jan. 12, and the Organization for Security and Co-operation in Europe met in Vienna on "
     "Jan. 13.",
     ("osce-permanent-council-2022-01-13-rau-risk-of-war",
      "osce-permanent-council-2022-01-13-carpenter-drumbeat-of-war"), "SUPPORTS"),
    ("Biden and Putin last met in person at a summit in Geneva in June 2021.",
     ("biden-putin-summit-2021-06-16-cgtn-what-happened",
      "biden-putin-summit-2021-06-16-swissinfo-putin-constructive"), "SUPPORTS"),
]

# The seed article (../shared/seed): the claims it gets wrong are listed with REFUTES.
SEED_CLAIMS: list[tuple[str, tuple[str, ...], str]] = [
    ("President Joe Biden may hold a second summit with Russia’s President Vladimir Putin if it "
     "will help prevent any new war in Ukraine, said Secretary of State Antony Blinken on Friday.",
     ("geneva-blinken-summit-possible-2022-01-21-abc-news",), "SUPPORTS"),
    ("He noted that there was no breakthrough achieved but instead insisted that there was still "
     "room for dialogue going forward.",
     ("geneva-blinken-gma-interview-2022-01-21-state-dept",), "SUPPORTS"),
    ("by massing 100,000 forces on Ukraine's border,\" Blinken told ABC's George Stephanopoulos.",
     ("geneva-blinken-gma-interview-2022-01-21-state-dept",), "SUPPORTS"),
    ("In a marathon press conference to mark his first year in office, the president said that it "
     "was his belief that Putin would in fact invade Ukraine, something he said would result in "
     "“disaster” for Russia.",
     ("biden-minor-incursion-2022-01-19-american-military-news",
      "biden-press-conference-2022-01-19-upi-move-in"), "SUPPORTS"),
    ("President Volodomyr Zelensky tweeted in response on Thursday that “There are no minor "
     "incursions",
     ("zelensky-no-minor-incursions-2022-01-20-nv",
      "zelensky-kuleba-minor-incursions-2022-01-20-the-week"), "SUPPORTS"),
    ("Biden and White House Press Secretary Jen Psaki backtracked the same day by clarifying a "
     "strong U.S response to any Russian advance on Ukraine.",
     ("biden-clarifies-invasion-2022-01-20-reuters",
      "biden-minor-incursion-2022-01-19-politico-psaki-statement"), "SUPPORTS"),
    ("\"If it proves useful and productive for the two presidents to meet, to talk, to engage, to "
     "try to carry things forward, I think we're fully prepared to do that,\" Blinken said.",
     ("geneva-blinken-summit-possible-2022-01-21-abc-news",), "SUPPORTS"),
    ("Blinken was in Geneva as the final leg of his shuttle diplomacy between Ukraine and Germany, "
     "where he also met with his counterparts from France, Italy and the United Kingdom.",
     ("berlin-transatlantic-quad-2022-01-20-state-dept-readout",
      "geneva-blinken-press-availability-2022-01-21-state-dept"), "REFUTES"),
    ("However, Russia is willing to meet again with its U.S counterparts after it receives a "
     "written response to a series of proposals it issued after that week.",
     ("geneva-blinken-summit-possible-2022-01-21-abc-news",), "REFUTES"),
    ("Lavrov, the Russian foreign minister, and Blinken confirmed a response would be delivered by "
     "next week.",
     ("geneva-blinken-press-availability-2022-01-21-state-dept",
      "geneva-blinken-lavrov-2022-01-21-itv"), "SUPPORTS"),
]


def _doc_ids() -> set[str]:
    loaded = load_corpus([ROOT / "corpus"])
    return {d.doc_id for d in loaded.documents}


def _check(retriever, article: str, claims) -> None:
    ids = _doc_ids()
    misses = []
    for claim, docs, stance in claims:
        assert claim in article, f"not in the article any more: {claim[:60]!r}"
        assert stance in ("SUPPORTS", "REFUTES")
        assert set(docs) <= ids, f"named documents missing from corpus/: {set(docs) - ids}"
        top = [h.passage.doc_id for h in retriever.search(claim, top_k=5)]
        if not set(docs) & set(top):
            misses.append((claim[:60], docs, top))
    assert not misses, misses


def test_every_demo_claim_finds_its_document_in_the_top_5(demo_retriever) -> None:
    _check(demo_retriever, DEMO_ARTICLE.read_text(encoding="utf-8"), DEMO_CLAIMS)


@pytest.mark.shared
def test_every_seed_claim_finds_its_document_in_the_top_5(demo_retriever) -> None:
    article = shared_or_skip(SEED_ARTICLE).read_text(encoding="utf-8")
    _check(demo_retriever, article, SEED_CLAIMS)


def test_the_coverage_table_names_only_real_documents() -> None:
    """docs/demo_coverage.md names documents by id; every one in its claim tables exists (the
    section on replaced sources below them names removed documents on purpose)."""
    import re

    text = (ROOT / "docs" / "demo_coverage.md").read_text(encoding="utf-8")
    table = text.split("## Sources replaced")[0]
    named = set(re.findall(r"`([a-z0-9][a-z0-9-]+-\d{4}-\d{2}-\d{2}[a-z0-9-]*)`", table))
    assert named, "no document ids found in docs/demo_coverage.md"
    assert named <= _doc_ids(), named - _doc_ids()
    listed = {d for _, docs, _ in DEMO_CLAIMS + SEED_CLAIMS for d in docs}
    assert listed <= named, f"documents used here but missing from the table: {listed - named}"
