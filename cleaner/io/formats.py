"""What a file holds, told by its name, and the guards every reader applies.

One table of input suffixes (text, HTML, JSONL, WARC, each optionally gzip-compressed, and
Parquet) serves the folder walks (local and fsspec), the progress meter, the readers, the
writers that mirror input names and `rules test`; one size guard and one gzip guard serve local
files and URLs alike.
"""
from __future__ import annotations

import posixpath
from pathlib import PurePath
from typing import BinaryIO

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
# Web archives (NAME.warc.gz: gzip member per record, as crawlers write them), and the ARC files
# before them: io/warc.py.
WARC_SUFFIXES = frozenset({".warc", ".arc"})
# Parquet files (compressed inside, never NAME.parquet.gz): io/parquet.py.
PARQUET_SUFFIXES = frozenset({".parquet"})
# A file with one of these holds one document; the others hold many, read record by record.
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
COLLECTION_SUFFIXES = JSONL_SUFFIXES | WARC_SUFFIXES | PARQUET_SUFFIXES
WALKED_SUFFIXES = DOCUMENT_SUFFIXES | COLLECTION_SUFFIXES
# NAME.jsonl.gz, NAME.txt.gz, NAME.html.gz: read through gzip, as a stream.
GZIP_SUFFIX = ".gz"
# Output: a name with one of these is one file holding every record, in this format ...
OUTPUT_FILE_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
# ... and one with one of these names a single document's file, which is what text and json
# output write one of per document, into a folder.
ONE_DOCUMENT_SUFFIXES = DOCUMENT_SUFFIXES | {".json"}
# `cleaner clean` leaves this file in every output folder it writes; a folder walk skips a folder
# holding it, so that an earlier run's output inside an input folder is not cleaned as input.
OUTPUT_MARKER = ".cleaner-output"
# One document larger than this is refused with an error record instead of being read whole.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


def _name(path: str | PurePath) -> str:
    return path.name if isinstance(path, PurePath) else posixpath.basename(path)


def content_suffix(path: str | PurePath) -> str:
    """The suffix that says what a file holds, looking through a final .gz (a local path or an
    fsspec path).

    >>> content_suffix(PurePath("news/a.jsonl.gz")), content_suffix("bucket/b.TXT"), content_suffix("c.gz")
    ('.jsonl', '.txt', '')
    """
    name = _name(path).lower()
    if name.endswith(GZIP_SUFFIX):
        name = name[: -len(GZIP_SUFFIX)]
    return posixpath.splitext(name)[1]


def output_format_for(path: str | PurePath) -> str | None:
    """The format an output file's name asks for, or None when it names no one-file format.

    >>> output_format_for(PurePath("out/clean.jsonl.gz")), output_format_for("out/texts")
    ('jsonl', None)
    """
    return OUTPUT_FILE_FORMATS.get(content_suffix(path))


def is_gzip(path: str | PurePath) -> bool:
    return _name(path).lower().endswith(GZIP_SUFFIX)


def collection_format(path: str | PurePath) -> str | None:
    """"jsonl", "warc" or "parquet" for a file of many documents; None for a one-document file.

    >>> collection_format("cc/CC-MAIN-1.warc.gz"), collection_format("a.parquet"), collection_format("a.html")
    ('warc', 'parquet', None)
    """
    suffix = content_suffix(path)
    for name, suffixes in (("jsonl", JSONL_SUFFIXES), ("warc", WARC_SUFFIXES), ("parquet", PARQUET_SUFFIXES)):
        if suffix in suffixes:
            return name
    return None


def kind_for(path: str | PurePath) -> str:
    """"html" or "text": how a one-document file is cleaned."""
    return "html" if content_suffix(path) in HTML_SUFFIXES else "text"


def is_expectation(path: str | PurePath) -> bool:
    """NAME.expected.txt beside NAME.txt is a golden expectation for `cleaner rules test`, not a
    document: folder walks skip it."""
    return ".expected." in _name(path)


def is_walked(path: str | PurePath) -> bool:
    """A file a folder walk reads: a known suffix, and not a golden expectation."""
    return content_suffix(path) in WALKED_SUFFIXES and not is_expectation(path)


def size_text(size: int) -> str:
    """
    >>> size_text(100 * 1024 * 1024), size_text(512)
    ('100.0 MB', '512 bytes')
    """
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def over_size_reason(size: int, max_bytes: int) -> str:
    """Why a file over the limit for one document is not read."""
    return (f"file is {size_text(size)}, over the {size_text(max_bytes)} limit for one document "
            "(raise it with --max-bytes)")


def read_decompressed(stream: BinaryIO, max_bytes: int) -> bytes:
    """The decompressed bytes of a gzip stream, refusing (ValueError) to inflate past `max_bytes`:
    a small .gz can hold a huge document."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"decompressed content is over the {size_text(max_bytes)} limit for one document "
                         "(raise it with --max-bytes)")
    return data
