"""Documents from web archives: WARC files (plain or gzip-compressed record by record, as
crawlers and Common Crawl write them), read with FastWARC, and the older ARC files (.arc,
.arc.gz), read with warcio; both come with `pip install 'cleaner-text[warc]'`
(from a checkout: `pip install -e '.[warc]'`).

A document is an HTTP response record with a 2xx status whose payload is HTML (Content-Type
text/html or application/xhtml+xml; a response without a Content-Type when its payload looks like
HTML), or a `resource` record whose own Content-Type is HTML (a page stored without its HTTP
exchange, as replay tools write them). Its id is the WARC-Record-ID, its url the WARC-Target-URI,
the WARC-Date goes into the record's metadata as `warc_date`, and the charset of the Content-Type
decodes the page. The HTTP body is taken as the server sent it and decoded here: chunked
transfer encoding first (a body that says it is chunked but is not, as replay tools store them, is
taken as stored, as warcio does), then gzip, deflate or brotli content encoding. Every other record
(requests, metadata, warcinfo, revisits, images, PDFs, responses that are not 2xx) is counted by
reason in `skipped`, never silently dropped.

Damage costs the damaged record only: a page whose body cannot be decoded is one error record; a
record that cannot be read at all is one error record naming its byte offset, and reading goes on
at the next record found after it (the next gzip member, or the next `WARC/1.x` line). Only when no
record follows does the failure say that the rest of the file is skipped.

`read_warc` reads from an open binary file between two byte offsets, so a part of an archive
(for a worker of a cluster) can be read on its own: `start` must be where a record begins (for
.warc.gz, where a gzip member begins).
"""
from __future__ import annotations

import logging
import zlib
from collections import Counter
from typing import BinaryIO, Iterator

from cleaner.io.formats import DEFAULT_MAX_BYTES, over_size_reason, size_text
from cleaner.io.inputs import Input, InputFailure, InputItem, looks_like_html

INSTALL_HINT = ("reading WARC files needs FastWARC: pip install 'cleaner-text[warc]' "
                "(from a checkout: pip install -e '.[warc]')")
ARC_INSTALL_HINT = ("reading ARC files needs warcio: pip install 'cleaner-text[warc]' "
                    "(from a checkout: pip install -e '.[warc]')")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def _import_archive_iterator():
    try:
        from fastwarc.warc import ArchiveIterator
    except ImportError:
        return None
    return ArchiveIterator


# Told by the headers alone: an HTML page, or a response whose payload decides (no Content-Type).
PAGE, SNIFF = "page", "sniff"


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """("text/html", "utf-8") from "text/html; charset=UTF-8"; ("", None) from nothing."""
    media, *params = (content_type or "").split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip("\"'"):
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _verdict(kind: str, status: int | None, has_http: bool, content_type: str) -> str:
    """PAGE, SNIFF, or why the record is not a document ("request", "revisit", "image/png",
    "HTTP 404", ...). `kind` is the WARC-Type, `content_type` the media type of the HTTP response
    (of the record itself for a resource)."""
    if kind == "resource":
        return PAGE if content_type in HTML_TYPES else f"resource {content_type or 'without Content-Type'}"
    if kind != "response":
        return kind
    if not has_http:
        return "response without HTTP headers"
    if status is None:
        return "response without an HTTP status"
    if not 200 <= status < 300:
        return f"HTTP {status}"
    if content_type in HTML_TYPES:
        return PAGE
    return content_type or SNIFF


# --- the HTTP body: transfer and content encodings ----------------------------------------------

