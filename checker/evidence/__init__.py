"""Finding evidence: the corpus (documents, passages, decoding, fetching), the index folder
(a manifest and shards, put together as FAISS and BM25 on load) and fused retrieval. The reader that
judges what is found lives in `checker.reading`.

Depends on `checker.text` and the bottom modules.
"""
