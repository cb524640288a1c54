"""The baseline of the API and batch benchmarks: the model forward passes that checking some
articles makes, run bare (as bench/check_latency.py does for one article).

Covered: the sentence embeddings of every article (the sentences a check scores), the
fine-tuned check-worthiness classifier over the same sentences when the check uses it, and the
reader over the very (claim, passage) pairs it scores when the reader is on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from checker.config import DEFAULT_MODEL, Settings
from checker.evidence.retrieve import Retriever
from checker.text.embed import same_model
from checker.text.sentences import split_sentences


def _classifier(settings: Settings) -> Any:
    if not same_model(settings.model, DEFAULT_MODEL):
        return None  # another embedding model: the transparent feature scorer runs, no forward pass
    from checker.claims.checkworthy import default_model

    return default_model()


def raw_forward_passes(articles: Sequence[str], claims: Sequence[Sequence[str]], *, retriever: Retriever,
                       settings: Settings, reading: dict[str, Any]) -> tuple[Callable[[], None], str]:
    """A function running the bare forward passes of checking `articles` (whose claims are
    `claims`), and a line saying what it covers."""
    sentences = [s.text for text in articles for s in split_sentences(text)[: settings.max_sentences]]
    model = retriever.embedder._load()  # type: ignore[attr-defined]  # the raw sentence-transformers model
    classifier = _classifier(settings)
    reader = reading.get("reader")
    pair_claims: list[str] = []
    pair_passages: list[str] = []
    if reader is not None:
        depth = max(settings.top_k, settings.rerank_depth)
        flat = [c for group in claims for c in group]
        for claim, hits in zip(flat, retriever.search_many(flat, top_k=depth), strict=True):
            pair_claims += [claim] * len(hits)
            pair_passages += [h.passage.embedding_text() for h in hits]

    def run() -> None:
        model.encode(sentences, batch_size=settings.batch_size, show_progress_bar=False)
        if classifier is not None:
            classifier.score(sentences)
        if reader is not None and pair_claims:
            reader.logits(pair_claims, pair_passages, batch_size=settings.batch_size)

    parts = [f"{len(sentences):,} sentence embeddings"]
    parts.append(f"check-worthiness classifier over the same {len(sentences):,} sentences" if classifier
                 else "no classifier pass (feature scorer with this model)")
    parts.append(f"reader over {len(pair_claims):,} (claim, passage) pairs" if reader is not None
                 else "no reader (CHECKER_READER off)")
    return run, "; ".join(parts)
