"""Checkpoints for JSONL output, so that an interrupted run can be resumed (--resume) and end
with exactly the bytes an uninterrupted run would have written.

While a run writes OUT (and the --errors file), both grow as OUT.partial / ERRORS.partial. Every
`every` input documents, counted from the start of the input, the checkpoint OUT.checkpoint
records how many inputs are accounted for, the length of both partial files at that point, the
summary counts, and a fingerprint of the run's arguments. A resumed run checks the fingerprint,
cuts both partial files back to the recorded lengths (whatever was written after the checkpoint
is written again), skips that many inputs and carries on. Checkpoints fall on the same
documents in every run, which is what makes a compressed output come out byte-identical.

A run stopped by Ctrl-C or SIGTERM also saves a checkpoint where it stopped (`save_stopped`), so
nothing done is lost. A plain file is cut right there. A compressed one is cut back to its last
regular checkpoint, and the lines written since go to OUT.partial.tail (ERRORS.partial.tail),
which the checkpoint names by length and hash: the resumed run writes them again first, and so
produces the gzip member an uninterrupted run would have.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

from cleaner.engines.outcome import Summary
from cleaner.io.inputs import Input

DEFAULT_CHECKPOINT_EVERY = 1000
VERSION = 1


class ResumeError(ValueError):
    """A checkpoint that does not belong to this run (other inputs or options), or is unreadable."""


def checkpoint_path(output: Path) -> Path:
    return output.with_name(output.name + ".checkpoint")


def tail_path(output: Path) -> Path:
    return output.with_name(output.name + ".partial.tail")


def _save_tail(output: Path, lines: BinaryIO | None) -> list | None:
    """Store the lines to write again beside OUTPUT; [length, sha256] for the checkpoint."""
    if lines is None:
        return None
    data = lines.read()
    lines.seek(0, os.SEEK_END)
    from cleaner.io.writers import writing

    path = tail_path(output)
    tmp = path.with_name(path.name + ".tmp")
    with writing(path):
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    return [len(data), hashlib.sha256(data).hexdigest()]


def _check_tail(output: Path, tail: list | None, checkpoint: Path) -> None:
    if tail is None:
        return
    path = tail_path(output)
    try:
        with open(path, "rb") as f:
            data = f.read(tail[0])
    except OSError:
        data = None
    if data is None or len(data) != tail[0] or hashlib.sha256(data).hexdigest() != tail[1]:
        raise ResumeError(f"{path} is missing or not the one {checkpoint} was saved with; delete the checkpoint "
                          "to start over")


@contextmanager
def open_tail(output: Path, tail: list | None) -> Iterator[BinaryIO | None]:
    """The lines a resumed run writes again first (checked by find_checkpoint), or None."""
    if tail is None:
        yield None
        return
    with open(tail_path(output), "rb") as f:
        yield io.BytesIO(f.read(tail[0]))


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (where the system allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fingerprint(settings: dict[str, Any]) -> str:
    """A short hash of everything that decides a run's output bytes."""
    blob = json.dumps(settings, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:24]


@dataclass
class Checkpoint:
    fingerprint: str
    inputs: int
    output_bytes: int
    errors_bytes: int | None
    counts: dict[str, int]
    # [length, sha256] of the lines to write again after cutting back (compressed output stopped
    # between regular checkpoints), or None.
    output_tail: list | None = None
    errors_tail: list | None = None

    def save(self, path: Path) -> None:
        """Written whole to a temporary file, made durable, then renamed into place: after a crash
        or a power cut there is the old checkpoint or the new one. The data it names was made
        durable before (JsonlFile.mark)."""
        from cleaner.io.writers import writing

        tmp = path.with_name(path.name + ".tmp")
        with writing(path):
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(json.dumps({"version": VERSION, **self.__dict__}, sort_keys=True))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
            _sync_folder(path.parent)

    @classmethod
    def load(cls, path: Path) -> "Checkpoint":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.pop("version") != VERSION:
                raise ResumeError(f"{path}: checkpoint from another version of cleaner")
            return cls(**data)
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise ResumeError(f"{path}: unreadable checkpoint ({err}); delete it to start over") from None


def find_checkpoint(output: Path, errors: Path | None, print_: str) -> Checkpoint | None:
    """The checkpoint to resume from, or None when there is none (the run starts from the top).
    Raises ResumeError when it was made by a run with other arguments."""
    from cleaner.io.writers import partial_path

    path = checkpoint_path(output)
    if not path.exists():
        return None
    checkpoint = Checkpoint.load(path)
    if checkpoint.fingerprint != print_:
        raise ResumeError(
            f"{path} was left by a run with other inputs, rules or options; rerun with the same "
            f"arguments to resume it, or delete {path} and {partial_path(output)} to start over")
    if not partial_path(output).exists() or partial_path(output).stat().st_size < checkpoint.output_bytes:
        raise ResumeError(f"{partial_path(output)} is missing or shorter than {path} says; "
                          "delete the checkpoint to start over")
    if errors is not None and checkpoint.errors_bytes is not None:
        errs = partial_path(errors)
        if not errs.exists() or errs.stat().st_size < checkpoint.errors_bytes:
            raise ResumeError(f"{errs} is missing or shorter than {path} says; delete the checkpoint to start over")
        _check_tail(errors, checkpoint.errors_tail, path)
    _check_tail(output, checkpoint.output_tail, path)
    return checkpoint


def skip_inputs(inputs: Iterable[Input], count: int) -> Iterator[Input]:
    """The inputs after the first `count` (those an earlier run already accounted for)."""
    iterator = iter(inputs)
    for _ in range(count):
        if next(iterator, None) is None:
            return
    yield from iterator


class Checkpointer:
    """Saves a checkpoint every `every` inputs (called after each one with the running summary)."""

    def __init__(self, output: Path, writer, errors_file, print_: str, every: int):
        self.output = output
        self.path = checkpoint_path(output)
        self.writer = writer
        self.errors_file = errors_file
        self.fingerprint = print_
        self.every = every

    def __call__(self, _outcome, summary: Summary) -> None:
        if self.every and summary.documents % self.every == 0:
            self.save(summary)

    def save(self, summary: Summary) -> None:
        output_bytes = self.writer.mark()
        errors_bytes = self.errors_file.mark() if self.errors_file is not None else None
        Checkpoint(self.fingerprint, summary.documents, output_bytes, errors_bytes, summary.counts()).save(self.path)
        self._remove_tails()  # only a checkpoint saved on stopping needs them

    def save_stopped(self, summary: Summary) -> None:
        """A checkpoint right where the run stopped (Ctrl-C, SIGTERM): `summary` counts exactly the
        documents written."""
        output_bytes, output_lines = self.writer.stop_point()
        output_tail = _save_tail(self.output, output_lines)
        errors_bytes = errors_tail = None
        if self.errors_file is not None:
            errors_bytes, errors_lines = self.errors_file.stop_point()
            errors_tail = _save_tail(self.errors_file.path, errors_lines)
        Checkpoint(self.fingerprint, summary.documents, output_bytes, errors_bytes, summary.counts(),
                   output_tail, errors_tail).save(self.path)

    def _remove_tails(self) -> None:
        tail_path(self.output).unlink(missing_ok=True)
        if self.errors_file is not None:
            tail_path(self.errors_file.path).unlink(missing_ok=True)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
        self._remove_tails()
