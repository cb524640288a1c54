"""Finding evidence: the corpus (documents, passages, decoding, fetching), the index folder
(a manifest and shards, put together as FAISS and BM25 on load), fused retrieval, and the
reader (`reader`: a cross-encoder that scores relevance and stance; `rerank`: re-ranking, the
relevance floor and the suggested verdict).

Depends on `checker.text` and the bottom modules.
"""
