"""Clean a Hugging Face `datasets.Dataset` with `Dataset.map` (docs/pipelines.md has the example).

`example_cleaner()` gives the function to map: it cleans one example's text (or HTML) through
the same per-document function as `cleaner clean` (engines/outcome.py) and returns flat columns
with the same types for every example, as Arrow needs: the clean text, title, date, language,
site, word count, the number of lines removed, and `cleaner_error` (None, or why the example
could not be cleaned; its text is then empty). This module does not import `datasets`.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Iterable

from cleaner.engines.outcome import process
from cleaner.io.inputs import InputItem, looks_like_html
from cleaner.pipeline import Cleaner

COLUMNS = ("text", "title", "date", "language", "site", "words", "lines_removed", "cleaner_error")


def example_cleaner(rules: Iterable[str | os.PathLike[str]] = (), use_default_rules: bool = True, *,
                    column: str = "text", html: bool | None = None, url_column: str | None = "url",
                    cleaner: Cleaner | None = None) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function for `dataset.map(...)`: example -> the columns in COLUMNS (`text` replaced by
    the clean text). `html`: the column holds HTML pages (None: look at each)."""
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
            return {"text": "", "title": None, "date": None, "language": None, "site": None, "words": 0,
                    "lines_removed": 0, "cleaner_error": error["error"]}
        metadata = record["metadata"]
        return {"text": record["text"], "title": metadata["title"], "date": metadata["date"],
                "language": metadata["language"], "site": metadata["site"], "words": metadata["words"],
                "lines_removed": len(record["removed"]), "cleaner_error": None}

    return clean_example
