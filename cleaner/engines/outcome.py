"""One document's outcome in a batch, and the summary that adds them up.

This module knows nothing about the command line, files or processes; every engine (the local
one in local.py, the Dask one in dask.py) builds on its two parts:

- `process(cleaner, item)`: the per-document function, (record, None) or (None, error record),
  never raising for a bad document;
- `Summary.add(...)` / `Summary.merge(...)`: the counts, the same whichever engine produced them.
"""
from __future__ import annotations

import os
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, NamedTuple, Sequence

from cleaner.io.decode import DecodeError
from cleaner.html.errors import ExtractionError
from cleaner.document import CleanResult
from cleaner.pipeline import Cleaner
from cleaner.io.inputs import Input, InputFailure, InputItem

Record = dict[str, Any]


@dataclass
class Summary:
    """What a batch did. documents == cleaned + failed always; `skipped` counts the cleaned
    documents whose output an earlier, interrupted run had already written (--resume)."""

    documents: int = 0
    cleaned: int = 0
    failed: int = 0
    lines_removed: int = 0
    empty: int = 0  # cleaned documents whose text came out empty (counted in `cleaned` too)
    skipped: int = 0
    resumed: int = 0  # documents an earlier, interrupted run accounted for (in the counts above)
    seconds: float = 0.0
    input_bytes: int = 0
    # Records of the inputs that are not documents (a WARC file's requests, images, revisits...),
    # by reason: counted, never cleaned. Not part of the checkpoint counts: a resumed run reads its
    # inputs from the start and counts them all again.
    records_skipped: dict[str, int] = field(default_factory=dict)

    def add(self, record: Record | None, error: Record | None, size: int = 0, skipped: bool = False) -> None:
        """Count one document's outcome: an output record, an error record, or (skipped) an
        output already complete from an earlier run."""
        self.documents += 1
        self.input_bytes += size
        if error is not None:
            self.failed += 1
        else:
            self.cleaned += 1
            if skipped:
                self.skipped += 1
            elif record is not None:
                self.lines_removed += len(record["removed"])
                if is_empty(record):
                    self.empty += 1

    def merge(self, other: "Summary") -> None:
        """Add another part's counts (a partition cleaned elsewhere, or an earlier interrupted run)."""
        for name in ("documents", "cleaned", "failed", "lines_removed", "empty", "skipped", "input_bytes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for reason, count in other.records_skipped.items():
            self.records_skipped[reason] = self.records_skipped.get(reason, 0) + count

    def counts(self) -> dict[str, int]:
        """The counts alone, as stored in a checkpoint."""
        data = asdict(self)
        for name in ("seconds", "resumed", "records_skipped"):
            data.pop(name)
        return data

    @classmethod
    def from_counts(cls, counts: dict[str, int]) -> "Summary":
        return cls(**{k: int(v) for k, v in counts.items() if k in cls.__dataclass_fields__})

    def line(self) -> str:
        rate = (self.documents - self.resumed) / self.seconds if self.seconds else 0.0
        documents = "1 document" if self.documents == 1 else f"{self.documents} documents"
        lines = "1 line" if self.lines_removed == 1 else f"{self.lines_removed} lines"
        text = (f"{documents}: {self.cleaned} cleaned, {self.failed} failed, "
                f"{lines} removed, {self.seconds:.1f}s ({rate:.1f} documents/s)")
        if self.empty:
            # Cleaned, but nothing is left: a page whose only text was boilerplate, or no text at all.
            text += f"; {self.empty} of them came out empty (no text left; each has a warning)"
        if self.resumed:
            text += f"; resumed after {self.resumed} document{'' if self.resumed == 1 else 's'} of an earlier run"
        if self.skipped:
            text += f"; {self.skipped} already complete from an earlier run"
        if self.records_skipped:
            reasons = sorted(self.records_skipped.items(), key=lambda item: (-item[1], item[0]))
            text += (f"; {sum(self.records_skipped.values())} archive records skipped (not HTML pages: "
                     + ", ".join(f"{count} {reason}" for reason, count in reasons) + ")")
        return text


def is_empty(record: Record) -> bool:
    """True when an output record's text is empty (or only white space)."""
    text = record.get("text")
    return isinstance(text, str) and not text.strip()


def empty_warning(result: CleanResult) -> str:
    """The warning an empty result carries, saying whether the document had text at all."""
    had_text = any(not line.blank for line in result.lines)
    if not had_text:
        return "empty result: the document has no text"
    removed = len(result.removed)
    return (f"empty result: the rules removed every line ({removed} line{'' if removed == 1 else 's'}, "
            "listed in removed); nothing is left of the document")


def clean_item(cleaner: Cleaner, item: InputItem) -> Record:
    """The output record for one document; raises ValueError (with a reason) when it cannot be cleaned."""
    if item.kind == "html":
        result = cleaner.clean_html(item.content, url=item.url, path=item.path, charset=item.charset,
                                    chrome=item.chrome)
    elif isinstance(item.content, bytes):
        result = cleaner.clean_bytes(item.content, url=item.url, path=item.path, chrome=item.chrome)
    else:
        result = cleaner.clean_text(item.content, url=item.url, path=item.path, chrome=item.chrome)
    record: Record = {"id": item.id, **result.as_record(spans=cleaner.spans, lines=cleaner.record_lines)}
    if item.metadata:  # what the container said about the document (a WARC record's date)
        record["metadata"].update(item.metadata)
    warnings = list(result.warnings)
    if not result.text.strip():
        warnings.append(empty_warning(result))
    if warnings:
        record["warnings"] = warnings
    for key, value in item.fields.items():
        if key not in record:
            record[key] = value
    return record


def error_record(item: Input, reason: str) -> Record:
    """What the errors file says about a document: its id, where it came from (the line of a
    JSONL stream, the byte offset in a WARC file, the row of a Parquet file) and why it has no
    output."""
    record: Record = {"id": item.id, "source": item.source}
    for where in ("line", "offset", "row"):  # JSONL line, WARC byte offset, Parquet row
        if getattr(item, where) is not None:
            record[where] = getattr(item, where)
    record["error"] = reason
    return record


def failure_reason(err: Exception) -> str:
    if isinstance(err, (DecodeError, ExtractionError)):
        return str(err)
    return f"{type(err).__name__}: {err}"


# A test hook: a document whose content holds this variable's value blocks forever when cleaned,
# as a pathological page can keep the extractor busy, so that the tests can check --doc-timeout
# with a real hang. The variable is never set in normal use.
HANG_MARKER_VARIABLE = "CLEANER_TEST_HANG_MARKER"


def _hang_if_marked(item: InputItem) -> None:
    marker = os.environ.get(HANG_MARKER_VARIABLE)
    if not marker:
        return
    content = item.content if isinstance(item.content, str) else item.content.decode("utf-8", "replace")
    if marker in content:
        threading.Event().wait()


def process(cleaner: Cleaner, item: Input) -> tuple[Record | None, Record | None]:
    """(output record, None) or (None, error record) for one input; never raises for a bad document."""
    if isinstance(item, InputFailure):
        return None, error_record(item, item.reason)
    _hang_if_marked(item)
    try:
        return clean_item(cleaner, item), None
    except Exception as err:  # one bad document must never stop a batch: it becomes an error record
        return None, error_record(item, failure_reason(err))


# HTML extraction has no time limit of its own (a pathological page can keep lxml and trafilatura
# busy for minutes); text cleaning grows linearly with the size and its patterns have their own.
DEFAULT_HTML_SECONDS = 60.0


@dataclass(frozen=True)
class TimeLimit:
    """How long cleaning one document may take, in seconds, by kind (None: no limit). A
    document over it becomes an error record; the engines enforce it by replacing the worker
    process (pool.py)."""

    html: float | None = DEFAULT_HTML_SECONDS
    text: float | None = None

    @classmethod
    def from_option(cls, seconds: float | None) -> "TimeLimit":
        """--doc-timeout: None is the default (HTML only), 0 no limit, else that many seconds for every
        document."""
        if seconds is None:
            return cls()
        return cls(seconds or None, seconds or None)

    def for_item(self, item: Input) -> float | None:
        if not isinstance(item, InputItem):
            return None
        return self.html if item.kind == "html" else self.text

    def applies_to_any(self, items: Sequence[Input]) -> bool:
        return any(self.for_item(item) is not None for item in items)

    @property
    def active(self) -> bool:
        return self.html is not None or self.text is not None

    @staticmethod
    def reason(seconds: float) -> str:
        return f"cleaning took longer than {seconds:g} s; document skipped"


class Outcome(NamedTuple):
    """One input's result, in input order: exactly one of record / error, or neither when
    `skipped` (its output was already complete)."""

    record: Record | None
    error: Record | None
    size: int
    skipped: bool = False


def process_many(cleaner: Cleaner, items: Sequence[Input]) -> list[tuple[Record | None, Record | None]]:
    """`process` over a chunk of documents: the unit of work a worker process (or a cluster
    task) receives, so that one round trip carries several documents."""
    return [process(cleaner, item) for item in items]


# A pre-filter: True when the item's output is already complete (resuming per-document files).
AlreadyDone = Callable[[InputItem], bool]
Observer = Callable[[Record], None]