def dechunk(data: bytes) -> bytes:
    """The body of a chunked HTTP message, read as warcio reads it: where a chunk header cannot be
    read (a body stored de-chunked under a `Transfer-Encoding: chunked` header, as replay tools
    store them, or a wrong chunk size), the rest is taken as it is; a last chunk cut short keeps
    what is there.

    >>> dechunk(b"5\\r\\nhello\\r\\n6\\r\\n world\\r\\n0\\r\\n\\r\\n"), dechunk(b"<!doctype html>")
    (b'hello world', b'<!doctype html>')
    """
    parts: list[bytes] = []
    position = 0
    while True:
        newline = data.find(b"\n", position, position + 64)
        line = data[position:newline + 1] if newline >= 0 else data[position:position + 64]
        size = _chunk_size(line)
        if size is None:
            parts.append(data[position:])  # not chunked from here on
            break
        body = position + len(line)
        if size == 0:
            if data[body:body + 2] != b"\r\n" and data[body:]:
                parts.append(data[position:])
            break
        chunk = data[body:body + size]
        if len(chunk) < size:  # cut off: keep what there is
            parts.append(chunk)
            break
        if data[body + size:body + size + 2] != b"\r\n":
            parts.append(data[position:])  # no chunk terminator: the rest as it is
            break
        parts.append(chunk)
        position = body + size + 2
    return b"".join(parts)


def _chunk_size(line: bytes) -> int | None:
    if not line.endswith(b"\r\n"):
        return None
    try:
        size = int(line[:-2].split(b";")[0], 16)
    except ValueError:
        return None
    return size if 0 <= size <= 2 ** 31 else None


class BodyError(ValueError):
    """An HTTP body that cannot be decoded."""


def _inflate(data: bytes, wbits: int, max_bytes: int) -> bytes:
    inflate = zlib.decompressobj(wbits=wbits)
    out = inflate.decompress(data, max_bytes + 1)
    if len(out) > max_bytes:
        raise BodyError(f"decompressed, it is over the {size_text(max_bytes)} limit for one document "
                        "(raise it with --max-bytes)")
    return out + inflate.flush()


def _decode_content(data: bytes, encoding: str, max_bytes: int) -> bytes:
    if encoding in ("gzip", "x-gzip"):
        return _inflate(data, 47, max_bytes)  # gzip or zlib header, told by the data
    if encoding == "deflate":
        try:
            return _inflate(data, 15, max_bytes)
        except zlib.error:
            return _inflate(data, -15, max_bytes)  # raw deflate, as some servers send it
    if encoding == "br":
        try:
            import brotli
        except ImportError as err:
            raise BodyError("its Content-Encoding is br, which needs the brotli package (it comes with "
                            "FastWARC)") from err
        out = brotli.decompress(data)
        if len(out) > max_bytes:
            raise BodyError(f"decompressed, it is over the {size_text(max_bytes)} limit for one document")
        return out
    return data  # identity, or an encoding nobody can undo: the page decides


