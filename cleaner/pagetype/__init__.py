"""What kind of page a document is: article, forum, product, collection, listing, documentation or
service (cleaner.document.PAGE_TYPES), with the probability of each and the evidence found.

Two learned classifiers, boosted trees stored as data beside this file (cleaner/trees.py reads
them; tools/train_page_type.py trains them, cross-validated by site on the WCXB development split):

- `classify_html(tree, url)` reads an HTML page's tree (features_html.py: schema.org types,
  og:type, markup, repeated blocks, visible text, URL) and leaves the tree as it was;
- `classify_text(text, url)` reads plain text, a full-page dump or an extractor's output
  (features_text.py), and the URL when there is one (features_url.py).

The `signals` are the explicit evidence among the features, in words ("JSON-LD Product",
"og:type article", "URL path /forum/", "12 prices"), for `cleaner explain`; the decision itself is
the trees', which weigh all the features together.

    >>> page = classify_text("Re: Boot hangs after update\\nPosted by kim_22\\nReply #3\\nQuote", "https://example.org/forum/t/1234")
    >>> page.name in PAGE_TYPES, abs(sum(page.probabilities.values()) - 1) < 1e-3, "URL path /forum/" in page.signals
    (True, True, True)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from cleaner.document import PAGE_TYPES
from cleaner.pagetype.features_html import html_features
from cleaner.pagetype.features_text import text_features, text_signals
from cleaner.pagetype.features_url import url_features, url_signals
from cleaner.trees import BoostedTrees, ModelError, load_model

MODEL_DIR = Path(__file__).resolve().parent
HTML_MODEL = MODEL_DIR / "html.model.json"
TEXT_MODEL = MODEL_DIR / "text.model.json"

__all__ = ["PAGE_TYPES", "PageType", "classify_html", "classify_text", "html_model", "text_model", "ModelError"]


@dataclass(frozen=True)
class PageType:
    """A document's page type: the most probable of PAGE_TYPES, each type's probability, and the
    explicit evidence found (human-readable)."""

    name: str
    probability: float
    probabilities: dict[str, float]
    signals: tuple[str, ...]

    def describe(self) -> str:
        """One line for people: 'product (0.93): JSON-LD Product; 12 prices'."""
        why = "; ".join(self.signals) if self.signals else "no explicit signal (the model's judgement)"
        return f"{self.name} ({self.probability:.2f}): {why}"


def html_model() -> BoostedTrees:
    return _checked(load_model(str(HTML_MODEL)))


def text_model() -> BoostedTrees:
    return _checked(load_model(str(TEXT_MODEL)))


def _checked(model: BoostedTrees) -> BoostedTrees:
    if tuple(model.classes) != PAGE_TYPES:
        raise ModelError(f"{model.source}: the model's classes {model.classes} are not the page types "
                         f"{list(PAGE_TYPES)}; retrain it with tools/train_page_type.py")
    return model


def _page_type(model: BoostedTrees, features: dict[str, float], signals: list[str]) -> PageType:
    probabilities = {name: round(p, 4) for name, p in zip(model.classes, model.probabilities(features))}
    name = max(probabilities, key=probabilities.__getitem__)  # the first of equals, in PAGE_TYPES order
    return PageType(name, probabilities[name], probabilities, tuple(dict.fromkeys(signals)))


def html_page_features(tree: etree._Element, url: str | None) -> tuple[dict[str, float], list[str]]:
    """The features the HTML model reads, and the signals among them (the training tool uses this too)."""
    return html_features(tree, url)


def text_page_features(text: str, url: str | None) -> tuple[dict[str, float], list[str]]:
    """The features the text model reads, and the signals among them (the training tool uses this too)."""
    features = text_features(text, "t_")
    features.update(url_features(url))
    return features, url_signals(url) + text_signals(features, "t_")


def classify_html(tree: etree._Element, url: str | None = None) -> PageType:
    """The page type of an HTML page, from its lxml tree (trafilatura.utils.load_html), unchanged."""
    return _page_type(html_model(), *html_page_features(tree, url))


def classify_text(text: str, url: str | None = None) -> PageType:
    """The page type of a plain-text document (a full-page dump or an extractor's output)."""
    return _page_type(text_model(), *text_page_features(text, url))
