"""HTML in, main text and page metadata out, through trafilatura."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

import regex
import trafilatura
from lxml import etree

from cleaner.html.comparison_gate import gated
from cleaner.html.errors import ExtractionError  # noqa: F401 - raised here, named by callers
from cleaner.html.pagemeta import page_metadata
from cleaner.html.parse import parse_page
from cleaner.html.select import MAIN, Selection, alternative_outputs, output_selector, worth_choosing
from cleaner.html.strategies import MAIN as MAIN_EXTRACTION, Choice, choose
from cleaner.html.structure import page_shapes
from cleaner.pagetype import PageType, classify_html
from cleaner.text.markdown import Shape


@dataclass
class ExtractedPage:
    text: str
    metadata: dict[str, str] = field(default_factory=dict)  # title, date, author, sitename, url, page_language
    shapes: list[Shape] | None = None  # with markdown=True: each line's place in the page's structure
    page_type: PageType | None = None  # what kind of page it is, from its HTML tree (cleaner.pagetype)
    selection: Selection | None = None  # which extraction the text is, when one was chosen (select.py)
    extraction: Choice | None = None  # the page type's strategy or the main extraction (html/strategies/)
    warnings: list[str] = field(default_factory=list)  # what the parser could not read (html/parse.py)


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
                 page_type: str | None = None, select: bool = True, markdown: bool = False,
                 links: bool = False, strategies: bool = True) -> ExtractedPage:
    """Main text of a page (one paragraph a line) and what the page says about itself. The page
    type is detected from the tree unless `page_type` (document.PAGE_TYPES) is given; it decides how
    far the date search goes. With `select`, the text of a page that is not an article is the
    extraction select.py's models judge best for it (the main one or a cheap alternative); without,
    and for articles, always the main one.
    With `markdown`, also each line's shape (heading, list item, table row, code: html/structure.py)
    when the main extraction is kept (an alternative's lines get the shapes their text shows);
    with `links` too, the shapes carry the links as inline Markdown links, from a second extraction
    that keeps them (the text, what the rules see, is the same as without links).
    With `strategies` (the default), a page that is not an article may keep its type's own
    extraction instead of the main one, and a page with no main text the paragraph scorer's
    (html/strategies/); the select.py choice then runs only on pages that kept the main one."""
    tree, warnings = parse_page(html)
    if tree is None:
        # trafilatura takes a fragment without <html>/<body> (one block, or bare text) for no HTML.
        tree, warnings = parse_page(f"<html><body>{html}</body></html>")
    if tree is None:
        raise ExtractionError("no HTML tree could be built from the page (nothing in it parses as HTML)")
    # The page type is read from the whole page (its markup, schema.org types, URL) before
    # extraction keeps only the main text.
    detected = classify_html(tree, url) if page_type is None else None
    # Metadata next: extraction prunes the tree it works on (it works on a copy of ours).
    metadata = page_metadata(tree, url, page_type or detected.name)
    url = url or metadata.get("url")
    document = _main_document(tree, url, prune_xpath)
    text = (document.text if document is not None else "") or ""
    selection = None
    article_probability = detected.probabilities.get("article", 0.0) if detected is not None else None
    extraction = None
    if strategies:
        extraction = choose(tree, url, text, page_type or detected.name, article_probability)
        text = extraction.text
    if extraction is not None and extraction.name != MAIN_EXTRACTION:
        pass  # the page type's own extraction: the learned selection below is not asked
    elif select and worth_choosing(page_type, article_probability):
        selection = output_selector().choose(text, alternative_outputs(tree, url, prune_xpath))
        text = selection.text
    elif select:
        selection = Selection(MAIN, text, {})  # an article: the main extraction, no alternative tried
    if not text.strip():
        cut = "".join(f"; {warning}" for warning in warnings)  # the parser's cut may be why
        raise ExtractionError("no main text found in the HTML page (neither trafilatura nor the paragraph "
                              f"scorer found any text outside navigation, forms and scripts){cut}")
    shapes = None
    main_kept = (selection is None or selection.name == MAIN) and (extraction is None or extraction.name == MAIN_EXTRACTION)
    if markdown and main_kept:
        linked = None
        if links:
            # Without a URL: trafilatura would resolve relative links against the site's root, not the
            # page ("guide" on /docs/a/ -> /guide); structure.py resolves them against the page.
            linked = trafilatura.bare_extraction(tree, url=None, include_links=True, **_main_options(prune_xpath))
        shapes = page_shapes(document.body, text, linked.body if linked is not None else None, link_base(tree, url))
    return ExtractedPage(text, metadata, shapes, detected, selection, extraction, warnings)


def main_extraction(tree: etree._Element, url: str | None, prune_xpath: list[str] | None = None) -> str:
    """trafilatura's main text of the page, as extract_html takes it (balanced, comments and their
    replies left out, tables kept): the best single setting on pages of every type. The tree is not
    modified. (The selector's training tool extracts with this.)"""
    document = _main_document(tree, url, prune_xpath)
    return (document.text if document is not None else "") or ""


def _main_options(prune_xpath: list[str] | None) -> dict:
    return dict(with_metadata=False, include_comments=False, include_tables=True, prune_xpath=prune_xpath or None)


def _main_document(tree: etree._Element, url: str | None, prune_xpath: list[str] | None):
    """trafilatura's main extraction of the page (its text and the tree it kept), or None. The
    same as trafilatura's full extraction, without its readability comparison where that cannot
    change the text (comparison_gate.py)."""
    with gated():
        return trafilatura.bare_extraction(tree, url=url, **_main_options(prune_xpath))