def http_body(raw: bytes, transfer_encoding: str | None, content_encoding: str | None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The payload of an HTTP response from the body as sent: de-chunked, then its content
    encodings undone (last applied first). A body that says it is compressed but is not (stored
    decoded, its header kept) is taken as it is when it is HTML; otherwise BodyError.

    >>> import gzip; http_body(b"a\\r\\n" + gzip.compress(b"<p>hi</p>")[:10] + b"\\r\\n0\\r\\n\\r\\n", "chunked", None)[:2]
    b'\\x1f\\x8b'
    """
    if "chunked" in (transfer_encoding or "").lower():
        raw = dechunk(raw)
    payload = raw
    encodings = [e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]
    for encoding in reversed(encodings):
        try:
            payload = _decode_content(payload, encoding, max_bytes)
        except BodyError:
            raise
        except Exception as err:  # zlib.error, brotli.error: what the library says is the reason
            if looks_like_html(raw):
                return raw
            raise BodyError(f"its body is not valid {encoding} (Content-Encoding: {content_encoding}): {err}") from err
    return payload


# --- WARC ---------------------------------------------------------------------------------------

def read_warc(stream: BinaryIO, source: str, file_id: str, skipped: Counter | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES, start: int = 0, end: int | None = None) -> Iterator[Input]:
    """The documents of an open WARC (or ARC) file whose records begin in [start, end) (end None:
    the end of the file).

    `source` names the file in messages, `file_id` in the id of a failure of the file itself;
    `skipped` counts the records that are not documents, by reason; a page over `max_bytes` is
    a failure, not read into memory. A document's `size` is the
    bytes of the file read since the previous document (skipped records included), so the sizes
    add up to the file's size for the progress meter.
    """
    skipped = skipped if skipped is not None else Counter()
    if start == 0 and _is_arc(stream, source):
        yield from read_arc(stream, source, file_id, skipped, max_bytes=max_bytes)
        return
    ArchiveIterator = _import_archive_iterator()
    if ArchiveIterator is None:
        yield InputFailure(file_id, source, INSTALL_HINT)
        return
    reader = _WarcReader(ArchiveIterator, stream, source, file_id, skipped, max_bytes, end)
    yield from reader.read(start)


class _WarcReader:
    """One pass over a WARC file that starts again after each damaged record."""

    def __init__(self, archive_iterator, stream: BinaryIO, source: str, file_id: str, skipped: Counter,
                 max_bytes: int, end: int | None):
        self.archive_iterator = archive_iterator
        self.stream, self.source, self.file_id = stream, source, file_id
        self.skipped, self.max_bytes, self.end = skipped, max_bytes, end
        self.last_position = 0  # how far into the file the previous document's size reached
        self.good: int | None = None  # where the last record read whole begins
        # A record not to clean is counted once the next one begins (or the file is found to end
        # with it): a record cut off at the end of a truncated file belongs to the lost rest.
        self.pending: str | None = None
        self.gzipped = False

    def read(self, start: int) -> Iterator[Input]:
        self.last_position = start
        self.stream.seek(start)
        self.gzipped = self.stream.read(2) == b"\x1f\x8b"
        position: int | None = start
        while position is not None:
            damage = yield from self._segment(position)
            if damage is None:
                return
            position = yield from self._recover(position, *damage)

    def _segment(self, position: int):
        """Read records from `position` on; returns None at the end (of the file or of the range),
        else (offset of the damaged record or None when it is the one after the last read, why)."""
        self.stream.seek(position)
        read_here = False  # a record was read whole in this segment
        iterator = iter(self.archive_iterator(self.stream, parse_http=True, auto_decode="none"))
        while True:
            try:
                record = next(iterator)
            except StopIteration:
                break
            except OSError as err:  # a corrupt gzip member or a malformed record header
                return (None if read_here else position), f"{err}"
            offset = record.stream_pos
            if self.pending is not None:
                self.skipped[self.pending] += 1
                self.pending = None
            if self.end is not None and offset >= self.end:
                return None
            try:
                outcome = self._record(record, offset)
            except OSError as err:
                return offset, f"{err}"
            if isinstance(outcome, tuple):  # cut short
                return outcome
            read_here = True
            self.good = offset
            if outcome is not None:
                yield outcome
        if self.end is not None:
            return None  # the range's end is the next range's start: its reader checks from there
        last = self.good if read_here else position
        # FastWARC ends quietly where a file is cut inside a record's headers or its gzip member:
        # the file must end exactly where its last record does.
        problem = _tail_problem(self.stream, last)
        if self.pending is not None and (problem is None or problem[0] > last):
            self.skipped[self.pending] += 1
            self.pending = None
        if problem is None:
            return None
        return problem

    def _record(self, record, offset: int):
        """The Input for one record (None when it is not a document, counted once the next one
        begins), or (offset, why) when the record is cut short."""
        headers = record.headers
        kind = (headers.get("WARC-Type") or "record without WARC-Type").lower()
        http = record.http_headers
        if kind == "resource":
            content_type, charset = _media_type(headers.get("Content-Type"))
        else:
            content_type, charset = _media_type(http.get("Content-Type") if http is not None else None)
        verdict = _verdict(kind, http.status_code if http is not None else None, http is not None, content_type)
        record_id = headers.get("WARC-Record-ID") or f"{self.file_id}@{offset}"
        where = f"{self.source}@{offset}"
        if verdict in (PAGE, SNIFF) and record.content_length > self.max_bytes:
            return self._document(InputFailure(record_id, where, over_size_reason(record.content_length,
                                                                                  self.max_bytes), offset=offset))
        raw = record.reader.read()
        if len(raw) < record.content_length:
            return offset, (f"the record there is cut short, {len(raw)} of {record.content_length} bytes: "
                            "the file is truncated")
        if verdict not in (PAGE, SNIFF):
            self.pending = verdict
            return None
        if kind == "response":
            try:
                payload = http_body(raw, http.get("Transfer-Encoding"), http.get("Content-Encoding"), self.max_bytes)
            except BodyError as err:
                return self._document(InputFailure(record_id, where, f"cannot decode the page's HTTP body ({err})",
                                                   offset=offset))
        else:
            payload = raw
        if verdict == SNIFF and not looks_like_html(payload):
            self.pending = "response without Content-Type, not HTML"
            return None
        date = headers.get("WARC-Date")
        return self._document(InputItem(record_id, "html", payload, where, path=self.source,
                                        url=headers.get("WARC-Target-URI") or None,
                                        metadata={"warc_date": date} if date else {},
                                        charset=charset, offset=offset))

    def _document(self, document: Input) -> Input:
        position = self.stream.tell()
        document.size = max(position - self.last_position, 0)
        self.last_position = max(position, self.last_position)
        return document

    def _recover(self, position: int, damaged: int | None, why: str):
        """After damage: an error record for what is lost, and where reading goes on (None: nowhere)."""
        if damaged is None:  # the record after the last one read whole: where does it begin?
            after = self.good if self.good is not None else position
            following = self._next_start(after + 1)
            if following is None:
                yield self._lost(after, why, f"after the record at byte {after}")
                return None
            after_end = _record_end(self.stream, after)
            if after_end is not None and (after_end >= following or self._blank(after_end, following)):
                return following  # the last record's length was wrong (or it ends with blank lines)
            # bytes between the two that no record holds
            yield self._failure(after_end if after_end is not None else after, why, following)
            return following
        following = self._next_start(damaged + 1)
        if following is None:
            yield self._lost(damaged, why)
            return None
        yield self._failure(damaged, why, following)
        return following

    def _blank(self, start: int, end: int) -> bool:
        self.stream.seek(start)
        return not self.stream.read(end - start).strip(b"\r\n")

    def _next_start(self, after: int) -> int | None:
        """The first offset from `after` (before the range's end) where a record begins."""
        return _next_record_start(self.stream, after, self.gzipped, self.end)

    def _failure(self, offset: int, why: str, following: int) -> InputFailure:
        self._skip_pending()
        return self._document(InputFailure(
            f"{self.file_id}@{offset}", f"{self.source}@{offset}",
            f"cannot read the archive record at byte {offset} ({why}); it is skipped and reading goes on "
            f"at byte {following}", offset=offset))

    def _lost(self, offset: int, why: str, where: str | None = None) -> InputFailure:
        if self.pending is not None and self.good is not None and offset > self.good:
            self._skip_pending()  # read whole: the damage is after it
        self.pending = None
        return self._document(_broken(self.file_id, self.source, offset, why, where))

    def _skip_pending(self) -> None:
        if self.pending is not None:
            self.skipped[self.pending] += 1
            self.pending = None


# Bytes looked at for a record's WARC headers when checking the end of a file.
_HEADER_LIMIT = 1 << 20
_SCAN_BLOCK = 1 << 20


def _next_record_start(stream: BinaryIO, after: int, gzipped: bool, end: int | None) -> int | None:
    """The first offset at or after `after` where a record begins (a gzip member whose first bytes
    inflate to `WARC/`, or a `WARC/1.x` line), before `end`; None when there is none."""
    marker = b"\x1f\x8b\x08" if gzipped else b"\nWARC/1."
    lead = 0 if gzipped else 1  # the record begins after the newline
    position = max(after - lead, 0)
    while end is None or position < end:
        stream.seek(position)
        block = stream.read(_SCAN_BLOCK + len(marker))
        if not block:
            return None
        found = block.find(marker)
        while found >= 0:
            candidate = position + found + lead
            if candidate >= after and (end is None or candidate < end) and _record_begins(stream, candidate, gzipped):
                return candidate
            found = block.find(marker, found + 1)
        if len(block) <= _SCAN_BLOCK:
            return None
        position += _SCAN_BLOCK
    return None


def _record_begins(stream: BinaryIO, offset: int, gzipped: bool) -> bool:
    stream.seek(offset)
    head = stream.read(1 << 12)
    if gzipped:
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 16)
        except zlib.error:
            return False
    return head.startswith((b"WARC/1.0\r\n", b"WARC/1.1\r\n", b"WARC/0.1"))


def _record_end(stream: BinaryIO, offset: int) -> int | None:
    """Where the record (plain) or gzip member beginning at `offset` ends; None when it cannot be told."""
    try:
        size = stream.seek(0, 2)
        stream.seek(offset)
        if stream.read(2) == b"\x1f\x8b":
            stream.seek(offset)
            inflate = zlib.decompressobj(wbits=31)
            while not inflate.eof:
                chunk = stream.read(1 << 16)
                if not chunk:
                    return None
                inflate.decompress(chunk, 1 << 16)
                while inflate.unconsumed_tail and not inflate.eof:  # bounded output: skip through it
                    inflate.decompress(inflate.unconsumed_tail, 1 << 16)
            return size - len(inflate.unused_data) - len(stream.read())
        stream.seek(offset)
        return _plain_record_end(stream.read(_HEADER_LIMIT), offset)
    except (OSError, zlib.error):
        return None


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


# --- ARC ----------------------------------------------------------------------------------------

def _is_arc(stream: BinaryIO, source: str) -> bool:
    """An ARC file: it begins with its `filedesc://` record (or is named .arc/.arc.gz and is not
    a WARC file)."""
    stream.seek(0)
    head = stream.read(1 << 12)
    stream.seek(0)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 64)
        except zlib.error:
            return False
    if head.startswith(b"WARC/"):
        return False
    name = source.lower().split("@")[0]
    return head.startswith(b"filedesc://") or name.endswith((".arc", ".arc.gz"))


