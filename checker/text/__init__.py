"""Text primitives every stage shares: decoding bytes to text, sentences with exact offsets,
query cleaning, and the MiniLM sentence encoder with its embedding cache.

Depends only on `checker.types`, `checker.config` and `checker.errors`.
"""
