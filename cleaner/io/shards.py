"""Plan a batch as shards that cluster workers read themselves, and read one shard.

The client lists the inputs with the same walks, order and ids as sources.py and urls.py, and
plans shards, numbered from 0 in input order:
- consecutive plain files (text, HTML, each optionally .gz): runs of up to `files_per_shard`;
- a plain JSONL file larger than `shard_bytes`: byte ranges of that size. A range's shard holds
  the lines that *begin* in it, so ranges need no alignment by the client: the reader skips the
  line it starts inside of and reads past its end to finish its last line;
- a WARC file larger than `shard_bytes`: ranges that start where records start (offsets found by
  a worker with `warc_record_starts`, passed in as `warc_starts`);
- a Parquet file of several row groups: runs of row groups (from the file's footer);
- any other file of many documents (gzip-compressed JSONL, small files): whole.
A shard names what to open and how the local engine names it, never a document's text.

`read_shard` yields exactly the inputs the local engine reads for that part of the batch, given
what only the whole batch knows: the number of the shard's first JSONL line (`first_line`, the
lines of the shards before it, counted by workers) and the positions of documents whose id an
earlier document had (`duplicates`, found by the client from the id hashes workers send).
"""
from __future__ import annotations

import os
import posixpath
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from cleaner.io.formats import DEFAULT_MAX_BYTES, collection_format, is_gzip
from cleaner.io.inputs import Input, InputFailure, InputItem

# A shard of a big file covers this many bytes (about 5,000 news articles in JSONL).
DEFAULT_SHARD_BYTES = 16 * 1024 * 1024
DEFAULT_FILES_PER_SHARD = 100
FILES, JSONL, WARC, PARQUET = "files", "jsonl", "warc", "parquet"


@dataclass(frozen=True)
class FileEntry:
    """One input file as a worker opens it and as the local engine names it."""

    target: str  # what a worker opens: an absolute local path, or a URL
    shown: str  # the path as given (local), the URL (fsspec): sources and paths in records
    doc_id: str  # its id (a plain file) or the id of a failure of the whole file
    is_url: bool = False

    @property
    def source(self) -> str:
        from cleaner.io.sources import printable

        return self.shown if self.is_url else printable(self.shown)


@dataclass(frozen=True)
class Shard:
    """One task's worth of input: files, or a range of one file (bytes, or row groups)."""

    index: int
    kind: str  # FILES, JSONL, WARC or PARQUET
    entries: tuple[FileEntry | InputFailure, ...] = ()  # FILES: files, and listing failures in between
    file: FileEntry | None = None  # the file a range belongs to
    start: int = 0  # first byte (JSONL, WARC) or row group (PARQUET)
    end: int | None = None  # past the last (None: to the end of the file)
    first_line: int = 1  # JSONL: the number of the shard's first line

    def describe(self) -> str:
        """The shard in messages: its files, or its file and range."""
        if self.kind == FILES:
            named = [e.shown if isinstance(e, FileEntry) else e.source for e in self.entries]
            return f"shard {self.index} ({named[0]} .. {named[-1]})" if named else f"shard {self.index}"
        unit = "row groups" if self.kind == PARQUET else "bytes"
        end = "end" if self.end is None else self.end
        return f"shard {self.index} ({self.file.shown}, {unit} {self.start}..{end})"

    def plan_key(self) -> str:
        """What the shard covers, for the fingerprint of a plan (--resume checks it is unchanged)."""
        if self.kind == FILES:
            return "|".join(e.shown if isinstance(e, FileEntry) else f"!{e.source}" for e in self.entries)
        return f"{self.kind}:{self.file.shown}:{self.start}:{self.end}"


# --- planning (the client) ---------------------------------------------------------------------

def _url_listing(url: str) -> Iterator[FileEntry | InputFailure]:
    """The files one URL names, as urls.iter_url_inputs reads them."""
    try:
        import fsspec
    except ImportError:
        yield InputFailure(url, url, "reading URLs needs fsspec: pip install 'cleaner-text[dask]' (from a checkout: pip install -e '.[dask]')")
        return
    from cleaner.io.urls import _walk

    try:
        fs, root = fsspec.core.url_to_fs(url)
        is_folder = fs.isdir(root)
        exists = is_folder or fs.exists(root)
    except Exception as err:
        yield InputFailure(url, url, f"cannot open URL: {err}")
        return
    if not exists:
        yield InputFailure(url, url, "no such file or folder")
        return
    if not is_folder:
        yield FileEntry(fs.unstrip_protocol(root), fs.unstrip_protocol(root), posixpath.basename(root), True)
        return
    prefix = root.rstrip("/") + "/"
    for found in _walk(fs, root):
        if isinstance(found, InputFailure):
            yield found
        else:
            doc_id = found[len(prefix):] if found.startswith(prefix) else found
            yield FileEntry(fs.unstrip_protocol(found), fs.unstrip_protocol(found), doc_id, True)


