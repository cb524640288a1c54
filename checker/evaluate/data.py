"""Loaders for the evaluation data: BEIR-layout folders and check-worthiness and stance JSONL."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from checker.errors import InputError


@dataclass(frozen=True)
class BeirData:
    folder: Path
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


def _jsonl(path: Path) -> Iterable[tuple[int, dict]]:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise InputError(f"{path}:{lineno}: not valid JSON ({exc})") from exc
            if not isinstance(row, dict):
                raise InputError(f"{path}:{lineno}: not a JSON object")
            yield lineno, row


def load_beir(folder: Path, split: str) -> BeirData:
    """Queries and qrels of one split of a BEIR-layout folder (the corpus is read separately)."""
    folder = Path(folder)
    for need in ("corpus.jsonl", "queries.jsonl", f"qrels/{split}.tsv"):
        if not (folder / need).is_file():
            raise InputError(f"{folder / need}: missing (expected the BEIR layout: corpus.jsonl, "
                             "queries.jsonl, qrels/SPLIT.tsv)")
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels" / f"{split}.tsv").open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            parts = line.rstrip("\n").split("\t")
            if lineno == 1 and parts[:1] == ["query-id"]:
                continue
            if not line.strip():
                continue
            if len(parts) != 3:
                raise InputError(f"{folder}/qrels/{split}.tsv:{lineno}: expected 3 tab-separated columns")
            try:
                qrels.setdefault(parts[0], {})[parts[1]] = int(float(parts[2]))
            except ValueError as exc:
                raise InputError(f"{folder}/qrels/{split}.tsv:{lineno}: bad score {parts[2]!r}") from exc
    queries = {str(row.get("_id")): str(row.get("text", "")) for _, row in _jsonl(folder / "queries.jsonl")
               if str(row.get("_id")) in qrels}
    missing = set(qrels) - set(queries)
    if missing:
        raise InputError(f"{len(missing)} queries of qrels/{split}.tsv are not in queries.jsonl "
                         f"(e.g. {sorted(missing)[0]!r})")
    return BeirData(folder, queries, qrels)


def load_checkworthiness(path: Path) -> tuple[list[str], list[int], list[str | None]]:
    texts, labels, groups = [], [], []
    for lineno, row in _jsonl(Path(path)):
        if not isinstance(row.get("text"), str) or row.get("label") not in (0, 1, "0", "1"):
            raise InputError(f"{path}:{lineno}: needs a string \"text\" and a \"label\" of 0 or 1")
        texts.append(row["text"])
        labels.append(int(row["label"]))
        g = row.get("group")
        groups.append(None if g is None else str(g))
    if not texts:
        raise InputError(f"{path}: no rows")
    return texts, labels, groups


STANCE_LABELS = ("SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO")


@dataclass(frozen=True)
class StanceRow:
    id: str
    claim: str
    evidence: str
    label: str
    group: str | None


def load_stance(path: Path) -> list[StanceRow]:
    """Rows {"id", "claim", "evidence", "label", "group"}; label one of STANCE_LABELS."""
    rows = []
    for lineno, row in _jsonl(Path(path)):
        if not isinstance(row.get("claim"), str) or not isinstance(row.get("evidence"), str):
            raise InputError(f"{path}:{lineno}: needs string \"claim\" and \"evidence\" fields")
        if row.get("label") not in STANCE_LABELS:
            raise InputError(f"{path}:{lineno}: \"label\" must be one of {', '.join(STANCE_LABELS)}")
        g = row.get("group")
        rows.append(StanceRow(str(row.get("id", lineno)), row["claim"], row["evidence"], row["label"],
                              None if g is None else str(g)))
    if not rows:
        raise InputError(f"{path}: no rows")
    return rows


def with_context(data: BeirData, transcripts: Path, lines: int) -> BeirData:
    """The queries of a debate dataset (ids `<debate>_<line>`, as CheckThat! 2021 2B has them),
    each preceded by the `lines` transcript lines before it in `transcripts/<debate>.tsv`
    (tab-separated line number, speaker, text), as a reader of the debate would have them."""
    if lines <= 0:
        return data
    cache: dict[str, dict[int, str]] = {}
    out: dict[str, str] = {}
    files = {p.stem.lower(): p for p in Path(transcripts).glob("*.tsv")}  # ids and file names differ in case
    for qid, text in data.queries.items():
        debate, _, number = qid.rpartition("_")
        path = files.get(debate.lower()) or _same_date(files, debate) or Path(transcripts) / f"{debate}.tsv"
        if not debate or not number.isdigit() or not path.is_file():
            raise InputError(f"query {qid!r}: no transcript line {number!r} in {path}")
        if debate not in cache:
            rows: dict[int, str] = {}
            with path.open(encoding="utf-8") as fh:
                for row in fh:
                    parts = row.rstrip("\n").split("\t")
                    if len(parts) >= 3 and parts[0].strip().isdigit():
                        rows[int(parts[0])] = parts[2].strip()
            cache[debate] = rows
        line = int(number)
        before = [cache[debate].get(i, "") for i in range(line - lines, line)]
        out[qid] = " ".join([*(b for b in before if b), text])
    return BeirData(data.folder, out, data.qrels)


def _same_date(files: dict[str, Path], debate: str) -> Path | None:
    """The one transcript whose name starts with the same date as `debate` (ids carry typos
    such as "milwuakee"), or None."""
    date = debate.split("_", 1)[0]
    found = [p for stem, p in files.items() if stem.split("_", 1)[0] == date]
    return found[0] if len(found) == 1 and date.isdigit() else None


@dataclass(frozen=True)
class ClaimLabels:
    """The labelled claims of one split of a BEIR-layout folder, in the order of its labels file."""

    folder: Path
    claims: dict[str, str]  # query id -> the claim (the whole query text)
    labels: dict[str, str]  # query id -> SUPPORTS, REFUTES or NOT_ENOUGH_INFO
    qrels: dict[str, dict[str, int]]  # the split's gold documents, where qrels/<split>.tsv has them


def load_claim_labels(folder: Path, split: str) -> ClaimLabels:
    """The claims whose `labels/<split>.tsv` (header `query-id label`, FEVER labels) gives their
    verdict, with their text from `queries.jsonl`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder")
    path = folder / "labels" / f"{split}.tsv"
    for need in (folder / "corpus.jsonl", folder / "queries.jsonl", path):
        if not need.is_file():
            raise InputError(f"{need}: missing (expected the BEIR layout with claim labels: corpus.jsonl, "
                             "queries.jsonl, labels/SPLIT.tsv)")
    labels: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            parts = line.rstrip("\n").split("\t")
            if not line.strip() or (lineno == 1 and parts[:1] == ["query-id"]):
                continue
            if len(parts) != 2 or parts[1] not in STANCE_LABELS:
                raise InputError(f"{path}:{lineno}: expected a query id and one of {', '.join(STANCE_LABELS)}, "
                                 "tab-separated")
            labels.setdefault(parts[0], parts[1])
    if not labels:
        raise InputError(f"{path}: no labelled claims")
    texts = {str(row.get("_id")): str(row.get("text", "")) for _, row in _jsonl(folder / "queries.jsonl")}
    missing = [q for q in labels if q not in texts]
    if missing:
        raise InputError(f"{len(missing)} claims of labels/{split}.tsv are not in queries.jsonl (e.g. {missing[0]!r})")
    empty = [q for q in labels if not texts[q].strip()]
    if empty:
        raise InputError(f"{len(empty)} claims of labels/{split}.tsv have no text in queries.jsonl (e.g. {empty[0]!r})")
    qrels = load_beir(folder, split).qrels if (folder / "qrels" / f"{split}.tsv").is_file() else {}
    return ClaimLabels(folder, {q: texts[q] for q in labels}, labels, qrels)
