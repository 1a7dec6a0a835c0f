"""Parquet in and out, with pyarrow (`pip install 'cleaner-text[parquet]'`;
from a checkout: `pip install -e '.[parquet]'`).

In: a Parquet file with a `text` or `html` column (and `id`, `url`, any others) is read like a
JSONL file, one row a document, row group by row group in batches (never the whole file in
memory). `read_parquet(..., row_groups=range(i, j))` reads row groups i..j-1 alone, so a file
can be split between workers. The other columns pass through to the output record; values JSON
cannot hold become text (dates and times in ISO 8601, decimals as strings, bytes as base64).

Out: `ParquetWriter` writes the JSONL records' fields as columns: `id`, `text`, `metadata` (a
struct: title, date, language, site, url, words, author, sitename, page_language, rulesets,
warc_date, page_type, extraction, and `extra`, a JSON object of any other keys rules captured), `removed` (a list of
structs: rule, text, line, note, start, end), `warnings`, `repaired_text` (with --spans), the
input's own fields (their types taken from the first row group), and `extra`: a JSON object of
any field a later record has that the columns do not (null when none). `read_records` turns such
a file back into the JSONL records. Rows go out in row groups of bounded size, to PATH.partial,
renamed to PATH when complete.
"""
from __future__ import annotations

import base64
import datetime
import decimal
import json
import os
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from cleaner.io.formats import DEFAULT_MAX_BYTES, over_size_reason
from cleaner.io.inputs import Input, InputFailure, InputItem

INSTALL_HINT = "Parquet needs pyarrow: pip install 'cleaner-text[parquet]' (from a checkout: pip install -e '.[parquet]')"
# Rows decoded at a time while reading (a row group may be large; a batch is not).
READ_BATCH_ROWS = 256
# A row group closes at this many rows or this many bytes of text, whichever comes first.
ROW_GROUP_ROWS = 2000
ROW_GROUP_BYTES = 64 * 1024 * 1024


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return None
    return pyarrow


# --- reading ---------------------------------------------------------------------------------

def json_safe(value: Any) -> Any:
    """A Parquet value as JSON can hold it.

    >>> json_safe({"when": datetime.date(2024, 5, 1), "raw": b"hi", "n": [decimal.Decimal("1.5")]})
    {'when': '2024-05-01', 'raw': 'aGk=', 'n': ['1.5']}
    """
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_safe(item) for item in value]
    if isinstance(value, tuple):  # a map column: a list of (key, value) pairs
        return [json_safe(item) for item in value]
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def read_parquet(raw: BinaryIO, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 row_groups: range | None = None) -> Iterator[Input]:
    """The documents of an open Parquet file (all its row groups, or those in `row_groups`).

    A row's id is its `id` column, or SOURCE:ROW (rows numbered from 1 in the file); its content
    the `html` column when that holds text (or bytes: a page as fetched), else `text`.
    """
    pa = _pyarrow()
    if pa is None:
        yield InputFailure(source, source, INSTALL_HINT)
        return
    try:
        parquet = pa.parquet.ParquetFile(raw)
    except (pa.ArrowException, OSError, ValueError) as err:
        yield InputFailure(source, source, f"not a readable Parquet file: {err}")
        return
    columns = parquet.schema_arrow.names
    if "html" not in columns and "text" not in columns:
        yield InputFailure(source, source, f"the Parquet file has neither a 'text' nor an 'html' column "
                                           f"(its columns: {', '.join(columns)})")
        return
    groups = row_groups if row_groups is not None else range(parquet.num_row_groups)
    row = sum(parquet.metadata.row_group(i).num_rows for i in range(groups.start)) if groups else 0
    for group in groups:
        meta = parquet.metadata.row_group(group)
        stored = sum(meta.column(i).total_compressed_size for i in range(meta.num_columns))
        share = stored // max(meta.num_rows, 1)
        try:
            batches = parquet.iter_batches(batch_size=READ_BATCH_ROWS, row_groups=[group])
            for batch in batches:
                for values in batch.to_pylist():
                    row += 1
                    yield _row_input(values, source, row, share, max_bytes)
        except (pa.ArrowException, OSError) as err:  # a damaged row group: the rest of the file is lost
            yield InputFailure(f"{source}:row-group-{group}", source,
                               f"cannot read row group {group} (after row {row}): {err}; the rest of the file is "
                               "skipped", row=row + 1)
            return


