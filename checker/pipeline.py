"""`check_article`: claims out of an article, and evidence for each. Wiring only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from checker.claims import extract_claims
from checker.config import Settings
from checker.errors import InputError
from checker.retrieve import Retriever
from checker.types import ClaimReport

Progress = Callable[[int, int, str], None]


def validate_article(text: str, *, max_chars: int) -> str:
    """The article text, or InputError saying what is wrong with it."""
    if text is None or not text.strip():
        raise InputError("the article is empty: paste or load some text to check")
    if len(text) > max_chars:
        raise InputError(
            f"the article has {len(text):,} characters; the limit is {max_chars:,} "
            "(set CHECKER_MAX_ARTICLE_CHARS to raise it)"
        )
    return text


def check_article(
    text: str,
    *,
    retriever: Retriever,
    top_k: int = 5,
    threshold: float = 0.35,
    max_claims: int | None = 40,
    max_chars: int = 200_000,
    progress: Progress | None = None,
) -> list[ClaimReport]:
    """One report per claim scoring at least `threshold`, most check-worthy first."""
    validate_article(text, max_chars=max_chars)
    if progress:
        progress(0, 2, "finding claims")
    claims = extract_claims(text, threshold=threshold, max_claims=max_claims)
    if not claims:
        return []
    if progress:
        progress(1, 2, f"searching evidence for {len(claims)} claims")
    texts = [c.text for c in claims]
    vectors = retriever.embed(texts)
    hits = retriever.search_many(texts, top_k=top_k, vectors=vectors)
    if progress:
        progress(2, 2, "done")
    return [ClaimReport(claim=c, evidence=tuple(h), vector=v)
            for c, h, v in zip(claims, hits, vectors, strict=True)]


def open_retriever(settings: Settings, *, index_dir: Path | None = None) -> Retriever:
    """The retriever for the configured model and index, refusing a mismatched pair."""
    from checker.embed import get_embedder
    from checker.index import load_index

    folder = Path(index_dir or settings.index)
    index = load_index(folder, model=settings.model)
    return Retriever(index, get_embedder(settings.model), config=settings.retrieval_config())
