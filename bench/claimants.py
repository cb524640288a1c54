"""Who makes the claim: the claimant rules against tests/data/claimants.jsonl (hand-labelled FNC-1
train sentences, read in place from ../shared). Dev tunes the rules; test is reported.

    python bench/claimants.py [--data ../shared/data/stance] [--mistakes dev] [--no-record]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from common import ROOT, record

from checker.evaluate.claimants import load_rows, score_rows, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "stance"))
    parser.add_argument("--mistakes", choices=["dev"], help="print the dev rows the rules get wrong")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    rows, bodies = load_rows(ROOT / "tests" / "data" / "claimants.jsonl", Path(args.data) / "fnc1-bodies-train.jsonl")
    load = os.getloadavg()
    lines = [f"load average at start {load[0]:.2f} / {load[1]:.2f}; rules only, no model; 309 labelled sentences "
             "of 58 FNC-1 train bodies (split by body before any rule was tuned; dev tuned the rules)"]
    for split in ("dev", "test"):
        scored = score_rows([r for r in rows if r["split"] == split], bodies)
        s = summary(scored)
        kinds = ", ".join(f"{k.removeprefix('accuracy_')} {v:.2f}" for k, v in s.items() if k.startswith("accuracy_"))
        lines.append(f"{split} ({int(s['sentences'])} sentences): claimant accuracy {s['claimant_accuracy']:.3f}; "
                     f"attribution found P {s['attributed_precision']:.2f} / R {s['attributed_recall']:.2f}; "
                     f"statement span F1 {s['statement_f1']:.2f}; by labelled kind: {kinds}")
        print(lines[-1])
        if args.mistakes == split:
            for x in scored:
                if not x.correct:
                    print(f"  {x.row['id']} want {x.row['claimant']!r} ({x.row['kind']}) got {x.got.name!r} "
                          f"({x.got.kind}): {x.sentence[:160]!r}")
    if not args.no_record:
        record("claimants", lines)


if __name__ == "__main__":
    main()
