"""Settings, read once from the environment with sensible defaults.

This is the only module that reads `os.environ`. Every setting has an environment variable
named `CHECKER_<NAME>`; the README lists them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from checker.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "all-MiniLM-L6-v2"

MODES = ("hybrid", "dense", "lexical")
FUSIONS = ("rrf", "weighted")


@dataclass(frozen=True)
class RetrievalConfig:
    mode: str = "hybrid"
    fusion: str = "weighted"  # measured best on SciFact and CheckThat! 2A: bench/RESULTS.md
    rrf_k: int = 60
    dense_weight: float = 0.7
    candidates: int = 50
    clean_queries: bool = False

    def best_possible(self) -> float:
        """The highest fused score a passage can get, for drawing score bars."""
        if self.fusion == "weighted" and self.mode == "hybrid":
            return 1.0
        return (2.0 if self.mode == "hybrid" else 1.0) / (self.rrf_k + 1)

    def __post_init__(self) -> None:
        if self.mode not in MODES or self.fusion not in FUSIONS:
            raise ValueError(f"unknown retrieval mode {self.mode!r} or fusion {self.fusion!r}")


def _home(env: dict[str, str]) -> Path:
    return Path(env.get("CHECKER_HOME", PROJECT_ROOT / ".checker"))


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    corpus: Path = PROJECT_ROOT / "corpus"
    uploads: Path = PROJECT_ROOT / ".checker" / "uploads"
    index: Path = PROJECT_ROOT / ".checker" / "index"
    db: str = ""
    top_k: int = 5
    claim_threshold: float = 0.38
    evidence_batch: int = 20  # claims whose evidence is searched at once: the app's first batch, each batch after
    max_claims: int = 30  # distinct claims that get evidence in one check (CLI, API) or one load (app)
    request_seconds: float = 60.0  # an API check past this many seconds ends in a JSON error (504)
    rate_per_minute: float = 60.0  # API requests a minute per client address (0: no limit; 429 beyond)
    rate_burst: int = 10  # API requests a client may send at once before the rate applies
    max_sentences: int = 2_000  # sentences scored per text at most; beyond it the notes say what was left out
    max_article_chars: int = 10_000_000
    batch_size: int = 32
    max_shards: int = 8  # an index rebuild that would leave more shards compacts them into one
    rrf_k: int = 60
    candidates: int = 50
    fusion: str = "weighted"
    dense_weight: float = 0.7
    cache: Path = PROJECT_ROOT / ".checker" / "cache"
    organisation: str = "Fact-checking desk"
    max_upload_bytes: int = 20_000_000
    allow_private_urls: bool = False
    fetch_timeout: float = 15.0
    review_url: str = "https://factcheck.example/claims/{claim_id}"
    rating_scale: str = ""  # ClaimReview ratings, "Label=Name:number, ..." (checker/verdicts/export.py); "": 1-5
    match_threshold: float = 0.38  # fused dense + lexical similarity, tuned by bench/match_paraphrases.py
    match_dense_weight: float = 0.5
    factcheck_index: Path = PROJECT_ROOT / ".checker" / "factchecks"  # published fact-checks: FAISS + BM25
    factcheck_threshold: float = 0.65  # fused similarity to show a fact-check (2A train precision 0.90)
    factcheck_dense_weight: float = 0.8  # weighted fusion for fact-check matching (2A train)
    factcheck_top_k: int = 3  # fact-checks shown per claim at most
    factchecks: Path = PROJECT_ROOT / "checker" / "demo" / "factchecks.json"  # ClaimReview `index` imports
    warm_up: bool = True  # the app loads the model in the background when its first page is shown
    reader: bool = True  # re-rank and judge evidence with the reader (checker/reading/model.py)
    reader_dir: Path = PROJECT_ROOT / "checker" / "models" / "reader"  # the reader's weights folder
    rerank_depth: int = 20  # fused candidates the reader judges per claim
    relevance_floor: float = -1.0  # below it a passage is not evidence; negative: the floor tuned in training
    debug: bool = False
    api_token: str = field(default="", repr=False)  # CHECKER_API_TOKEN: bearer token for API writes
    api_max_body_bytes: int = 2_000_000  # the API refuses larger request bodies (413)

    def __post_init__(self) -> None:
        if self.max_claims < 1 or self.request_seconds <= 0 or self.rate_per_minute < 0 or self.rate_burst < 1:
            raise ValueError("CHECKER_MAX_CLAIMS and CHECKER_RATE_BURST must be at least 1, CHECKER_REQUEST_SECONDS "
                             "above 0 and CHECKER_RATE_PER_MINUTE at least 0")

    def claims_at_once(self) -> int:
        """Claims whose evidence one load searches: the evidence batch, never above CHECKER_MAX_CLAIMS."""
        return max(1, min(self.evidence_batch, self.max_claims))

    def corpus_paths(self) -> list[Path]:
        """What the index is built from: the corpus, plus documents uploaded in the app."""
        return [self.corpus] + ([self.uploads] if self.uploads.is_dir() else [])

    def retrieval_config(self, **changes: Any) -> RetrievalConfig:
        base: dict[str, Any] = {"fusion": self.fusion, "dense_weight": self.dense_weight, "rrf_k": self.rrf_k,
                "candidates": self.candidates}
        return RetrievalConfig(**(base | {k: v for k, v in changes.items() if v is not None}))

    def with_(self, **changes: Any) -> Settings:
        """A copy with some settings replaced; `None` values are ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from `env` (default: the process environment)."""
    env = dict(os.environ if env is None else env)
    home = _home(env)
    values: dict[str, Any] = {
        "index": home / "index",
        "uploads": home / "uploads",
        "cache": home / "cache",
        "factcheck_index": home / "factchecks",
        "db": f"sqlite:///{home / 'verdicts.db'}",
    }
    for f in fields(Settings):
        raw = env.get(f"CHECKER_{f.name.upper()}")
        if raw is None or raw == "":
            continue
        default = getattr(Settings, f.name)
        try:
            if isinstance(default, bool):
                values[f.name] = raw.lower() in {"1", "true", "yes", "on"}
            elif isinstance(default, int):
                values[f.name] = int(raw)
            elif isinstance(default, float):
                values[f.name] = float(raw)
            elif isinstance(default, Path):
                values[f.name] = Path(raw).expanduser()
            else:
                values[f.name] = raw
        except ValueError as exc:
            raise ConfigError(f"CHECKER_{f.name.upper()}={raw!r} is not a valid value: {exc}") from exc
    try:
        return Settings(**values)
    except ValueError as exc:
        raise ConfigError(f"a CHECKER_* setting is not valid: {exc}") from exc
