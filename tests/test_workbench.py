"""The reviewer's state for one article, with the hashing embedder and a real store."""

from pathlib import Path

import pytest

from checker import workbench as wb
from checker.config import Settings
from checker.errors import CheckerError, InputError
from checker.evidence.index import build_index, load_index
from checker.evidence.retrieve import Retriever
from checker.verdicts.store import VerdictStore

ARTICLE = ("Talks in Geneva\nRussia has massed 100,000 troops near the border, officials said. "
           "Blinken and Lavrov met in Geneva and no breakthrough was achieved. "
           "The weather was nice. What happens next?")


@pytest.fixture
def env(tmp_path: Path, tiny_docs, hash_embedder):
    build_index(tiny_docs, hash_embedder, tmp_path / "idx")
    retriever = Retriever(load_index(tmp_path / "idx"), hash_embedder)
    store = VerdictStore(f"sqlite:///{tmp_path / 'v.db'}")
    settings = Settings(uploads=tmp_path / "uploads", evidence_batch=10, match_threshold=0.9)
    return retriever, store, settings


def test_open_article_saves_claims_with_evidence(env) -> None:
    retriever, store, settings = env
    work = wb.open_article(ARTICLE, retriever=retriever, store=store, settings=settings,
                           url="https://news.example/x", source="Example")
    assert len(work.claims) == len(work.sentences) == 5
    top = work.visible(0.35)
    assert "100,000 troops" in top[0].sentence
    for c in top:  # listed claims get their evidence at once; the others when opened
        assert c.loaded and (c.evidence or c.weaker)
    for c in work.claims:
        assert ARTICLE[c.start : c.end] == c.sentence
    assert "massed 100,000" in work.context(top[0])
    rest = [c for c in work.claims if not c.loaded]
    assert rest and all(c.score < 0.35 for c in rest)
    assert wb.load_evidence(work, rest, retriever=retriever, settings=settings) == len(rest)
    assert all(c.loaded and (c.evidence or c.weaker) for c in work.claims)


def test_dismiss_promote_reword(env) -> None:
    retriever, store, settings = env
    work = wb.open_article(ARTICLE, retriever=retriever, store=store, settings=settings)
    top = work.visible(0.35)[0]
    top.dismissed = True
    assert top not in work.visible(0.35)
    question = next(c for c in work.claims if c.sentence.endswith("?"))
    assert question not in work.visible(0.35)
    again = wb.promote(work, next(s for s in work.sentences if s.text.endswith("?")),
                       retriever=retriever, store=store, settings=settings)
    assert again is question and again in work.visible(0.35)
    wb.reword(top, "football cup final", retriever=retriever, settings=settings)
    assert top.query == "football cup final" and top.evidence[0].passage.doc_id == "football"
    with pytest.raises(InputError):
        wb.reword(top, "   ", retriever=retriever, settings=settings)


def test_verdicts_are_found_again_in_a_new_article(env) -> None:
    """A verdict saved on one article shows up on the same claim in another article."""
    retriever, store, settings = env
    work = wb.open_article(ARTICLE, retriever=retriever, store=store, settings=settings)
    claim = work.visible(0.35)[0]
    v = wb.save_verdict(claim, store=store, label="Supported", note="n", reviewer="ann",
                        cited=claim.evidence[:1])
    assert v.evidence[0].passage_id == claim.evidence[0].passage.passage_id
    assert len(v.evidence[0].passage_hash) == 64
    other = wb.open_article("Breaking news\n" + claim.sentence + " More words follow here.",
                            retriever=retriever, store=store, settings=settings)
    match = next(c for c in other.claims if c.sentence == claim.sentence).match
    assert match is not None and match.row.verdict.label.value == "Supported"
    same = wb.open_article(ARTICLE, retriever=retriever, store=store, settings=settings)
    assert same.get(claim.claim_id).verdict.version == 1


