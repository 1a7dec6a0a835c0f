"""Stopword lists for about 100 languages, and a guess of which list fits a text.

The lists, and the index that credits each word to its languages, are stoplists.py's (which
main-content detection uses too); this module adds the per-text guess the off-topic rule needs:
tokens that keep their apostrophes ("aujourd'hui"), read from the start of the text only.
"""
from __future__ import annotations

from itertools import islice

import regex

from . import stoplists

_TOKEN = regex.compile(r"\p{L}+(?:['’]\p{L}+)*")


def best_stoplist(text: str, sample_tokens: int = 600) -> frozenset[str]:
    """The stoplist of the language whose stopwords cover most of the text's tokens (the first
    `sample_tokens` of them: the language shows long before the end).

    >>> "the" in best_stoplist("The talks were held on the phone and they went well.")
    True
    >>> "und" in best_stoplist("Die Gespräche wurden am Telefon geführt und sie verliefen gut.")
    True
    """
    if len(text) <= 50 * sample_tokens:  # findall is faster; a longer text is read only as far as needed
        tokens = _TOKEN.findall(text)[:sample_tokens]
    else:
        tokens = [match.group(0) for match in islice(_TOKEN.finditer(text), sample_tokens)]
    return stoplists.best_stoplist(token.casefold() for token in tokens)[1]
