"""Reading the evidence: between finding it and judging it. The reader (`model`: a
cross-encoder that scores each claim–passage pair's relevance and stance, with its stance
combiner over the rule checks in `stance_rules`), its use on retrieved hits (`rerank`: the
relevance floor, evidence and weaker matches) and the suggested verdict (`suggest`).

Depends on `checker.evidence`, `checker.compare`, `checker.text` and the bottom modules.
"""
