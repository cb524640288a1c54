"""The reviewer's state for one article, with the hashing embedder and a real store."""

from pathlib import Path

import pytest

from checker import workbench as wb
from checker.config import Settings
from checker.errors import InputError
from checker.index import build_index, load_index
from checker.retrieve import Retriever
from checker.store import VerdictStore

ARTICLE = ("Talks in Geneva\nRussia has massed 100,000 troops near the border, officials said. "
           "Blinken and Lavrov met in Geneva and no breakthrough was achieved. "
           "The weather was nice. What happens next?")


@pytest.fixture
def env(tmp_path: Path, tiny_docs, hash_embedder):
    build_index(tiny_docs, hash_embedder, tmp_path / "idx")
    retriever = Retriever(load_index(tmp_path / "idx"), hash_embedder)
    store = VerdictStore(f"sqlite:///{tmp_path / 'v.db'}")
    settings = Settings(uploads=tmp_path / "uploads", max_claims=10, match_threshold=0.9)
    return retriever, store, settings


def test_open_article_saves_claims_with_evidence(env) -> None:
    retriever, store, settings = env
    work = wb.open_article(ARTICLE, retriever=retriever, store=store, settings=settings,
                           url="https://news.example/x", source="Example")
    assert len(work.claims) == len(work.sentences) == 5
    top = work.visible(0.35)
    assert "100,000 troops" in top[0].sentence
    for c in work.claims:
        assert ARTICLE[c.start : c.end] == c.sentence and c.evidence
    assert "massed 100,000" in work.context(top[0])


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


def test_claim_limit_is_reported(env) -> None:
    retriever, store, settings = env
    long = " ".join(f"Officials said {i} thousand troops moved on day {i}." for i in range(30))
    work = wb.open_article(long, retriever=retriever, store=store, settings=settings)
    assert len(work.claims) == 10 and work.truncated == 20


def test_uploads_are_checked_before_saving(env, tmp_path: Path) -> None:
    _, _, settings = env
    path, count, _ = wb.save_upload("my doc.md", b"---\ntitle: T\n---\nBody text.", settings=settings)
    assert path.name == "my-doc.md" and count == 1 and path.exists()
    for name, data, message in [("x.exe", b"MZ", "only"), ("big.txt", b"x" * (settings.max_upload_bytes + 1),
                                                             "limit"), ("bad.pdf", b"nope", "PDF")]:
        with pytest.raises(InputError, match=message):
            wb.save_upload(name, data, settings=settings)
    assert sorted(p.name for p in settings.uploads.iterdir()) == ["my-doc.md"]


def test_corpus_summary(env) -> None:
    retriever, _, _ = env
    summary = wb.corpus_summary(retriever.index.passages)
    assert [d.doc_id for d in summary] == ["troops", "geneva", "football"]
    assert all(d.passages == 1 for d in summary)


def test_changed_evidence_is_detected_after_a_corpus_edit(env, tmp_path: Path, tiny_docs, hash_embedder) -> None:
    """A verdict records its passages' hashes; after a corpus edit, the changed one is flagged."""
    from dataclasses import replace

    from checker.store import changed_evidence

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
