"""The dominant group of repeated items on a page: the cards of a product grid, the entries of a
listing (title, teaser, meta line each).

A group is three or more sibling elements of the same tag and first class word, each with a link
and a few words of text, outside navigation, headers, footers, asides and menus. Its score is the
words of its items, each counted up to ITEM_WORD_CAP (so one long block among short siblings does
not make a group of them); the best-scoring group is the page's. The tree is read, never modified.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex
from lxml import etree

from cleaner.html.strategies.base import Candidate, StrategyInput
from cleaner.html.strategies.markers import class_words
from cleaner.html.strategies.merge import add_lines, covered, prose_words
from cleaner.html.strategies.render import INVISIBLE, element_text, hidden

# Elements and class/id words of the page's chrome: items there are menus, not content.
CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "menu", "form", "dialog"})
# A class or id is chrome when one of its parts (split at - and _) is one of these: "site-header",
# "mega_menu", "product-carousel" (recommendation rows and promotion bars are not the grid).
CHROME_PARTS = frozenset({"nav", "navbar", "navigation", "menu", "megamenu", "footer", "header", "breadcrumb",
                          "breadcrumbs", "sidebar", "pagination", "pager", "cookie", "cookies", "modal", "drawer",
                          "filters", "facets", "filter", "facet", "related", "recently", "recommendations",
                          "recommended", "upsell", "crosssell", "newsletter", "social", "share", "toolbar",
                          "promo", "announcement", "carousel", "swiper", "slick", "slider", "popup"})
MIN_ITEMS = 3
MIN_ITEM_WORDS = 3  # the mean over the group's items: below it, a row of buttons or menu words
MAX_ITEM_WORDS = 120  # the median over the group's items: above it, sections of prose, not items
ITEM_WORD_CAP = 80
MIN_LINKED_SHARE = 0.5  # of the items that must hold a link
# added_items: a main extraction with this many words of prose is the page's content as it is
# (annotators keep a category's or a section's long text alone), and one that holds this share of
# the items' words has them already.
PROSE_LIMIT = 200
COVERED_SHARE = 0.8
CANDIDATES = 3


@dataclass(frozen=True)
class ItemGroup:
    parent: etree._Element
    items: tuple[etree._Element, ...]
    words: int  # the items' words, uncapped

    def text(self) -> str:
        return "\n".join(t for t in (element_text(item, _skip_in_item) for item in self.items) if t)


_PARTS = regex.compile(r"[-_\s]+")
SCREEN_READER_ONLY = frozenset({"sr-only", "visually-hidden", "screen-reader-text", "visuallyhidden", "a11y-hidden"})


def _chrome_class(element: etree._Element) -> bool:
    names = ((element.get("class") or "") + " " + (element.get("id") or "")).lower()
    return bool(names.strip()) and any(part in CHROME_PARTS for part in _PARTS.split(names))


def _chrome(element: etree._Element) -> bool:
    tag = element.tag.lower()
    if tag in ("body", "main"):  # <body class="popup-init">: state classes on the page's frame
        return False
    if tag in CHROME_TAGS or element.get("role") in ("navigation", "banner", "contentinfo", "dialog"):
        return True
    return _chrome_class(element)


def _skip_in_item(element: etree._Element) -> bool:
    """Inside an item: screen-reader-only copies and chrome (a card's share widget)."""
    return bool(class_words(element) & SCREEN_READER_ONLY) or _chrome(element)


def _signature(element: etree._Element) -> tuple[str, str]:
    classes = (element.get("class") or "").split()
    return element.tag, classes[0] if classes else ""


def _words(element: etree._Element) -> int:
    return sum(len(t.split()) for t in element.itertext())


def groups(tree: etree._Element) -> list[ItemGroup]:
    """Every group of repeated items outside the page's chrome, best first."""
    body = tree.find(".//body")
    found: list[tuple[int, ItemGroup]] = []
    stack = [body if body is not None else tree]
    while stack:
        node = stack.pop()
        children = [c for c in node if isinstance(c.tag, str) and c.tag.lower() not in INVISIBLE
                    and not hidden(c) and not _chrome(c)]
        stack.extend(children)
        if len(children) < MIN_ITEMS:
            continue
        by_signature: dict[tuple[str, str], list[etree._Element]] = {}
        for child in children:
            by_signature.setdefault(_signature(child), []).append(child)
        for items in by_signature.values():
            if len(items) < MIN_ITEMS:
                continue
            counts = [_words(item) for item in items]
            if sum(counts) < MIN_ITEM_WORDS * len(items) or sorted(counts)[len(counts) // 2] > MAX_ITEM_WORDS:
                continue
            linked = sum(1 for item in items if item.tag == "a" or item.find(".//a") is not None)
            if linked < MIN_LINKED_SHARE * len(items):
                continue
            score = sum(min(n, ITEM_WORD_CAP) for n in counts)
            found.append((score, ItemGroup(node, tuple(items), sum(counts))))
    found.sort(key=lambda pair: -pair[0])
    return [group for _, group in found]


def dominant_group(tree: etree._Element) -> ItemGroup | None:
    """The best group whose items, as rendered (hidden parts, buttons and forms left out), still
    hold MIN_ITEM_WORDS words each on average; one of the CANDIDATES best-scoring groups."""
    for group in groups(tree)[:CANDIDATES]:
        if len(group.text().split()) >= MIN_ITEM_WORDS * len(group.items):
            return group
    return None


def added_items(page: StrategyInput, name: str, noun: str) -> Candidate | None:
    """The main extraction with the page's dominant group of items after it, when the main
    extraction is short on prose and lacks most of the items' words; else None."""
    prose = prose_words(page.main_text)
    if prose >= PROSE_LIMIT:
        return None
    group = dominant_group(page.tree)
    if group is None:
        return None
    items = group.text()
    if covered(items, page.main_text) >= COVERED_SHARE:
        return None
    return Candidate(name, add_lines(page.main_text, items),
                     f"{len(group.items)} <{group.items[0].tag}> {noun} added to {prose} words of prose")
