"""Write cleaned documents: one JSONL stream, one Parquet file (parquet.py), dolma documents and
attributes, or one file per document mirroring the input tree.

Files are written to a temporary name and renamed into place, so an interrupted run never
leaves a half-written file behind.
"""
from __future__ import annotations

import errno
import gzip
import json
import os
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import regex

from cleaner.io.formats import DOCUMENT_SUFFIXES, OUTPUT_MARKER
from cleaner.io.seen import SeenSet

_UNSAFE = regex.compile(r"[\x00-\x1f\x7f<>:\"|?*\\]")


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


class OutputError(Exception):
    """An output could not be written (disk full, read-only or vanished folder, no permission):
    the run stops with one message naming the path and the errno (exit code 3); what was
    written up to the last checkpoint stands, for --resume."""

    def __init__(self, path: Path | str, err: OSError):
        self.path, self.errno = path, err.errno
        name = errno.errorcode.get(err.errno, "") if err.errno is not None else ""
        super().__init__(f"cannot write {path}: {err.strerror or err}" + (f" ({name})" if name else ""))


@contextmanager
def writing(path: Path | str):
    """Turn an OSError while writing `path` into an OutputError naming it."""
    try:
        yield
    except OSError as err:
        raise OutputError(path, err) from None


# /dev/stdout, /dev/fd/N, /proc/self/fd/N: a file descriptor, whatever it points at.
_DESCRIPTOR_PATHS = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/")


def is_stream_target(path: Path | str) -> bool:
    """True for an output that is not a regular file or folder: a device (/dev/null), a FIFO, a
    socket, or a path naming a file descriptor (/dev/stdout). Such an output is written to as a
    stream, never replaced by renaming a temporary file over it (which would replace /dev/null
    itself), and cannot be resumed.

    >>> is_stream_target("/dev/null"), is_stream_target("/dev/stdout"), is_stream_target("/tmp/x.jsonl")
    (True, True, False)
    """
    if os.path.abspath(path).startswith(_DESCRIPTOR_PATHS):
        return True
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def atomic_write_text(path: Path, content: str) -> None:
    """Write to .NAME.part, then rename to NAME: a reader never sees half a file. A device or a
    FIFO (is_stream_target) is written to directly.

    The temporary name is fixed, not random: if the process is killed mid-write, the leftover
    .NAME.part is overwritten and renamed by the run that writes NAME again (--resume), instead
    of lingering in the output folder.
    """
    with writing(path):
        if is_stream_target(path):
            with open(path, "a", encoding="utf-8", newline="\n") as f:
                f.write(content)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.part")
        try:
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                f.write(content)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


OUTPUT_MARKER_TEXT = ("This folder holds documents written by `cleaner clean`. A folder walk of `cleaner clean` "
                      "skips it, so that\nthey are not cleaned again as input; delete this file to have them read "
                      "as input.\n")


def mark_output_folder(folder: Path) -> None:
    """Leave the marker that makes folder walks skip this folder (formats.OUTPUT_MARKER)."""
    marker = folder / OUTPUT_MARKER
    if not marker.exists():
        atomic_write_text(marker, OUTPUT_MARKER_TEXT)


def relative_output_path(doc_id: str, suffix: str) -> PurePosixPath:
    """A safe relative path for a document id: no '..', no absolute paths, no control characters.

    >>> relative_output_path("news/a.html", ".txt")
    PurePosixPath('news/a.txt')
    >>> relative_output_path("news/b.txt.gz", ".json")
    PurePosixPath('news/b.json')
    >>> relative_output_path("../../etc/passwd", ".txt")
    PurePosixPath('etc/passwd.txt')
    """
    parts = [_UNSAFE.sub("_", part) for part in regex.split(r"[/\\]+", doc_id) if part not in ("", ".", "..")]
    parts = [part.lstrip(".") or "_" for part in parts] or ["document"]
    name = PurePosixPath(*parts)
    if name.suffix.lower() == ".gz" and name.with_suffix("").suffix.lower() in DOCUMENT_SUFFIXES:
        name = name.with_suffix("")  # a.txt.gz -> a.txt -> a
    if name.suffix.lower() in DOCUMENT_SUFFIXES:
        name = name.with_suffix("")
    return name.with_name(name.name[:200] + suffix)


