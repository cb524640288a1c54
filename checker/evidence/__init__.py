"""Finding evidence: the corpus (documents, passages, decoding, fetching), the index folder
(FAISS, BM25, manifest) and fused retrieval.

Depends on `checker.text` and the bottom modules.
"""
