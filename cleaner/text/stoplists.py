"""Stopword lists for many languages, and which one fits a document.

The lists are the 100 that ship as data files with the jusText package (a dependency of
trafilatura). They are read as files, without importing jusText, so loading them costs no
HTML machinery.

Prose is full of function words ("the", "und", "de", "и"); menus, tags and headlines are not.
The share of stopwords among a line's words is therefore a language-independent sign of running
text, once the document's language is known. The language is the list that covers most of the
document's words, so no language is assumed.

    >>> language, words = document_stoplist("Der Bundesrat hat am Freitag über die Vorlage und den Plan entschieden.")
    >>> language, "und" in words
    ('German', True)
"""
from __future__ import annotations

import importlib.util
from collections import Counter
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Iterable

import regex

# Letters only: "l'homme" gives "l" and "homme", which is how stoplists spell them.
_LETTER_RUN = regex.compile(r"\p{L}+")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
# Scripts written without spaces have no usable stoplist here; CJK_LANGUAGE marks such documents.
CJK_LANGUAGE = "CJK"


class StoplistsMissing(RuntimeError):
    """The jusText stoplist files cannot be found."""


def stoplist_dir() -> Path:
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        raise StoplistsMissing("the jusText package is not installed; install it with `pip install jusText` "
                               "(main-content detection reads its stopword lists)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "stoplists"
    if not folder.is_dir():
        raise StoplistsMissing(f"no stoplists folder in the jusText package at {folder}")
    return folder


@lru_cache(maxsize=1)
def all_stoplists() -> dict[str, frozenset[str]]:
    """Language name -> its stopwords (lowercased), for every list jusText ships."""
    lists = {}
    for file in sorted(stoplist_dir().glob("*.txt")):
        words = {w.strip().casefold() for w in file.read_text(encoding="utf-8").splitlines() if w.strip()}
        lists[file.stem] = frozenset(words)
    return lists


@lru_cache(maxsize=1)
def _languages_by_word() -> dict[str, tuple[str, ...]]:
    # Built at every start (170,000 words): most words are in one list, so a tuple made once per
    # word and extended for the few others costs half of collecting lists and converting them.
    index: dict[str, tuple[str, ...]] = {}
    get = index.get
    for language, words in all_stoplists().items():
        alone = (language,)
        for word in words:
            found = get(word)
            index[word] = alone if found is None else found + alone
    return index


def letter_words(text: str) -> list[str]:
    """The lowercased letter runs of a text, as stoplists spell words.

    >>> letter_words("L'homme, c'est tout.")
    ['l', 'homme', 'c', 'est', 'tout']
    """
    return [w.casefold() for w in _LETTER_RUN.findall(text)]


def is_cjk_text(text: str) -> bool:
    """Most letters are Chinese, Japanese or Korean characters (no spaces between words)."""
    letters = len(_LETTER_RUN.findall(text)) and sum(len(w) for w in _LETTER_RUN.findall(text))
    return bool(letters) and len(_CJK.findall(text)) > 0.3 * letters


def best_stoplist(words: Iterable[str]) -> tuple[str | None, frozenset[str]]:
    """The language whose stoplist covers the most of `words` (ties: the first by name)."""
    counts = Counter(words)
    hits: Counter[str] = Counter()
    index = _languages_by_word()
    for word, n in counts.items():
        for language in index.get(word, ()):
            hits[language] += n
    if not hits:
        return None, frozenset()
    language = min(hits, key=lambda lang: (-hits[lang], lang))
    return language, all_stoplists()[language]


def document_stoplist(text: str) -> tuple[str | None, frozenset[str]]:
    """(language name, stopwords) for a document; (CJK_LANGUAGE, empty) for CJK text."""
    if is_cjk_text(text):
        return CJK_LANGUAGE, frozenset()
    return best_stoplist(letter_words(text))


# Words with their apostrophes ("aujourd'hui"), as the off-topic rule reads a text's start.
_APOSTROPHE_WORD = regex.compile(r"\p{L}+(?:['’]\p{L}+)*")


def text_stoplist(text: str, sample_tokens: int = 600) -> frozenset[str]:
    """The stoplist of the language whose stopwords cover most of the text's tokens (the first
    `sample_tokens` of them: the language shows long before the end).

    >>> "the" in text_stoplist("The talks were held on the phone and they went well.")
    True
    >>> "und" in text_stoplist("Die Gespräche wurden am Telefon geführt und sie verliefen gut.")
    True
    """
    if len(text) <= 50 * sample_tokens:  # findall is faster; a longer text is read only as far as needed
        tokens = _APOSTROPHE_WORD.findall(text)[:sample_tokens]
    else:
        tokens = [match.group(0) for match in islice(_APOSTROPHE_WORD.finditer(text), sample_tokens)]
    return best_stoplist(token.casefold() for token in tokens)[1]
