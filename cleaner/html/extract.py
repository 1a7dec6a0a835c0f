"""HTML in, main text and page metadata out, through trafilatura."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

import regex
import trafilatura
from trafilatura.utils import load_html

from cleaner.html.pagemeta import page_metadata
from cleaner.html.structure import page_shapes
from cleaner.text.markdown import Shape


class ExtractionError(ValueError):
    """trafilatura found no main text in the page."""


@dataclass
class ExtractedPage:
    text: str
    metadata: dict[str, str] = field(default_factory=dict)  # title, date, author, sitename, url, page_language
    shapes: list[Shape] | None = None  # with markdown=True: each line's place in the page's structure


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


def link_base(tree, url: str | None) -> str | None:
    """What a page's relative links are relative to: its <base href>, else its own URL."""
    base = tree.find(".//base[@href]")
    if base is not None and url:
        return urljoin(url, base.get("href").strip())
    return url


def extract_html(html: str, url: str | None = None, prune_xpath: list[str] | None = None,
                 page_type: str | None = None, markdown: bool = False, links: bool = False) -> ExtractedPage:
    """Main text of a page (one paragraph a line) and what the page says about itself.
    `page_type` (document.PAGE_TYPES), when known, decides how far the date search goes.
    With `markdown`, also each line's shape (heading, list item, table row, code: html/structure.py);
    with `links` too, the shapes carry the links as inline Markdown links, from a second extraction
    that keeps them (the text, what the rules see, is the same as without links)."""
    tree = load_html(html)
    if tree is None:
        raise ExtractionError("no HTML tree could be built from the page")
    # Metadata first: extraction prunes the tree it works on (it works on a copy of ours).
    metadata = page_metadata(tree, url, page_type)
    options = dict(with_metadata=False, include_comments=False, include_tables=True, prune_xpath=prune_xpath or None)
    document = trafilatura.bare_extraction(tree, url=url or metadata.get("url"), **options)
    if document is None or not (document.text or "").strip():
        raise ExtractionError("no main text found in the HTML page")
    if not markdown:
        return ExtractedPage(document.text, metadata)
    linked = None
    if links:
        # Without a URL: trafilatura would resolve relative links against the site's root, not the
        # page ("guide" on /docs/a/ -> /guide); structure.py resolves them against the page.
        linked = trafilatura.bare_extraction(tree, url=None, include_links=True, **options)
    shapes = page_shapes(document.body, document.text, linked.body if linked is not None else None,
                         link_base(tree, url or metadata.get("url")))
    return ExtractedPage(document.text, metadata, shapes)
