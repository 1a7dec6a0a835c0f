"""What every reader yields: one document to clean (InputItem), or one that could not even be
read (InputFailure), which still gets an error record. A leaf of the io package: the readers
(sources.py, warc.py, parquet.py, urls.py) build on it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    line: int | None = None  # the line number, for a record of a JSONL stream
    size: int = 0  # bytes of the source this document took (for progress and throughput)
    metadata: dict[str, Any] = field(default_factory=dict)  # added to the record's metadata (warc_date)
    charset: str | None = None  # the encoding the transport declared (a WARC record's HTTP header)
    offset: int | None = None  # the byte offset, for a record of a WARC file
    row: int | None = None  # the row number (from 1), for a row of a Parquet file
    # The site chrome learned for this document's site while the batch is read (a LearnedChrome
    # of fullpage/chrome.py, set by its ChromeStream); None: the cleaner's own.
    chrome: Any = None


@dataclass
class InputFailure:
    """A document that could not even be read; it still gets an error record."""

    id: str
    source: str
    reason: str
    fields: dict[str, Any] = field(default_factory=dict)
    line: int | None = None
    size: int = 0
    offset: int | None = None
    row: int | None = None


Input = InputItem | InputFailure


def looks_like_html(data: bytes) -> bool:
    head = data[:5000].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head
