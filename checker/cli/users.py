"""`users`: reviewer accounts (add, list, passwd, remove) and their API tokens."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import TYPE_CHECKING

from checker.config import Settings
from checker.errors import InputError

if TYPE_CHECKING:
    from checker.verdicts.store import VerdictStore


def _store(args: argparse.Namespace, settings: Settings) -> VerdictStore:
    from checker.verdicts.store import VerdictStore

    return VerdictStore(args.db or settings.db)


def read_password(prompt: str = "Password: ") -> str:
    """From a prompt (typed twice, not echoed) on a terminal; otherwise the first line of stdin."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("Again: ") != first:
            raise InputError("the two passwords differ; nothing was changed")
        return first
    line = sys.stdin.readline()
    if not line:
        raise InputError("no password: type one at the prompt, or send it on standard input")
    return line.rstrip("\r\n")


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from checker.verdicts import accounts

    store = _store(args, settings)
    first = not accounts.has_accounts(store)
    account = accounts.add_account(store, args.name, read_password(), role=args.role)
    print(f"added {account.name} ({account.role})")
    if first:
        print("the app now asks everyone to sign in", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from checker.verdicts import accounts

    found = accounts.list_accounts(_store(args, settings))
    if args.json:
        print(json.dumps({"accounts": [{"name": a.name, "role": a.role, "created_at": a.created_at,
                                        "tokens": a.tokens} for a in found]}, ensure_ascii=False))
    elif not found:
        print("no accounts: the app runs as one local user on this machine")
    for a in found if not args.json else []:
        print(f"{a.name}\t{a.role}\t{a.tokens} token(s)\tsince {a.created_at[:10]}")
    return 0


def cmd_passwd(args: argparse.Namespace, settings: Settings) -> int:
    from checker.verdicts import accounts

    store = _store(args, settings)
    if accounts.get_account(store, args.name) is None:
        raise InputError(f"no account named {args.name!r}")
    accounts.set_password(store, args.name, read_password("New password: "))
    print(f"changed the password of {args.name.strip()}; its sessions have ended")
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    from checker.verdicts import accounts

    accounts.remove_account(_store(args, settings), args.name)
    print(f"removed {args.name.strip()}; its tokens are revoked, its verdicts keep its name")
    return 0


def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    from checker.verdicts import accounts

    store = _store(args, settings)
    if args.revoke is not None:
        which = None if args.revoke == "all" else _token_id(args.revoke)
        count = accounts.revoke_tokens(store, args.name, which)
        print(f"revoked {count} token(s) of {args.name.strip()}")
        return 0
    token_id, token = accounts.new_token(store, args.name)
    print(token)
    print(f"token {token_id} of {args.name.strip()}: send it as 'Authorization: Bearer <token>'; "
          "it is shown only now", file=sys.stderr)
    return 0


def _token_id(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise InputError(f"--revoke takes a token id or 'all', not {raw!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="reviewer accounts and their API tokens")
    users = p.add_subparsers(dest="users_command", required=True)

    def command(name: str, help: str, run: object, *, named: bool = True) -> argparse.ArgumentParser:
        q = users.add_parser(name, help=help)
        if named:
            q.add_argument("name", metavar="NAME", help="the account's name")
        q.add_argument("--db", metavar="URL", help="database URL (default: the configured one)")
        q.set_defaults(run=run)
        return q

    q = command("add", "add an account; the password comes from a prompt or standard input", cmd_add)
    q.add_argument("--role", choices=["reviewer", "editor"], default="reviewer",
                   help="reviewer: check, verdicts, comments, queue; editor: also uploads, index updates, "
                        "exports and accounts (default reviewer)")
    q = command("list", "list the accounts", cmd_list, named=False)
    q.add_argument("--json", action="store_true", help="print JSON")
    command("passwd", "set a new password (from a prompt or standard input); ends the account's sessions",
            cmd_passwd)
    command("remove", "remove an account and revoke its tokens", cmd_remove)
    q = command("token", "make an API token for an account (printed once, stored hashed)", cmd_token)
    q.add_argument("--revoke", metavar="ID|all", help="revoke the token with this id (or all) instead")
