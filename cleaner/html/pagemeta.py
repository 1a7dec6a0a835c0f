"""What an HTML page says about itself: title, date, author, site name, URL and language.

These come from trafilatura's own metadata functions (meta tags, JSON-LD, <title>/<h1>, the
canonical link) and from htmldate, trafilatura's date finder, all run on the tree that extraction
then reuses. What is left out is what costs most and serves least: the search of the whole page
body for a byline (7.6 ms a page on the dev set, a third of trafilatura's whole extraction time),
categories, tags and licence. An author therefore comes from the page's meta tags or JSON-LD only.

    >>> from trafilatura.utils import load_html
    >>> tree = load_html('<html lang="de-AT"><head><title>Hafen | Kurier</title>'
    ...                  '<meta property="og:site_name" content="Kurier">'
    ...                  '<meta name="author" content="Anna Berger">'
    ...                  '<meta property="article:published_time" content="2021-03-19T08:00:00+01:00">'
    ...                  '</head><body><p>Text.</p></body></html>')
    >>> meta = page_metadata(tree)
    >>> meta["title"], meta["date"], meta["author"], meta["sitename"], meta["page_language"]
    ('Hafen', '2021-03-19', 'Anna Berger', 'Kurier', 'de')
"""
from __future__ import annotations

import logging

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import examine_meta, extract_meta_json, extract_sitename, extract_title, extract_url

from cleaner.text.dates import to_iso_date

LOGGER = logging.getLogger(__name__)

# Dates from the page's metadata only: a search of the full text takes the copyright year in the
# footer for the publication date.
DATE_SEARCH = {"extensive_search": False, "original_date": True}


def page_metadata(tree: HtmlElement, url: str | None = None) -> dict[str, str]:
    """The page's metadata as strings (keys left out when the page does not say)."""
    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # a one-word "author" meta tag is a site or handle, as trafilatura judges
    try:
        found = extract_meta_json(tree, found)
    except Exception as err:  # trafilatura's JSON-LD reader fails on some malformed blocks
        LOGGER.debug("JSON-LD metadata skipped: %s", err)
    page_url = found.url or extract_url(tree, url)
    sitename = (found.sitename or extract_sitename(tree) or "").lstrip("@")
    date = find_date(tree, url=page_url, **DATE_SEARCH)
    values = {
        "title": found.title or extract_title(tree),
        "author": found.author,
        "sitename": sitename,
        "url": page_url,
        "date": to_iso_date(str(date)) if date else None,
        "page_language": page_language(tree),
    }
    return {key: " ".join(str(value).split()) for key, value in values.items() if value}


def page_language(tree: HtmlElement) -> str | None:
    """The <html lang> attribute, reduced to its ISO 639-1 part.

    >>> from lxml.html import fromstring
    >>> page_language(fromstring('<html lang="EN-gb"><body><p>x</p></body></html>'))
    'en'
    """
    root = tree.getroottree().getroot()
    lang = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
            or root.get("xml:lang") or "").strip().lower()
    return lang.split("-")[0][:2] or None