def test_long_text_lists_every_claim_and_loads_evidence_in_batches(env) -> None:
    """Nothing is cut: all 30 claims are listed, the first 10 get evidence at once, the rest per batch."""
    retriever, store, settings = env
    long = " ".join(f"Officials said {i} thousand troops moved on day {i}." for i in range(30))
    work = wb.open_article(long, retriever=retriever, store=store, settings=settings)
    listed = work.visible(0.35)
    assert len(work.claims) == len(listed) == 30 and work.truncated == 0
    assert [c.loaded for c in listed] == [True] * 10 + [False] * 20
    assert work.waiting(0.35) == listed[10:]
    steps: list[tuple[int, int]] = []
    done = wb.load_evidence(work, work.waiting(0.35)[:15], retriever=retriever, settings=settings,
                            store=store, progress=lambda i, n, _: steps.append((i, n)))
    assert done == 15 and steps == [(0, 15), (10, 15), (15, 15)] and len(work.waiting(0.35)) == 5
    assert all(c.evidence or c.weaker for c in listed[:25])  # searched: evidence, or matches below the floor
    again = wb.reopen_article(work.article_id, store=store, settings=settings)
    assert again is not None and sum(c.loaded for c in again.claims) == 25  # loaded evidence was remembered


def test_short_text_and_check_all_make_every_sentence_a_claim(env) -> None:
    """The user's intent wins: one or two sentences, or the switch, list every sentence whatever its score."""
    retriever, store, settings = env
    for text in ["The weather was nice.", "The weather was nice. What happens next?"]:
        work = wb.open_article(text, retriever=retriever, store=store, settings=settings)
        assert work.every_sentence and all(c.score < 0.35 for c in work.claims)
        assert sorted(c.sentence for c in work.visible(0.99)) == sorted(s.text for s in work.sentences)
        assert all(c.loaded for c in work.claims)
    plain = wb.open_article(ARTICLE, retriever=retriever, store=store, settings=settings)
    every = wb.open_article(ARTICLE, retriever=retriever, store=store, settings=settings, check_all=True)
    assert not plain.every_sentence and len(plain.visible(0.35)) < 5
    assert every.every_sentence and len(every.visible(0.35)) == 5 and not every.waiting(0.35)


def test_uploads_are_checked_before_saving(env, tmp_path: Path) -> None:
    _, _, settings = env
    path, count, _ = wb.save_upload("my doc.md", b"---\ntitle: T\n---\nBody text.", settings=settings)
    assert path.name.startswith("my-doc-") and path.suffix == ".md" and count == 1 and path.exists()
    for name, data, message in [("x.exe", b"MZ", "only"), ("big.txt", b"x" * (settings.max_upload_bytes + 1),
                                                             "limit"), ("bad.pdf", b"nope", "PDF")]:
        with pytest.raises(InputError, match=message):
            wb.save_upload(name, data, settings=settings)
    assert sorted(p.name for p in settings.uploads.iterdir()) == [path.name]


def test_upload_names_never_clash_or_overflow(env) -> None:
    """`report.md`, `report .md` and `report!.md` are three files; a 300-character name is saved."""
    _, _, settings = env
    body = b"---\ntitle: T\n---\nBody text."
    saved = [wb.save_upload(name, body, settings=settings)[0]
             for name in ("report.md", "report .md", "report!.md", "r" * 300 + ".md")]
    assert len({p.name for p in saved}) == 4 and all(p.exists() and len(p.name) <= 110 for p in saved)
    _, _, problems = wb.save_upload("report.md", body, settings=settings)
    assert any("replaced the earlier upload" in p for p in problems)


def test_upload_names_differing_in_case_or_folder_never_replace_each_other(env) -> None:
    """Red team: `report.md` then `report.MD` replaced it, and so did `/etc/cron.d/evil.md` and
    `....//....//evil.md`; names that differ in case only are distinct files on any file system."""
    _, _, settings = env
    names = ["report.md", "report.MD", "Report.md", "REPORT.md", "/etc/cron.d/evil.md", "....//....//evil.md",
             "evil.md", "a/evil.md", "a\\evil.md"]
    saved = {}
    for name in names:
        path, _, problems = wb.save_upload(name, f"---\ntitle: {name}\n---\nBody text.".encode(), settings=settings)
        assert not problems, (name, problems)
        assert path.parent == settings.uploads
        saved[name] = path
    assert len({p.name.lower() for p in saved.values()}) == len(names)  # distinct even ignoring case
    assert saved["report.md"].name == "report.md" and saved["evil.md"].name == "evil.md"
    assert sorted(p.name for p in settings.uploads.iterdir()) == sorted(p.name for p in saved.values())
    assert {n: p.read_bytes().decode().splitlines()[1] for n, p in saved.items()} == {n: f"title: {n}" for n in names}


