"""Reading fact-check files: JSON, JSON lines, HTML pages with JSON-LD scripts, and CSV.

The formats are described in checker/factchecks/records.py. A file's format is told by its
suffix, else by its first character (`<` HTML, `{` or `[` JSON, anything else CSV).
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from checker.errors import InputError
from checker.factchecks.records import MAX_FILE_BYTES, Loaded, _key, record_from, records_from_json
from checker.text.decode import decode_text

SUFFIXES = (".json", ".jsonld", ".jsonl", ".csv", ".html", ".htm")


class _JsonLdScripts(HTMLParser):
    """The text of every <script type="application/ld+json"> of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
        if tag == "script" and kind == "application/ld+json":
            self._inside = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.scripts[-1] += data


def records_from_html(text: str, *, where: str, source: str | None = None) -> Loaded:
    parser = _JsonLdScripts()
    parser.feed(text)
    parser.close()
    out = Loaded()
    found = 0
    for i, script in enumerate(parser.scripts, start=1):
        try:
            value = json.loads(script)
        except ValueError as exc:
            out.problems.append(f"{where}: JSON-LD script {i}: not valid JSON ({exc})")
            continue
        got = records_from_json(value, where=f"{where}: JSON-LD script {i}", source=source)
        found += len(got.records) + len(got.problems)
        out.records += got.records
        out.problems += [p for p in got.problems if not p.endswith("no ClaimReview found")]
        out.duplicates += got.duplicates
    if not found:
        out.problems.append(f"{where}: no ClaimReview in a <script type=\"application/ld+json\">")
    return out.deduplicated()


def _nest(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row with dotted column names as the nested JSON object they name."""
    obj: dict[str, Any] = {}
    for column, value in row.items():
        if column is None or value is None or not value.strip():
            continue
        parts = [p.strip() for p in column.split(".") if p.strip()]
        if not parts:
            continue
        at = obj
        for part in parts[:-1]:
            nxt = at.get(part)
            if not isinstance(nxt, dict):
                nxt = {"name": nxt} if isinstance(nxt, str) else {}
                at[part] = nxt
            at = nxt
        leaf = parts[-1]
        if isinstance(at.get(leaf), dict):
            at[leaf]["name"] = value.strip()
        else:
            at[leaf] = value.strip()
    return obj


def records_from_csv(text: str, *, where: str, source: str | None = None) -> Loaded:
    out = Loaded()
    reader = csv.DictReader(io.StringIO(text))
    header = [_key(h or "") for h in (reader.fieldnames or [])]
    if "claimReviewed" not in header:
        out.problems.append(f"{where}: the CSV header has no claimReviewed column")
        return out
    reader.fieldnames = header
    try:
        for row in reader:
            try:
                out.records.append(record_from(_nest(row), source=source))
            except InputError as exc:
                out.problems.append(f"{where}: line {reader.line_num}: {exc}")
    except csv.Error as exc:
        out.problems.append(f"{where}: line {reader.line_num}: not valid CSV ({exc})")
    return out.deduplicated()


def parse_text(text: str, *, where: str, source: str | None = None, suffix: str = "") -> Loaded:
    """The records in a file's text, its format told by the suffix or else by its first character."""
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if suffix in (".html", ".htm") or (head == "<"):
        return records_from_html(text, where=where, source=source)
    if suffix == ".csv" or head not in ("{", "["):
        return records_from_csv(text.lstrip("\ufeff"), where=where, source=source)
    try:
        return records_from_json(json.loads(text), where=where, source=source)
    except ValueError as whole:
        if suffix != ".jsonl" and "\n" not in text.strip():
            return Loaded(problems=[f"{where}: not valid JSON ({whole})"])
    out = Loaded()
    for lineno, line in enumerate(text.splitlines(), start=1):  # JSON lines
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            out.problems.append(f"{where}:{lineno}: not valid JSON ({exc})")
            continue
        got = records_from_json(value, where=f"{where}:{lineno}", source=source)
        out.add(got)
    return out.deduplicated()


def read_files(paths: list[Path], *, source: str | None = None) -> Loaded:
    """Every record of the files (folders: their .json, .jsonld, .jsonl, .csv, .html files)."""
    out = Loaded()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in
                           SUFFIXES)
            if not files:
                out.problems.append(f"{path}: no .json, .jsonld, .jsonl, .csv or .html files")
        elif path.is_file():
            files = [path]
        else:
            out.problems.append(f"{path}: no such file")
            continue
        for f in files:
            try:
                if f.stat().st_size > MAX_FILE_BYTES:
                    out.problems.append(f"{f}: larger than {MAX_FILE_BYTES:,} bytes")
                    continue
                text = decode_text(f.read_bytes(), name=str(f))
            except OSError as exc:
                out.problems.append(f"{f}: cannot read ({exc.strerror or exc})")
                continue
            except InputError as exc:
                out.problems.append(str(exc))
                continue
            out.add(parse_text(text, where=str(f), source=source or f.name, suffix=f.suffix.lower()))
    return out.deduplicated()
