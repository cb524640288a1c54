"""`python -m checker users ...`, run as an editor would run it: passwords from standard input,
one `error:` line for anything wrong."""

import json
from pathlib import Path

from checker.verdicts import accounts
from checker.verdicts.store import VerdictStore
from tests.test_cli import run_cli


def _users(home: Path, *args: str, stdin: str | None = None):
    done = run_cli("users", *args, home=home, stdin=None if stdin is None else stdin.encode())
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def _error_line(stderr: str, needle: str) -> None:
    assert stderr.startswith("error: ") and stderr.count("\n") == 1 and needle in stderr, stderr


def test_add_list_passwd_remove(tmp_path: Path) -> None:
    rc, out, err = _users(tmp_path, "list")
    assert rc == 0 and "no accounts" in out
    rc, out, err = _users(tmp_path, "add", "Ada Lovelace", "--role", "editor", stdin="correct horse\n")
    assert (rc, out) == (0, "added Ada Lovelace (editor)\n") and "sign in" in err
    rc, out, _ = _users(tmp_path, "add", "Bo", stdin="battery staple\n")
    assert rc == 0 and "(reviewer)" in out
    rc, out, _ = _users(tmp_path, "list", "--json")
    assert [(a["name"], a["role"]) for a in json.loads(out)["accounts"]] == [("Ada Lovelace", "editor"),
                                                                            ("Bo", "reviewer")]
    store = VerdictStore(f"sqlite:///{tmp_path / 'verdicts.db'}")
    _, cookie = accounts.sign_in(store, "Bo", "battery staple")
    rc, out, _ = _users(tmp_path, "passwd", "Bo", stdin="a new password\n")
    assert rc == 0 and "sessions have ended" in out
    assert accounts.session_account(store, cookie) is None
    assert accounts.sign_in(store, "Bo", "a new password")[0].name == "Bo"
    rc, out, _ = _users(tmp_path, "remove", "Bo")
    assert rc == 0 and [a.name for a in accounts.list_accounts(store)] == ["Ada Lovelace"]


def test_tokens_print_once_and_revoke(tmp_path: Path) -> None:
    _users(tmp_path, "add", "Ada", stdin="correct horse\n")
    rc, out, err = _users(tmp_path, "token", "Ada")
    token = out.strip()
    assert rc == 0 and token.startswith("ck_") and out.count("\n") == 1 and "token 1 of Ada" in err
    store = VerdictStore(f"sqlite:///{tmp_path / 'verdicts.db'}")
    assert accounts.token_account(store, token)[0].name == "Ada"  # type: ignore[union-attr]
    rc, out, _ = _users(tmp_path, "token", "Ada", "--revoke", "1")
    assert rc == 0 and "revoked 1" in out
    assert accounts.token_account(store, token) == (None, True)


def test_mistakes_are_one_error_line(tmp_path: Path) -> None:
    _users(tmp_path, "add", "Ada", stdin="correct horse\n")
    for args, stdin, needle in [
        (("add", "Bo"), "short\n", "too short"),
        (("add", "Bo"), "", "no password"),
        (("add", "Ada"), "another horse\n", "exists already"),
        (("add", " \u200b "), "long enough\n", "no visible character"),
        (("passwd", "Nobody"), "long enough\n", "no account named 'Nobody'"),
        (("remove", "Nobody"), None, "no account named"),
        (("token", "Nobody"), None, "no account named"),
        (("token", "Ada", "--revoke", "x"), None, "token id or 'all'"),
        (("token", "Ada", "--revoke", "7"), None, "no live token with id 7"),
    ]:
        rc, out, err = _users(tmp_path, *args, stdin=stdin)
        assert rc == 2 and out == "", (args, out)
        _error_line(err, needle)
