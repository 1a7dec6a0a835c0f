"""Apply a site config to an HTML page before extraction: rewrite the raw HTML (find_string /
replace_string), read title, author and date (XPaths, on the page as fetched), cut what `strip`,
`strip_id_or_class` and `strip_image_src` name, unwrap what `dissolve` names, and find the
article container (`body`). How the result meets the extraction is guide.py's.

The files are community data and many are old, so nothing here may empty a page:
- a `body` XPath is taken only when what it matches holds a non-trivial amount of visible text
  (MIN_BODY_WORDS); otherwise the next one is tried;
- a cut never takes an element holding most of the page's text (MAX_CUT_SHARE): a word of
  `strip_id_or_class` is matched inside class names as Full-Text RSS does, and a word that has
  become a layout class on today's page would otherwise take the article with it;
- given the page's main text as extracted without the file, a cut never takes an element holding
  a fifth of it or more (MAX_CUT_OF_MAIN_TEXT): a strip that now matches the headline or a block of
  the article's paragraphs is stale, not boilerplate.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

from cleaner.document import CleanResult, Removal
from cleaner.ftr.parse import Directive, SiteConfig
from cleaner.text.dates import to_iso_date

# What `body` must match to be taken: a container with fewer words is an old selector that now
# hits a teaser, a caption or an empty wrapper.
MIN_BODY_WORDS = 40
# A cut that would take more than this share of the page's words is not made (see above).
MAX_CUT_SHARE = 0.5
# A cut holding this share of the main text extracted without the file is not made (see above).
# Boilerplate a file cuts (share bars, related lists, captions, bylines) is each a small part of it.
MAX_CUT_OF_MAIN_TEXT = 0.2
# Removals cut from the page before extraction have no line of the text: line 0.
BEFORE_EXTRACTION = 0


@dataclass
class PreparedPage:
    """A page with its site config applied."""

    config: SiteConfig
    tree: HtmlElement  # the whole page after the rewrites and cuts
    metadata: dict[str, str] = field(default_factory=dict)  # title, author, date from the XPaths
    removals: list[Removal] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)  # for `cleaner explain`
    body: Directive | None = None  # the body directive taken
    body_misses: list[Directive] = field(default_factory=list)  # body directives tried and not taken
    container_text: str | None = None  # the visible text of what the body matched; None: no body matched
    cuts: int = 0  # elements cut (strip, strip_id_or_class, strip_image_src)
    rewritten: bool = False  # a find_string changed the raw HTML

    @property
    def changed_page(self) -> bool:
        """Whether the page to extract from differs from the page as fetched."""
        return bool(self.cuts or self.rewritten or self.config.xpaths["dissolve"])

    def annotate(self, result: CleanResult, reason: str) -> None:
        """Put what the config did into a result: its cuts first among the removals (line 0: they
        were cut before there were lines), its decisions first, its name among the rule sets."""
        result.removed[:0] = self.removals
        result.decisions[:0] = [f"site config {self.config.name}: {reason}"] + self.decisions
        names = result.metadata.setdefault("rulesets", [])
        if self.config.name not in names:
            names.append(self.config.name)


def rule_id(config: SiteConfig, directive: Directive) -> str:
    """What a removal by this directive is reported as: `ftr:nytimes.com:strip_id_or_class:17`
    (the file, the directive, its line in the file)."""
    return f"{config.name}:{directive.name}:{directive.line}"


# Text a reader never sees: counted in no share and matched by no line.
_VISIBLE_TEXT = etree.XPath("descendant-or-self::text()[not(ancestor::script or ancestor::style or "
                            "ancestor::noscript or ancestor::template)]")


def visible_text(element: HtmlElement) -> str:
    return " ".join(" ".join(_VISIBLE_TEXT(element)).split())


def _words(element: HtmlElement) -> int:
    return len(visible_text(element).split())


def _text(element: HtmlElement) -> str:
    return visible_text(element)


_NOT_WORD = re.compile(r"\W+")


def squashed(text: str) -> str:
    """Text without anything but letters and digits, lower-cased: how a line of extracted text is
    found in a page's text whatever spacing and punctuation the extractor wrote.

    >>> squashed("Hello,  World!")
    'helloworld'
    """
    return _NOT_WORD.sub("", text).lower()


def words_held(lines: list[tuple[str, int]], text: str) -> int:
    """How many words of these (squashed line, words) pairs are lines found inside `text`."""
    inside = squashed(text)
    return sum(words for line, words in lines if line in inside)


def main_text_lines(main_text: str | None) -> list[tuple[str, int]]:
    """The lines of an extracted text as (squashed line, words), those of 4+ words only: a short
    line ("Share", "Mac") is found inside every element."""
    lines = []
    for line in (main_text or "").split("\n"):
        words = len(line.split())
        if words >= 4:
            lines.append((squashed(line), words))
    return lines


def _evaluate(config: SiteConfig, directive: Directive, tree: HtmlElement, **variables) -> list:
    try:
        found = config.xpath(directive.value)(tree, **variables)
    except (etree.XPathEvalError, etree.XPathError, ValueError):
        return []  # a function lxml does not have (PHP's XPath knew it): the directive does nothing
    return found if isinstance(found, list) else [found]


def _elements(found: list) -> list[HtmlElement]:
    return [item for item in found if isinstance(item, etree._Element) and isinstance(item.tag, str)]


def _strings(found: list) -> list[str]:
    values = []
    for item in found:
        if isinstance(item, etree._Element):
            item = item.text_content() if isinstance(item.tag, str) else ""
        elif not isinstance(item, str):
            continue
        text = " ".join(str(item).split())
        if text:
            values.append(text)
    return values


def rewrite_html(html: str, config: SiteConfig) -> str:
    """The raw HTML with every find_string replaced (in file order), as Full-Text RSS does before
    parsing."""
    for replacement in config.replacements:
        html = html.replace(replacement.find, replacement.replace)
    return html


def read_metadata(config: SiteConfig, tree: HtmlElement) -> tuple[dict[str, str], list[str]]:
    """title, author and date from the first XPath of each that gives a value, with what was read."""
    found: dict[str, str] = {}
    notes = []
    for key in ("title", "author", "date"):
        for directive in config.xpaths[key]:
            values = _strings(_evaluate(config, directive, tree))
            if key == "date":
                values = [iso for iso in map(to_iso_date, values) if iso]
            if values:
                # Several authors are several elements; a title or a date is the first one.
                value = "; ".join(dict.fromkeys(values)) if key == "author" else values[0]
                found[key] = value[:300]
                notes.append(f"{key} (line {directive.line})")
                break
    return found, notes


def _cut(tree: HtmlElement, elements: list[HtmlElement], page_words: int, rule: str,
         removals: list[Removal], main_lines: list[tuple[str, int]], main_words: int) -> tuple[int, int]:
    """Remove the elements (keeping their tails); (cut, refused) counts."""
    cut = refused = 0
    for element in elements:
        if element.getparent() is None or element.tag in ("body", "head", "html"):
            continue
        if not _attached(element, tree):
            continue  # already cut with an ancestor
        text = _text(element)
        words = len(text.split())
        if page_words and words > MAX_CUT_SHARE * page_words:
            refused += 1
            continue
        if main_words and words_held(main_lines, text) >= MAX_CUT_OF_MAIN_TEXT * main_words:
            refused += 1
            continue
        if text:
            removals.append(Removal(rule, text, BEFORE_EXTRACTION))
        element.drop_tree()
        cut += 1
    return cut, refused


def _attached(element: HtmlElement, root: HtmlElement) -> bool:
    while element is not None:
        if element is root:
            return True
        element = element.getparent()
    return False


def _outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """The elements without those inside another of them, in document order."""
    chosen = set(elements)
    kept = []
    for element in elements:
        if any(ancestor in chosen for ancestor in element.iterancestors()):
            continue
        kept.append(element)
    return kept


def load_html(html: str) -> HtmlElement | None:
    """trafilatura's HTML reader, imported on first use: importing trafilatura costs 0.2 s, and the
    rule sets import this module on every run, text-only ones too."""
    from trafilatura.utils import load_html as trafilatura_load_html

    return trafilatura_load_html(html)


def prepare_page(html: str, config: SiteConfig, main_text: str | None = None) -> PreparedPage | None:
    """The page with the config applied, or None when no HTML tree can be built from it.
    `main_text`: the page's main text as extracted without the file, which no cut may take much of."""
    rewritten = rewrite_html(html, config)
    tree = load_html(rewritten)
    if tree is None:
        return None
    metadata, read = read_metadata(config, tree)
    prepared = PreparedPage(config, tree, metadata, rewritten=rewritten != html)
    if read:
        prepared.decisions.append(f"{config.name}: read {', '.join(read)}")
    body_element = tree.find("body")
    page_words = _words(body_element if body_element is not None else tree)
    main_lines = main_text_lines(main_text)
    main_words = sum(words for _, words in main_lines)
    cuts: list[str] = []
    for name in ("strip", "strip_id_or_class", "strip_image_src"):
        cut = refused = 0
        for directive in config.xpaths.get(name, []) or config.words.get(name, []):
            rule = rule_id(config, directive)
            if name == "strip":
                elements = _elements(_evaluate(config, directive, tree))
            elif name == "strip_id_or_class":
                word = directive.value.replace("'", "").replace('"', "").strip()
                if not word:
                    continue
                elements = _elements(_evaluate(config, _ID_OR_CLASS, tree, word=word))
            else:
                elements = _elements(_evaluate(config, _IMAGE_SRC, tree, word=directive.value.strip()))
            done, skipped = _cut(tree, elements, page_words, rule, prepared.removals, main_lines, main_words)
            cut, refused = cut + done, refused + skipped
        prepared.cuts += cut
        if cut or refused:
            cuts.append(f"{name} cut {cut} element{'s' * (cut != 1)}"
                        + (f" ({refused} left: they held most of the page's text or a fifth of its main text)"
                           if refused else ""))
    for directive in config.xpaths["dissolve"]:
        for element in _elements(_evaluate(config, directive, tree)):
            if element.getparent() is not None and _attached(element, tree):
                element.drop_tag()
    if cuts:
        prepared.decisions.append(f"{config.name}: " + "; ".join(cuts))
    for directive in config.xpaths["body"]:
        containers = _outermost([e for e in _elements(_evaluate(config, directive, tree)) if _attached(e, tree)])
        texts = [visible_text(container) for container in containers]
        words = sum(len(text.split()) for text in texts)
        if words >= MIN_BODY_WORDS:
            prepared.body, prepared.container_text = directive, "\n".join(texts)
            prepared.decisions.append(f"{config.name}: body (line {directive.line}) {directive.value[:80]}: "
                                      f"{len(containers)} element{'s' * (len(containers) != 1)}, {words} words")
            break
        prepared.body_misses.append(directive)
    if config.xpaths["body"] and prepared.body is None:
        prepared.decisions.append(f"{config.name}: no body XPath matched {MIN_BODY_WORDS}+ words "
                                  f"({len(config.xpaths['body'])} tried): the whole page is extracted from")
    return prepared


# How Full-Text RSS matches strip_id_or_class and strip_image_src: inside the attribute's value.
_ID_OR_CLASS = Directive("strip_id_or_class", "//*[contains(@class, $word) or contains(@id, $word)]", 0)
_IMAGE_SRC = Directive("strip_image_src", "//img[contains(@src, $word)]", 0)