def partial_path(path: Path) -> Path:
    """Where a JSONL output grows until the run ends: PATH.partial, renamed to PATH at the end and
    kept after an interruption so that --resume can continue it."""
    return path.with_name(path.name + ".partial")


class OutputClosed(Exception):
    """The reader of stdout went away (`cleaner clean ... | head`): nothing more can be written."""


# The lines of an unfinished gzip member are kept for stop_point(): in memory up to this size,
# in a temporary file beyond it.
TAIL_IN_MEMORY = 16 * 1024 * 1024


class JsonlFile:
    """A JSONL stream written to PATH.partial and renamed to PATH when complete; gzip-compressed
    when PATH ends in .gz.

    `mark()` makes everything written so far durable and returns its length in bytes: the place
    a resumed run truncates back to. A compressed stream ends a gzip member there (gzip readers
    read consecutive members as one stream), so the file cut at a mark is still valid gzip;
    marks fall at the same documents in every run, so a resumed run writes the same bytes.

    A run can also stop between marks (Ctrl-C): `stop_point()` says how to carry on from exactly
    there. A plain stream is simply cut where it stopped; a compressed one cannot end its member
    there without changing the bytes, so it is cut back to the last mark and the lines written
    since are handed over, to be written again (`tail`) by the resumed run, through the same
    calls, giving the same member.
    """

    def __init__(self, path: Path, resume_at: int | None = None, tail: BinaryIO | None = None):
        self.path = path
        # A device, FIFO or descriptor (/dev/null, /dev/stdout) is written to as it is: no
        # partial file, no rename over it, no resuming.
        self.stream = is_stream_target(path)
        self.partial = path if self.stream else partial_path(path)
        self.compressed = path.name.lower().endswith(".gz")
        with writing(self.partial):
            if self.stream:
                self._raw = open(path, "ab")
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                if resume_at is None:
                    self._raw = open(self.partial, "wb")
                else:
                    self._raw = open(self.partial, "r+b")
                    self._raw.truncate(resume_at)
                    self._raw.seek(resume_at)
        self._marked = resume_at or 0
        self._member: gzip.GzipFile | None = None
        self._tail = tempfile.SpooledTemporaryFile(max_size=TAIL_IN_MEMORY) if self.compressed else None
        if tail is not None:
            for line in tail:
                self._write(line)

    def write_line(self, line: str) -> None:
        self._write(line.encode("utf-8") + b"\n")

    def _write(self, data: bytes) -> None:
        with writing(self.partial):
            if not self.compressed:
                self._raw.write(data)
                return
            if self._member is None:
                # No file name and a zero time stamp in the header: same input, same bytes.
                self._member = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=6)
            self._member.write(data)
            self._tail.write(data)

    def mark(self) -> int:
        """End what was written so far (a gzip member), flush it and make it durable (fsync): a
        checkpoint that names this length must never point past data lost in a power cut."""
        with writing(self.partial):
            if self._member is not None:
                self._member.close()  # ends the member; the file itself stays open
                self._member = None
            self._raw.flush()
            if self.stream:
                return 0
            os.fsync(self._raw.fileno())
            self._marked = self._raw.tell()
        if self._tail is not None:
            self._tail.seek(0)
            self._tail.truncate()
        return self._marked

    def stop_point(self) -> tuple[int, BinaryIO | None]:
        """(length to keep, lines to write again or None) for resuming exactly where the stream
        stopped; the lines come as a file positioned at its start."""
        with writing(self.partial):
            self._raw.flush()
            if not self.stream:
                os.fsync(self._raw.fileno())  # durable before the checkpoint that names it
            if not self.compressed:
                return (0 if self.stream else self._raw.tell()), None
        # The unfinished member stays as it is (flushing it would change the bytes); the resumed
        # run cuts it off and writes its lines again.
        self._tail.seek(0)
        return self._marked, self._tail

    def close(self) -> None:
        """Finish the stream and rename it into place."""
        self.mark()
        with writing(self.partial):
            self._raw.close()
            if not self.stream:
                os.replace(self.partial, self.path)

    def keep_partial(self) -> None:
        """Stop without finishing: the partial file stays for --resume (a resumed run cuts it
        back to the last mark or stop point). Quiet on a full disk: the data that matters was
        made durable at the last mark, and the run is already stopping with a message."""
        try:
            self._raw.close()
        except OSError:
            pass

    def discard(self) -> None:
        self.keep_partial()
        if not self.stream:
            self.partial.unlink(missing_ok=True)


