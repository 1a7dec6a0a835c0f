"""What an HTML page says about itself: title, date, author, site name, URL and language.

These come from trafilatura's own metadata functions (meta tags, JSON-LD, <title>/<h1>, the
canonical link) and from htmldate, trafilatura's date finder, all run on the tree that extraction
then reuses. Two choices of our own, measured on the WCXB development split (docs/benchmarks.md):

- the title is the page's first <h1> when <title> or og:title confirms it (contains it), else the
  title trafilatura finds without the part that names the site ("Harbour plan | Kurier" ->
  "Harbour plan", matched to og:site_name or the domain's name);
- on articles and forum threads the date search goes on into the page's text (htmldate's
  extensive search); on the other page types a date in the text is more often a copyright year or
  an event than the page's own date, so only the metadata is read. A page of unknown type is
  searched like an article (most pages cleaned are articles).

What is left out is what costs most and serves least: the search of the whole page
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
import re

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import examine_meta, extract_meta_json, extract_sitename, extract_title, extract_url

from cleaner.pagetype.features_url import registered_domain
from cleaner.text.dates import to_iso_date

LOGGER = logging.getLogger(__name__)

# Dates from the page's metadata only: a search of the full text takes the copyright year in the
# footer for the publication date.
DATE_SEARCH = {"extensive_search": False, "original_date": True}
# On articles and forum threads, whose text dates them ("Posted on 3 May 2021"), the search of the
# text finds more right dates than wrong ones.
DATED_TYPES = ("article", "forum")
EXTENSIVE_DATE_SEARCH = {"extensive_search": True, "original_date": True}
# What separates a title from the site's name: "Title | Site", "Site - Title", "Title :: Site".
TITLE_SEPARATOR = re.compile(r"(\s+[|\-–—:·•»/]\s+|\s+::\s+)")
_WORD = re.compile(r"\w+")


def page_metadata(tree: HtmlElement, url: str | None = None, page_type: str | None = None) -> dict[str, str]:
    """The page's metadata as strings (keys left out when the page does not say). `page_type`
    (document.PAGE_TYPES, as cleaner.pagetype names the page) decides how far the date search
    goes; None (not known) searches like an article."""
    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # a one-word "author" meta tag is a site or handle, as trafilatura judges
    try:
        found = extract_meta_json(tree, found)
    except Exception as err:  # trafilatura's JSON-LD reader fails on some malformed blocks
        LOGGER.debug("JSON-LD metadata skipped: %s", err)
    page_url = found.url or extract_url(tree, url)
    sitename = (found.sitename or extract_sitename(tree) or "").lstrip("@")
    date = page_date(tree, page_url, page_type)
    values = {
        "title": page_title(tree, found.title or extract_title(tree), sitename, url or page_url),
        "author": found.author,
        "sitename": sitename,
        "url": page_url,
        "date": to_iso_date(str(date)) if date else None,
        "page_language": page_language(tree),
    }
    return {key: " ".join(str(value).split()) for key, value in values.items() if value}


def page_date(tree: HtmlElement, url: str | None, page_type: str | None = None) -> str | None:
    """The page's publication date as htmldate finds it, searching the text too on articles, forum
    threads and pages of unknown type. A date the text search makes of a year alone (htmldate gives "2021-01-01" for
    "© 2021") is not taken: it is the footer's copyright year far more often than a date.
    """
    if page_type is None or page_type in DATED_TYPES:
        date = find_date(tree, url=url, **EXTENSIVE_DATE_SEARCH)
        if not (date and str(date).endswith("-01-01")):
            return date
    return find_date(tree, url=url, **DATE_SEARCH)


def _words(text: str | None) -> str:
    return " ".join(_WORD.findall((text or "").lower()))


def _first_text(tree: HtmlElement, xpath: str) -> str:
    for found in tree.xpath(xpath):
        text = found if isinstance(found, str) else found.text_content()
        text = " ".join(text.split())
        if text:
            return text
    return ""


def page_title(tree: HtmlElement, title: str | None, sitename: str | None, url: str | None) -> str | None:
    """The page's own title: its first <h1> when <title> or og:title contains it (a headline of two
    words or more) and it is not the site's name (a blog's logo is often its first <h1>, and its
    <title> names the site too), else `title` (what trafilatura found) without the site's name.

    >>> from lxml.html import fromstring
    >>> tree = fromstring('<html><head><title>Pay rise agreed | Kurier</title></head>'
    ...                   '<body><h1>Pay rise agreed</h1><h1>Other</h1></body></html>')
    >>> page_title(tree, "Pay rise agreed | Kurier", None, None)
    'Pay rise agreed'
    >>> page_title(fromstring('<html><body><h1>Menu</h1></body></html>'), "Kurier - Pay rise agreed", "Kurier", None)
    'Pay rise agreed'
    >>> blog = fromstring('<html><head><title>Slow Garden Notes | Why we stopped digging</title></head>'
    ...                   '<body><h1>Slow Garden Notes</h1><h2>Why we stopped digging</h2></body></html>')
    >>> page_title(blog, "Why we stopped digging", None, "https://www.slowgardennotes.org/2024/05/no-dig")
    'Why we stopped digging'
    """
    headline = _first_text(tree, "//h1")
    words = _words(headline)
    if " " in words and not names_site(headline, sitename, url, whole=True):
        said = " ".join(_words(t) for t in (_first_text(tree, "//head/title|//title"), _first_text(
            tree, '//meta[@property="og:title" or @name="og:title"]/@content')))
        if f" {words} " in f" {said} ":
            return headline
    return strip_site_name(title, sitename, url)


def names_site(part: str | None, sitename: str | None, url: str | None, whole: bool = False) -> bool:
    """Whether a piece of text is the site's name: its og:site_name, or the name in its domain
    ("Harbour Daily" on harbour-daily.com), spaces and case ignored. A part of a <title> names the
    site also when it starts with the domain's name ("Kurier.at"); with `whole` (an <h1>, which on
    a shop names a product after its brand: "Nintendo Switch" on nintendo.com) only the whole name
    counts.

    >>> names_site("Harbour Daily", None, "https://www.harbour-daily.com/a"), names_site("Kurier", "Kurier", None)
    (True, True)
    >>> names_site("Pay rise agreed", "Kurier", "https://kurier.at/a")
    False
    """
    squashed = _words(part).replace(" ", "")
    if not squashed:
        return False
    if squashed == _words(sitename).replace(" ", ""):
        return True
    label = _words(registered_domain(url).split(".")[0]).replace(" ", "") if url else ""  # harbour-daily: harbourdaily
    if whole:
        return bool(label) and squashed == label
    return bool(label) and (squashed.startswith(label) or (label.startswith(squashed) and len(squashed) >= 4))


def strip_site_name(title: str | None, sitename: str | None, url: str | None) -> str | None:
    """The title without its leading or trailing parts that name the site: the site name
    (og:site_name) or the name in the site's domain.

    >>> strip_site_name("News | Pay rise agreed: what changes – Kurier.at", "Kurier News", "https://www.kurier.at/a")
    'News | Pay rise agreed: what changes'
    >>> strip_site_name("Kurier | Pay rise agreed", None, "https://kurier.at/a")
    'Pay rise agreed'
    >>> strip_site_name("Pay rise agreed - Vienna", "Kurier", None)
    'Pay rise agreed - Vienna'
    """
    if not title:
        return title
    pieces = TITLE_SEPARATOR.split(title)  # part, separator, part, ...
    if len(pieces) == 1:
        return title
    first, last = 0, len(pieces) - 1
    while last > first and names_site(pieces[last], sitename, url):
        last -= 2
    while last > first and names_site(pieces[first], sitename, url):
        first += 2
    return "".join(pieces[first:last + 1])


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
