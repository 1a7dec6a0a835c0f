"""XPath helpers for the markers the strategies look for: class words and schema.org types.

    >>> has_class("post")
    "contains(concat(' ', normalize-space(@class), ' '), ' post ')"
"""
from __future__ import annotations


def has_class(name: str) -> str:
    """XPath test: the element's class attribute has the word `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def class_starts(prefix: str) -> str:
    """XPath test: one of the element's class words starts with `prefix`."""
    return f"contains(concat(' ', normalize-space(@class)), ' {prefix}')"


def schema_type(*names: str) -> str:
    """XPath test: the element's microdata itemtype is one of schema.org's `names`."""
    tests = " or ".join(f"substring(@itemtype, string-length(@itemtype) - {len(n)}) = '/{n}'" for n in names)
    return f"({tests})"


def class_words(element) -> set[str]:
    """The lowercase words of an element's class and id attributes."""
    return set(((element.get("class") or "") + " " + (element.get("id") or "")).lower().split())
