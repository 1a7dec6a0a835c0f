"""Clean many documents: one output or one error record per input, and a summary that adds up.

This module knows nothing about the command line; the CLI and other engines call it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .decode import DecodeError
from .extract import ExtractionError
from .pipeline import Cleaner
from .sources import Input, InputFailure, InputItem

RESERVED_KEYS = ("id", "text", "metadata", "removed")


@dataclass
class Summary:
    documents: int = 0
    cleaned: int = 0
    failed: int = 0
    lines_removed: int = 0
    seconds: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)

    def line(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        return (f"{self.documents} documents: {self.cleaned} cleaned, {self.failed} failed, "
                f"{self.lines_removed} lines removed, {self.seconds:.1f}s ({rate:.1f} documents/s)")


def clean_item(cleaner: Cleaner, item: InputItem) -> dict[str, Any]:
    """The output record for one document; raises ValueError (with a reason) when it cannot be cleaned."""
    if item.kind == "html":
        result = cleaner.clean_html(item.content, url=item.url, path=item.path)
    elif isinstance(item.content, bytes):
        result = cleaner.clean_bytes(item.content, url=item.url, path=item.path)
    else:
        result = cleaner.clean_text(item.content, url=item.url, path=item.path)
    record: dict[str, Any] = {"id": item.id, **result.as_record()}
    if result.warnings:
        record["warnings"] = result.warnings
    for key, value in item.fields.items():
        if key not in record:
            record[key] = value
    return record


def error_record(item: Input, reason: str) -> dict[str, Any]:
    return {"id": item.id, "source": item.source, "error": reason}


def failure_reason(err: Exception) -> str:
    if isinstance(err, (DecodeError, ExtractionError)):
        return str(err)
    return f"{type(err).__name__}: {err}"


def process(cleaner: Cleaner, item: Input) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(output record, None) or (None, error record) for one input; never raises for a bad document."""
    if isinstance(item, InputFailure):
        return None, error_record(item, item.reason)
    try:
        return clean_item(cleaner, item), None
    except Exception as err:  # one bad document must never stop a batch: it becomes an error record
        return None, error_record(item, failure_reason(err))


def run_batch(cleaner: Cleaner, inputs: Iterable[Input], write: Callable[[dict[str, Any]], None],
              on_error: Callable[[dict[str, Any]], None]) -> Summary:
    summary = Summary()
    started = time.perf_counter()
    for item in inputs:
        summary.documents += 1
        record, error = process(cleaner, item)
        if record is not None:
            write(record)
            summary.cleaned += 1
            summary.lines_removed += sum(1 for r in record["removed"])
        else:
            summary.failed += 1
            on_error(error)
    summary.seconds = time.perf_counter() - started
    return summary
