"""A claim fact-checking engine: find check-worthy claims and retrieve evidence for them.

Importing this package is cheap: torch, sentence-transformers, FAISS and Streamlit load only
when a function that needs them runs.
"""

__version__ = "0.1.0"
