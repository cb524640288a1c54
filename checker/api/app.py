"""The HTTP API (FastAPI): the same engine and JSON as the command line.

`create_app` takes a loaded retriever and verdict store, so the model and index load once,
when the server starts (`python -m checker serve`), never per request. Every error is JSON
`{"error": "..."}` with its status code; a traceback goes to the server's log only. The
documentation pages (`/docs`, `/redoc`) load Swagger UI and ReDoc from the server itself
(fastapi-offline), so they work without the internet.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from checker.api import deadline, schemas
from checker.api import factchecks as factcheck_routes
from checker.api.guard import BodyLimit, allow_read, read_account, write_account
from checker.api.limits import RateLimit
from checker.api.records import claim_record, database_ok, verdict_dict
from checker.config import Settings
from checker.errors import CheckerError, IndexMismatchError, IndexMissingError, InputError, ModelError
from checker.evidence.retrieve import Retriever
from checker.types import Hit, Passage
from checker.verdicts.accounts import Account
from checker.verdicts.store import StoreError, VerdictStore

log = logging.getLogger("checker.api")
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": schemas.ErrorOut, "description": text}
    for code, text in [(400, "the body cannot be read"), (401, "the token is missing or wrong"),
                       (403, "writes are disabled"), (404, "not found"), (413, "the request body is too large"),
                       (422, "the request is not valid"),
                       (429, "too many requests from this client (CHECKER_RATE_BURST, CHECKER_RATE_PER_MINUTE)"),
                       (503, "the engine or database is unavailable")]
}
bearer = HTTPBearer(auto_error=False, description="an account's token (users token NAME) or CHECKER_API_TOKEN; "
                                                  "needed for writes")


@dataclass
class Engine:
    """What every request shares: settings, the loaded retriever and the verdict store."""

    settings: Settings
    retriever: Retriever
    store: VerdictStore
    factchecks: Any = None  # checker.factchecks.index.FactCheckMatcher, when fact-checks were imported

    def __post_init__(self) -> None:
        self.passages: dict[str, Passage] = {p.passage_id: p for p in self.retriever.index.passages}


def _error(code: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=code, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = tuple(err.get("loc", ()))
        if err.get("type") == "json_invalid":
            parts.append("the body is not valid JSON")
            continue
        if loc == ("body",) and err.get("type") in ("model_attributes_type", "dict_type"):
            parts.append("the body must be a JSON object, sent with Content-Type: application/json")
            continue
        where = ".".join(str(x) for x in loc if x != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "the request is not valid"


def _status_of(exc: CheckerError) -> int:
    if isinstance(exc, InputError):
        return 422
    if isinstance(exc, IndexMissingError | IndexMismatchError | ModelError | StoreError):
        return 503
    return 400


def _check_options(engine: Engine, body: schemas.CheckIn) -> dict[str, Any]:
    """The keyword arguments `check_article` takes, from the request and the settings."""
    from checker.pipeline import check_article, reader_options

    s = engine.settings
    wanted = {"top_k": body.top_k or s.top_k,
              "threshold": s.claim_threshold if body.threshold is None else body.threshold,
              "max_claims": getattr(s, "max_claims", None), "evidence_batch": getattr(s, "evidence_batch", None),
              "check_all": body.all or None, "max_chars": s.max_article_chars, "max_sentences": s.max_sentences,
              "article_date": body.date.isoformat() if body.date else None} | reader_options(s)
    accepted = inspect.signature(check_article).parameters
    return {k: v for k, v in wanted.items() if v is not None and k in accepted}


def _save(engine: Engine, text: str, body: schemas.CheckIn, out: dict[str, Any]) -> None:
    """Store the article and its claims (with their vectors, for 'already checked' matches)."""
    claims = out["claims"]
    article_id = engine.store.add_article(text, source="api",
                                          published=body.date.isoformat() if body.date else None)
    vectors = engine.retriever.embed([c["text"] for c in claims]) if claims else None
    ids = engine.store.add_claims(article_id, [(c["start"], c["end"], c["text"], c["score"]) for c in claims],
                                  vectors=vectors, model=engine.retriever.embedder.name)
    for c, cid in zip(claims, ids, strict=True):
        c["claim_id"] = cid
    out["article_id"] = article_id


def _with_fact_checks(engine: Engine, result: Any) -> Any:
    """The check's result, each claim carrying the published fact-checks of claims like it."""
    from dataclasses import replace

    from checker.factchecks.index import with_fact_checks

    return replace(result, reports=with_fact_checks(result.reports, engine.factchecks))


