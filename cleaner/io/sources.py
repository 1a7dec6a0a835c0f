"""Find the documents to clean: files, folders (walked lazily, in sorted order), JSONL streams,
WARC and Parquet files (warc.py, parquet.py) and stdin. Yields one item per document, or one failure naming the document and the reason,
so a bad document never stops the others."""
from __future__ import annotations

import gzip
import io
import json
import os
import stat
import sys
from collections import Counter
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from cleaner.io.formats import (DEFAULT_MAX_BYTES, OUTPUT_MARKER, collection_format, is_gzip, is_walked, kind_for,
                                over_size_reason, read_decompressed, size_text)
from cleaner.io.inputs import Input, InputFailure, InputItem, looks_like_html
from cleaner.io.seen import SeenSet
from cleaner.io.walk import Entry, walk



def printable(name: str) -> str:
    """A file name fit for ids, JSON and messages: bytes that are not UTF-8 shown as \\xNN.

    >>> printable(os.fsdecode(b"caf\\xe9.txt"))
    'caf\\\\xe9.txt'
    """
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _is_excluded(path: Path, exclude: frozenset[Path]) -> bool:
    if not exclude:
        return False
    try:
        return path.resolve() in exclude
    except (OSError, RuntimeError):  # a symlink loop cannot be resolved; it is not our output either
        return False


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class _Links:
    """What a walk does with symlinks. Without --follow-links, a link whose target lies outside the
    folder given (`passwd.txt -> /etc/passwd`) is skipped with a note; a link to a file inside it
    is read; links to folders are not followed (no loops, no document read twice). With
    --follow-links every link is followed, each linked folder once (no loops)."""

    def __init__(self, root: Path, follow: bool, on_note: Callable[[str], None] | None):
        self.root = os.path.realpath(root)
        self.follow = follow
        self.on_note = on_note
        self._followed_folders: set[str] = set()

    def _note(self, path: Path, target: str, what: str) -> None:
        if self.on_note is not None:
            self.on_note(f"skipping {printable(str(path))}: a link to {what} {printable(target)}, outside the input "
                         "folder (--follow-links reads it)")

    def take_file(self, path: Path) -> bool:
        target = os.path.realpath(path)
        if self.follow or _inside(target, self.root):
            return True
        self._note(path, target, "the file")
        return False

    def take_folder(self, path: Path) -> bool:
        target = os.path.realpath(path)
        if not self.follow:
            if not _inside(target, self.root):
                self._note(path, target, "the folder")
            return False
        if _inside(self.root, target) or target in self._followed_folders:  # a loop, or read already
            return False
        self._followed_folders.add(target)
        return True