def test_corpus_summary(env) -> None:
    retriever, _, _ = env
    summary = wb.corpus_summary(retriever.index.passages)
    assert [d.doc_id for d in summary] == ["troops", "geneva", "football"]
    assert all(d.passages == 1 for d in summary)


def test_changed_evidence_is_detected_after_a_corpus_edit(env, tmp_path: Path, tiny_docs, hash_embedder) -> None:
    """A verdict records its passages' hashes; after a corpus edit, the changed one is flagged."""
    from dataclasses import replace

    from checker.verdicts.store import changed_evidence

    retriever, store, settings = env
    work = wb.open_article(ARTICLE, retriever=retriever, store=store, settings=settings)
    claim = work.visible(0.0)[0]
    verdict = wb.save_verdict(claim, store=store, label="Supported", note="", reviewer="ann",
                              cited=claim.evidence[:2])
    before = wb.current_hashes(retriever.index.passages)
    assert changed_evidence(verdict.evidence, before) == []
    edited = [replace(d, text=d.text + " Corrected later.") if d.doc_id == verdict.evidence[0].doc_id else d
              for d in tiny_docs]
    build_index(edited, hash_embedder, tmp_path / "idx")
    after = wb.current_hashes(load_index(tmp_path / "idx").passages)
    assert [c.passage_id for c in changed_evidence(verdict.evidence, after)] == [verdict.evidence[0].passage_id]


def test_checked_article_reopens_with_its_claims_and_evidence(env) -> None:
    """An article reopens from the store as it was left: claims, rewording, evidence, verdicts."""
    from checker.verdicts import worklog

    retriever, store, settings = env
    work = wb.open_article(ARTICLE, retriever=retriever, store=store, settings=settings, title="Talks")
    top = work.visible(0.35)[0]
    wb.reword(top, "football cup final", retriever=retriever, settings=settings, store=store,
              article_id=work.article_id)
    dropped = work.visible(0.35)[1]
    wb.dismiss(work, dropped, store=store)
    wb.save_verdict(top, store=store, label="Refuted", note="n", reviewer="ann", cited=top.evidence[:1])
    again = wb.reopen_article(work.article_id, store=store, settings=settings)
    assert again is not None and again.text == ARTICLE and again.title == "Talks"
    assert sorted(c.claim_id for c in again.claims) == sorted(c.claim_id for c in work.claims)
    back = again.get(top.claim_id)
    assert back.query == "football cup final" and back.evidence == top.evidence
    assert any(c.weaker for c in work.claims)  # second walk, item 5: the weaker matches come back too
    assert all(again.get(c.claim_id).weaker == c.weaker for c in work.claims)
    assert back.verdict is not None and back.verdict.label.value == "Refuted" and back.status == "done"
    assert again.get(dropped.claim_id).dismissed and again.sentences == work.sentences
    assert wb.reopen_article(work.article_id + 99, store=store, settings=settings) is None
    (summary,) = worklog.article_summaries(store, threshold=0.0)
    assert (summary.article_id, summary.claims, summary.verdicts, summary.open) == (work.article_id, 4, 1, 3)
    listed = work.visible(0.35)  # the Articles page counts the claims the Check page lists, not every sentence
    assert 1 <= len(listed) < 4
    (summary,) = worklog.article_summaries(store, threshold=0.35)
    assert (summary.claims, summary.verdicts, summary.open) == (len(listed), 1, len(listed) - 1)
    low = next(c for c in work.claims if c.score < 0.35 and not c.dismissed)
    wb.promote(work, next(s for s in work.sentences if s.start == low.start), retriever=retriever, store=store,
               settings=settings)  # a claim made by hand counts whatever its score
    (summary,) = worklog.article_summaries(store, threshold=0.35)
    assert summary.claims == len(work.visible(0.35)) == len(listed) + 1
    # The page shows the headline a reopening shows (second walk, item 9): the same text checked again
    # without details keeps them, and a text with none takes its first line.
    assert wb.open_article(ARTICLE, retriever=retriever, store=store, settings=settings).title == "Talks"
    fresh = wb.open_article("Russia massed troops, officials said.\nMore follows.", retriever=retriever,
                            store=store, settings=settings)
    assert fresh.title == "Russia massed troops, officials said." == wb.reopen_article(
        fresh.article_id, store=store, settings=settings).title


