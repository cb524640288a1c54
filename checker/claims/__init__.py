"""Finding what to check in an article: sentence features, the check-worthiness classifier,
focus spans and standalone wordings.

Depends on `checker.text` and the bottom modules (`types`, `config`, `errors`).
"""
