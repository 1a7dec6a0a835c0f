"""Find the documents to clean: files, folders (walked lazily, in sorted order), JSONL streams
and stdin. Yields one item per document, or one failure naming the document and the reason,
so a bad document never stops the others."""
from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterator

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WALKED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
# One document larger than this is refused with an error record instead of being read whole.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass
class InputItem:
    """One document to clean."""

    id: str
    kind: str  # "text" or "html"
    content: bytes | str  # raw bytes from a file, a string from a JSONL field
    source: str  # where it came from, for messages: a path, or path:line for JSONL
    path: str | None = None  # the file path, for rule sets that select by path glob
    url: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # the JSONL record's fields, passed through


@dataclass
class InputFailure:
    """A document that could not even be read; it still gets an error record."""

    id: str
    source: str
    reason: str
    fields: dict[str, Any] = field(default_factory=dict)


Input = InputItem | InputFailure


def _kind_for(path: Path) -> str:
    return "html" if path.suffix.lower() in HTML_SUFFIXES else "text"


def is_expectation(path: Path) -> bool:
    """NAME.expected.txt beside NAME.txt is a golden expectation for `cleaner rules test`, not a
    document: folder walks skip it."""
    return ".expected." in path.name


def printable(name: str) -> str:
    """A file name fit for ids, JSON and messages: bytes that are not UTF-8 shown as \\xNN.

    >>> printable(os.fsdecode(b"caf\\xe9.txt"))
    'caf\\\\xe9.txt'
    """
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _walk(folder: Path, exclude: frozenset[Path] = frozenset()) -> Iterator[Path | InputFailure]:
    """Files under `folder` with a known suffix, in sorted order, depth first.

    Iterative, so a very deep tree cannot exhaust the stack; symlinked folders are not followed,
    so a link loop cannot trap the walk; a folder that cannot be listed, or a link to nothing,
    becomes a failure rather than vanishing from the count. Folders in `exclude` (the output
    folder or file, when it sits inside an input folder) are skipped.
    """
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as err:
            where = printable(str(current))
            yield InputFailure(where, where, f"cannot list folder: {err.strerror or err}")
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_dir(follow_symlinks=False):
                    if path.resolve() not in exclude:
                        subfolders.append(path)
                    continue
                wanted = path.suffix.lower() in WALKED_SUFFIXES and not is_expectation(path)
                if wanted and exclude and path.resolve() in exclude:
                    continue
                if wanted and (entry.is_file() or entry.is_symlink()):
                    yield path  # a dangling or looping link fails when read, with its reason
            except OSError as err:
                where = printable(str(path))
                yield InputFailure(where, where, f"cannot inspect: {err.strerror or err}")
        pending.extend(reversed(subfolders))


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def _read_file(path: Path, doc_id: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Input]:
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _read_jsonl_file(path, doc_id)
        return
    source = printable(str(path))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield InputFailure(doc_id, source, f"file is {_megabytes(size)}, over the {_megabytes(max_bytes)} "
                                               "limit for one document (raise it with --max-bytes)")
            return
        data = path.read_bytes()
    except OSError as err:
        yield InputFailure(doc_id, source, f"cannot read file: {err.strerror or err}")
        return
    yield InputItem(doc_id, _kind_for(path), data, source, path=str(path))


def _read_jsonl_file(path: Path, name: str) -> Iterator[Input]:
    try:
        stream = path.open("rb")
    except OSError as err:
        yield InputFailure(name, printable(str(path)), f"cannot read file: {err.strerror or err}")
        return
    with stream:
        yield from read_jsonl(stream, printable(str(path)))


def read_jsonl(stream: BinaryIO, source: str) -> Iterator[Input]:
    """Records of a JSONL stream, one line at a time."""
    for number, raw in enumerate(stream, start=1):
        where = f"{source}:{number}"
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            yield InputFailure(where, where, f"line {number} is not valid JSON: {err}")
            continue
        if not isinstance(record, dict):
            yield InputFailure(where, where, f"line {number} is not a JSON object")
            continue
        doc_id = record.get("id")
        doc_id = where if doc_id is None else str(doc_id)
        url = record.get("url")
        if "html" in record and isinstance(record["html"], str):
            kind, content = "html", record["html"]
        elif "text" in record and isinstance(record["text"], str):
            kind, content = "text", record["text"]
        elif "text" in record or "html" in record:
            yield InputFailure(doc_id, where, f"line {number}: 'text'/'html' must be a string", record)
            continue
        else:
            yield InputFailure(doc_id, where, f"line {number}: record has neither 'text' nor 'html'", record)
            continue
        yield InputItem(doc_id, kind, content, where, path=source,
                        url=url if isinstance(url, str) else None, fields=record)


def looks_like_html(data: bytes) -> bool:
    head = data[:5000].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head


def _read_stdin() -> Iterator[Input]:
    """stdin holds a JSONL stream (read record by record), or one HTML or text document."""
    stream = sys.stdin.buffer
    if stream.peek(64).lstrip()[:1] == b"{":
        yield from read_jsonl(stream, "<stdin>")
        return
    data = stream.read()
    yield InputItem("stdin", "html" if looks_like_html(data) else "text", data, "<stdin>")


def _all_inputs(paths: list[str], skip: frozenset[Path], max_bytes: int) -> Iterator[Input]:
    for raw in paths:
        if raw == "-":
            yield from _read_stdin()
            continue
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path, skip):
                if isinstance(found, InputFailure):
                    yield found
                else:
                    yield from _read_file(found, printable(found.relative_to(path).as_posix()), max_bytes)
        elif path.exists() or path.is_symlink():
            yield from _read_file(path, printable(path.name), max_bytes)
        else:
            yield InputFailure(raw, raw, "no such file or folder")


def _id_key(doc_id: str) -> int:
    # 8 bytes per id seen instead of the id itself: memory stays small on millions of documents.
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8", "backslashreplace"), digest_size=8).digest(), "big")


def iter_inputs(paths: list[str], exclude: list[Path] = (), max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Input]:
    """Every document named by `paths`, in order: '-' is stdin, a folder is walked, a file is read.

    A document's id is the JSONL record's `id`, or the file's path relative to the folder given
    (its name, for a file given directly). Folders in `exclude` are not walked. A document whose
    id an earlier document already had becomes a failure: outputs are keyed by id.
    """
    skip = frozenset(Path(p).resolve() for p in exclude)
    seen: set[int] = set()
    for item in _all_inputs(paths, skip, max_bytes):
        if isinstance(item, InputItem):
            key = _id_key(item.id)
            if key in seen:
                yield InputFailure(item.id, item.source, f"duplicate id {item.id!r}: an earlier document has "
                                                         "the same id", item.fields)
                continue
            seen.add(key)
        yield item
