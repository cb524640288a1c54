"""Code run in child processes by the reliability tests (importable, so `spawn` can find it)."""

from __future__ import annotations

import sys
import time
from pathlib import Path


def save_many(url: str, claim_ids: list[int], worker: int, count: int) -> int:
    """Save `count` verdict versions spread over `claim_ids`; returns how many were saved."""
    from checker.verdicts.store import VerdictStore

    store = VerdictStore(url, retries=60)
    labels = ["Supported", "Refuted", "Misleading"]
    for i in range(count):
        store.save_verdict(claim_ids[(worker * 7 + i) % len(claim_ids)], label=labels[i % 3],
                           reviewer=f"reviewer-{worker}", note=f"worker {worker} save {i}")
    return count


class SlowEmbedder:
    """The hashing embedder, slowed down, announcing when it starts (so a test can kill it)."""

    def __init__(self, marker: Path) -> None:
        from tests.conftest import HashEmbedder

        self.inner = HashEmbedder()
        self.name = self.inner.name
        self.marker = marker

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts, *, batch_size=32, progress=None):  # type: ignore[no-untyped-def]
        self.marker.write_text("embedding")
        time.sleep(60)
        return self.inner.encode(texts)


if __name__ == "__main__":  # python -m tests.workers INDEX_DIR MARKER: a build that hangs
    from checker.evidence.index import build_index
    from checker.types import Document

    folder, marker = Path(sys.argv[1]), Path(sys.argv[2])
    docs = [Document(f"new{i}", "New", f"Brand new document number {i} about something else.") for i in range(50)]
    build_index(docs, SlowEmbedder(marker), folder)