def _list_folder(folder: Path, exclude: frozenset[Path], links: _Links) -> Iterator[Entry[Path] | InputFailure]:
    """A local folder's entries, sorted by name. Symlinks go by `links` (a link loop cannot trap the
    walk); a link to nothing is listed, and fails when read, with its reason; an entry that cannot
    be examined becomes a failure rather than vanishing from the count; the output folder or file
    (`exclude`), when it sits inside an input folder, is left out."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                if not _is_excluded(path, exclude):
                    yield Entry(entry.name, path, is_folder=True)
            elif entry.is_symlink() and entry.is_dir():
                if links.take_folder(path) and not _is_excluded(path, exclude):
                    yield Entry(entry.name, path, is_folder=True)
            elif (is_walked(entry.name) or entry.name == OUTPUT_MARKER) and not (exclude and _is_excluded(path, exclude)) and (
                    entry.is_file() or entry.is_symlink()):
                if not entry.is_symlink() or entry.name == OUTPUT_MARKER or links.take_file(path):
                    yield Entry(entry.name, path, is_folder=False)
        except OSError as err:
            yield InputFailure(printable(path.relative_to(folder).as_posix()), printable(str(path)),
                               f"cannot read file: {err.strerror or err}")


def _walk(folder: Path, exclude: frozenset[Path] = frozenset(),
          on_note: Callable[[str], None] | None = None, follow_links: bool = False) -> Iterator[Path | InputFailure]:
    """Files under `folder` that a walk reads, in walk order (walk.py)."""
    def listing_failed(current: Path, err: Exception) -> InputFailure:
        reason = (err.strerror if isinstance(err, OSError) else None) or err
        return InputFailure(printable(current.relative_to(folder).as_posix()), printable(str(current)),
                            f"cannot list folder: {reason}")

    # The listing already keeps only the files a walk reads: it must know before examining an entry.
    def skipped(current: Path) -> None:
        if on_note is not None:
            on_note(f"skipping {printable(str(current))}: an earlier run's output ({OUTPUT_MARKER} is there; "
                    "delete it to clean that folder as input)")

    links = _Links(folder, follow_links, on_note)
    return walk(folder, lambda current: _list_folder(current, exclude, links), listing_failed, wanted=is_walked,
                on_output_folder=skipped)


def read_bounded(stream: BinaryIO, max_bytes: int) -> bytes:
    """At most `max_bytes` of a stream, refusing (ValueError) what goes on past them: a file whose
    size says nothing (/dev/zero, a link to a device, a pipe) must not be read without end."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"content is over the {size_text(max_bytes)} limit for one document (a file without a "
                         "size, such as a device; raise it with --max-bytes)")
    return data


def read_file(path: Path, doc_id: str, max_bytes: int = DEFAULT_MAX_BYTES,
              skipped: Counter | None = None, shown: str | None = None) -> Iterator[Input]:
    """The document(s) of one local file. `shown` is the path as the user gave it (for sources,
    ids of JSONL lines and rule path globs) when `path` is another name for it (an absolute path
    a cluster worker opens)."""
    shown = str(path) if shown is None else shown
    if (fmt := collection_format(path)) is not None:
        yield from _read_collection_file(path, doc_id, fmt, max_bytes, skipped, shown)
        return
    source = printable(shown)
    size = 0
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield InputFailure(doc_id, source, over_size_reason(size, max_bytes), size=size)
            return
        if is_gzip(path):
            with gzip.open(path, "rb") as stream:
                data = read_decompressed(stream, max_bytes)
        else:
            with open(path, "rb") as stream:
                data = read_bounded(stream, max_bytes)
    except OSError as err:  # gzip's BadGzipFile and EOFError on a truncated file are OSError/EOFError
        yield InputFailure(doc_id, source, f"cannot read file: {err.strerror or err}", size=size)
        return
    except (EOFError, ValueError) as err:
        yield InputFailure(doc_id, source, f"cannot read file: {err}", size=size)
        return
    yield InputItem(doc_id, kind_for(path), data, source, path=shown, size=size)


def _read_collection_file(path: Path, file_id: str, fmt: str, max_bytes: int,
                          skipped: Counter | None, shown: str) -> Iterator[Input]:
    source = printable(shown)
    try:
        if stat.S_ISCHR(mode := os.stat(path).st_mode) or stat.S_ISBLK(mode):
            yield InputFailure(file_id, source, f"a device is not a {fmt} file (it would be read without end)")
            return
        raw = path.open("rb")
    except OSError as err:
        yield InputFailure(file_id, source, f"cannot read file: {err.strerror or err}")
        return
    with raw:
        yield from read_collection(raw, fmt, source, file_id, gzipped=is_gzip(path), max_bytes=max_bytes,
                                   skipped=skipped)


