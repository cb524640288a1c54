"""Helpers every command shares: one-line messages on stderr and a progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def one_line(msg: str) -> str:
    """`msg` on one line: an error is one `error:` line, whatever text a library put in it."""
    return " ".join(part.strip() for part in msg.splitlines() if part.strip())


def _progress_bar(label: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        if not sys.stderr.isatty() and done != total:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
        sys.stderr.flush()

    return show
