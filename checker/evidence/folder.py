"""Swapping a built folder into place in one atomic step, and cleaning up after killed builds.

The index path (say `.checker/index`) is a symbolic link to a versioned sibling folder,
`.index.v-<pid>-<time>`. A build writes a new versioned folder, then points the link at it
with one `os.replace` of a fresh link over the old one: a reader opening the path sees the
old index or the new one, never none, whenever the build is killed. Two builds at once each
write their own folder and the last swap wins; neither fails.

An index path that is still a real folder (written before this layout) is moved to a
versioned name and linked the first time; if that is interrupted between the two steps, the
next build or load links the newest complete version again. Versioned folders of processes
that are gone, and the `.tmp-PID` / `.old-PID` folders of the older layout, are removed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from pathlib import Path

MARKER = "manifest.json"  # a version folder is complete once this file is in it
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>v|tmp|old|link)-(?P<pid>\d+)(?:-\d+)?$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def new_version(target: Path) -> Path:
    """A fresh, empty versioned folder beside `target`, for this process to build into."""
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = target.parent / f".{target.name}.v-{os.getpid()}-{time.time_ns()}"
    folder.mkdir()
    return folder


def _point(target: Path, version: Path) -> None:
    """Make `target` a link to `version` in one step (`os.replace` of a fresh link)."""
    link = target.parent / f".{target.name}.link-{os.getpid()}-{time.time_ns()}"
    link.symlink_to(version.name)  # relative: the pair can move together
    try:
        os.replace(link, target)
    except OSError:
        link.unlink(missing_ok=True)
        raise


def swap_in(version: Path, target: Path) -> None:
    """Point `target` at the complete folder `version`; remove what this replaced."""
    if target.exists() and not target.is_symlink():  # an index from before versioned folders
        legacy = target.parent / f".{target.name}.v-{os.getpid()}-0"
        target.rename(legacy)
    previous = _version_of(target)
    _point(target, version)
    if previous is not None and previous != version.resolve():
        shutil.rmtree(previous, ignore_errors=True)
    clean_leftovers(target)


def _version_of(target: Path) -> Path | None:
    """The versioned folder `target` links to, if it is one of ours."""
    if not target.is_symlink():
        return None
    resolved = target.resolve()
    match = _LEFTOVER.match(resolved.name)
    if resolved.parent == target.parent.resolve() and match and match["kind"] == "v":
        return resolved
    return None


def _leftovers(target: Path) -> list[tuple[Path, str, int]]:
    found = []
    with contextlib.suppress(OSError):
        for path in target.parent.iterdir():
            match = _LEFTOVER.match(path.name)
            if match and match["name"] == target.name:
                found.append((path, match["kind"], int(match["pid"])))
    return found


def recover(target: Path) -> None:
    """If `target` is missing or dangling (a build killed mid-swap), link the newest complete version."""
    if target.exists():
        return
    candidates = [p for p, kind, _ in _leftovers(target) if kind in ("v", "old") and (p / MARKER).is_file()]
    if not candidates:
        return
    newest = max(candidates, key=lambda p: (p / MARKER).stat().st_mtime_ns)
    if newest.name.startswith(f".{target.name}.old-"):  # the older layout's half-done swap
        versioned = target.parent / f".{target.name}.v-{os.getpid()}-0"
        newest.rename(versioned)
        newest = versioned
    with contextlib.suppress(FileExistsError, IsADirectoryError, OSError):
        if target.is_symlink():
            target.unlink()
        _point(target, newest)


def clean_leftovers(target: Path) -> None:
    """Remove what builds that are gone left beside `target`; never the linked version."""
    recover(target)
    for path, kind, pid in _leftovers(target):
        if kind == "link":  # a fresh link a killed build never moved into place
            if not _alive(pid) or pid == os.getpid():
                path.unlink(missing_ok=True)
            continue
        if path.resolve() == target.resolve() or (_alive(pid) and pid != os.getpid()):
            continue  # the linked version (read again each time: another build may swap), or a live build's
        if kind == "v" and pid == os.getpid() and not (path / MARKER).is_file():
            continue  # this process's own build, still being written
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)

