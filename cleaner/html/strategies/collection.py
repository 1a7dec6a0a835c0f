"""Category pages of a shop (collections): the product grid's cards beside the category text.

trafilatura's main extraction often keeps the category description and leaves the grid out (its
cards are short, link-heavy blocks). WCXB's annotators keep the cards (name, price, rating line)
when the page has little prose, and only the prose when it has much (an intro, SEO text, a FAQ):
items.added_items puts the grid after the main extraction when that holds little prose.
"""
from __future__ import annotations

from cleaner.html.strategies.base import Candidate, StrategyInput
from cleaner.html.strategies.items import added_items


def extract(page: StrategyInput) -> Candidate | None:
    return added_items(page, "collection-grid", "cards")
