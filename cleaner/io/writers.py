"""Write cleaned documents: one JSONL stream, one Parquet file (parquet.py), dolma documents and
attributes, or one file per document mirroring the input tree.

Files are written to a temporary name and renamed into place, so an interrupted run never
leaves a half-written file behind.
"""
from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import regex

from cleaner.io.formats import DOCUMENT_SUFFIXES
from cleaner.io.seen import SeenSet

_UNSAFE = regex.compile(r"[\x00-\x1f\x7f<>:\"|?*\\]")


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


def atomic_write_text(path: Path, content: str) -> None:
    """Write to .NAME.part, then rename to NAME: a reader never sees half a file.

    The temporary name is fixed, not random: if the process is killed mid-write, the leftover
    .NAME.part is overwritten and renamed by the run that writes NAME again (--resume), instead
    of lingering in the output folder.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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


class JsonlFile:
    """A JSONL stream written to PATH.partial and renamed to PATH when complete; gzip-compressed
    when PATH ends in .gz.

    `mark()` makes everything written so far durable and returns its length in bytes: the place
    a resumed run truncates back to. A compressed stream ends a gzip member there (gzip readers
    read consecutive members as one stream), so the file cut at a mark is still valid gzip;
    marks fall at the same documents in every run, so a resumed run writes the same bytes.
    """

    def __init__(self, path: Path, resume_at: int | None = None):
        self.path = path
        self.partial = partial_path(path)
        self.compressed = path.name.lower().endswith(".gz")
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume_at is None:
            self._raw = open(self.partial, "wb")
        else:
            self._raw = open(self.partial, "r+b")
            self._raw.truncate(resume_at)
            self._raw.seek(resume_at)
        self._member: gzip.GzipFile | None = None

    def write_line(self, line: str) -> None:
        data = line.encode("utf-8") + b"\n"
        if not self.compressed:
            self._raw.write(data)
            return
        if self._member is None:
            # No file name and a zero time stamp in the header: same input, same bytes.
            self._member = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=6)
        self._member.write(data)

    def mark(self) -> int:
        if self._member is not None:
            self._member.close()  # ends the member; the file itself stays open
            self._member = None
        self._raw.flush()
        return self._raw.tell()

    def close(self) -> None:
        """Finish the stream and rename it into place."""
        self.mark()
        self._raw.close()
        os.replace(self.partial, self.path)

    def keep_partial(self) -> None:
        """Stop without finishing: the partial file stays for --resume (a resumed run cuts it
        back to the last mark)."""
        self._raw.close()

    def discard(self) -> None:
        self._raw.close()
        self.partial.unlink(missing_ok=True)


class JsonlWriter:
    """One JSON object per line into a JsonlFile (see there: atomic, resumable, .gz)."""

    def __init__(self, output: Path, resume_at: int | None = None):
        self.output = output
        self.file = JsonlFile(output, resume_at)

    def write(self, record: dict[str, Any]) -> None:
        self.file.write_line(dumps(record))

    def mark(self) -> int:
        return self.file.mark()

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
    run can skip every document whose file is there.
    """

    def __init__(self, folder: Path, fmt: str):
        self.folder = folder
        self.fmt = fmt
        # Hashes of the names handed out, not the names: memory stays small on millions of files.
        self._used = SeenSet()
        self._planned: dict[str, Path] = {}

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
        if path.exists():
            return True
        self._planned[item.id] = path
        return False

    def forget(self, doc_id: str) -> None:
        """A planned document failed: it gets no file."""
        self._planned.pop(doc_id, None)

    def write(self, record: dict[str, Any]) -> None:
        path = self.target(str(record["id"]))
        if self.fmt == "text":
            atomic_write_text(path, record["text"] + "\n")
        else:
            atomic_write_text(path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


class StdoutWriter:
    """Without --output: clean text (documents one after another) or JSON lines on stdout."""

    def __init__(self, fmt: str):
        self.fmt = fmt

    def write(self, record: dict[str, Any]) -> None:
        sys.stdout.write(record["text"] + "\n" if self.fmt == "text" else dumps(record) + "\n")

    def close(self) -> None:
        sys.stdout.flush()

    def abort(self) -> None:
        self.close()


def open_writer(fmt: str, output: Path | None, resume_at: int | None = None):
    if output is None:
        return StdoutWriter(fmt)
    if fmt == "jsonl":
        return JsonlWriter(output, resume_at)
    if fmt == "parquet":
        from cleaner.io.parquet import ParquetWriter  # pyarrow only when Parquet is written

        return ParquetWriter(output)
    return TreeWriter(output, fmt)
