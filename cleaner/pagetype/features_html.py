"""Page-type features of an HTML page, read in one walk over its tree (which is left as it was).

What a page says about itself: JSON-LD and microdata types (schema.org's Product, NewsArticle,
DiscussionForumPosting...), og:type, itemprop counts (price, upvoteCount...), meta tags for a
publication date or a price. What its markup shows: tag counts (pre, code, time, form, button...),
link density, paragraph lengths, headings and linked headings, class and id words (comment, price,
card, toc...), repeated sibling blocks (a grid of cards with links and pictures, a run of posts each
with prose). And the statistics of its visible text (features_text.py) with its URL's
(features_url.py). The vocabularies are generic (schema.org, common markup words), written by hand.

    >>> from trafilatura.utils import load_html
    >>> tree = load_html('<html><head><meta property="og:type" content="product"></head><body>'
    ...                  '<h1>Kettle</h1><p>A kettle.</p><span class="price">$29</span></body></html>')
    >>> features, signals = html_features(tree, "https://shop.example.org/p/kettle")
    >>> features["og_product"], features["cls_price"] > 0, signals[:2]
    (1.0, True, ['og:type product', 'URL host shop.'])
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache

from lxml import etree

from cleaner.pagetype.features_text import text_features, text_signals
from cleaner.pagetype.features_url import url_features, url_signals

# schema.org types (JSON-LD @type, microdata itemtype), lowercase, grouped by the page type they suggest.
SCHEMA_GROUPS = {
    "article": {"article", "newsarticle", "blogposting", "reportagenewsarticle", "opinionnewsarticle",
                "analysisnewsarticle", "scholarlyarticle", "socialmediaposting", "liveblogposting",
                "backgroundnewsarticle", "review", "criticreview", "recipe", "medicalwebpage"},
    "forum": {"discussionforumposting", "qapage", "question", "answer", "comment", "conversation"},
    "product": {"product", "offer", "aggregateoffer", "productgroup", "individualproduct",
                "productmodel", "vehicle", "car", "softwareapplication", "book", "mobileapplication"},
    "collection": {"collectionpage", "itemlist", "offercatalog", "searchresultspage", "listitem"},
    "docs": {"techarticle", "apireference", "softwaresourcecode", "howto", "howtostep", "course"},
    # Product and SoftwareApplication again: a SaaS company's pages describe its product.
    "service": {"organization", "localbusiness", "service", "corporation", "professionalservice",
                "aboutpage", "contactpage", "faqpage", "softwareapplication", "webapplication", "product"},
    "web": {"webpage", "website", "webpageelement", "sitenavigationelement", "wpheader", "wpfooter"},
    "crumbs": {"breadcrumblist"},
    "person": {"person", "profilepage"},
    "event": {"event", "course", "jobposting"},
}
# The schema.org types worth naming in a signal (the page-type groups, not the generic web ones).
NAMED_TYPES = set().union(*(SCHEMA_GROUPS[g] for g in ("article", "forum", "product", "collection", "docs"))) | {
    "aboutpage", "contactpage", "faqpage", "service", "professionalservice", "localbusiness"}
ITEMPROPS = ("price", "pricecurrency", "offers", "sku", "author", "datepublished", "articlebody", "text",
             "comment", "upvotecount", "answercount", "itemlistelement", "brand", "aggregaterating")
OG_TYPES = ("article", "product", "website", "blog", "profile", "book", "video", "object")
COUNTED_TAGS = ("article", "time", "pre", "code", "table", "form", "input", "button", "h1", "h2", "h3", "h4",
                "li", "p", "img", "a", "nav", "aside", "blockquote", "dl", "section", "select", "textarea",
                "figure", "main", "header", "footer", "ul", "ol", "tr", "iframe", "video")
# Words of class and id attributes (counted by prefix: "comments", "comment-body" count as "comment").
CLASS_WORDS = ("comment", "post", "reply", "thread", "message", "avatar", "signature", "forum", "topic", "vote",
               "answer", "question", "product", "price", "cart", "sku", "rating", "review", "variant", "gallery",
               "breadcrumb", "pagination", "pager", "card", "grid", "tile", "teaser", "listing", "filter", "facet",
               "author", "byline", "date", "article", "entry", "blog", "news", "share", "related", "tag",
               "sidebar", "toc", "docs", "doc", "sidenav", "highlight", "hero", "cta", "feature", "pricing",
               "testimonial", "faq", "accordion", "tab", "modal", "menu", "nav", "footer", "header")
_CLASS_WORD_RE = re.compile(r"[a-z]+")
_CLASS_PREFIX_RE = re.compile(r"(" + "|".join(sorted(CLASS_WORDS, key=len, reverse=True)) + r")")
# Elements whose text nobody sees.
INVISIBLE = {"script", "style", "noscript", "template", "svg", "head"}
# Elements that start a line of visible text.
BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section", "article", "header",
          "footer", "nav", "pre", "blockquote", "dt", "dd", "td", "th", "ul", "ol", "table", "form", "main",
          "aside", "figure", "figcaption", "dl"}
HEADINGS = {"h1", "h2", "h3", "h4"}
# Repeated children of these tags are not blocks of content (table cells, inline runs, options).
NOT_ITEMS = {"br", "option", "tr", "td", "span", "a", "p", "source"}
_PUBLISHED_META = re.compile(r"published_time|date|pubdate", re.I)


class _Block:
    """What the walk keeps of one element until it ends: its words, whether a link and a picture or
    heading are inside, and a summary of each child (for the repeated-sibling features)."""
    __slots__ = ("tag", "cls", "words", "has_link", "has_media", "children")

    def __init__(self, tag: str, cls: str):
        self.tag, self.cls = tag, cls
        self.words = 0
        self.has_link = tag == "a"
        self.has_media = tag in ("img", "h2", "h3", "h4")
        self.children: list[tuple[str, str, int, bool, bool]] = []


def json_ld_types(text: str | None, out: list[str]) -> None:
    """Every @type in a JSON-LD block (nested too: @graph, mainEntity, itemListElement), as written."""
    try:
        data = json.loads(text or "")
    except ValueError:
        return
    stack = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > 8:
            continue
        if isinstance(item, dict):
            kind = item.get("@type")
            for value in kind if isinstance(kind, list) else [kind]:
                if isinstance(value, str):
                    out.append(value.rsplit("/", 1)[-1])
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def html_features(tree: etree._Element, url: str | None) -> tuple[dict[str, float], list[str]]:
    """The page's features (name -> number) and the explicit signals among them, in words."""
    ld_types: list[str] = []
    item_types: list[str] = []
    props: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    names: list[str] = []  # class and id values
    og_type = ""
    meta_published = meta_price = meta_author = False
    a_words = pre_words = 0
    paragraphs: list[int] = []
    headings = headings_linked = 0
    groups: list[tuple[int, str, list[tuple[str, str, int, bool, bool]]]] = []
    pieces: list[str] = []  # the visible text, a line per block
    stack: list[_Block] = [_Block("", "")]
    hidden = 0  # depth inside invisible elements
    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            if tag == "meta":
                prop = (el.get("property") or el.get("name") or "").lower()
                if prop == "og:type":
                    og_type += " " + (el.get("content") or "").lower()
                elif "price" in prop:
                    meta_price = True
                elif prop in ("author", "article:author"):
                    meta_author = True
                if _PUBLISHED_META.search(prop) or (el.get("itemprop") or "") == "datePublished":
                    meta_published = True
            elif tag == "script":
                if "ld+json" in (el.get("type") or "").lower():
                    json_ld_types(el.text, ld_types)
            attrs = el.attrib
            if "itemtype" in attrs:
                item_types.extend(t.rsplit("/", 1)[-1] for t in attrs["itemtype"].split())
            if "itemprop" in attrs:
                props.update(p.lower() for p in attrs["itemprop"].split())
            if tag in INVISIBLE:
                hidden += 1
                stack.append(_Block(tag, ""))
                if tag != "head":  # (the head's meta tags are read above)
                    walker.skip_subtree()
                continue
            if hidden:
                stack.append(_Block(tag, ""))
                continue
            cls = (attrs.get("class") or "").strip()
            if cls:
                names.append(cls)
            if "id" in attrs:
                names.append(attrs["id"])
            tags[tag] += 1
            if tag in BLOCKS:
                pieces.append("\n")
            block = _Block(tag, cls)
            if el.text:
                pieces.append(el.text)
                block.words = len(el.text.split())
            stack.append(block)
        else:
            block = stack.pop()
            parent = stack[-1]
            if tag in INVISIBLE:
                hidden -= 1
            if hidden or tag in INVISIBLE:
                if el.tail and not hidden:
                    pieces.append(el.tail)
                    parent.words += len(el.tail.split())
                continue
            # the element's own repeated children
            if len(block.children) >= 3:
                by_kind: dict[tuple[str, str], list] = {}
                for child in block.children:
                    by_kind.setdefault((child[0], child[1]), []).append(child)
                for (child_tag, _), items in by_kind.items():
                    if len(items) >= 3 and child_tag not in NOT_ITEMS:
                        groups.append((len(items), child_tag, items))
            words = block.words
            if tag == "a":
                a_words += words
            elif tag == "p":
                paragraphs.append(words)
            elif tag == "pre":
                pre_words += words
            elif tag in HEADINGS:
                headings += 1
                headings_linked += block.has_link or parent.tag == "a"
            parent.words += words
            parent.has_link |= block.has_link
            parent.has_media |= block.has_media
            parent.children.append((tag, block.cls, words, block.has_link, block.has_media))
            if el.tail:
                pieces.append(el.tail)
                parent.words += len(el.tail.split())
    features = url_features(url)
    ld_lower, md_lower = [t.lower() for t in ld_types], [t.lower() for t in item_types]
    features["ld_n"] = float(len(ld_types))
    for group, vocabulary in SCHEMA_GROUPS.items():
        features["ld_" + group] = float(sum(t in vocabulary for t in ld_lower))
        features["md_" + group] = float(sum(t in vocabulary for t in md_lower))
    for prop in ITEMPROPS:
        features["ip_" + prop] = math.log1p(props.get(prop, 0))
    for kind in OG_TYPES:
        features["og_" + kind] = float(kind in og_type)
    features["og_none"] = float(not og_type.strip())
    features["meta_published"] = float(meta_published)
    features["meta_price"] = float(meta_price)
    features["meta_author"] = float(meta_author)
    for tag in COUNTED_TAGS:
        features["tag_" + tag] = math.log1p(tags.get(tag, 0))
    n_words = stack[0].words or 1
    features["words"] = math.log1p(stack[0].words)
    features["link_density"] = min(1.0, a_words / n_words)
    features["p_words_frac"] = min(1.0, sum(paragraphs) / n_words)
    features["p_long"] = math.log1p(sum(w >= 40 for w in paragraphs))
    features["p_max"] = math.log1p(max(paragraphs, default=0))
    features["p_mean"] = sum(paragraphs) / len(paragraphs) if paragraphs else 0.0
    features["pre_words_frac"] = min(1.0, pre_words / n_words)
    features["headings"] = math.log1p(headings)
    features["headings_linked"] = math.log1p(headings_linked)
    features["headings_linked_frac"] = headings_linked / headings if headings else 0.0
    features["h1_count"] = float(tags.get("h1", 0))
    class_words = _class_words(names)
    for word in CLASS_WORDS:
        features["cls_" + word] = math.log1p(class_words.get(word, 0))
    card_groups = card_items = card_words = post_groups = 0
    most_posts = 0
    for n, tag, items in groups:
        linked = sum(item[3] for item in items)
        media = sum(item[4] for item in items)
        if n >= 4 and ((tag != "li" and linked >= 0.8 * n and media >= 0.5 * n) or (tag == "li" and media >= 0.8 * n)):
            card_groups += 1
            card_items = max(card_items, n)
            card_words += sum(item[2] for item in items)
        if sum(item[2] >= 25 for item in items) >= 0.6 * n:  # repeated blocks each with prose: posts
            post_groups += 1
            most_posts = max(most_posts, n)
    features["rep_groups"] = math.log1p(len(groups))
    features["rep_groups5"] = math.log1p(sum(n >= 5 for n, _, _ in groups))
    features["rep_max"] = math.log1p(max((n for n, _, _ in groups), default=0))
    features["card_groups"] = math.log1p(card_groups)
    features["card_items"] = math.log1p(card_items)
    features["card_words_frac"] = min(1.0, card_words / n_words)
    features["post_groups"] = math.log1p(post_groups)
    text_part = text_features("".join(pieces), "h_")
    features.update(text_part)

    signals = [f"JSON-LD {t}" for t in dict.fromkeys(_schema_names(ld_types))]
    signals += [f"microdata {t}" for t in dict.fromkeys(_schema_names(item_types))]
    if og_type.strip():
        signals.append(f"og:type {og_type.split()[0]}")
    signals += url_signals(url)
    for prop in ("price", "upvotecount", "answercount", "datepublished", "articlebody"):
        if props.get(prop):
            signals.append(f"itemprop {prop} ({props[prop]})")
    if meta_published:
        signals.append("publication date in meta tags")
    if meta_price:
        signals.append("price in meta tags")
    if tags.get("pre", 0) >= 2:
        signals.append(f"{tags['pre']} code blocks (<pre>)")
    if card_groups:
        signals.append(f"grid of {card_items} cards (repeated items with links and pictures or headings)")
    if post_groups and most_posts >= 3:
        signals.append(f"{most_posts} repeated blocks of prose (posts)")
    if class_words.get("comment", 0) >= 3 or class_words.get("reply", 0) >= 3:
        signals.append("comment/reply blocks in the markup")
    if tags.get("button", 0) and text_part["h_cart"] > 0:
        signals.append("shopping buttons (add to cart, buy now...)")
    signals += text_signals(text_part, "h_")
    return features, signals


def _class_words(names: list[str]) -> Counter[str]:
    """How many class and id words start with each of CLASS_WORDS (the longest that fits)."""
    found: Counter[str] = Counter()
    for word, n in Counter(_CLASS_WORD_RE.findall(" ".join(names).lower())).items():
        prefix = _class_prefix(word)
        if prefix:
            found[prefix] += n
    return found


@lru_cache(maxsize=16384)
def _class_prefix(word: str) -> str | None:
    match = _CLASS_PREFIX_RE.match(word)
    return match.group(1) if match else None


def _schema_names(types: list[str]) -> list[str]:
    """The schema.org types worth a signal, as the page wrote them."""
    return [t for t in types if t.lower() in NAMED_TYPES]