def list_files(paths: list[str], exclude: Iterable[Path] = ()) -> Iterator[FileEntry | InputFailure]:
    """Every input file named by `paths` (local paths or URLs), in the local engine's order, or
    the failure of a path that cannot be listed. stdin ('-') cannot be read by workers."""
    from cleaner.io.sources import _walk, printable
    from cleaner.io.urls import is_url

    skip = frozenset(Path(p).resolve() for p in exclude)
    for raw in paths:
        if is_url(raw):
            yield from _url_listing(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path, skip):
                if isinstance(found, InputFailure):
                    yield found
                else:
                    yield FileEntry(os.path.abspath(found), str(found), printable(found.relative_to(path).as_posix()))
        elif path.exists() or path.is_symlink():
            yield FileEntry(os.path.abspath(path), str(path), printable(path.name))
        else:
            yield InputFailure(raw, raw, "no such file or folder")


def open_entry(entry: FileEntry) -> BinaryIO:
    if entry.is_url:
        import fsspec

        return fsspec.open(entry.target, "rb").open()
    return open(entry.target, "rb")


def _size(entry: FileEntry) -> int | None:
    try:
        if entry.is_url:
            import fsspec

            fs, path = fsspec.core.url_to_fs(entry.target)
            return fs.size(path)
        return os.stat(entry.target).st_size
    except Exception:  # unreadable: one whole-file shard, whose reader reports why
        return None


def _parquet_ranges(entry: FileEntry, shard_bytes: int) -> list[tuple[int, int]] | None:
    """Runs of row groups of about `shard_bytes` (from the footer alone), or None: read whole."""
    try:
        import pyarrow.parquet

        with open_entry(entry) as raw:
            metadata = pyarrow.parquet.ParquetFile(raw).metadata
            sizes = [metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups)]
    except Exception:  # no pyarrow here, or not a readable file: the worker's reader says which
        return None
    ranges, start, total = [], 0, 0
    for group, size in enumerate(sizes):
        total += size
        if total >= shard_bytes:
            ranges.append((start, group + 1))
            start, total = group + 1, 0
    if start < len(sizes):
        ranges.append((start, len(sizes)))
    return ranges if len(ranges) > 1 else None


def _collection_shards(entry: FileEntry, fmt: str, index: int, shard_bytes: int,
                       warc_starts: Callable[[FileEntry, int], list[int]] | None) -> list[Shard]:
    gzipped = is_gzip(entry.shown)
    if fmt == PARQUET and not gzipped:
        ranges = _parquet_ranges(entry, shard_bytes)
        if ranges:
            return [Shard(index + n, PARQUET, file=entry, start=a, end=None if n == len(ranges) - 1 else b)
                    for n, (a, b) in enumerate(ranges)]
    size = _size(entry) if fmt in (JSONL, WARC) else None
    if size is not None and size > shard_bytes:
        if fmt == JSONL and not gzipped:
            starts = list(range(0, size, shard_bytes))
        elif fmt == WARC and warc_starts is not None:
            starts = warc_starts(entry, shard_bytes)
        else:
            starts = [0]
        if len(starts) > 1:
            ends: list[int | None] = [*starts[1:], None]
            return [Shard(index + n, fmt, file=entry, start=a, end=b) for n, (a, b) in enumerate(zip(starts, ends))]
    return [Shard(index, FILES, entries=(entry,))]


def plan_shards(paths: list[str], exclude: Iterable[Path] = (), *, shard_bytes: int = DEFAULT_SHARD_BYTES,
                files_per_shard: int = DEFAULT_FILES_PER_SHARD,
                warc_starts: Callable[[FileEntry, int], list[int]] | None = None) -> Iterator[Shard]:
    """The shards of a batch, in input order (see the module's docstring). The same inputs and
    settings always give the same plan."""
    if shard_bytes < 1 or files_per_shard < 1:
        raise ValueError("shards need at least one byte and one file")
    index = 0
    pending: list[FileEntry | InputFailure] = []
    for found in list_files(paths, exclude):
        fmt = collection_format(found.shown) if isinstance(found, FileEntry) else None
        if fmt is None:
            pending.append(found)
            if len(pending) >= files_per_shard:
                yield Shard(index, FILES, entries=tuple(pending))
                index, pending = index + 1, []
            continue
        if pending:  # a file of many documents is a shard (or several) of its own
            yield Shard(index, FILES, entries=tuple(pending))
            index, pending = index + 1, []
        for shard in _collection_shards(found, fmt, index, shard_bytes, warc_starts):
            yield shard
            index += 1
    if pending:
        yield Shard(index, FILES, entries=tuple(pending))


# --- reading (a worker) ------------------------------------------------------------------------

