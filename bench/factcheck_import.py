"""Importing a 10,000-record fact-check feed: read, store, index (the real model), and re-import.

The feed is generated here in the aggregator layout (claimReviewed, reviewRating.alternateName,
author, datePublished, url, itemReviewed.author, itemReviewed.datePublished), with claims built
from templates and numbers so that no two are the same. It also measures pyld (JSON-LD
expansion with an offline schema.org context) against the workbench's own reader on the same
feed: time, and whether both find the same claim, url and rating for every record.

    python bench/factcheck_import.py [--records 10000] [--no-record]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

from common import record

SUBJECTS = ["The city council", "The health ministry", "A viral post", "The governor", "A campaign ad",
            "The central bank", "An opposition leader", "A television host", "The education board", "A senator"]
VERBS = ["said unemployment fell by", "claimed spending rose by", "stated that crime dropped by",
         "wrote that prices went up by", "argued that turnout grew by", "said emissions were cut by"]
PLACES = ["in the capital", "across the region", "nationwide", "in rural areas", "among young voters"]
RATINGS = ["True", "Mostly true", "Half true", "Mostly false", "False", "Pants on Fire", "Misleading", "Unproven"]


def feed(n: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    items = []
    for i in range(n):
        claim = (f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.randint(2, 95)} percent "
                 f"{rng.choice(PLACES)} between {2000 + i % 20} and {2001 + i % 20} (item {i}).")
        items.append({"@type": "ClaimReview", "claimReviewed": claim,
                      "reviewRating": {"@type": "Rating", "alternateName": rng.choice(RATINGS)},
                      "author": {"@type": "Organization", "name": f"Checker {i % 7}"},
                      "datePublished": f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}",
                      "url": f"https://feed.example/checks/{i}",
                      "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": f"Speaker {i % 50}"},
                                       "datePublished": f"2021-{1 + i % 12:02d}-01"}})
    return {"@context": "https://schema.org", "@type": "DataFeed",
            "dataFeedElement": [{"@type": "DataFeedItem", "item": [x]} for x in items]}


def pyld_triples(data: dict) -> tuple[float, list[tuple[str, str, str]]]:
    from pyld import jsonld

    def offline(url: str, options: object = None) -> dict:
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": {"@context": {"@vocab": "https://schema.org/"}}}

    t0 = time.perf_counter()
    expanded = jsonld.expand(data, {"documentLoader": offline})
    s = "https://schema.org/"
    out = []
    stack = list(expanded)
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if s + "ClaimReview" in node.get("@type", []):
                rating = node[s + "reviewRating"][0][s + "alternateName"][0]["@value"]
                out.append((node[s + "claimReviewed"][0]["@value"], node[s + "url"][0]["@value"], rating))
            else:
                stack.extend(v for v in node.values() if isinstance(v, (list, dict)))
    return time.perf_counter() - t0, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    from checker.config import DEFAULT_MODEL
    from checker.factchecks.files import read_files
    from checker.factchecks.index import build_factcheck_index
    from checker.factchecks.store import FactCheckStore
    from checker.text.embed import get_embedder

    load_before = os.getloadavg()
    data = feed(args.records)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feed.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        embedder = get_embedder(DEFAULT_MODEL)
        embedder.encode(["warm up"])  # the model's load is not the import's
        t0 = time.perf_counter()
        loaded = read_files([path])
        t_read = time.perf_counter() - t0
        store = FactCheckStore.open(f"sqlite:///{tmp}/v.db")
        report = store.upsert(loaded.records)
        t_store = time.perf_counter() - t0 - t_read
        built = build_factcheck_index(store.all(), embedder, Path(tmp) / "fc", batch_size=32)
        total = time.perf_counter() - t0
        t1 = time.perf_counter()
        again = store.upsert(read_files([path]).records)
        rebuilt = build_factcheck_index(store.all(), embedder, Path(tmp) / "fc")
        t_again = time.perf_counter() - t1
        t_pyld, triples = pyld_triples(data)
    ours = sorted((r.claim, r.url, r.rating) for r in loaded.records)
    same = ours == sorted(triples)
    load_after = os.getloadavg()
    lines = [
        f"{args.records:,} records in the aggregator feed layout ({len(json.dumps(data)):,} "
        f"bytes): {len(loaded.records):,} read, {len(loaded.problems)} problems; {report.line()}",
        f"import total {total:.1f} s (target < 60 s): read {t_read:.2f} s, store {t_store:.2f} s, "
        f"index {built.seconds if built else 0:.1f} s ({built.embedded if built else 0:,} embedded)",
        f"re-import of the same feed: {again.line()}, index up to date: {bool(rebuilt and rebuilt.up_to_date)}; "
        f"{t_again:.1f} s",
        f"pyld 3.3.0 expansion (offline context) of the same feed: {t_pyld:.2f} s against our reader's "
        f"{t_read:.2f} s; the same (claim, url, rating) for every record: {same}",
        f"load average before {load_before[0]:.2f} / {load_before[1]:.2f}, after {load_after[0]:.2f} / "
        f"{load_after[1]:.2f}",
    ]
    print("\n".join(lines))
    if not args.no_record:
        record("factcheck_import", lines)


if __name__ == "__main__":
    main()
