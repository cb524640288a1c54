"""Streamlit render helpers: they take domain objects and draw them; no business logic."""
