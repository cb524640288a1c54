"""The API's fact-check routes: search the imported fact-checks, and import more (a write).

`POST /v1/factchecks` takes the JSON that `factchecks import` reads from a file (one ClaimReview
object, a list, an `@graph` or a feed), stores its records (a URL already there is updated),
rebuilds the fact-check index and swaps the server's matcher for the new one.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from checker.api import schemas
from checker.factchecks.files import Loaded
from checker.factchecks.records import records_from_json

_import_lock = threading.Lock()  # one import rebuilds the index at a time


def add_routes(app: FastAPI, engine: Any, read: Any, write: Any) -> None:
    @app.get("/v1/factchecks/search", response_model=schemas.FactChecksOut, dependencies=[Depends(read)])
    def search_factchecks(q: Annotated[str, Query(min_length=1, max_length=5000, pattern=r"\S",
                                                  description="a claim")],
                          top_k: Annotated[int | None, Query(ge=1, le=50)] = None,
                          all: Annotated[bool, Query(description="also matches under the threshold")] = False) -> Any:
        """Published fact-checks of claims like `q`, best first (as `factchecks search --json`)."""
        matcher = engine.factchecks
        if matcher is None:
            return JSONResponse({"fact_checks": [], "threshold": engine.settings.factcheck_threshold,
                                 "fact_checks_indexed": 0})
        found = matcher.match([q], top_k=top_k, threshold=0.0 if all else None)[0]
        return JSONResponse({"fact_checks": [m.to_dict() for m in found], "threshold": matcher.threshold,
                             "fact_checks_indexed": len(matcher)})

    @app.post("/v1/factchecks", response_model=schemas.FactCheckImportOut, status_code=201,
              dependencies=[Depends(write)])
    async def import_factchecks(body: Annotated[Any, Body(description="ClaimReview JSON-LD: an object, a list, "
                                                                      "an @graph or a feed")]) -> Any:
        """Import published fact-checks (a write: needs the token); the index is rebuilt before the answer."""
        loaded = records_from_json(body, where="body")
        if not loaded.records:
            return JSONResponse({"error": "no fact-check could be read: " + "; ".join(loaded.problems[:5])},
                                status_code=422)
        return JSONResponse(await run_in_threadpool(_import, engine, loaded), status_code=201)


def _import(engine: Any, loaded: Loaded) -> dict[str, Any]:
    from checker.factchecks.index import build_factcheck_index, open_matcher
    from checker.factchecks.store import FactCheckStore

    s = engine.settings
    with _import_lock:
        store = FactCheckStore(engine.store)
        report = store.upsert(loaded.records)
        build_factcheck_index(store.all(), engine.retriever.embedder, s.factcheck_index, batch_size=s.batch_size,
                              max_shards=s.max_shards)
        engine.factchecks = open_matcher(s, engine.retriever.embedder, lookup=store.get)
    return {"read": len(loaded.records), "added": report.added, "updated": report.updated,
            "unchanged": report.unchanged, "duplicates": loaded.duplicates, "problems": loaded.problems,
            "fact_checks_indexed": len(engine.factchecks) if engine.factchecks is not None else 0}