def read_collection(raw: BinaryIO, fmt: str, source: str, file_id: str, *, gzipped: bool,
                    max_bytes: int = DEFAULT_MAX_BYTES, skipped: Counter | None = None) -> Iterator[Input]:
    """The documents of an opened file of many ("jsonl", "warc" or "parquet", formats.py), local
    or fsspec alike. `skipped` counts the records that are not documents (a WARC file's requests,
    images, ...), by reason."""
    if fmt == "warc":
        from cleaner.io.warc import read_warc  # FastWARC only when an archive is read

        yield from read_warc(raw, source, file_id, skipped, max_bytes=max_bytes)
    elif fmt == "parquet":
        if gzipped:
            yield InputFailure(file_id, source, "a Parquet file is compressed inside; decompress the .gz first")
            return
        from cleaner.io.parquet import read_parquet  # pyarrow only when a Parquet file is read

        yield from read_parquet(raw, source, max_bytes=max_bytes)
    else:
        yield from read_jsonl_file_object(raw, source, gzipped=gzipped, max_bytes=max_bytes)


def read_jsonl_file_object(raw: BinaryIO, source: str, gzipped: bool,
                           max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Input]:
    """Records of an opened JSONL file, plain or gzip-compressed (local files and fsspec URLs alike)."""
    if not gzipped:
        yield from read_jsonl(raw, source, max_bytes=max_bytes)
        return
    # Progress counts compressed bytes (what the file's size says), read from the raw file's position.
    stream = gzip.GzipFile(fileobj=raw, mode="rb")
    try:
        yield from read_jsonl(stream, source, position=raw.tell, max_bytes=max_bytes)
    except (OSError, EOFError) as err:  # a corrupt or truncated .gz: what was read stands, the rest is one failure
        yield InputFailure(f"{source}:gzip", source, f"cannot read the rest of the gzip stream: {err}")


# How much of a JSONL stream is read at a time (the lines are cut out of these blocks).
_BLOCK = 1024 * 1024


def bounded_lines(stream: BinaryIO | Iterable[bytes], max_bytes: int) -> Iterator[bytes | int]:
    """The lines of a stream, none held beyond `max_bytes`: a longer line is read through and
    dropped, and comes as its length (an int) in its place, so that it becomes an error record
    and memory stays bounded (one 2.5 GB line in a small .jsonl.gz). A stream that is only an
    iterable of lines (a shard's) is passed through as it is."""
    read = getattr(stream, "read1", None) or getattr(stream, "read", None)
    if read is None:
        yield from stream
        return
    pending: list[bytes] = []
    held = 0  # bytes in `pending`
    dropping = 0  # > 0 while reading through a line over the limit: its length so far
    while block := read(_BLOCK):
        start = 0
        while (end := block.find(b"\n", start)) >= 0:
            piece = block[start:end + 1]
            start = end + 1
            if dropping or held + len(piece) - 1 > max_bytes:
                yield dropping + held + len(piece)
                dropping, pending, held = 0, [], 0
            elif pending:
                pending.append(piece)
                yield b"".join(pending)
                pending, held = [], 0
            else:
                yield piece
        rest = block[start:]
        if dropping or held + len(rest) > max_bytes:
            dropping, pending, held = dropping + held + len(rest), [], 0
        elif rest:
            pending.append(rest)
            held += len(rest)
    if dropping:
        yield dropping
    elif pending:
        yield b"".join(pending)


