"""Who may do what, and how much they may send: the API's access rules and body limit.

Reads are open to clients on this machine (a loopback address); from anywhere else they
need a bearer token too. Writes always need a token: an account's (`python -m checker users
token NAME`), under whose name the write is recorded, or the shared `CHECKER_API_TOKEN`. With
neither, the API accepts no writes at all. A revoked account token is refused as revoked.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from fastapi import HTTPException, Request, status

if TYPE_CHECKING:
    from checker.verdicts.accounts import Account
    from checker.verdicts.store import VerdictStore

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and `localhost`; False for anything else, names included."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _token_matches(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def require_token(request: Request, token: str) -> None:
    """Let a write through only with the right bearer token."""
    if not token:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            "writes are disabled: start the server with CHECKER_API_TOKEN set")
    given = _bearer(request)
    if not _token_matches(given, token):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                            "this request writes: send 'Authorization: Bearer <CHECKER_API_TOKEN>'"
                            if given is None else "the bearer token is wrong",
                            headers={"WWW-Authenticate": "Bearer"})


def write_account(request: Request, token: str, store: VerdictStore) -> Account | None:
    """Who a write comes from: the account whose API token was sent, or None for CHECKER_API_TOKEN.

    401 for a missing, wrong or revoked token; 403 when no token of any kind can be right."""
    from checker.verdicts import accounts

    given = _bearer(request)
    if token and _token_matches(given, token):
        return None
    if given is not None:
        account, revoked = accounts.token_account(store, given)
        if account is not None:
            return account
        if revoked:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "this token was revoked: ask an editor for a new one",
                                headers={"WWW-Authenticate": "Bearer"})
    if not token and not accounts.has_accounts(store):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "writes are disabled: start the server with "
                            "CHECKER_API_TOKEN set, or make an account's token (python -m checker users token NAME)")
    raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                        "this request writes: send 'Authorization: Bearer <token>' (an account's token "
                        "or CHECKER_API_TOKEN)" if given is None else "the bearer token is wrong",
                        headers={"WWW-Authenticate": "Bearer"})


def read_account(request: Request, store: VerdictStore) -> Account | None:
    """The account of a live account token sent with a read, if any."""
    from checker.verdicts import accounts

    given = _bearer(request)
    return accounts.token_account(store, given)[0] if given else None


def allow_read(request: Request, token: str, store: VerdictStore | None = None) -> None:
    """Reads are open on loopback; a client elsewhere needs CHECKER_API_TOKEN or a live account token."""
    client = request.client.host if request.client else None
    if is_loopback(client):
        return
    if store is not None and read_account(request, store) is not None:
        return
    if not token or not _token_matches(_bearer(request), token):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                            "reads from other machines need 'Authorization: Bearer <CHECKER_API_TOKEN>'",
                            headers={"WWW-Authenticate": "Bearer"})


class BodyLimit:
    """ASGI middleware: a request body over `limit` bytes gets 413 before any route sees it.

    A declared Content-Length over the limit is refused at once; otherwise the body is read
    (up to the limit) and handed on whole.
    """

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                await _send_error(send, 400, "the Content-Length header is not a number")
                return
            if too_big:
                await _send_error(send, 413, self._message())
                return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.limit:
                await _send_error(send, 413, self._message())
                return
            if not message.get("more_body", False):
                break
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _message(self) -> str:
        return (f"the request body is larger than {self.limit:,} bytes "
                "(CHECKER_API_MAX_BODY_BYTES sets the limit)")


async def _send_error(send: Send, code: int, message: str) -> None:
    payload = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": code,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": payload})
