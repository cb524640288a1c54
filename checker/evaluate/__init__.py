"""Measuring the judgement: metrics (trec_eval-style retrieval, classification), loaders for
BEIR-layout, check-worthiness and stance data, and benchmark runs of the retriever.

Depends on `checker.evidence` (to index a benchmark corpus) and the bottom modules.
"""
