"""Schemathesis against the real server's /openapi.json: requests generated from the schema, valid
and not, must get documented status codes and JSON error bodies, never a server error.

Each operation runs a few positive and negative examples (Hypothesis, derandomised), so the run
stays well under a minute. Schemathesis' pytest loader (`from_fixture`) does not work with
pytest 9, so each test draws its cases from the operation's strategy with `@given`.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

pytestmark = pytest.mark.model

OPERATIONS = [("GET", "/healthz"), ("POST", "/v1/check"), ("GET", "/v1/search"), ("GET", "/v1/claims/{claim_id}"),
              ("POST", "/v1/claims/{claim_id}/verdicts"), ("GET", "/v1/export"), ("GET", "/v1/factchecks/search"),
              ("POST", "/v1/factchecks")]
EXAMPLES = 6


@pytest.fixture(scope="module")
def api_schema(api_server):
    return schemathesis.openapi.from_url(f"{api_server.url}/openapi.json")


def test_every_operation_is_fuzzed(api_schema) -> None:
    found = {(r.ok().method.upper(), r.ok().path) for r in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


CASES = [(m, p, mode) for m, p in OPERATIONS for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if not (p == "/healthz" and mode is GenerationMode.NEGATIVE)]  # no parameters: nothing to get wrong


@pytest.mark.parametrize(("method", "path", "mode"), CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES])
def test_operation_conforms_to_the_schema(api_schema, method, path, mode) -> None:
    operation = api_schema[path][method]
    session = requests.Session()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        response = case.call_and_validate(session=session, timeout=120)
        if response.status_code >= 400:
            body = response.json()
            assert isinstance(body.get("error"), str) and body["error"], response.text[:200]

    run()
