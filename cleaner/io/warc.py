"""Documents from web archives (WARC files, plain or gzip-compressed record by record, as
crawlers and Common Crawl write them), read with FastWARC (`pip install 'cleaner[warc]'`).

Each HTTP response record whose payload is HTML (Content-Type text/html or
application/xhtml+xml; a response without a Content-Type when its payload looks like HTML)
becomes one document: its id is the WARC-Record-ID, its url the WARC-Target-URI, the WARC-Date
goes into the record's metadata as `warc_date`, and the charset of the HTTP Content-Type header
decodes the page. Every other record (requests, metadata, warcinfo, revisits, images, PDFs,
responses that are not 2xx) is counted by reason in `skipped`, never silently dropped.

A truncated or corrupt archive gives one failure for the rest of that file, naming the byte
offset where reading stopped; the documents before it stand.

`read_warc` reads from an open binary file between two byte offsets, so a part of an archive
(for a worker of a cluster) can be read on its own: `start` must be where a record begins (for
.warc.gz, where a gzip member begins).
"""
from __future__ import annotations

import zlib
from collections import Counter
from typing import BinaryIO, Iterator

from cleaner.io.formats import DEFAULT_MAX_BYTES, over_size_reason
from cleaner.io.inputs import Input, InputFailure, InputItem, looks_like_html

INSTALL_HINT = "reading WARC files needs FastWARC: pip install 'cleaner[warc]'"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def _import_archive_iterator():
    try:
        from fastwarc.warc import ArchiveIterator
    except ImportError:
        return None
    return ArchiveIterator


# Told by the headers alone: an HTML page, or a response whose payload decides (no Content-Type).
PAGE, SNIFF = "page", "sniff"


def _verdict(record) -> str:
    """PAGE, SNIFF, or why the record is not a document ("request", "revisit", "image/png",
    "HTTP 404", ...)."""
    kind = (record.headers.get("WARC-Type") or "record without WARC-Type").lower()
    if kind != "response":
        return kind
    if record.http_headers is None:
        return "response without HTTP headers"
    status = record.http_headers.status_code
    if status is None:
        return "response without an HTTP status"
    if not 200 <= status < 300:
        return f"HTTP {status}"
    content_type = (record.http_content_type or "").lower()
    if content_type in HTML_TYPES:
        return PAGE
    return content_type or SNIFF


