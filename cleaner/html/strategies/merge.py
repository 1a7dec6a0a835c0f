"""Putting a strategy's blocks together with the main extraction: lines the main extraction
already has are not repeated.

    >>> add_lines("Intro\\nShoes\\nOutro", "Shoes\\nBoots $40")
    'Intro\\nShoes\\nBoots $40\\nOutro'
    >>> add_lines("Intro\\nLeather walking boots $40", "Leather walking boots $40, 4.5 stars\\nClogs $20")
    'Intro\\nLeather walking boots $40, 4.5 stars\\nClogs $20'
    >>> round(covered("red boots", "the red shoes"), 2)
    0.5
"""
from __future__ import annotations


def _key(line: str) -> str:
    return " ".join(line.split()).casefold()


def add_lines(main_text: str, extra: str) -> str:
    """The main text with `extra` (blocks the main extraction missed in part) in it: the main lines
    that are lines of `extra` (or, 20 characters or more, part of one: a card's name and price where
    `extra` has its rating too) make way for the whole of `extra`, put where the first of them was
    (after the main text when none is)."""
    extra_lines = [line for line in extra.splitlines() if line.strip()]
    extra_keys = [_key(line) for line in extra_lines]
    exact = set(extra_keys)

    def in_extra(line: str) -> bool:
        key = _key(line)
        return key in exact or (len(key) >= MIN_PART_CHARS and any(key in k for k in extra_keys))

    before: list[str] = []
    after: list[str] = []
    placed = False
    for line in main_text.splitlines():
        if not line.strip():
            continue
        if in_extra(line):
            placed = True
        elif placed:
            after.append(line)
        else:
            before.append(line)
    return "\n".join(before + extra_lines + after)


MIN_PART_CHARS = 20


def covered(text: str, main_text: str) -> float:
    """The share of `text`'s words that the main text has (1.0 for no words)."""
    words = text.casefold().split()
    if not words:
        return 1.0
    have = set(main_text.casefold().split())
    return sum(1 for w in words if w in have) / len(words)


PROSE_LINE_WORDS = 12


def prose_words(text: str) -> int:
    """The words of the text's prose: its lines of PROSE_LINE_WORDS words or more (not a card's
    name and price, a heading, a menu)."""
    counts = (len(line.split()) for line in text.splitlines())
    return sum(n for n in counts if n >= PROSE_LINE_WORDS)