def warc_record_starts(entry: FileEntry, shard_bytes: int) -> list[int]:
    """Offsets where a WARC file can be cut: the first record starting at least `shard_bytes`
    after the previous cut (0 first). Run on a worker: it reads the whole archive."""
    from cleaner.io.warc import _import_archive_iterator

    archive_iterator = _import_archive_iterator()
    starts = [0]
    if archive_iterator is None:
        return starts
    try:
        with open_entry(entry) as raw:
            for record in archive_iterator(raw, parse_http=False):
                if record.stream_pos >= starts[-1] + shard_bytes:
                    starts.append(record.stream_pos)
    except Exception:  # a damaged archive is cut before the damage only; the last shard reports it
        pass
    return starts


def lines_in(raw: BinaryIO, start: int, end: int | None) -> Iterator[bytes]:
    """The lines of an open file that begin in [start, end) (end None: up to the end)."""
    position = start
    raw.seek(max(start - 1, 0))
    if start > 0 and raw.read(1) != b"\n":
        position += len(raw.readline())  # the rest of a line that began in the shard before
    while end is None or position < end:
        line = raw.readline()
        if not line:
            return
        yield line
        position += len(line)


def count_lines(shard: Shard) -> int:
    """How many lines a JSONL range holds (numbering the next shard's lines)."""
    with open_entry(shard.file) as raw:
        return sum(1 for _ in lines_in(raw, shard.start, shard.end))


def _read_entry(entry: FileEntry | InputFailure, max_bytes: int, skipped: Counter | None) -> Iterator[Input]:
    if isinstance(entry, InputFailure):
        yield entry
    elif entry.is_url:
        import fsspec

        from cleaner.io.urls import _read

        fs, path = fsspec.core.url_to_fs(entry.target)
        yield from _read(fs, path, entry.doc_id, max_bytes, skipped)
    else:
        from cleaner.io.sources import read_file

        yield from read_file(Path(entry.target), entry.doc_id, max_bytes, skipped, shown=entry.shown)


def _read_range(shard: Shard, max_bytes: int, skipped: Counter | None) -> Iterator[Input]:
    entry = shard.file
    try:
        raw = open_entry(entry)
    except Exception as err:
        yield InputFailure(entry.doc_id, entry.source, f"cannot read file: {getattr(err, 'strerror', None) or err}")
        return
    with raw:
        if shard.kind == JSONL:
            from cleaner.io.sources import read_jsonl

            yield from read_jsonl(lines_in(raw, shard.start, shard.end), entry.source, first_line=shard.first_line)
        elif shard.kind == WARC:
            from cleaner.io.warc import read_warc

            yield from read_warc(raw, entry.source, entry.doc_id, skipped, max_bytes=max_bytes, start=shard.start,
                                 end=shard.end)
        else:
            from cleaner.io.parquet import read_parquet

            groups = range(shard.start, shard.end if shard.end is not None else _row_groups(raw))
            yield from read_parquet(raw, entry.source, max_bytes=max_bytes, row_groups=groups)


def _row_groups(raw: BinaryIO) -> int:
    import pyarrow.parquet

    count = pyarrow.parquet.ParquetFile(raw).metadata.num_row_groups
    raw.seek(0)
    return count


def duplicate_failure(item: InputItem) -> InputFailure:
    """What a document becomes when an earlier document had its id (as sources.iter_inputs says)."""
    return InputFailure(item.id, item.source, f"duplicate id {item.id!r}: an earlier document has the same id",
                        item.fields, line=item.line, size=item.size)


def read_shard(shard: Shard, max_bytes: int = DEFAULT_MAX_BYTES, skipped: Counter | None = None,
               duplicates: Iterable[int] = ()) -> Iterator[Input]:
    """The inputs of one shard, in order; those at the positions in `duplicates` become
    duplicate-id failures."""
    duplicates = frozenset(duplicates)
    if shard.kind == FILES:
        inputs: Iterator[Input] = (item for entry in shard.entries for item in _read_entry(entry, max_bytes, skipped))
    else:
        inputs = _read_range(shard, max_bytes, skipped)
    for position, item in enumerate(inputs):
        if position in duplicates and isinstance(item, InputItem):
            yield duplicate_failure(item)
        else:
            yield item


def id_of(item: InputItem) -> str | tuple[str, int]:
    """A document's id, or for a JSONL record without one, known by its line (SOURCE:LINE),
    (SOURCE:, line in its shard): the client adds the lines of the shards before it."""
    if item.line is not None and item.fields.get("id") is None:
        return item.id[:-len(str(item.line))], item.line
    return item.id


def id_in_batch(found: str | tuple[str, int], first_line: int) -> str:
    """The id `id_of` gave, for a shard whose first line is `first_line`.

    >>> id_in_batch(("feed.jsonl:", 3), 1001), id_in_batch("a1", 1001)
    ('feed.jsonl:1003', 'a1')
    """
    if isinstance(found, tuple):
        return f"{found[0]}{first_line + found[1] - 1}"
    return found


def with_first_line(shard: Shard, first_line: int) -> Shard:
    return replace(shard, first_line=first_line)