def read_arc(stream: BinaryIO, source: str, file_id: str, skipped: Counter | None = None,
             max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Input]:
    """The documents of an ARC file (the Internet Archive's format before WARC; each record a URL
    line and the HTTP response, gzip member per record in .arc.gz), read with warcio, which turns
    each record into a WARC response: the same documents, ids (the record's `WARC-Record-ID` that
    warcio gives is made up, so the id is FILE@OFFSET), urls and dates as a WARC file gives."""
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        yield InputFailure(file_id, source, ARC_INSTALL_HINT)
        return
    skipped = skipped if skipped is not None else Counter()
    # warcio logs the URLs with spaces it mends; the cleaner reads them as they are, quietly.
    logging.getLogger("warcio").addHandler(logging.NullHandler())
    stream.seek(0)
    iterator = ArchiveIterator(stream, arc2warc=True)
    good = None
    last_position = 0
    try:
        for record in iterator:
            headers = record.rec_headers
            kind = (record.rec_type or "").lower()
            http = record.http_headers
            content_type, charset = _media_type(http.get_header("Content-Type") if http is not None else None)
            status = None
            if http is not None and (http.get_statuscode() or "").isdigit():
                status = int(http.get_statuscode())
            verdict = _verdict(kind, status, http is not None and bool(http.protocol), content_type)
            length = (headers.get_header("Content-Length") or "").strip()
            length = int(length) if length.isdigit() else 0  # warcio reads a bad length as an empty record
            payload = None
            if verdict in (PAGE, SNIFF) and length <= max_bytes:
                payload = record.content_stream().read()
            offset = iterator.get_record_offset()  # (warcio reads the record to its end to tell)
            good = offset
            where, record_id = f"{source}@{offset}", f"{file_id}@{offset}"
            if verdict not in (PAGE, SNIFF):
                skipped["ARC file header" if kind == "warcinfo" else verdict] += 1
                continue
            if payload is None:
                yield InputFailure(record_id, where, over_size_reason(length, max_bytes), offset=offset)
                continue
            if verdict == SNIFF and not looks_like_html(payload):
                skipped["response without Content-Type, not HTML"] += 1
                continue
            position = stream.tell()
            date = headers.get_header("WARC-Date")
            yield InputItem(record_id, "html", payload, where, path=source,
                            url=headers.get_header("WARC-Target-URI") or None,
                            metadata={"warc_date": date} if date else {}, charset=charset, offset=offset,
                            size=max(position - last_position, 0))
            last_position = position
    except (ArchiveLoadFailed, OSError, ValueError, zlib.error) as err:
        after = f"after the record at byte {good}" if good is not None else "from byte 0"
        yield _broken(file_id, source, good if good is not None else 0, f"{err}".strip().splitlines()[0], after)