def create_app(engine: Engine) -> FastAPI:
    app = FastAPIOffline(title="Claim checker API", version="1", responses=ERRORS,
                         description="Check-worthy claims, their evidence, and reviewers' verdicts. Reads are open "
                                     "on loopback; writes need `Authorization: Bearer <token>`: an account's "
                                     "token, under whose name they are recorded, or CHECKER_API_TOKEN.")
    app.state.engine = engine
    deadline.install(app)
    token = engine.settings.api_token

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = str(exc.detail)
        if exc.status_code == 400 and "parsing the body" in detail:  # FastAPI's words for undecodable bytes
            detail = "the body cannot be read: send JSON encoded as UTF-8"
        return _error(exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        unreadable = any(err.get("type") == "json_invalid" for err in exc.errors())
        return _error(400 if unreadable else 422, _validation_message(exc))  # a body that is not JSON is unreadable

    @app.exception_handler(CheckerError)
    async def checker_error(_: Request, exc: CheckerError) -> JSONResponse:
        return _error(_status_of(exc), str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error in %s %s", request.method, request.url.path)
        return _error(500, f"unexpected {type(exc).__name__}; the server's log has the details")

    def read_access(request: Request) -> None:
        allow_read(request, token, engine.store)

    def write_access(request: Request,
                     _: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None) -> None:
        request.state.account = write_account(request, token, engine.store)  # None: CHECKER_API_TOKEN

    Read = Depends(read_access)
    factcheck_routes.add_routes(app, engine, read_access, write_access)

    @app.get("/healthz", response_model=schemas.HealthOut, responses={503: ERRORS[503]})
    def healthz() -> Any:
        """Model and index loaded, database reachable."""
        problem = database_ok(engine.store)
        index = {"passages": len(engine.retriever.index)}
        body = {"status": "ok" if problem is None else "degraded", "model": engine.retriever.embedder.name,
                "index": index, "database": "ok" if problem is None else problem}
        if problem is not None:
            return JSONResponse(body | {"error": f"the database does not answer: {problem}"}, status_code=503)
        return body

    @app.post("/v1/check", response_model=schemas.CheckOut, dependencies=[Read],
              responses={504: {"model": schemas.ErrorOut,
                               "description": "the check ran past CHECKER_REQUEST_SECONDS; the claims finished so "
                                              "far come with the error"}})
    async def check(body: schemas.CheckIn, request: Request) -> Any:
        """The claims of an article and the evidence for each: the same object as `check --json`.
        Bounded: past CHECKER_REQUEST_SECONDS it ends in 504 with the claims finished so far, and it
        stops when the client disconnects."""
        from starlette.concurrency import run_in_threadpool

        from checker.pipeline import check_article

        if body.save:
            write_access(request)
        options = _check_options(engine, body)
        result = await deadline.run_bounded(request, engine.settings.request_seconds, lambda bound: check_article(
            body.text, retriever=engine.retriever, bound=bound, **options))
        out = (await run_in_threadpool(_with_fact_checks, engine, result)).to_dict()
        if body.save:
            await run_in_threadpool(_save, engine, body.text, body, out)
        return JSONResponse(out)

    @app.get("/v1/search", response_model=schemas.SearchOut, dependencies=[Read])
    def search(q: Annotated[str, Query(min_length=1, max_length=5000, pattern=r"\S",
                                       description="what to search for")],
               top_k: Annotated[int | None, Query(ge=1, le=50)] = None) -> Any:
        """Evidence passages for a query (as `search --json`)."""
        hits: list[Hit] = engine.retriever.search(q, top_k=top_k or engine.settings.top_k)
        return JSONResponse({"hits": [h.to_dict() for h in hits]})

    @app.get("/v1/claims/{claim_id}", response_model=schemas.ClaimRecordOut, dependencies=[Read])
    def claim(claim_id: Annotated[int, Path(ge=1, le=schemas.MAX_ID)]) -> Any:
        """A stored claim, its article, and every version of its verdict."""
        record = claim_record(engine.store, claim_id)
        if record is None:
            return _error(404, f"no claim with id {claim_id}")
        return JSONResponse(record)

    @app.post("/v1/claims/{claim_id}/verdicts", response_model=schemas.VerdictOut, status_code=201,
              dependencies=[Depends(write_access)])
    def add_verdict(claim_id: Annotated[int, Path(ge=1, le=schemas.MAX_ID)], body: schemas.VerdictIn,
                    request: Request) -> Any:
        """Save a new version of the verdict on a claim, under the token's account; earlier versions stay."""
        from checker.workbench import cite

        account: Account | None = request.state.account
        if account is None and body.reviewer is None:
            return _error(422, "reviewer: a verdict sent with CHECKER_API_TOKEN needs the reviewer's name")
        if account is not None and body.reviewer is not None and body.reviewer.strip() != account.name:
            return _error(422, f"reviewer: this token is {account.name!r}'s; leave reviewer out")
        reviewer = account.name if account is not None else str(body.reviewer)
        if claim_record(engine.store, claim_id) is None:
            return _error(404, f"no claim with id {claim_id}")
        unknown = [p for p in body.cite if p not in engine.passages]
        if unknown:
            return _error(422, f"cite: no passage with id {unknown[0]!r} in the index")
        cited = cite([Hit(engine.passages[p], 0.0, 0.0, 0.0) for p in dict.fromkeys(body.cite)])
        verdict = engine.store.save_verdict(claim_id, label=body.label, note=body.note, reviewer=reviewer,
                                            claim_text=body.claim_text, cited=cited)
        return JSONResponse(verdict_dict(verdict), status_code=201)

    @app.get("/v1/export", dependencies=[Read],
             responses={200: {"content": {"text/csv": {}, "application/ld+json": {}},
                              "description": "the verdicts as CSV or a ClaimReview JSON-LD array"}})
    def export(request: Request, format: Annotated[Literal["csv", "claimreview"], Query()] = "csv",
               all_versions: bool = False, publish: bool = False) -> Response:
        """The latest verdict on every claim (or every version) as CSV or schema.org ClaimReview
        (`publish=true` refuses a review URL left at the placeholder)."""
        from checker.verdicts.export import to_claimreview, to_csv

        account = read_account(request, engine.store)
        if account is not None and not account.editor:
            return _error(403, f"exports need an editor's account; {account.name!r} is a reviewer")
        rows = engine.store.latest_rows(all_versions=all_versions, claimants=format != "csv")
        if format == "csv":
            return Response(to_csv(rows), media_type="text/csv; charset=utf-8")
        s = engine.settings
        return Response(to_claimreview(rows, organisation=s.organisation, url_template=s.review_url,
                                       scale=s.rating_scale, publish=publish),
                        media_type="application/ld+json")

    return app


def build(engine: Engine) -> Any:
    """The ASGI application to serve: the API behind the rate limit and the request-body limit."""
    s = engine.settings
    return RateLimit(BodyLimit(create_app(engine), limit=s.api_max_body_bytes), per_minute=s.rate_per_minute,
                     burst=s.rate_burst)
