"""Reviewer accounts: who may sign in, in which role, their sessions and their API tokens.

- Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile);
  only the hash is stored.
- A session is a random id kept (hashed) in `account_sessions`; the browser holds it in a cookie
  signed with HMAC-SHA256 and the session's expiry. Signing out deletes the session, and a new
  password deletes every session of the account, so an old cookie opens nothing.
- API tokens are random; only their SHA-256 is stored. A revoked token is kept, marked revoked,
  so that the API can say it was revoked.
- Failed sign-ins are counted per name: after `MAX_FAILURES` within `FAILURE_WINDOW` seconds,
  the name is refused until the oldest of them is that old, even with the right password; and
  per client address (`CLIENT_FAILURES`, whatever names it tries).

The tables live in their own `MetaData` and are created on first use (as the work log's are),
so an older database opens unchanged and gains them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError

from checker.errors import InputError
from checker.verdicts.schema import String, Text, add_missing_columns, create_tables, meta_table, visible_name
from checker.verdicts.store import VerdictStore, now

ROLES = ("reviewer", "editor")
MIN_PASSWORD = 8
SESSION_SECONDS = 12 * 3600
MAX_FAILURES = 5  # per name
CLIENT_FAILURES = 20  # per client address, whatever the names
FAILURE_WINDOW = 300.0
COOKIE = "checker_session"

account_metadata = sa.MetaData()
accounts = sa.Table(
    "accounts", account_metadata,
    sa.Column("name", String(200), primary_key=True),
    sa.Column("role", String(20), nullable=False),
    sa.Column("password_hash", Text, nullable=False),
    sa.Column("created_at", String(32), nullable=False),
    sa.Column("password_changed_at", String(32), nullable=False),
)
sessions = sa.Table(
    "account_sessions", account_metadata,
    sa.Column("id_hash", String(64), primary_key=True),
    sa.Column("account", String(200), nullable=False),
    sa.Column("created_at", String(32), nullable=False),
    sa.Column("expires", sa.Float, nullable=False),  # seconds since the epoch
)
tokens = sa.Table(
    "api_tokens", account_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account", String(200), nullable=False),
    sa.Column("token_hash", String(64), nullable=False, unique=True),
    sa.Column("created_at", String(32), nullable=False),
    sa.Column("revoked_at", String(32)),
)
failures = sa.Table(
    "sign_in_failures", account_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account", String(200), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)
sa.Index("ix_sessions_account", sessions.c.account)
sa.Index("ix_tokens_account", tokens.c.account)
sa.Index("ix_failures_account", failures.c.account)

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not a password of anyone")  # verified for unknown names, so they take as long


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    created_at: str = ""
    tokens: int = 0  # API tokens not revoked

    @property
    def editor(self) -> bool:
        return self.role == "editor"


class SignInError(InputError):
    """A sign-in refused: wrong name or password, or too many failures."""


def ensure(store: VerdictStore) -> None:
    """Create the account tables that are missing; safe to run twice and concurrently."""
    if getattr(store, "_accounts_ready", False):
        return

    def op(conn: sa.Connection) -> None:
        create_tables(conn, account_metadata)
        add_missing_columns(conn, account_metadata)

    store._run(op)
    store._accounts_ready = True  # type: ignore[attr-defined]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return role


def _password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise InputError("the password is longer than 1,024 characters")
    return password


def has_accounts(store: VerdictStore) -> bool:
    """True once any account exists: from then on the app asks everyone to sign in."""
    ensure(store)
    with store.engine.connect() as conn:
        return conn.execute(sa.select(accounts.c.name).limit(1)).first() is not None


def add_account(store: VerdictStore, name: str, password: str, *, role: str = "reviewer") -> Account:
    ensure(store)
    name = visible_name(name, "the account name")
    if len(name) > 200:
        raise InputError("the account name is longer than 200 characters")
    digest = _hasher.hash(_password(password))
    stamp = now()

    def op(conn: sa.Connection) -> None:
        try:
            with conn.begin_nested():
                conn.execute(accounts.insert().values(name=name, role=_role(role), password_hash=digest,
                                                      created_at=stamp, password_changed_at=stamp))
        except IntegrityError:
            raise InputError(f"an account named {name!r} exists already") from None

    store._run(op)
    return Account(name, role, stamp)


def list_accounts(store: VerdictStore) -> list[Account]:
    ensure(store)
    live = (sa.select(sa.func.count()).where(tokens.c.account == accounts.c.name, tokens.c.revoked_at.is_(None))
            .scalar_subquery())
    with store.engine.connect() as conn:
        return [Account(r.name, r.role, r.created_at, int(r.n)) for r in conn.execute(
            sa.select(accounts.c.name, accounts.c.role, accounts.c.created_at, live.label("n"))
            .order_by(accounts.c.name))]


def get_account(store: VerdictStore, name: str) -> Account | None:
    return next((a for a in list_accounts(store) if a.name == name.strip()), None)


def _known(conn: sa.Connection, name: str) -> None:
    if conn.execute(sa.select(accounts.c.name).where(accounts.c.name == name)).first() is None:
        raise InputError(f"no account named {name!r}")


def set_password(store: VerdictStore, name: str, password: str) -> None:
    """A new password; every session of the account ends."""
    ensure(store)
    name = name.strip()
    digest = _hasher.hash(_password(password))

    def op(conn: sa.Connection) -> None:
        _known(conn, name)
        conn.execute(accounts.update().where(accounts.c.name == name)
                     .values(password_hash=digest, password_changed_at=now()))
        conn.execute(sessions.delete().where(sessions.c.account == name))
        conn.execute(failures.delete().where(failures.c.account == name))

    store._run(op)


def change_password(store: VerdictStore, name: str, current: str, new: str) -> None:
    """A new password given the current one (a wrong one counts as a failed sign-in); every
    session of the account ends, this one included."""
    _password(new)
    sign_out(store, sign_in(store, name, current)[1])
    set_password(store, name, new)


def remove_account(store: VerdictStore, name: str) -> None:
    """The account goes, with its sessions; its tokens are revoked. Its verdicts keep its name."""
    ensure(store)
    name = name.strip()

    def op(conn: sa.Connection) -> None:
        _known(conn, name)
        conn.execute(sessions.delete().where(sessions.c.account == name))
        conn.execute(tokens.update().where(tokens.c.account == name, tokens.c.revoked_at.is_(None))
                     .values(revoked_at=now()))
        conn.execute(accounts.delete().where(accounts.c.name == name))

    store._run(op)


# -- signing in -------------------------------------------------------------------------------
def _secret(store: VerdictStore) -> bytes:
    """The key cookies are signed with: made once per database, kept in its `meta` table."""
    cached = getattr(store, "_session_secret", None)
    if cached:
        return bytes(cached)

    def op(conn: sa.Connection) -> str:
        found = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "session_secret")).scalar()
        if found:
            return str(found)
        value = secrets.token_hex(32)
        try:
            with conn.begin_nested():
                conn.execute(meta_table.insert().values(key="session_secret", value=value))
        except IntegrityError:  # another process made it first
            return str(conn.execute(sa.select(meta_table.c.value)
                                    .where(meta_table.c.key == "session_secret")).scalar_one())
        return value

    key = bytes.fromhex(store._run(op))
    store._session_secret = key  # type: ignore[attr-defined]
    return key


def _sign(store: VerdictStore, payload: str) -> str:
    mac = hmac.new(_secret(store), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def retry_after(store: VerdictStore, name: str, *, clock: float | None = None, limit: int = MAX_FAILURES) -> float:
    """Seconds until `name` (or a client address, `@address`) may try to sign in again (0: now)."""
    ensure(store)
    t = time.time() if clock is None else clock
    with store.engine.connect() as conn:
        recent = [r.at for r in conn.execute(sa.select(failures.c.at).where(
            failures.c.account == name, failures.c.at > t - FAILURE_WINDOW).order_by(failures.c.at.desc()))]
    if len(recent) < limit:
        return 0.0
    return max(0.0, recent[limit - 1] + FAILURE_WINDOW - t)


def sign_in(store: VerdictStore, name: str, password: str, *, clock: float | None = None,
            client: str | None = None) -> tuple[Account, str]:
    """The account and a signed cookie value for a new session, or SignInError.

    `client` (the browser's address, when known) is limited too, at CLIENT_FAILURES, so that one
    address cannot try a few passwords on every name."""
    ensure(store)
    name, t = name.strip()[:200], time.time() if clock is None else clock
    if not name or not password:
        raise SignInError("enter your name and your password")
    wait = retry_after(store, name, clock=t)
    if wait > 0:
        raise SignInError(f"too many failed sign-ins for this name: try again in {int(wait) + 1} s")
    address = f"@{client}"[:200] if client else None
    wait = retry_after(store, address, clock=t, limit=CLIENT_FAILURES) if address else 0.0
    if wait > 0:
        raise SignInError(f"too many failed sign-ins from this address: try again in {int(wait) + 1} s")
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(accounts).where(accounts.c.name == name)).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY, password)
        ok = row is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None:
        store._run(lambda conn: conn.execute(failures.insert(), [
            {"account": who, "at": t} for who in (name, address) if who]))
        raise SignInError("wrong name or password")
    session_id = secrets.token_urlsafe(32)
    expires = t + SESSION_SECONDS

    def op(conn: sa.Connection) -> None:
        conn.execute(failures.delete().where(failures.c.account == name))
        conn.execute(sessions.delete().where(sessions.c.expires < t))  # tidy up expired sessions
        conn.execute(sessions.insert().values(id_hash=_sha(session_id), account=name, created_at=now(),
                                              expires=expires))
        if _hasher.check_needs_rehash(row.password_hash):
            conn.execute(accounts.update().where(accounts.c.name == name)
                         .values(password_hash=_hasher.hash(password)))

    store._run(op)
    payload = f"{session_id}.{int(expires)}"
    return Account(row.name, row.role, row.created_at), f"{payload}.{_sign(store, payload)}"


def session_account(store: VerdictStore, cookie: str | None, *, clock: float | None = None) -> Account | None:
    """The account a session cookie belongs to; None when it is forged, expired or ended."""
    if not cookie or cookie.count(".") != 2:
        return None
    session_id, expires, mac = cookie.split(".")
    if not hmac.compare_digest(_sign(store, f"{session_id}.{expires}"), mac):
        return None
    t = time.time() if clock is None else clock
    if not expires.isdigit() or int(expires) < t:
        return None
    ensure(store)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(accounts.c.name, accounts.c.role, accounts.c.created_at)
                           .join(sessions, sessions.c.account == accounts.c.name)
                           .where(sessions.c.id_hash == _sha(session_id), sessions.c.expires >= t)).first()
    return Account(row.name, row.role, row.created_at) if row else None


def sign_out(store: VerdictStore, cookie: str | None) -> None:
    """End the session of this cookie (nothing happens for one that opens nothing)."""
    if not cookie or cookie.count(".") != 2:
        return
    ensure(store)
    session_id = cookie.split(".")[0]
    store._run(lambda conn: conn.execute(sessions.delete().where(sessions.c.id_hash == _sha(session_id))))


# -- API tokens -------------------------------------------------------------------------------
def new_token(store: VerdictStore, name: str) -> tuple[int, str]:
    """A new API token for the account: its id and the token, shown this once (only its hash is kept)."""
    ensure(store)
    name = name.strip()
    token = "ck_" + secrets.token_urlsafe(32)

    def op(conn: sa.Connection) -> int:
        _known(conn, name)
        key = conn.execute(tokens.insert().values(account=name, token_hash=_sha(token), created_at=now()))
        assert key.inserted_primary_key is not None
        return int(key.inserted_primary_key[0])

    return int(store._run(op)), token


def revoke_tokens(store: VerdictStore, name: str, token_id: int | None = None) -> int:
    """Revoke one of the account's tokens (or all of them, with no id); how many were revoked."""
    ensure(store)
    name = name.strip()

    def op(conn: sa.Connection) -> int:
        _known(conn, name)
        query = tokens.update().where(tokens.c.account == name, tokens.c.revoked_at.is_(None))
        if token_id is not None:
            query = query.where(tokens.c.id == token_id)
        return int(conn.execute(query.values(revoked_at=now())).rowcount)

    count = int(store._run(op))
    if token_id is not None and count == 0:
        raise InputError(f"{name!r} has no live token with id {token_id}")
    return count


def token_account(store: VerdictStore, token: str) -> tuple[Account | None, bool]:
    """(the account of a live token, False); (None, True) for a revoked one; (None, False) if unknown."""
    ensure(store)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(tokens.c.revoked_at, accounts.c.name, accounts.c.role, accounts.c.created_at)
                           .outerjoin(accounts, accounts.c.name == tokens.c.account)
                           .where(tokens.c.token_hash == _sha(token))).first()
    if row is None:
        return None, False
    if row.revoked_at is not None or row.name is None:
        return None, True
    return Account(row.name, row.role, row.created_at), False
