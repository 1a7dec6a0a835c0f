"""Write cleaned documents: one JSONL stream, or one file per document mirroring the input tree.

Files are written to a temporary name and renamed into place, so an interrupted run never
leaves a half-written file behind.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any, Protocol, TextIO

import regex

FORMATS = ("text", "json", "jsonl")
_INPUT_SUFFIXES = {".txt", ".text", ".html", ".htm", ".xhtml"}
_UNSAFE = regex.compile(r"[\x00-\x1f\x7f<>:\"|?*\\]")


class Writer(Protocol):
    def write(self, record: dict[str, Any]) -> None: ...
    def close(self) -> None: ...


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


def atomic_write_text(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def relative_output_path(doc_id: str, suffix: str) -> PurePosixPath:
    """A safe relative path for a document id: no '..', no absolute paths, no control characters.

    >>> relative_output_path("news/a.html", ".txt")
    PurePosixPath('news/a.txt')
    >>> relative_output_path("../../etc/passwd", ".txt")
    PurePosixPath('etc/passwd.txt')
    """
    parts = [_UNSAFE.sub("_", part) for part in regex.split(r"[/\\]+", doc_id) if part not in ("", ".", "..")]
    parts = [part.lstrip(".") or "_" for part in parts] or ["document"]
    name = PurePosixPath(*parts)
    if name.suffix.lower() in _INPUT_SUFFIXES:
        name = name.with_suffix("")
    return name.with_name(name.name[:200] + suffix)


class JsonlWriter:
    """One JSON object per line, to a file (renamed into place on close) or to stdout."""

    def __init__(self, output: Path | None):
        self.output = output
        if output is None:
            self._stream: TextIO = sys.stdout
            self._tmp = None
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".part")
            self._stream = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, record: dict[str, Any]) -> None:
        self._stream.write(dumps(record) + "\n")

    def close(self) -> None:
        if self._tmp is None:
            self._stream.flush()
            return
        self._stream.close()
        os.replace(self._tmp, self.output)

    def abort(self) -> None:
        if self._tmp is not None:
            self._stream.close()
            Path(self._tmp).unlink(missing_ok=True)


class TreeWriter:
    """One file per document under a folder: NAME.txt (clean text) or NAME.json (the record)."""

    def __init__(self, folder: Path, fmt: str):
        self.folder = folder
        self.fmt = fmt
        self._used: set[PurePosixPath] = set()

    def target(self, doc_id: str) -> Path:
        relative = relative_output_path(doc_id, ".txt" if self.fmt == "text" else ".json")
        candidate, n = relative, 2
        while candidate in self._used:  # a.html and a.txt both become a.txt: keep both
            candidate = relative.with_name(f"{relative.stem}~{n}{relative.suffix}")
            n += 1
        self._used.add(candidate)
        return self.folder / candidate

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


def open_writer(fmt: str, output: Path | None):
    if output is None:
        return StdoutWriter(fmt)
    if fmt == "jsonl":
        return JsonlWriter(output)
    return TreeWriter(output, fmt)
