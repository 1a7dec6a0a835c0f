"""The last resort for a page whose main text trafilatura cannot find: a readability-style
paragraph scorer.

Every paragraph-like block of some length scores for its parent (fully) and its grandparent (half):
one point, one per comma, one per 100 characters (up to three). The container with the best score,
discounted by its share of link text, is the main text, with those of its siblings that score at
least a fifth of it (an article split over several <div>s). Navigation, headers, footers, forms and
asides are never read.
"""
from __future__ import annotations

from lxml import etree

from cleaner.html.strategies.base import Candidate
from cleaner.html.strategies.render import INVISIBLE, element_text, hidden

SCORED = ("p", "pre", "td", "li", "blockquote", "dd")
CHROME = frozenset({"nav", "header", "footer", "aside", "form", "menu"})
MIN_PARAGRAPH_CHARS = 25
SIBLING_SHARE = 0.2


def _chrome(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and element.tag.lower() in CHROME


def _link_density(element: etree._Element) -> float:
    total = len(" ".join(element.itertext()).split()) or 1
    linked = sum(len(" ".join(a.itertext()).split()) for a in element.iter("a"))
    return min(1.0, linked / total)


def _paragraph(element: etree._Element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def best_container(tree: etree._Element) -> tuple[etree._Element | None, float]:
    scores: dict[etree._Element, float] = {}
    for element in tree.iter(*SCORED):
        if any(_chrome(a) or (isinstance(a.tag, str) and a.tag in INVISIBLE) or hidden(a)
               for a in element.iterancestors()):
            continue
        text = _paragraph(element)
        if len(text) < MIN_PARAGRAPH_CHARS:
            continue
        score = 1 + text.count(",") + min(3, len(text) // 100)
        parent = element.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + score
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0.0) + score / 2
    if not scores:
        return None, 0.0
    ranked = {element: score * (1 - _link_density(element)) for element, score in scores.items()}
    best = max(ranked, key=ranked.__getitem__)
    return best, ranked[best]


def extract(tree: etree._Element) -> Candidate | None:
    """The best-scoring container's text (with its good siblings), or the whole visible body text
    of a page with no paragraph at all (a fragment of a few lines); None if it has no text."""
    best, score = best_container(tree)
    if best is None:
        body = tree.find(".//body")
        text = element_text(body if body is not None else tree, _chrome)
        return Candidate("fallback-text", text, "no paragraph to score: the page's visible text") if text else None
    parts = [best]
    parent = best.getparent()
    if parent is not None:
        siblings_scores = dict(best_scores(parent))
        parts = [child for child in parent if child is best or siblings_scores.get(child, 0.0) >= SIBLING_SHARE * score]
    text = "\n".join(t for t in (element_text(part, _chrome) for part in parts) if t)
    if not text:
        return None
    return Candidate("fallback-paragraphs", text,
                     f"trafilatura found no main text; the paragraph scorer's best container <{best.tag}> (score {score:.0f})")


def best_scores(parent: etree._Element):
    """Each child's own paragraph score (its direct paragraph children), for the sibling test."""
    for child in parent:
        if not isinstance(child.tag, str) or _chrome(child):
            continue
        total = 0.0
        for element in child.iter(*SCORED):
            text = _paragraph(element)
            if len(text) >= MIN_PARAGRAPH_CHARS:
                total += 1 + text.count(",") + min(3, len(text) // 100)
        yield child, total * (1 - _link_density(child))
