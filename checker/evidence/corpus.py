"""Load reference documents and split them into passages.

Formats, by file name:
- `.md`, `.markdown`, `.txt`: an optional header between `---` lines with `title:`,
  `publisher:`, `url:` and `date:`, then the body;
- `.html`, `.htm`: main text and metadata extracted by trafilatura;
- `.pdf`: text of every page, through pypdf;
- `.jsonl`: BEIR layout, one `{"_id", "title", "text", "metadata"?}` per line.

Problems with single files or lines are collected, not raised, so that one bad file never
stops a whole corpus from loading.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.errors import CheckerError, CorpusError
from checker.text.decode import decode_text
from checker.text.sentences import split_sentences
from checker.types import Document, Passage

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".jsonl"}
HEADER_KEYS = ("title", "publisher", "url", "date")
_WORDS = re.compile(r"\S+")
MAX_PDF_PAGES = 2_000  # a bigger PDF is refused: reading 60,000 pages took minutes


@dataclass
class CorpusLoad:
    """Documents that loaded, and one line per problem met on the way."""

    documents: list[Document] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _clean(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def parse_text_document(raw: str, *, doc_id: str, source: str | None = None) -> Document:
    """A Markdown or text document, with its optional `---` header."""
    meta: dict[str, str] = {}
    body = raw
    if raw.startswith("---"):
        lines = raw.split("\n")
        for i, line in enumerate(lines[1:], start=1):
            if line.strip() == "---":
                body = "\n".join(lines[i + 1 :])
                break
            key, sep, value = line.partition(":")
            if sep and key.strip().lower() in HEADER_KEYS:
                meta[key.strip().lower()] = value.strip()
        else:
            raise CorpusError(f"{source or doc_id}: header starts with '---' but never ends")
    body = body.strip("\n")
    title = meta.get("title")
    if not title:
        first = next((ln for ln in body.split("\n") if ln.strip()), doc_id)
        title = first.strip().lstrip("#").strip()[:200]
    return Document(
        doc_id=doc_id,
        title=title,
        text=body,
        url=_clean(meta.get("url")),
        date=_clean(meta.get("date")),
        publisher=_clean(meta.get("publisher")),
        source=source,
    )


def parse_html_document(raw: str, *, doc_id: str, source: str | None = None) -> Document:
    import trafilatura

    extracted = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    text = getattr(extracted, "text", None) if extracted is not None else None
    if not text or not text.strip():
        raise CorpusError(f"{source or doc_id}: no main text found in the HTML")
    return Document(
        doc_id=doc_id,
        title=_clean(getattr(extracted, "title", None)) or doc_id,
        text=text.strip(),
        url=_clean(getattr(extracted, "url", None)),
        date=_clean(getattr(extracted, "date", None)),
        publisher=_clean(getattr(extracted, "sitename", None)),
        source=source,
    )


def parse_pdf_document(data: bytes, *, doc_id: str, source: str | None = None) -> Document:
    from pypdf import PdfReader

    name = source or doc_id
    try:
        reader = PdfReader(io.BytesIO(data))
        tree: Any = reader.root_object["/Pages"].get_object()
        declared = int(tree.get("/Count", 0))  # the tree's own count: nothing walked yet
        count = declared if declared > MAX_PDF_PAGES else len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise CorpusError(f"{name}: the PDF has {count:,} pages; at most {MAX_PDF_PAGES:,} are read "
                              "(split it into smaller files)")
        pages = [reader.pages[i].extract_text() or "" for i in range(count)]
        meta = reader.metadata
    except CorpusError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise CorpusError(f"{name}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise CorpusError(f"{name}: the PDF has no extractable text")
    title = _clean(getattr(meta, "title", None)) if meta else None
    return Document(doc_id=doc_id, title=title or doc_id, text=text, source=source)


def iter_jsonl_documents(raw: str, *, source: str, problems: list[str]) -> Iterator[Document]:
    """BEIR `corpus.jsonl` lines; bad lines are reported by line number and skipped."""
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("not a JSON object")
            doc_id = _clean(row.get("_id", row.get("id")))
            text = row.get("text")
            if doc_id is None or not isinstance(text, str):
                raise ValueError('needs "_id" and a string "text"')
        except ValueError as exc:
            problems.append(f"{source}:{lineno}: skipped a bad line ({exc})")
            continue
        except RecursionError:  # e.g. 100,000 nested brackets: too deep for the JSON parser
            problems.append(f"{source}:{lineno}: skipped a bad line (nested too deeply to read)")
            continue
        raw_meta = row.get("metadata")
        meta: dict = raw_meta if isinstance(raw_meta, dict) else {}
        yield Document(
            doc_id=doc_id,
            title=_clean(row.get("title")) or "",
            text=text,
            url=_clean(meta.get("url") or row.get("url")),
            date=_clean(meta.get("date") or row.get("date")),
            publisher=_clean(meta.get("publisher") or row.get("publisher")),
            source=source,
        )


def load_file(path: Path, *, doc_id: str | None = None, problems: list[str]) -> list[Document]:
    """The documents in one file (many for JSONL)."""
    suffix = path.suffix.lower()
    doc_id = doc_id or path.stem
    if suffix not in SUFFIXES:
        raise CorpusError(f"{path}: unsupported file type {suffix or '(none)'}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    return load_bytes(data, name=str(path), suffix=suffix, doc_id=doc_id, problems=problems)


def load_bytes(
    data: bytes, *, name: str, suffix: str, doc_id: str, problems: list[str]
) -> list[Document]:
    """Parse the bytes of one corpus file; `suffix` picks the format."""
    if not data.strip():
        raise CorpusError(f"{name}: the file is empty")
    if suffix == ".pdf":
        return [parse_pdf_document(data, doc_id=doc_id, source=name)]
    raw = decode_text(data, name=name)
    if suffix == ".jsonl":
        return list(iter_jsonl_documents(raw, source=name, problems=problems))
    if suffix in HTML_SUFFIXES:
        return [parse_html_document(raw, doc_id=doc_id, source=name)]
    return [parse_text_document(raw, doc_id=doc_id, source=name)]


def _corpus_files(root: Path) -> list[tuple[Path, str]]:
    if root.is_file():
        return [(root, root.stem)]
    files = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        hidden = any(part.startswith(".") for part in rel.parts)
        if p.is_file() and p.suffix.lower() in SUFFIXES and p.name.lower() != "readme.md" and not hidden:
            files.append((p, rel.with_suffix("").as_posix()))
    return files


def load_corpus(paths: Iterable[Path]) -> CorpusLoad:
    """Load every supported file under `paths`; duplicate ids keep the first document."""
    result = CorpusLoad()
    seen: dict[str, str] = {}
    for root in paths:
        root = Path(root)
        if not root.exists():
            raise CorpusError(f"{root}: no such file or folder")
        for path, doc_id in _corpus_files(root):
            try:
                docs = load_file(path, doc_id=doc_id, problems=result.problems)
            except CheckerError as exc:
                result.problems.append(str(exc))
                continue
            for doc in docs:
                if doc.doc_id in seen:
                    result.problems.append(
                        f"{doc.source}: duplicate document id {doc.doc_id!r} "
                        f"(first in {seen[doc.doc_id]}); kept the first"
                    )
                    continue
                if not doc.text.strip():
                    result.problems.append(f"{doc.source}: document {doc.doc_id!r} has no text")
                    continue
                seen[doc.doc_id] = doc.source or ""
                result.documents.append(doc)
    return result


def document_hash(doc: Document) -> str:
    """A hash of everything in a document that shows up in its passages."""
    h = hashlib.sha256()
    for part in (doc.doc_id, doc.title, doc.text, doc.url, doc.date, doc.publisher):
        h.update((part or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


def corpus_hash(documents: Sequence[Document]) -> str:
    h = hashlib.sha256()
    for digest in sorted(document_hash(d) for d in documents):
        h.update(digest.encode())
    return h.hexdigest()


def _word_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + m.start(), start + m.end()) for m in _WORDS.finditer(text[start:end])]


def _units(doc: Document, max_words: int) -> list[tuple[int, int, int]]:
    """Sentences as (start, end, words); a sentence longer than `max_words` is cut by words."""
    units = []
    for s in split_sentences(doc.text):
        words = _word_spans(doc.text, s.start, s.end)
        for i in range(0, len(words), max_words):
            chunk = words[i : i + max_words]
            units.append((chunk[0][0], chunk[-1][1], len(chunk)))
    return units


def split_passages(
    doc: Document, *, target_words: int = 150, max_words: int = 200, overlap: int = 1
) -> list[Passage]:
    """Sentence-aligned windows of about `target_words` words; neighbours share `overlap` sentences."""
    units = _units(doc, max_words)
    windows: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j, words = i, 0
        while j < len(units) and words < target_words and (j == i or words + units[j][2] <= max_words):
            words += units[j][2]
            j += 1
        windows.append((units[i][0], units[j - 1][1]))
        if j >= len(units):
            break
        i = max(j - overlap, i + 1)
    return [
        Passage(
            passage_id=f"{doc.doc_id}#{k}",
            doc_id=doc.doc_id,
            text=doc.text[s:e],
            start=s,
            end=e,
            title=doc.title,
            url=doc.url,
            date=doc.date,
            publisher=doc.publisher,
        )
        for k, (s, e) in enumerate(windows)
    ]
