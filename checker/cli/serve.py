"""`serve`: the HTTP API on one host and port, with the model and index loaded once."""

from __future__ import annotations

import argparse
import socket
import sys

from checker.cli.common import _stderr
from checker.config import Settings
from checker.errors import InputError

WARM_UP = "The index held 100 passages on 21 January 2022, officials said."


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or InputError saying why it cannot be."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"--host {host!r}: {exc}") from exc
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from checker.api.guard import is_loopback

    if not 1 <= args.port <= 65535:
        raise InputError(f"--port must be between 1 and 65535, not {args.port}")
    if settings.api_token and not settings.api_token.strip():
        raise InputError("CHECKER_API_TOKEN is blank (only spaces): set a real secret, or unset it to serve "
                         "loopback reads only")
    from checker.verdicts import accounts
    from checker.verdicts.store import VerdictStore

    store = VerdictStore(settings.db)
    with_accounts = accounts.has_accounts(store)
    if not is_loopback(args.host) and not settings.api_token and not with_accounts:
        raise InputError(f"refusing to listen on {args.host}, which other machines can reach, without a token: "
                         "set CHECKER_API_TOKEN or add accounts (python -m checker users add), or serve on 127.0.0.1")
    if settings.api_max_body_bytes < 1:
        raise InputError("CHECKER_API_MAX_BODY_BYTES must be at least 1")
    sock = listening_socket(args.host, args.port)
    import uvicorn

    from checker.api.app import Engine, build
    from checker.pipeline import check_article, open_retriever, reader_options

    _stderr(f"loading the model and the index {settings.index} …")
    retriever = open_retriever(settings)
    check_article(WARM_UP, retriever=retriever, top_k=1, **reader_options(settings))  # loads every model now
    from checker.factchecks.index import open_matcher

    app = build(Engine(settings, retriever, store, open_matcher(settings, retriever.embedder)))
    host = f"[{args.host}]" if ":" in args.host else args.host
    writes = ("need a token" if settings.api_token or with_accounts
              else "disabled: no CHECKER_API_TOKEN and no accounts")
    _stderr(f"serving the API on http://{host}:{args.port} (writes {writes}); Ctrl+C stops it")
    # proxy headers off: the client address that decides loopback reads is the socket's, never an
    # X-Forwarded-For header (uvicorn would otherwise believe one sent from 127.0.0.1)
    config = uvicorn.Config(app, log_level=args.log_level, access_log=args.log_level in ("debug", "info"),
                            timeout_graceful_shutdown=5, proxy_headers=False, forwarded_allow_ips="")
    uvicorn.Server(config).run(sockets=[sock])
    sys.stderr.flush()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the HTTP API (see the README for its endpoints)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; any other needs CHECKER_API_TOKEN)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--index", metavar="DIR", help="index folder")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"],
                   help="server log level (info logs each request)")
    p.set_defaults(run=cmd_serve)