class JsonlWriter:
    """One JSON object per line into a JsonlFile (see there: atomic, resumable, .gz)."""

    def __init__(self, output: Path, resume_at: int | None = None, tail: BinaryIO | None = None):
        self.output = output
        self.file = JsonlFile(output, resume_at, tail)

    def write(self, record: dict[str, Any]) -> None:
        self.file.write_line(dumps(record))

    def mark(self) -> int:
        return self.file.mark()

    def stop_point(self) -> tuple[int, BinaryIO | None]:
        return self.file.stop_point()

    def close(self) -> None:
        self.file.close()

    def abort(self) -> None:
        self.file.keep_partial()


def dolma_attributes_path(documents: Path, name: str) -> Path:
    """Where dolma expects the attributes of a documents file: DATASET/documents/F.jsonl.gz has
    DATASET/attributes/NAME/F.jsonl.gz; a documents file elsewhere gets FOLDER/attributes/NAME/F.

    >>> dolma_attributes_path(Path("cc/documents/part-0.jsonl.gz"), "cleaner").as_posix()
    'cc/attributes/cleaner/part-0.jsonl.gz'
    >>> dolma_attributes_path(Path("out/clean.jsonl"), "cleaner").as_posix()
    'out/attributes/cleaner/clean.jsonl'
    """
    dataset = documents.parent.parent if documents.parent.name == "documents" else documents.parent
    return dataset / "attributes" / name / documents.name


def removal_score(removal: dict[str, Any]) -> float:
    """How sure the rule was that the span is not article text: main-content's trees give a line
    a probability of being article text (note "p=0.03": score 0.97); every other rule is sure.

    >>> removal_score({"rule": "main-content", "note": "p=0.03"}), removal_score({"rule": "photo-credit"})
    (0.97, 1.0)
    """
    note = removal.get("note", "")
    if note.startswith("p="):
        try:
            return round(1.0 - float(note[2:]), 4)
        except ValueError:
            pass
    return 1.0


class DolmaWriter:
    """Dolma's layout (`--dolma-attributes NAME`): at OUTPUT the documents, whose `text` is the
    repaired text before any removal, and beside them attributes/NAME/ with one row per document,
    in the same order: {"id", "attributes": {"NAME__RULE": [[start, end, score], ...]}}. Dolma's
    mixer, removing the spans, gives the clean text (with blank lines where lines were). The
    records must carry spans (Cleaner(spans=True))."""

    def __init__(self, output: Path, name: str):
        self.name = name
        self.documents = JsonlFile(output)
        self.attributes = JsonlFile(dolma_attributes_path(output, name))

    def write(self, record: dict[str, Any]) -> None:
        document = {key: value for key, value in record.items() if key not in ("removed", "repaired_text")}
        document["text"] = record["repaired_text"]
        document.setdefault("source", self.name)
        attributes: dict[str, list[list[float]]] = {}
        for removal in record["removed"]:
            if "start" in removal:
                attributes.setdefault(f"{self.name}__{removal['rule']}", []).append(
                    [removal["start"], removal["end"], removal_score(removal)])
        self.documents.write_line(dumps(document))
        self.attributes.write_line(dumps({"id": record["id"], "source": document["source"],
                                          "attributes": attributes}))

    def close(self) -> None:
        self.attributes.close()
        self.documents.close()

    def abort(self) -> None:
        self.attributes.keep_partial()
        self.documents.keep_partial()


