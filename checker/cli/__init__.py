"""Command line: `python -m checker index | check | search | eval | train | export | verdicts | serve | users`.

Each command lives in the module of its topic and adds its own sub-parser (`register`).
Errors print one line to stderr and exit with status 2 (1 for an unexpected failure), never a
traceback unless CHECKER_DEBUG is set.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from checker.cli import check, evaluate, factchecks, serve, train, users, verdicts
from checker.cli.common import _stderr, one_line
from checker.config import load_settings
from checker.errors import CheckerError, InputError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m checker",
                                     description="Find check-worthy claims and their evidence.")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (check, evaluate, factchecks, train, verdicts, serve, users):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    debug = False
    try:
        settings = load_settings()
        debug = settings.debug
        settings = settings.with_(index=Path(args.index) if getattr(args, "index", None) else None,
                                  top_k=getattr(args, "top_k", None))
        if settings.top_k < 1:
            raise InputError("--top-k must be at least 1")
        return int(args.run(args, settings))
    except CheckerError as exc:
        _stderr(f"error: {one_line(str(exc))}")
        return 2
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        _stderr("interrupted")
        return 130
    except Exception as exc:  # last resort: one line, no traceback
        if debug:
            raise
        _stderr(f"error: unexpected {type(exc).__name__}: {one_line(str(exc))} (set CHECKER_DEBUG=1 for details)")
        return 1
