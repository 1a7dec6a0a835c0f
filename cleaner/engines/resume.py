"""Checkpoints for JSONL output, so that an interrupted run can be resumed (--resume) and end
with exactly the bytes an uninterrupted run would have written.

While a run writes OUT (and the --errors file), both grow as OUT.partial / ERRORS.partial. Every
`every` input documents, counted from the start of the input, the checkpoint OUT.checkpoint
records how many inputs are accounted for, the length of both partial files at that point, the
summary counts, and a fingerprint of the run's arguments. A resumed run checks the fingerprint,
cuts both partial files back to the recorded lengths (whatever was written after the checkpoint
is written again), skips that many inputs and carries on. Checkpoints fall on the same
documents in every run, which is what makes a compressed output come out byte-identical.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from cleaner.engines.outcome import Summary
from cleaner.io.inputs import Input

DEFAULT_CHECKPOINT_EVERY = 1000
VERSION = 1


class ResumeError(ValueError):
    """A checkpoint that does not belong to this run (other inputs or options), or is unreadable."""


def checkpoint_path(output: Path) -> Path:
    return output.with_name(output.name + ".checkpoint")


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

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps({"version": VERSION, **self.__dict__}, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

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

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
