"""Extraction per page type: a strategy for each of the six page types that are not articles, and
the choice between its extraction and trafilatura's main one (on by default).

Each strategy module (forum.py, ...) reads the page's parsed tree (shared with classification and
metadata, never modified) and returns a Candidate, or None when the page does not carry what it
looks for. The choice is built so that a wrong non-article guess on an article costs nothing:

- a page taken for an article (the caller says so, or the classifier gives an article probability
  of ARTICLE_PROBABILITY_LIMIT or more) keeps trafilatura's main extraction, no strategy runs;
- a strategy runs only for its own type, and answers only on explicit evidence (a forum
  platform's post markup, a product's schema.org description...), checked against the main
  extraction where that can tell a wrong guess;
- a page whose main extraction is empty (or that trafilatura cannot parse: a fragment) goes to
  fallback.py's paragraph scorer before it fails.

`Choice.describe()` is what `cleaner explain` prints; `Choice.name` is `metadata.extraction`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from lxml import etree

from cleaner.html.strategies import collection, fallback, forum
from cleaner.html.strategies.base import Candidate, StrategyInput

MAIN = "main"
# At or above this article probability a page keeps the main extraction whatever its most likely type.
ARTICLE_PROBABILITY_LIMIT = 0.5

STRATEGIES: dict[str, Callable[[StrategyInput], Candidate | None]] = {
    "forum": forum.extract,
    "collection": collection.extract,
}


@dataclass(frozen=True)
class Choice:
    """The extraction kept: its name (MAIN or a strategy's), its text, and why."""

    name: str
    text: str
    reason: str

    def describe(self) -> str:
        return f"{self.name} ({self.reason})"


def choose(tree: etree._Element, url: str | None, main_text: str, page_type: str | None,
           article_probability: float | None = None) -> Choice:
    """The text to keep for a page of `page_type` (its most likely type, or the caller's), given
    trafilatura's main extraction; falls back to the paragraph scorer when that is empty."""
    choice = _typed_choice(tree, url, main_text, page_type, article_probability)
    if choice.text.strip():
        return choice
    rescued = fallback.extract(tree)
    if rescued is not None and rescued.text.strip():
        return Choice(rescued.name, rescued.text, rescued.reason)
    return choice


def _typed_choice(tree, url, main_text, page_type, article_probability) -> Choice:
    if page_type == "article" or page_type is None:
        return Choice(MAIN, main_text, "an article: trafilatura's main extraction")
    if article_probability is not None and article_probability >= ARTICLE_PROBABILITY_LIMIT:
        return Choice(MAIN, main_text, f"article probability {article_probability:.2f}: trafilatura's main extraction")
    strategy = STRATEGIES.get(page_type)
    if strategy is None:
        return Choice(MAIN, main_text, f"a {page_type} page: no strategy of its own")
    candidate = strategy(StrategyInput(tree, url, main_text))
    if candidate is None or not candidate.text.strip():
        return Choice(MAIN, main_text, f"a {page_type} page: its strategy found nothing better")
    return Choice(candidate.name, candidate.text, candidate.reason)