class TreeWriter:
    """One file per document under a folder: NAME.txt (clean text) or NAME.json (the record).

    A file exists only once complete (written to a temporary name, then renamed), so a resumed
    run (`resuming`) can skip every document whose file is there. Names are handed out in input
    order to every document, those that fail too (`already_done` is asked about each): when a.htm
    fails and a.html beside it becomes a~2.txt, a resumed run finds a.txt missing, cleans a.htm
    again (and reports it again) and finds a.html's file where the first run put it.
    """

    def __init__(self, folder: Path, fmt: str, resuming: bool = False):
        self.folder = folder
        self.fmt = fmt
        self.resuming = resuming
        # Hashes of the names handed out, not the names: memory stays small on millions of files.
        self._used = SeenSet()
        self._planned: dict[str, Path] = {}
        self._marked = False

    def target(self, doc_id: str) -> Path:
        """The file for a document; the same id sequence always gets the same files."""
        if doc_id in self._planned:
            return self._planned.pop(doc_id)
        relative = relative_output_path(doc_id, ".txt" if self.fmt == "text" else ".json")
        candidate, n = relative, 2
        while not self._used.add(str(candidate)):  # a.html and a.txt both become a.txt: keep both
            candidate = relative.with_name(f"{relative.stem}~{n}{relative.suffix}")
            n += 1
        return self.folder / candidate

    def already_done(self, item) -> bool:
        """For --resume: True when this document's file exists (and so is complete). The name is
        handed out now, in input order, and used when the document's record comes back."""
        path = self.target(item.id)
        if self.resuming and path.exists():
            return True
        self._planned[item.id] = path
        return False

    def forget(self, doc_id: str) -> None:
        """A planned document failed: it gets no file."""
        self._planned.pop(doc_id, None)

    def write(self, record: dict[str, Any]) -> None:
        path = self.target(str(record["id"]))
        if not self._marked:
            mark_output_folder(self.folder)
            self._marked = True
        if self.fmt == "text":
            atomic_write_text(path, record["text"] + "\n")
        else:
            atomic_write_text(path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


class StdoutWriter:
    """Without --output, on stdout. jsonl: one record a line. json: each record as indented JSON,
    one after another (as `jq` reads them). text: the clean text; when there are several
    documents, each is headed by a line `==> ID <==` and set off by a blank line, the way `head`
    and `tail` show several files; a single document comes bare, so `> page.txt` is its text.
    (The first document is held back until a second one shows whether it needs a header.)

    A reader that goes away (`| head`) raises OutputClosed.
    """

    HEADER = "==> {id} <=="

    def __init__(self, fmt: str, stream=None):
        self.fmt = fmt
        self.stream = stream
        self._held: dict[str, Any] | None = None
        self._written = 0

    def _out(self, text: str) -> None:
        try:
            (self.stream or sys.stdout).write(text)
        except BrokenPipeError:
            raise OutputClosed from None

    def write(self, record: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            self._out(dumps(record) + "\n")
        elif self.fmt == "json":
            self._out(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        elif self._written == 0 and self._held is None:
            self._held = record
        else:
            if self._held is not None:
                self._text(self._held, header=True)
                self._held = None
            self._text(record, header=True)

    def _text(self, record: dict[str, Any], header: bool) -> None:
        head = ""
        if header:
            head = ("\n" if self._written else "") + self.HEADER.format(id=record["id"]) + "\n"
        self._out(head + record["text"] + "\n")
        self._written += 1

    def close(self) -> None:
        if self._held is not None:
            self._text(self._held, header=False)
            self._held = None
        try:
            (self.stream or sys.stdout).flush()
        except BrokenPipeError:
            raise OutputClosed from None

    def abort(self) -> None:
        try:
            self.close()
        except OutputClosed:
            pass


def open_writer(fmt: str, output: Path | None, resume_at: int | None = None):
    if output is None:
        return StdoutWriter(fmt)
    if fmt == "jsonl":
        return JsonlWriter(output, resume_at)
    if fmt == "parquet":
        from cleaner.io.parquet import ParquetWriter  # pyarrow only when Parquet is written

        return ParquetWriter(output)
    return TreeWriter(output, fmt)
