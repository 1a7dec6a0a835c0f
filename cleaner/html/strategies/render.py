"""An lxml element's visible text as the lines trafilatura would write: one paragraph, list item,
heading or table row a line, inline markup run together. The strategies render the parts of a
page they pick with it (the tree is never modified: parts to leave out are skipped while walking).

    >>> from lxml import html
    >>> page = html.fromstring('<div><h2>Specs</h2><p>Weight: <b>2 kg</b></p><script>x=1</script>'
    ...                        '<ul><li>Steel</li><li>Oak <span class="ad">ad</span></li></ul></div>')
    >>> print(element_text(page, skip=lambda el: el.get("class") == "ad"))
    Specs
    Weight: 2 kg
    Steel
    Oak
"""
from __future__ import annotations

from typing import Callable, Iterable

from lxml import etree

# Elements whose content is never visible text.
INVISIBLE = frozenset({"script", "style", "noscript", "template", "svg", "head", "title", "meta", "link",
                       "iframe", "object", "embed", "canvas", "select", "option", "button", "input",
                       "textarea", "form", "label", "math", "video", "audio", "source", "picture", "img"})
# Elements that start a line of their own.
BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
                    "tr", "table", "tbody", "thead", "tfoot", "blockquote", "pre", "section", "article",
                    "header", "footer", "main", "aside", "nav", "figure", "figcaption", "hr", "br",
                    "address", "details", "summary", "caption", "fieldset", "center"})
CELLS = frozenset({"td", "th"})


def hidden(element: etree._Element) -> bool:
    """Whether the element is hidden by its own attributes (hidden, aria-hidden, display:none)."""
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return bool(style) and "none" in style and ("display:none" in style.replace(" ", "")
                                                or "visibility:hidden" in style.replace(" ", ""))


def element_text(element: etree._Element, skip: Callable[[etree._Element], bool] | None = None) -> str:
    """The element's text, one block a line (blank lines dropped, spaces squeezed); elements for
    which `skip` is true are left out with everything inside them."""
    lines: list[str] = []
    current: list[str] = []

    def end_line() -> None:
        text = " ".join("".join(current).split())
        if text:
            lines.append(text)
        current.clear()

    # Walked with a stack of its own, not by recursion: a page may nest 2,048 elements deep (html/parse.py).
    ENTER, TAIL, LEAVE = 0, 1, 2
    pending: list[tuple[int, etree._Element]] = [(ENTER, element)]
    while pending:
        step, node = pending.pop()
        if step == TAIL:
            if node.tail:
                current.append(node.tail)
            continue
        tag = node.tag.lower() if isinstance(node.tag, str) else None
        if step == LEAVE:
            if tag in CELLS:
                current.append(" | ")
            elif tag in BLOCKS:
                end_line()
            continue
        if tag is None:  # a comment or processing instruction: only its tail is text
            continue
        if tag in INVISIBLE or hidden(node) or (skip is not None and skip(node)):
            continue
        if tag in BLOCKS:
            end_line()
        if node.text:
            current.append(node.text)
        pending.append((LEAVE, node))
        for child in reversed(node):
            pending.append((TAIL, child))
            pending.append((ENTER, child))
    end_line()
    return "\n".join(line.strip(" |") for line in lines if line.strip(" |"))


def texts(elements: Iterable[etree._Element], skip: Callable[[etree._Element], bool] | None = None) -> str:
    """Several elements' texts, one after the other (an element inside an earlier one is not repeated)."""
    kept: list[etree._Element] = []
    for element in elements:
        if any(element is k or _inside(element, k) for k in kept):
            continue
        kept.append(element)
    return "\n".join(t for t in (element_text(e, skip) for e in kept) if t)


def _inside(element: etree._Element, ancestor: etree._Element) -> bool:
    return any(parent is ancestor for parent in element.iterancestors())


def word_count(text: str) -> int:
    return len(text.split())
