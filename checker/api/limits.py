"""How often one client may call the API: a token bucket per client address, as ASGI middleware.

Each client (the socket's peer address: proxy headers are off, so `X-Forwarded-For` cannot pick
another bucket) may send `burst` requests at once, then `per_minute` a minute. A request beyond
that gets 429 with a `Retry-After` header and the JSON error every other error has, before its
body is read. Only `/v1/` routes count; `/healthz` and the documentation pages do not.
`per_minute` 0 switches the limit off.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable

from checker.api.guard import ASGIApp, Receive, Scope, Send

MAX_CLIENTS = 10_000  # buckets kept at most; the full ones (clients at rest) are dropped first


class TokenBuckets:
    """One bucket per key: `burst` tokens, refilled at `per_minute` a minute; thread-safe."""

    def __init__(self, *, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when counted)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when `key` may go ahead now (one token taken), else the seconds until it may."""
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > MAX_CLIENTS:
                    self._forget(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate if self.rate > 0 else math.inf

    def _forget(self, now: float) -> None:
        full = [k for k, (t, then) in self._buckets.items() if t + (now - then) * self.rate >= self.burst]
        for k in full:
            del self._buckets[k]
        while len(self._buckets) > MAX_CLIENTS:  # all busy: drop the oldest counted
            del self._buckets[min(self._buckets, key=lambda k: self._buckets[k][1])]


class RateLimit:
    """ASGI middleware: 429 for a client past its bucket on any `/v1/` route."""

    def __init__(self, app: ASGIApp, *, per_minute: float, burst: int) -> None:
        self.app = app
        self.per_minute, self.burst = per_minute, burst
        self.buckets = TokenBuckets(per_minute=per_minute, burst=burst) if per_minute > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.buckets is None or scope["type"] != "http" or not str(scope.get("path", "")).startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = str(client[0]) if client else "unknown"
        wait = self.buckets.take(key)
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        retry = max(1, math.ceil(wait))
        payload = json.dumps({"error": f"too many requests from {key}: at most {self.burst} at once and "
                                       f"{self.per_minute:g} a minute (CHECKER_RATE_BURST, CHECKER_RATE_PER_MINUTE); "
                                       f"retry in {retry} s"}).encode()
        await send({"type": "http.response.start", "status": 429,
                    "headers": [(b"content-type", b"application/json"), (b"retry-after", str(retry).encode()),
                                (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})
