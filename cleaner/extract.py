"""HTML in, main text and page metadata out, through trafilatura."""
from __future__ import annotations

from dataclasses import dataclass, field

import regex
import trafilatura
from lxml import html as lxml_html

from .dates import to_iso_date


class ExtractionError(ValueError):
    """trafilatura found no main text in the page."""


@dataclass
class ExtractedPage:
    text: str
    metadata: dict[str, str] = field(default_factory=dict)  # title, date, author, sitename, url, page_language


_CANONICAL = regex.compile(
    r"""<link\b(?=[^>]*\brel\s*=\s*["']?canonical\b)[^>]*\bhref\s*=\s*["']([^"'>\s]+)""", regex.I)


def canonical_url(html: str) -> str | None:
    """The page's <link rel="canonical" href="..."> when it is an absolute http(s) URL.

    >>> canonical_url('<head><link href="https://example.org/a" rel="canonical"></head>')
    'https://example.org/a'
    """
    match = _CANONICAL.search(html[:200_000])
    if match and match.group(1).startswith(("http://", "https://")):
        return match.group(1)
    return None


def _page_language(html: str) -> str | None:
    """The <html lang> attribute, reduced to its ISO 639-1 part."""
    try:
        root = lxml_html.fromstring(html)
    except Exception:  # lxml raises several kinds of error on junk; no lang is the answer then
        return None
    lang = (root.get("lang") or root.get("xml:lang") or "").strip().lower()
    return lang.split("-")[0][:2] or None


def extract_html(html: str, url: str | None = None, prune_xpath: list[str] | None = None) -> ExtractedPage:
    """Main text of a page (one paragraph a line) and what the page says about itself."""
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        prune_xpath=prune_xpath or None,
        # Dates from the page's metadata only: a full-text search takes the copyright year in the
        # footer for the publication date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or not (document.text or "").strip():
        raise ExtractionError("no main text found in the HTML page")
    metadata: dict[str, str] = {}
    for key in ("title", "author", "sitename", "url"):
        value = getattr(document, key, None)
        if value:
            metadata[key] = str(value)
    if document.date and (iso := to_iso_date(str(document.date))):
        metadata["date"] = iso
    if page_language := _page_language(html):
        metadata["page_language"] = page_language
    return ExtractedPage(document.text, metadata)
