"""Published fact-checks: ClaimReview records imported from files, kept in the database, indexed
like the corpus (FAISS + BM25), and matched against every claim of a check ("already fact-checked")."""
