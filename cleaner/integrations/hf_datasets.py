"""Clean a Hugging Face `datasets.Dataset` with `Dataset.map` (docs/pipelines.md has the example).

`example_cleaner()` gives the function to map: it cleans one example's text (or HTML) through
the same per-document function as `cleaner clean` (engines/outcome.py), replaces the text column
with the clean text and adds the `cleaner_*` columns of fields.py (`cleaner_title`,
`cleaner_date`, ..., the same as the datatrove step's), which never overwrite a column the
dataset had, with one type in every example, as Arrow needs; and `cleaner_error` ("", or why the
example could not be cleaned; its text is then ""). This module does not import `datasets`.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Iterable

from cleaner.engines.outcome import process
from cleaner.integrations.fields import PREFIX, empty_fields, output_fields
from cleaner.io.inputs import InputItem, looks_like_html
from cleaner.pipeline import Cleaner

ERROR = PREFIX + "error"


def example_cleaner(rules: Iterable[str | os.PathLike[str]] = (), use_default_rules: bool = True, *,
                    column: str = "text", html: bool | None = None, url_column: str | None = "url",
                    cleaner: Cleaner | None = None) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function for `dataset.map(...)`: example -> `column` replaced by the clean text, and the
    `cleaner_*` columns. `html`: the column holds HTML pages (None: look at each)."""
    the_cleaner = cleaner or Cleaner(rules=rules, use_default_rules=use_default_rules)

    def clean_example(example: dict[str, Any]) -> dict[str, Any]:
        content = example[column]
        if content is None:
            content = ""
        is_html = html if html is not None else looks_like_html(content[:5000].encode("utf-8", "replace"))
        url = example.get(url_column) if url_column else None
        item = InputItem(str(example.get("id", "")), "html" if is_html else "text", content, "example",
                         url=url if isinstance(url, str) else None)
        record, error = process(the_cleaner, item)
        if record is None:
            return {column: "", **empty_fields(the_cleaner.spans), ERROR: error["error"]}
        return {column: record["text"], **output_fields(record, the_cleaner.spans), ERROR: ""}

    return clean_example
