"""An HTML page's tree, parsed whole, and what the parser could not read.

trafilatura's own loader (trafilatura.utils.load_html) parses with libxml2's default limits: a
text or attribute value over 10 MB (an inline `data:` image) stops the parse there, and so does
nesting deeper than 256 elements; the rest of the page is silently gone ("no main text found",
or 13 characters kept of 2,284). Here the same steps run with libxml2's huge-document option,
which lifts the size limits (to 1 GB, far above --max-bytes) and the depth limit to 2,048. What a
parse still cuts (a page nested deeper than that) is read from the parser's error log and comes
back as a warning for the document's record, never silently.

Inline `data:` URIs of 4 KB and more in attribute values (base64 images, fonts) are emptied before
parsing: they hold no text, and an 11 MB one, carried through every copy of the tree that
extraction makes, made a page ten times slower to clean.
"""
from __future__ import annotations

import re

from lxml.html import HTMLParser, HtmlElement, fromstring
from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

# trafilatura's parser settings (utils.HTML_PARSER), plus huge_tree.
_PARSER_OPTIONS = dict(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                       remove_pis=True, huge_tree=True)

# An attribute value that is a data: URI of 4 KB or more, quoted either way or not at all; the
# payload is up to the closing quote (an SVG's may hold the other quote). What replaces it,
# `data:,`, is an empty data: URI: the element and its attribute stay.
_LONG_DATA_URI = re.compile(r"""=(\s*)(?:"data:[^"]{4096,}"|'data:[^']{4096,}'|data:[^\s"'>]{4096,})""")


def without_inline_data(html: str) -> str:
    """The page with its long data: URIs emptied.

    >>> without_inline_data('<img alt="x" src="data:image/png;base64,' + 'A' * 5000 + '">')
    '<img alt="x" src="data:,">'
    """
    return _LONG_DATA_URI.sub(r'=\1"data:,"', html) if "data:" in html else html


def _parser() -> HTMLParser:
    """A parser of its own for each page: its error log is that page's alone (a shared parser
    would mix pages parsed in threads)."""
    return HTMLParser(**_PARSER_OPTIONS)


def _cut_reasons(parser: HTMLParser) -> list[str]:
    """What the parser stopped reading, in words a user can act on (libxml2's resource-limit errors)."""
    reasons = []
    for entry in parser.error_log:
        if entry.type_name != "ERR_RESOURCE_LIMIT" and "XML_PARSE_HUGE" not in entry.message:
            continue
        if "depth" in entry.message.lower():
            depth = "".join(ch for ch in entry.message.split(":")[-1] if ch.isdigit()) or "2048"
            reason = (f"the page nests elements deeper than {int(depth):,} levels, the most the HTML parser "
                      f"reads: the page from there on (line {entry.line}, column {entry.column}) is missing "
                      "from the text")
        else:
            reason = (f"the HTML parser stopped at line {entry.line}, column {entry.column} "
                      f"({entry.message.strip()}): the page from there on is missing from the text")
        if reason not in reasons:
            reasons.append(reason)
    return reasons


def parse_page(html: str | HtmlElement) -> tuple[HtmlElement | None, list[str]]:
    """The page's tree (None when nothing in it is HTML, as trafilatura's loader says) and a
    warning for each part of the page the parser could not read. A tree already parsed (a
    FiveFilters config's rewrite of the page) is taken as it is."""
    if isinstance(html, HtmlElement):
        return html, []
    html = without_inline_data(decode_file(html))
    beginning = html[:50].lower()
    html = repair_faulty_html(html, beginning)
    parser = _parser()
    try:
        tree = fromstring(html, parser=parser)
    except Exception:  # "Unicode strings with encoding declaration are not supported.", or none parsed: try bytes
        tree = None
    if tree is None or len(tree) < 1:
        parser = _parser()
        try:
            tree = fromstring(html.encode("utf8", "surrogatepass"), parser=parser)
        except Exception:  # lxml refuses the bytes too (nothing parseable): no tree, as trafilatura says
            tree = None
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        tree = None  # trafilatura's test: not HTML at all (callers wrap a bare fragment and try again)
    return tree, _cut_reasons(parser)
