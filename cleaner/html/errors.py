"""The error an HTML page raises when no main text can be taken from it, in a module of its own so
that code handling it (the engines) can name it without importing trafilatura and htmldate, which
cleaner/html/extract.py imports and which cost a text-only run about 0.2 s of CPU at start."""
from __future__ import annotations


class ExtractionError(ValueError):
    """trafilatura found no main text in the page."""