def _row_input(values: dict[str, Any], source: str, row: int, size: int, max_bytes: int) -> Input:
    where = f"{source}:{row}"
    html, text = values.get("html"), values.get("text")
    doc_id = where if values.get("id") is None else str(values["id"])
    fields = {key: (value if key in ("html", "text") and isinstance(value, (str, bytes)) else json_safe(value))
              for key, value in values.items()}
    if isinstance(html, (str, bytes)):
        kind, content = "html", html
        fields["html"] = json_safe(html) if isinstance(html, bytes) else html
    elif isinstance(text, str):
        kind, content = "text", text
    else:
        return InputFailure(doc_id, where, f"row {row}: neither 'html' nor 'text' holds text", json_safe(values),
                            row=row, size=size)
    length = len(content) if isinstance(content, bytes) else len(content.encode("utf-8", "surrogatepass"))
    if length > max_bytes:
        return InputFailure(doc_id, where, over_size_reason(length, max_bytes), row=row, size=size)
    url = values.get("url")
    return InputItem(doc_id, kind, content, where, path=source, url=url if isinstance(url, str) else None,
                     fields=fields, row=row, size=size)


# --- writing ---------------------------------------------------------------------------------

# The fields every record has, or may have, with their column types (built when pyarrow is there).
_METADATA_STRINGS = ("title", "date", "language", "site", "url", "author", "sitename", "page_language", "warc_date",
                     "page_type", "extraction")
# Metadata keys every record has (null or not); the others are left out of a record when null.
_METADATA_ALWAYS = ("title", "date", "language", "site", "url", "words", "rulesets")
_REMOVAL_OPTIONAL = ("note", "start", "end")


def record_schema_core(pa):
    metadata = pa.struct([*(pa.field(name, pa.string()) for name in _METADATA_STRINGS),
                          pa.field("words", pa.int64()), pa.field("rulesets", pa.list_(pa.string())),
                          pa.field("extra", pa.string())])
    removal = pa.struct([pa.field("rule", pa.string()), pa.field("text", pa.string()), pa.field("line", pa.int64()),
                         pa.field("note", pa.string()), pa.field("start", pa.int64()), pa.field("end", pa.int64())])
    return [pa.field("id", pa.string()), pa.field("text", pa.string()), pa.field("metadata", metadata),
            pa.field("removed", pa.list_(removal)), pa.field("warnings", pa.list_(pa.string())),
            pa.field("repaired_text", pa.string())]


