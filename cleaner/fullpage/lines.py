"""What one line of a full-page dump looks like from its text alone: length, stopword density,
sentence ending, link- or menu-like shape, a flattened list. Main-content detection classifies
lines from these, and the learned trees read them (features.py)."""
from __future__ import annotations

from dataclasses import dataclass

import regex

from cleaner.rules.kinds.base import runs
from cleaner.text.stoplists import letter_words
from cleaner.text.stats import ends_like_sentence, looks_like_title, word_count

_LINK_LIKE = regex.compile(
    r"https?://|www\.\S+|\S+@\S+\.\w{2,}|\b[\w-]+\.(?:com|org|net|de|ch|at|fr|uk|ru|cn|info|io)\b(?:/\S*)?"
    r"|^\s*[+(]?\d[\d\s()./-]{6,}\d\s*$",
    regex.IGNORECASE)
# Menus and breadcrumbs flattened onto one line: "Home | News | Sport", "Home > World > Europe".
_MENU_SEPARATORS = regex.compile(r"\s(?:\||›|»|>|/|·|•)\s")
_COPYRIGHT = regex.compile(r"©|\(c\)\s*\d{4}|copyright", regex.IGNORECASE)
# What menu items lack and list items in an article have: quantities (a recipe), code, sentences,
# a list marker (extractors write list items as "- item").
_NOT_MENU = regex.compile(r"\d|[=(){};<>$#_]|[.!?。]\s*$|^\s*[-–•*·▪]\s")
_CJK_CHAR = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_CJK_PUNCT = regex.compile(r"[，。、；！？：“”「」]")


@dataclass
class LineFeatures:
    text: str
    length: int  # characters, a CJK character counting double (it carries about a word)
    words: int
    stopword_density: float
    sentence: bool
    link_like: bool
    title_like: bool
    list_like: bool  # many words, few of them different, or mostly numbers: a flattened list or table
    copyright: bool


def line_features(text: str, stopwords: frozenset[str], cjk: bool) -> LineFeatures:
    stripped = text.strip()
    cjk_chars = len(_CJK_CHAR.findall(stripped))
    length = len(stripped) + cjk_chars
    tokens = letter_words(stripped)
    if cjk and cjk_chars:
        # No stoplist for scripts without spaces: clause punctuation stands in for function words.
        density = min(1.0, 8 * len(_CJK_PUNCT.findall(stripped)) / max(1, cjk_chars))
    else:
        density = sum(t in stopwords for t in tokens) / len(tokens) if tokens else 0.0
    separators = len(_MENU_SEPARATORS.findall(stripped))
    link_like = bool(_LINK_LIKE.search(stripped)) and len(stripped) < 120 or separators >= 2
    return LineFeatures(stripped, length, word_count(stripped), density, ends_like_sentence(stripped),
                        link_like, looks_like_title(stripped, 1, 16), looks_like_list(stripped),
                        bool(_COPYRIGHT.search(stripped)))


_TOKEN = regex.compile(r"\w+")


def looks_like_list(text: str, min_tokens: int = 12) -> bool:
    """A long line that repeats its words or is mostly numbers: an archive drop-down ("May 2019
    April 2019 ..."), a tag cloud or a table flattened onto a line, which stopwords (month
    names are in some lists) would otherwise pass for prose.

    >>> looks_like_list("Archive May 2019 (3) April 2019 (4) March 2019 (2) February 2019 (5) January 2019 (1)")
    True
    >>> looks_like_list("The council met on Monday to discuss the budget, which had been delayed for months.")
    False
    """
    tokens = [t.casefold() for t in _TOKEN.findall(text)]
    if len(tokens) < min_tokens:
        return False
    numbers = sum(t.isdigit() for t in tokens)
    return numbers > 0.4 * len(tokens) or len(set(tokens)) < 0.5 * len(tokens)


def menu_like(text: str, max_chars: int) -> bool:
    """Shorter than `max_chars`, with no digits, code or full stop: a menu item or link label."""
    return len(text) < max_chars and not _NOT_MENU.search(text)


def longest_run(flags: list[bool]) -> int:
    """The most true values in a row: a page's menu shows as a long run of menu-like lines, an
    article (even one with a list in it) rarely does.

    >>> longest_run([True, False, True, True, False])
    2
    """
    return max((end - start for start, end in runs(flags)), default=0)
