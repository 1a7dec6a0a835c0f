"""What a strategy is given and what it gives back."""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree


@dataclass(frozen=True)
class StrategyInput:
    """The page's parsed tree (never modified), its URL, and trafilatura's main extraction of it."""

    tree: etree._Element
    url: str | None
    main_text: str


@dataclass(frozen=True)
class Candidate:
    """A strategy's extraction: its name (metadata.extraction), its text, and why it was made."""

    name: str
    text: str
    reason: str