CORE_FIELDS = ("id", "text", "metadata", "removed", "warnings", "repaired_text")
EXTRA = "extra"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class ParquetWriter:
    """Records into a Parquet file, a row group at a time (see the module's docstring)."""

    def __init__(self, path: Path):
        pa = _pyarrow()
        if pa is None:
            raise RuntimeError(INSTALL_HINT)
        self.pa = pa
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self._rows: list[dict[str, Any]] = []
        self._bytes = 0
        self._schema = None
        self._writer = None
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, record: dict[str, Any]) -> None:
        self._rows.append(record)
        self._bytes += len(record.get("text", "")) + len(record.get("repaired_text") or "")
        if len(self._rows) >= ROW_GROUP_ROWS or self._bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _infer_schema(self) -> None:
        """Core columns as declared; the input's own fields as the first row group shows them."""
        pa = self.pa
        fields = record_schema_core(pa)
        names: list[str] = []
        for record in self._rows:
            names.extend(key for key in record if key not in CORE_FIELDS and key != EXTRA and key not in names)
        for name in names:
            values = [record.get(name) for record in self._rows]
            try:
                kind = pa.array(values).type
            except (pa.ArrowException, TypeError, ValueError, OverflowError):
                continue  # mixed types: this field travels in `extra`
            if pa.types.is_null(kind):
                continue  # never set in the first row group: it travels in `extra` when it is
            fields.append(pa.field(name, kind))
        fields.append(pa.field(EXTRA, pa.string()))
        self._schema = pa.schema(fields)

    def _row(self, record: dict[str, Any]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in record.items():
            if key == "metadata":
                row[key] = self._metadata(value)
            elif key in self._schema.names and key != EXTRA:
                row[key] = value
            else:
                extra[key] = value
        row[EXTRA] = _dumps(extra) if extra else None
        return row

    def _metadata(self, metadata: dict[str, Any]) -> dict[str, Any]:
        known = set(_METADATA_STRINGS) | {"words", "rulesets"}
        row = {key: value for key, value in metadata.items() if key in known}
        other = {key: value for key, value in metadata.items() if key not in known}
        row["extra"] = _dumps(other) if other else None
        return row

    def _flush(self) -> None:
        if not self._rows:
            return
        pa = self.pa
        if self._schema is None:
            self._infer_schema()
        rows = [self._row(record) for record in self._rows]
        try:
            table = pa.Table.from_pylist(rows, schema=self._schema)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            # A later record's own field does not fit the type the first row group gave its column:
            # that record keeps the field in `extra` instead.
            table = pa.Table.from_pylist([self._fitted(record) for record in self._rows], schema=self._schema)
        if self._writer is None:
            self._writer = pa.parquet.ParquetWriter(self.partial, self._schema, compression="zstd")
        self._writer.write_table(table, row_group_size=len(rows))
        self._rows, self._bytes = [], 0

    def _fitted(self, record: dict[str, Any]) -> dict[str, Any]:
        pa = self.pa
        row = self._row(record)
        extra = json.loads(row[EXTRA]) if row[EXTRA] else {}
        for field in self._schema:
            if field.name in CORE_FIELDS or field.name == EXTRA or field.name not in row:
                continue
            try:
                pa.array([row[field.name]], type=field.type)
            except (pa.ArrowException, TypeError, ValueError, OverflowError):
                extra[field.name] = row.pop(field.name)
        row[EXTRA] = _dumps(extra) if extra else None
        return row

    def close(self) -> None:
        self._flush()
        if self._writer is None:  # no records at all: an empty file with the core columns
            self._schema = self.pa.schema(record_schema_core(self.pa) + [self.pa.field(EXTRA, self.pa.string())])
            self._writer = self.pa.parquet.ParquetWriter(self.partial, self._schema, compression="zstd")
        self._writer.close()
        os.replace(self.partial, self.path)

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self.partial.unlink(missing_ok=True)


def read_records(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The records a ParquetWriter wrote, as the JSONL output has them (null optional fields left
    out, `extra` merged back), row group by row group."""
    pa = _pyarrow()
    if pa is None:
        raise RuntimeError(INSTALL_HINT)
    parquet = pa.parquet.ParquetFile(path)
    for batch in parquet.iter_batches(batch_size=READ_BATCH_ROWS):
        for row in batch.to_pylist():
            yield _record(row)


def _record(row: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    extra = json.loads(row.pop(EXTRA) or "{}")
    for key, value in row.items():
        if key == "metadata" and value is not None:
            record[key] = _metadata_record(value)
        elif key == "removed" and value is not None:
            record[key] = [{k: v for k, v in removal.items() if not (k in _REMOVAL_OPTIONAL and v is None)}
                           for removal in value]
        elif value is not None or key in ("id", "text"):
            record[key] = value
    record.update(extra)
    return record


def _metadata_record(value: dict[str, Any]) -> dict[str, Any]:
    extra = json.loads(value.pop("extra") or "{}")
    metadata = {key: item for key, item in value.items() if item is not None or key in _METADATA_ALWAYS}
    metadata.update(extra)
    return metadata