def read_warc(stream: BinaryIO, source: str, file_id: str, skipped: Counter | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES, start: int = 0, end: int | None = None) -> Iterator[Input]:
    """The documents of an open WARC file whose records begin in [start, end) (end None: the
    end of the file).

    `source` names the file in messages, `file_id` in the id of a failure of the file itself;
    `skipped` counts the records that are not documents, by reason; a page over `max_bytes` is
    a failure, not read into memory. A document's `size` is the
    bytes of the file read since the previous document (skipped records included), so the sizes
    add up to the file's size for the progress meter.
    """
    ArchiveIterator = _import_archive_iterator()
    if ArchiveIterator is None:
        yield InputFailure(file_id, source, INSTALL_HINT)
        return
    skipped = skipped if skipped is not None else Counter()
    if start:
        stream.seek(start)
    last_position = start  # how far into the file the previous document's size reached
    good = None  # where the last record read whole begins
    # A record not to clean is counted once the next one begins (or the file is found to end
    # with it): a record cut off at the end of a truncated file belongs to the lost rest.
    pending: str | None = None
    try:
        for record in ArchiveIterator(stream, parse_http=True, auto_decode="all"):
            offset = record.stream_pos
            if pending is not None:
                skipped[pending] += 1
                pending = None
            if end is not None and offset >= end:
                return
            verdict = _verdict(record)
            headers = record.headers
            record_id = headers.get("WARC-Record-ID") or f"{file_id}@{offset}"
            where = f"{source}@{offset}"
            if verdict in (PAGE, SNIFF) and record.content_length > max_bytes:
                position = stream.tell()
                yield InputFailure(record_id, where, over_size_reason(record.content_length, max_bytes),
                                   offset=offset, size=max(position - last_position, 0))
                last_position = position
                good = offset
                continue
            payload = record.reader.read()
            if len(payload) < record.content_length:
                yield _broken(file_id, source, offset, f"the record there is cut short, {len(payload)} of "
                                                       f"{record.content_length} bytes: the file is truncated")
                return
            good = offset
            if verdict == SNIFF:
                verdict = PAGE if looks_like_html(payload) else "response without Content-Type, not HTML"
            if verdict != PAGE:
                pending = verdict
                continue
            position = stream.tell()
            date = headers.get("WARC-Date")
            yield InputItem(record_id, "html", payload, where, path=source,
                            url=headers.get("WARC-Target-URI") or None,
                            metadata={"warc_date": date} if date else {},
                            charset=record.http_charset or None, offset=offset,
                            size=max(position - last_position, 0))
            last_position = position
    except OSError as err:  # a corrupt gzip member or a malformed record: the rest of the file is lost
        if pending is not None:  # read whole: the damage is after it
            skipped[pending] += 1
        after = f"after the record at byte {good}" if good is not None else f"from byte {start}"
        yield _broken(file_id, source, good if good is not None else start, f"{err}", after)
        return
    last = good if good is not None else start
    # FastWARC ends quietly where a file is cut inside a record's headers or its gzip member:
    # the file must end exactly where its last record does.
    problem = _tail_problem(stream, last) if end is None else None
    if pending is not None and (problem is None or problem[0] > last):
        skipped[pending] += 1
    if problem is not None:
        yield _broken(file_id, source, *problem)


# Bytes looked at for a record's WARC headers when checking the end of a file.
_HEADER_LIMIT = 1 << 20


def _tail_problem(stream: BinaryIO, last: int) -> tuple[int, str] | None:
    """(offset, why) when the file does not end with the record that begins at `last` (the last
    one read whole; the file's start when none was), else None."""
    try:
        size = stream.seek(0, 2)
        if size <= last:
            return None  # an empty file: no records, nothing lost
        stream.seek(last)
        head = stream.read(2)
        stream.seek(last)
        if head == b"\x1f\x8b":
            inflate = zlib.decompressobj(wbits=31)
            while not inflate.eof:
                chunk = stream.read(1 << 16)
                if not chunk:
                    return last, "its last gzip member is cut short: the file is truncated"
                inflate.decompress(chunk, 1 << 16)
                while inflate.unconsumed_tail and not inflate.eof:  # bounded output: skip through it
                    inflate.decompress(inflate.unconsumed_tail, 1 << 16)
            end = size - len(inflate.unused_data) - len(stream.read())
        else:
            end = _plain_record_end(stream.read(_HEADER_LIMIT), last)
            if end is None or end > size:
                return last, "the record there is cut short: the file is truncated"
    except (OSError, zlib.error) as err:
        return last, f"{err}"
    if end < size:
        stream.seek(end)
        rest = stream.read(64)
        if rest.strip(b"\r\n"):
            return end, "a record there could not be read: the file is truncated or damaged"
    return None


def _plain_record_end(data: bytes, offset: int) -> int | None:
    """Where the uncompressed record at the start of `data` ends (headers, block, blank line), or
    None when its headers are cut off."""
    split = data.find(b"\r\n\r\n")
    if split < 0:
        return None
    for line in data[:split].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            return offset + split + 4 + int(value.strip()) + 4
    return None


def _broken(file_id: str, source: str, offset: int, why: str, where: str | None = None) -> InputFailure:
    where = where or f"from byte {offset}"
    return InputFailure(f"{file_id}@{offset}", f"{source}@{offset}",
                        f"cannot read the archive {where} ({why}); the rest of the file is skipped",
                        offset=offset)