def read_jsonl(stream: BinaryIO | Iterable[bytes], source: str, position=None, first_line: int = 1,
               max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Input]:
    """Records of a JSONL stream, one line at a time; a line over `max_bytes` becomes a failure.

    `position`, when given, tells how far into the underlying file the stream is (for a
    compressed stream); otherwise a record's size is its line's length. `first_line` is the
    number of the stream's first line (a shard of a file starts inside it).
    """
    last = position() if position else 0
    for number, raw in enumerate(bounded_lines(stream, max_bytes), start=first_line):
        length = raw if isinstance(raw, int) else len(raw)
        if position:
            now = position()
            size, last = now - last, now
        else:
            size = length
        where = f"{source}:{number}"
        if isinstance(raw, int):
            yield InputFailure(where, where, f"line {number} is {size_text(length)}, over the {size_text(max_bytes)} "
                               "limit for one document (raise it with --max-bytes)", line=number, size=size)
            continue
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            yield InputFailure(where, where, f"line {number} is not valid JSON: {err}", line=number, size=size)
            continue
        if not isinstance(record, dict):
            yield InputFailure(where, where, f"line {number} is not a JSON object", line=number, size=size)
            continue
        doc_id = record.get("id")
        doc_id = where if doc_id is None else str(doc_id)
        url = record.get("url")
        if "html" in record and isinstance(record["html"], str):
            kind, content = "html", record["html"]
        elif "text" in record and isinstance(record["text"], str):
            kind, content = "text", record["text"]
        elif "text" in record or "html" in record:
            yield InputFailure(doc_id, where, f"line {number}: 'text'/'html' must be a string", record,
                               line=number, size=size)
            continue
        else:
            yield InputFailure(doc_id, where, f"line {number}: record has neither 'text' nor 'html'", record,
                               line=number, size=size)
            continue
        yield InputItem(doc_id, kind, content, where, path=source,
                        url=url if isinstance(url, str) else None, fields=record, line=number, size=size)


def _read_stdin(max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Input]:
    """stdin holds a JSONL stream (read record by record), or one HTML or text document; either
    may come gzip-compressed (recognised by gzip's magic bytes)."""
    stream: BinaryIO = sys.stdin.buffer
    if stream.peek(2)[:2] == b"\x1f\x8b":
        stream = io.BufferedReader(gzip.GzipFile(fileobj=stream, mode="rb"))
    if stream.peek(64).lstrip()[:1] == b"{":
        yield from read_jsonl(stream, "<stdin>", max_bytes=max_bytes)
        return
    try:
        data = read_bounded(stream, max_bytes)
    except (OSError, EOFError, ValueError) as err:
        yield InputFailure("stdin", "<stdin>", f"cannot read stdin: {err}")
        return
    yield InputItem("stdin", "html" if looks_like_html(data) else "text", data, "<stdin>", size=len(data))


def _all_inputs(paths: list[str], skip: frozenset[Path], max_bytes: int, skipped: Counter | None,
                on_note: Callable[[str], None] | None = None, follow_links: bool = False) -> Iterator[Input]:
    for raw in paths:
        if raw == "-":
            yield from _read_stdin(max_bytes)
            continue
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path, skip, on_note, follow_links):
                if isinstance(found, InputFailure):
                    yield found
                else:
                    yield from read_file(found, printable(found.relative_to(path).as_posix()), max_bytes, skipped)
        elif path.exists() or path.is_symlink():
            yield from read_file(path, printable(path.name), max_bytes, skipped)
        else:
            yield InputFailure(raw, raw, "no such file or folder")


def iter_inputs(paths: list[str], exclude: list[Path] = (), max_bytes: int = DEFAULT_MAX_BYTES,
                skipped: Counter | None = None, on_note: Callable[[str], None] | None = None,
                follow_links: bool = False) -> Iterator[Input]:
    """Every document named by `paths`, in order: '-' is stdin, a folder is walked, a file is read.
    `skipped` counts, by reason, the records of WARC files that are not documents.

    A document's id is the JSONL record's `id`, or the file's path relative to the folder given
    (its name, for a file given directly). Folders in `exclude` are not walked, nor folders an
    earlier run wrote (formats.OUTPUT_MARKER), which `on_note` is told about, as it is about links
    out of a folder given, skipped unless `follow_links` (see _Links). A document whose
    id an earlier document already had becomes a failure: outputs are keyed by id.
    """
    skip = frozenset(Path(p).resolve() for p in exclude)
    seen = SeenSet()  # about 8 bytes per id: memory stays flat on millions of documents
    for item in _all_inputs(paths, skip, max_bytes, skipped, on_note, follow_links):
        if isinstance(item, InputItem):
            if not seen.add(item.id):
                yield InputFailure(item.id, item.source, f"duplicate id {item.id!r}: an earlier document has "
                                                         "the same id", item.fields, line=item.line, size=item.size)
                continue
        yield item
