"""What a single line looks like from its text alone: words, sentence endings, title shape.

Rule kinds share these judgements so that "prose" means the same thing everywhere.
"""
from __future__ import annotations

from functools import lru_cache

import regex

# The line judgements below are pure functions of the text, asked again and again for the same
# line (by several rule kinds, in every pass) and for lines that recur across documents (site
# chrome): they are cached. Bounded, so memory stays flat.
_CACHE = 1 << 12

# A CJK character counts as a word: those scripts do not put spaces between words.
_WORD = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]|[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*")
_CLOSERS = "\"'”’»)]}›"
# (?r) searches from the end of the line backwards: these only match at the end, so a forward
# search would try every position of a long line first.
_SENTENCE_END = regex.compile(r"(?r)[.!?。！？؟।][" + regex.escape(_CLOSERS) + r"]*\s*$")
_TRUNCATED = regex.compile(r"(?r)(\.\.\.|…)[" + regex.escape(_CLOSERS) + r"]*\s*$")
_SPACES = regex.compile(r"\s+")
_BULLET = regex.compile(r"^\s*(?:[-–—•*·▪►»]|\d{1,2}[.)])\s+")


def words(text: str) -> list[str]:
    """The words of a line.

    >>> words("Putin's talks, 2021: a 'live' call")
    ["Putin's", 'talks', '2021', 'a', 'live', 'call']
    """
    return _WORD.findall(text)


@lru_cache(maxsize=_CACHE)
def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def strip_bullet(text: str) -> str:
    """The line without a leading list marker.

    >>> strip_bullet("- Russia records new cases")
    'Russia records new cases'
    """
    return _BULLET.sub("", text, count=1).strip()


@lru_cache(maxsize=_CACHE)
def is_truncated(text: str) -> bool:
    """A teaser cut off with an ellipsis.

    >>> is_truncated("runs counter to the commitment, Russian Foreign ...")
    True
    """
    return bool(_TRUNCATED.search(text))


def ends_like_sentence(text: str) -> bool:
    """Ends with sentence punctuation (closing quotes allowed), and is not a truncated teaser.

    >>> ends_like_sentence('"Mmm hmm, I do", Biden responded.')
    True
    >>> ends_like_sentence("Related Stories")
    False
    """
    return bool(_SENTENCE_END.search(text)) and not is_truncated(text)


@lru_cache(maxsize=_CACHE)
def is_prose(text: str, min_words: int = 6, long_words: int = 30) -> bool:
    """A sentence or paragraph of running text, as opposed to a title, label or list item.

    >>> is_prose("Putin at the time said recalling an envoy would be a measure of last resort.")
    True
    >>> is_prose("Russian FM: UK Decision to Build Up Nuclear Arsenal Defies Disarmament Logic")
    False
    """
    n = word_count(text)
    if is_truncated(text):
        return False
    return (n >= min_words and ends_like_sentence(text)) or n >= long_words


@lru_cache(maxsize=_CACHE)
def looks_like_title(text: str, min_words: int = 3, max_words: int = 16) -> bool:
    """A short line shaped like a headline: no closing full stop, not a label ending in ':'.

    >>> looks_like_title("- Russia records 24,763 new COVID-19 cases")
    True
    >>> looks_like_title("He said so.")
    False
    """
    body = strip_bullet(text)
    n = word_count(body)
    if not (min_words <= n <= max_words):
        return False
    if body.endswith((".", ":", ";", ",")) and not is_truncated(body):
        return False
    first = body[:1]
    return bool(first) and (first.isupper() or first.isdigit() or first in "\"'“«„‘")


@lru_cache(maxsize=_CACHE)
def normalized(text: str) -> str:
    """A line reduced for comparison: case, spacing and trailing punctuation do not count."""
    return _SPACES.sub(" ", text).strip().strip(".,;:!?…-–— ").casefold()
