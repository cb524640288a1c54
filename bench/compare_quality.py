"""How well `checker.compare` flags what a reviewer would flag, on the labelled pairs in
tests/data/compare_pairs.jsonl: precision and recall per kind of flag, a flag counting as right
only when it points at the labelled spans; the share of SciFact CONTRADICT and SUPPORT pairs
with a "differs" flag; and the CPU time per claim–passage pair (on the labelled pairs, and on
the demo article's claims against their top BM25 passages). Appends the tables to
bench/RESULTS.md unless --no-record.

    python bench/compare_quality.py [--json] [--no-record] [--mistakes [--split all|tune|holdout|second]]

A flag is a check a reviewer acts on (`Check.is_flag`): a number, date or negation that
"differs", a date that is unresolved, a name that is "missing". Each pair lists the flags a
careful reviewer would raise ("expected"), each with its claim span and, for a difference, its
evidence span, and the kinds it was labelled for ("labelled": SciFact pairs not for names). A
flag is a true positive when it has the expected kind and status and its spans overlap the
expected ones, each expected flag taken once (`checker/evaluate/compare_flags.py`); "misplaced"
counts the flags of the right kind on the wrong spans (a "differs" against the wrong figure),
which the earlier count per kind took for hits. Conventions: a nationality ("Russian") names
its country; job titles, headline words in capitals and product names are not names; a figure
or date about another event or measure is not a difference; contradictions count as "negation"
only when the polarity is explicit (negated/asserted, or an antonym such as increases/lower on
the same object).

How the figures were obtained. The rules' author labelled 250 pairs (demo, SciFact train,
constructed) before writing the code, then tuned the rules by reading the mistakes of the
"tune" split only; every third pair of each source is the "holdout" split, not perfectly blind
(its mistakes were listed once midway, and outputs on all pairs were compared with the first
version to catch regressions during a rewrite for speed). The spans of those labels were added
on 2026-12-07 by a second labeller from the texts and notes, with the code's flags shown
beside them (a flag on another figure or word than the note names was labelled a miss). The
"second" table holds 97 pairs the second labeller wrote on 2026-12-07 from rows of
../shared/data/stance (SciFact train rationales, FNC-1 train headline/snippet pairs; `row_id`
names each row) that the rules were never run on or tuned with, labelled before the code was
run on them: the closest to a blind test. Ten constructed pairs (constructed-095…104) were
added with issue 27 item 6 after its rule changes, by the one who made them, and demo-013 was
relabelled to the convention of issue 14 (100,000 against "tens of thousands" is a soft
difference, still a difference); tests/data/README.md says so.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from common import ROOT, record

from checker.compare import compare
from checker.evaluate.compare_flags import run_pair, score

PAIRS = ROOT / "tests" / "data" / "compare_pairs.jsonl"
TARGETS = {("number", "differs"): (0.9, 0.8), ("date", "differs"): (0.9, 0.8)}
CHECK_SECONDS = 0.150  # checking the demo article (bench/check_latency.py)
SPLITS = {
    "all": lambda p: True,
    "tune": lambda p: p.get("labeller") != "second labeller" and p.get("split") != "holdout",
    "holdout": lambda p: p.get("labeller") != "second labeller" and p.get("split") == "holdout",
    "second": lambda p: p.get("labeller") == "second labeller",
}
TITLES = {"all": "all", "tune": "rules author's pairs, tune split", "holdout": "rules author's pairs, holdout split",
          "second": "second labeller's pairs (SciFact train and FNC-1 rows the rules never saw)"}


def load_pairs(path: Path = PAIRS) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def meets_targets(result: dict) -> bool:
    for flag, (p_min, r_min) in TARGETS.items():
        row = result["flags"]["/".join(flag)]
        if (row["precision"] or 0) < p_min or (row["recall"] or 0) < r_min:
            return False
    return True


def time_per_pair(pairs: list[dict], repeat: int = 5) -> float:
    """Seconds of CPU per labelled pair, every text analysed afresh (best of `repeat`)."""
    from checker.compare import text as module

    best = float("inf")
    for _ in range(repeat):
        module.analyse.cache_clear()
        t0 = time.process_time()
        for pair in pairs:
            run_pair(pair)
        best = min(best, (time.process_time() - t0) / len(pairs))
    return best


def article_pairs(top_k: int = 5) -> tuple[list[tuple[str, str, str | None]], str]:
    """The demo article's claims, each with its top passages of the demo corpus by BM25: the
    texts the pipeline would compare (the dense half of retrieval is left out: no model here)."""
    from checker.claims.features import extract_claims
    from checker.config import Settings
    from checker.evidence.corpus import load_corpus, split_passages
    from checker.evidence.lexical import LexicalIndex

    settings = Settings()
    passages = [p for d in load_corpus([ROOT / "corpus"]).documents for p in split_passages(d)]
    lexical = LexicalIndex.build([p.embedding_text() for p in passages])
    article = (ROOT / "checker" / "demo" / "article.txt").read_text(encoding="utf-8")
    claims = extract_claims(article, threshold=settings.claim_threshold)
    out = []
    for claim in claims:
        scores = lexical.scores(claim.text)
        for row in sorted(range(len(passages)), key=lambda r: -scores[r])[:top_k]:
            out.append((claim.text, passages[row].text, passages[row].date))
    return out, "2022-01-21"


def time_article(repeat: int = 15) -> tuple[float, int]:
    """CPU seconds to compare every claim of the demo article with its passages, the analysis
    cache cleared first (as for a new article), best of `repeat`; and the number of pairs."""
    from checker.compare import text as module

    pairs, article_date = article_pairs()
    best = float("inf")
    for _ in range(repeat):
        module.analyse.cache_clear()
        t0 = time.process_time()
        for claim, passage, date in pairs:
            compare(claim, passage, claim_date=article_date, evidence_date=date)
        best = min(best, time.process_time() - t0)
    return best, len(pairs)


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def table_lines(name: str, result: dict) -> list[str]:
    lines = [f"#### {name} ({result['pairs']} pairs)", "",
             "| flag | tp | fp | fn | of which misplaced | precision | recall | target |",
             "|---|---|---|---|---|---|---|---|"]
    for flag, row in result["flags"].items():
        target = TARGETS.get(tuple(flag.split("/")))  # type: ignore[arg-type]
        shown = f"P ≥ {target[0]}, R ≥ {target[1]}" if target else ""
        lines.append(f"| {flag} | {row['tp']} | {row['fp']} | {row['fn']} | {row['misplaced']} | "
                     f"{_fmt(row['precision'])} | {_fmt(row['recall'])} | {shown} |")
    sf = result["scifact"]
    if sf["CONTRADICT"]["pairs"] or sf["SUPPORT"]["pairs"]:
        lines.append("")
        lines.append(f"SciFact pairs with a \"differs\" flag: CONTRADICT "
                     f"{sf['CONTRADICT']['with_differs']}/{sf['CONTRADICT']['pairs']} "
                     f"({_fmt(sf['CONTRADICT']['rate'])}), SUPPORT {sf['SUPPORT']['with_differs']}/"
                     f"{sf['SUPPORT']['pairs']} ({_fmt(sf['SUPPORT']['rate'])})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    parser.add_argument("--mistakes", action="store_true", help="list the pairs where flags disagree")
    parser.add_argument("--split", choices=tuple(SPLITS), default="all",
                        help="with --mistakes: which split's mistakes to list")
    args = parser.parse_args()

    pairs = load_pairs()
    results = {name: score([p for p in pairs if keep(p)]) for name, keep in SPLITS.items()}
    per_pair = time_per_pair(pairs)
    article_seconds, article_n = time_article()
    timing = [f"time per labelled pair: {per_pair * 1000:.3f} ms of CPU (every text analysed afresh, best of 5)",
              f"demo article, {article_n} claim–passage pairs (its claims × top-5 BM25 passages): "
              f"{article_seconds * 1000:.1f} ms of CPU, {article_seconds / article_n * 1000:.3f} ms per pair, "
              f"{article_seconds / CHECK_SECONDS:.0%} of the ~150 ms a check of the article takes (bench/RESULTS.md)"]
    if args.json:
        out = {k: {kk: vv for kk, vv in v.items() if kk != "mistakes" or args.mistakes} for k, v in results.items()}
        out["seconds_per_pair"] = per_pair
        out["article"] = {"pairs": article_n, "seconds": article_seconds,
                          "seconds_per_pair": article_seconds / article_n}
        out["targets_met"] = meets_targets(results["all"])
        print(json.dumps(out, indent=2))
    else:
        lines: list[str] = []
        for name in SPLITS:
            lines += [*table_lines(TITLES[name], results[name]), ""]
        lines += timing
        lines.append(f"targets (numbers and dates, all pairs): {'met' if meets_targets(results['all']) else 'NOT met'}")
        print("\n".join(lines))
        if args.mistakes:
            print()
            for m in results[args.split]["mistakes"]:
                print(f"{m['id']:16} {m['flag']:16} {m['error']}  claim {m['claim']!r}  evidence {m['evidence']!r}"
                      f"  {m['detail']}")
    if not args.no_record:
        sources = ", ".join(f"{n} {k}" for k, n in Counter(p["source"] for p in pairs).items())
        second = sum(SPLITS["second"](p) for p in pairs)
        summary = [f"{len(pairs)} labelled pairs ({sources}; {second} of them by the second labeller)", *timing,
                   f"targets (numbers and dates, all pairs): {'met' if meets_targets(results['all']) else 'NOT met'}",
                   "tables below", ""]
        for name in SPLITS:
            summary += [*table_lines(TITLES[name], results[name]), ""]
        record("compare_quality", summary)


if __name__ == "__main__":
    main()
