"""Per-account API tokens through the real server (`python -m checker serve`): writes recorded
under the token's account and kept apart, a revoked token refused, the shared
CHECKER_API_TOKEN still working as before."""

from pathlib import Path

import pytest
import requests

from checker.verdicts import accounts
from checker.verdicts.store import VerdictStore
from tests.apiserver import serve
from tests.test_cli import run_cli

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def server(demo_index: Path, tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("api-accounts")
    store = VerdictStore(f"sqlite:///{home / 'verdicts.db'}")
    accounts.add_account(store, "Ada", "correct horse", role="editor")
    accounts.add_account(store, "Bo", "battery staple", role="reviewer")
    with serve(home, demo_index, token="shared-token", env={"CHECKER_RATE_PER_MINUTE": "0"}) as running:
        yield running, store


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


SHORT = ("Officials said 100,000 troops were massed near the border on Friday. "
         "The ministry said 3,000 tanks had been moved in January.")


def _claims(url: str, token: str) -> list[int]:
    """Claims stored by a check that saves (a write), sent with `token`."""
    done = requests.post(f"{url}/v1/check", json={"text": SHORT, "save": True, "all": True},
                         headers=_bearer(token), timeout=300)
    assert done.status_code == 200, done.text
    return [c["claim_id"] for c in done.json()["claims"]]


def test_two_accounts_writes_are_kept_apart(server) -> None:
    api, store = server
    ada, bo = accounts.new_token(store, "Ada")[1], accounts.new_token(store, "Bo")[1]
    claim_ids = _claims(api.url, bo)  # a reviewer may check and store
    assert len(claim_ids) >= 2
    first, second = claim_ids[:2]
    for cid, token, label in [(first, ada, "Supported"), (first, bo, "Misleading"), (second, bo, "Refuted")]:
        done = requests.post(f"{api.url}/v1/claims/{cid}/verdicts", json={"label": label}, headers=_bearer(token),
                             timeout=30)
        assert done.status_code == 201, done.text
    history = requests.get(f"{api.url}/v1/claims/{first}", timeout=30).json()["verdicts"]
    assert [(v["reviewer"], v["label"]) for v in history] == [("Ada", "Supported"), ("Bo", "Misleading")]
    assert [r.verdict.claim_id for r in store.latest_rows(reviewer="Bo", all_versions=True)] == [second, first]
    assert [r.verdict.claim_id for r in store.latest_rows(reviewer="Ada", all_versions=True)] == [first]

    # a token cannot sign as someone else; the shared token still names its reviewer, as before
    forged = requests.post(f"{api.url}/v1/claims/{second}/verdicts", json={"label": "Supported", "reviewer": "Ada"},
                           headers=_bearer(bo), timeout=30)
    assert forged.status_code == 422 and forged.json() == {"error": "reviewer: this token is 'Bo''s; leave "
                                                                    "reviewer out"}
    same = requests.post(f"{api.url}/v1/claims/{second}/verdicts", json={"label": "Supported", "reviewer": "Bo"},
                         headers=_bearer(bo), timeout=30)
    assert same.status_code == 201 and same.json()["reviewer"] == "Bo"
    shared = requests.post(f"{api.url}/v1/claims/{second}/verdicts", json={"label": "Refuted", "reviewer": "Cy"},
                           headers=_bearer("shared-token"), timeout=30)
    assert shared.status_code == 201 and shared.json()["reviewer"] == "Cy"
    nameless = requests.post(f"{api.url}/v1/claims/{second}/verdicts", json={"label": "Refuted"},
                             headers=_bearer("shared-token"), timeout=30)
    assert nameless.status_code == 422 and "needs the reviewer's name" in nameless.json()["error"]
    assert [v.reviewer for v in store.history(second)] == ["Bo", "Bo", "Cy"]

    # exports are an editor's: a reviewer's token is refused them, an editor's gets them
    refused = requests.get(f"{api.url}/v1/export", headers=_bearer(bo), timeout=30)
    assert refused.status_code == 403 and "editor" in refused.json()["error"]
    csv = requests.get(f"{api.url}/v1/export?all_versions=true", headers=_bearer(ada), timeout=30)
    assert csv.status_code == 200 and "Ada" in csv.text


def test_a_revoked_token_is_refused(server) -> None:
    api, store = server
    token_id, token = accounts.new_token(store, "Bo")
    cid = _claims(api.url, token)[0]
    before = len(store.history(cid))
    ok = requests.post(f"{api.url}/v1/claims/{cid}/verdicts", json={"label": "Supported"}, headers=_bearer(token),
                       timeout=30)
    assert ok.status_code == 201
    done = run_cli("users", "token", "Bo", "--revoke", str(token_id), home=api.home)
    assert done.returncode == 0, done.stderr
    for method, path, body in [("post", f"/v1/claims/{cid}/verdicts", {"label": "Refuted"}),
                               ("post", "/v1/check", {"text": SHORT, "save": True})]:
        refused = requests.request(method, f"{api.url}{path}", json=body, headers=_bearer(token), timeout=60)
        assert refused.status_code == 401, refused.text
        assert refused.json() == {"error": "this token was revoked: ask an editor for a new one"}
    assert len(store.history(cid)) == before + 1  # only the write made before the revocation
    wrong = requests.post(f"{api.url}/v1/claims/{cid}/verdicts", json={"label": "Refuted"},
                          headers=_bearer("ck_never_made"), timeout=30)
    assert wrong.status_code == 401 and wrong.json() == {"error": "the bearer token is wrong"}
    missing = requests.post(f"{api.url}/v1/claims/{cid}/verdicts", json={"label": "Refuted"}, timeout=30)
    assert missing.status_code == 401 and "account's token" in missing.json()["error"]
