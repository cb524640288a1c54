"""What the fine-tuned check-worthiness classifier costs on top of the sentence embedding.

    python bench/checkworthiness_cost.py [--repeat 5] [--sentences 256] [--no-record]

Three ways to get both the MiniLM embeddings and the scores of the same sentences, each
timed (median of `--repeat`) against a plain embedding pass (`Embedder.encode`) in the same
run: the embedding alone (the baseline), the embedding then the classifier on its own
(`score_sentences`: two passes over the lower layers), and one shared pass
(`embed_and_score`: the frozen lower layers once, then MiniLM's own top layers for the
vector and the fine-tuned ones for the score). Also checks that the shared vectors equal the
embedder's (largest absolute difference).
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from common import ROOT, median_time, record

from checker.claims.checkworthy import default_model, embed_and_score, score_sentences
from checker.config import DEFAULT_MODEL
from checker.text.embed import get_embedder
from checker.text.sentences import split_sentences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sentences", type=int, default=256, help="how many sentences of the ClaimBuster data")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    demo = [s.text for s in split_sentences((ROOT / "checker" / "demo" / "article.txt").read_text())]
    source = ROOT.parent / "shared" / "data" / "checkworthiness" / "claimbuster-crowdsourced.jsonl"
    texts = list(demo)
    if source.is_file():
        rows = [json.loads(line) for line in source.read_text().splitlines()[: args.sentences]]
        texts += [r["text"] for r in rows]
    embedder, model = get_embedder(DEFAULT_MODEL), default_model()
    embedder.encode(texts[:8])  # warm both
    model.score(texts[:8])

    def separate() -> None:
        vectors = embedder.encode(texts)
        score_sentences(texts, vectors=vectors, embedding_model=DEFAULT_MODEL)

    base = median_time(lambda: embedder.encode(texts), args.repeat)
    two = median_time(separate, args.repeat)
    shared = median_time(lambda: embed_and_score(texts), args.repeat)
    classifier = median_time(lambda: model.score(texts), args.repeat)
    diff = float(np.abs(embed_and_score(texts)[0] - embedder.encode(texts)).max())
    lines = [f"{len(texts)} sentences ({len(demo)} of the demo article, the rest ClaimBuster's); "
             f"median of {args.repeat}; fine-tuned layers {model.config['layers']} of 6",
             f"embedding alone (baseline): {base * 1000:.0f} ms",
             f"classifier alone: {classifier * 1000:.0f} ms ({classifier / base:.2f}x)",
             f"embedding, then classifier (two passes): {two * 1000:.0f} ms ({two / base:.2f}x)",
             f"shared lower layers (`embed_and_score`): {shared * 1000:.0f} ms ({shared / base:.2f}x)",
             f"largest difference between the shared vectors and the embedder's: {diff:.1e}"]
    for line in lines:
        print(line)
    if not args.no_record:
        record("checkworthiness_cost", lines)


if __name__ == "__main__":
    main()
