"""Stopword lists for about 100 languages, and a guess of which list fits a text.

The lists are jusText's, loaded once by stoplists.py (which main-content detection uses too);
this module adds the cheap per-text guess the off-topic rule needs.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from itertools import islice
import regex

from .stoplists import all_stoplists

_TOKEN = regex.compile(r"\p{L}+(?:['’]\p{L}+)*")


def stoplists() -> dict[str, frozenset[str]]:
    """Language name -> its stopwords (casefolded): the same lists main-content detection reads."""
    return all_stoplists()


@lru_cache(maxsize=1)
def _language_of_word() -> tuple[list[str], dict[str, tuple[int, ...]]]:
    """The language names in sorted order, and for each stopword the positions of its languages."""
    names = sorted(stoplists())
    index: dict[str, list[int]] = {}
    for position, language in enumerate(names):
        for word in stoplists()[language]:
            index.setdefault(word, []).append(position)
    return names, {word: tuple(positions) for word, positions in index.items()}


def best_stoplist(text: str, sample_tokens: int = 600) -> frozenset[str]:
    """The stoplist of the language whose stopwords cover most of the text's tokens.

    >>> "the" in best_stoplist("The talks were held on the phone and they went well.")
    True
    >>> "und" in best_stoplist("Die Gespräche wurden am Telefon geführt und sie verliefen gut.")
    True
    """
    names, index = _language_of_word()
    # Count each distinct word once, then credit its languages: common words sit in dozens of
    # lists, so crediting per token would cost tokens x lists.
    if len(text) <= 50 * sample_tokens:  # findall is faster; a longer text is read only as far as needed
        tokens = Counter(_TOKEN.findall(text)[:sample_tokens])
    else:
        tokens = Counter(match.group(0) for match in islice(_TOKEN.finditer(text), sample_tokens))
    folded: Counter[str] = Counter()
    for token, count in tokens.items():
        folded[token.casefold()] += count
    hits = [0] * len(names)
    found = False
    lookup = index.get
    for word, count in folded.items():
        positions = lookup(word)
        if positions:
            found = True
            for position in positions:
                hits[position] += count
    if not found:
        return frozenset()
    best = max(range(len(names)), key=hits.__getitem__)  # the first of equals: ties break by name
    return stoplists()[names[best]]
