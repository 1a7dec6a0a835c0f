"""What every integration adds to a document besides its clean text: the same fields, under the
same names, with the same types, for datatrove (datatrove.py) and Hugging Face datasets
(hf_datasets.py).

Two rules shape them:

- Never overwrite a field the input had. A pipeline's documents come with fields of their own
  (datatrove's WarcReader gives `url` and `date`, the crawl time; a dataset has its columns), so
  ours all carry the prefix `cleaner_`: `cleaner_date` is the publication date the cleaner found,
  beside the input's `date`. Only the text itself is replaced, which is the step's job.
- Every document gets every field, each always of one type, never null. Arrow writers that take
  the types from the first rows (datatrove's ParquetWriter takes its schema from the first
  document) fail on a later batch whose column is a string where the first was null, or a list of
  structs where the first was an empty list (`list<null>`). So a value not found is "" (a string
  field) or 0, and the lists (the removed lines, the warnings) are JSON text ("[]" when empty).

A field name is "cleaner_" + one of FIELDS; the CLI's records hold the same values as
`metadata.title`, `metadata.date`, ..., `removed` and `warnings`.
"""
from __future__ import annotations

import json
from typing import Any

PREFIX = "cleaner_"

# name (without the prefix) -> its value when the cleaner found nothing, which gives its type.
FIELDS: dict[str, Any] = {
    "title": "",
    "author": "",
    "date": "",  # the publication date (YYYY-MM-DD), not the crawl date
    "language": "",
    "site": "",
    "page_type": "",
    "words": 0,
    "lines_removed": 0,
    "removed": "[]",  # JSON: [{"rule", "text", "line", ("note", "start", "end")}, ...]
    "warnings": "[]",  # JSON: ["...", ...]
}
METADATA_FIELDS = ("title", "author", "date", "language", "site", "page_type", "words")


def output_fields(record: dict[str, Any], spans: bool = False) -> dict[str, Any]:
    """The `cleaner_*` fields of one cleaned document, from its output record (engines/outcome.py's
    `process`). With `spans`, also `cleaner_repaired_text`, the text the removals' offsets index."""
    metadata = record["metadata"]
    fields: dict[str, Any] = {}
    for name in METADATA_FIELDS:
        value = metadata.get(name)
        empty = FIELDS[name]
        # One type per field: a value of another type (none today) would be made text, not passed on.
        fields[PREFIX + name] = empty if value is None else type(empty)(value)
    fields[PREFIX + "lines_removed"] = len(record["removed"])
    fields[PREFIX + "removed"] = json.dumps(record["removed"], ensure_ascii=False)
    fields[PREFIX + "warnings"] = json.dumps(record.get("warnings", []), ensure_ascii=False)
    if spans:
        fields[PREFIX + "repaired_text"] = record.get("repaired_text", "")
    return fields


def empty_fields(spans: bool = False) -> dict[str, Any]:
    """The `cleaner_*` fields of a document that could not be cleaned."""
    fields = {PREFIX + name: empty for name, empty in FIELDS.items()}
    if spans:
        fields[PREFIX + "repaired_text"] = ""
    return fields