def test_work_queue_assignments_and_comments(env) -> None:
    from checker.verdicts import worklog

    retriever, store, settings = env
    first = wb.open_article(ARTICLE, retriever=retriever, store=store, settings=settings)
    second = wb.open_article("Other news\nThe football cup final ended two to one after extra time.",
                             retriever=retriever, store=store, settings=settings)
    mine = first.claims[0].claim_id
    worklog.set_status(store, mine, status="in review", assignee="Ada")
    worklog.set_status(store, second.claims[0].claim_id, assignee="Bob")
    assert [q.claim_id for q in worklog.queue(store, assignee="Ada")] == [mine]
    assert worklog.queue(store, assignee="Ada")[0].status == "in review"
    with pytest.raises(CheckerError):
        worklog.set_status(store, mine, status="finished")
    worklog.add_comment(store, mine, author="Ada", text="Which estimate?")
    worklog.add_comment(store, mine, author="Bob", text="The January one.")
    assert [(c.author, c.text) for c in worklog.comment_list(store, mine)] == [
        ("Ada", "Which estimate?"), ("Bob", "The January one.")]
    with pytest.raises(CheckerError):
        worklog.add_comment(store, mine, author=" ", text="x")
    again = wb.open_article(ARTICLE, retriever=retriever, store=store, settings=settings)
    assert (again.get(mine).status, again.get(mine).assignee) == ("in review", "Ada")
    summaries = worklog.article_summaries(store, threshold=settings.claim_threshold)
    assert [s.article_id for s in summaries] == [first.article_id, second.article_id]  # newest check first


def test_already_checked_finds_a_paraphrase_in_another_article(env, tmp_path: Path) -> None:
    """Issue 14, bug 12: a reworded claim finds the earlier verdict (dense + lexical, the default
    threshold); an unrelated claim does not."""
    retriever, store, _ = env
    settings = Settings(uploads=tmp_path / "uploads", evidence_batch=10)  # the tuned defaults
    first = wb.open_article(ARTICLE, retriever=retriever, store=store, settings=settings)
    judged = next(c for c in first.claims if "100,000" in c.sentence)
    wb.save_verdict(judged, store=store, label="Supported", note="", reviewer="ann", cited=[])
    other = wb.open_article("Border news\nOfficials say Russia massed about 100,000 troops at the border. "
                            "The football cup final ended two to one after extra time.",
                            retriever=retriever, store=store, settings=settings)
    reworded = next(c for c in other.claims if "100,000" in c.sentence)
    assert reworded.match is not None and reworded.match.row.verdict.claim_id == judged.claim_id
    assert next(c for c in other.claims if "football" in c.sentence).match is None
    again = wb.reopen_article(other.article_id, store=store, settings=settings)
    assert again is not None and again.get(reworded.claim_id).match is not None


def test_lone_surrogates_in_an_article_and_a_note(env) -> None:
    """Text no UTF-8 encoder accepts (say, from a JSON `\\ud800` escape) is checked and saved."""
    retriever, store, settings = env
    article = ARTICLE.replace("troops", "troops \ud800", 1)
    work = wb.open_article(article, retriever=retriever, store=store, settings=settings)
    claim = work.visible(0.35)[0]
    assert work.text[claim.start : claim.end] == claim.sentence
    v = wb.save_verdict(claim, store=store, label="Supported", note="odd \udfff note", reviewer="ann",
                        cited=claim.evidence[:1])
    assert v.note == "odd \ufffd note"
