"""What reviewers decide: the verdict store (SQLAlchemy, versions, history) and its exports
(CSV and schema.org ClaimReview).

Depends only on the bottom modules (`types`, `config`, `errors`).
"""
