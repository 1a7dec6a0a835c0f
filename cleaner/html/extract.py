"""HTML in, main text and page metadata out, through trafilatura."""
from __future__ import annotations

from dataclasses import dataclass, field

import regex
import trafilatura
from trafilatura.utils import load_html

from cleaner.html.pagemeta import page_metadata


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


def extract_html(html: str, url: str | None = None, prune_xpath: list[str] | None = None,
                 page_type: str | None = None) -> ExtractedPage:
    """Main text of a page (one paragraph a line) and what the page says about itself.
    `page_type` (document.PAGE_TYPES), when known, decides how far the date search goes."""
    tree = load_html(html)
    if tree is None:
        raise ExtractionError("no HTML tree could be built from the page")
    # Metadata first: extraction prunes the tree it works on (it works on a copy of ours).
    metadata = page_metadata(tree, url, page_type)
    document = trafilatura.bare_extraction(
        tree,
        url=url or metadata.get("url"),
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        prune_xpath=prune_xpath or None,
    )
    if document is None or not (document.text or "").strip():
        raise ExtractionError("no main text found in the HTML page")
    return ExtractedPage(document.text, metadata)
