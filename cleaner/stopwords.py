"""Stopword lists for about 100 languages, and a guess of which list fits a text.

The lists are the ones jusText ships as plain data files; they are read directly, without
importing jusText (whose import pulls in an HTML cleaner we do not need).
"""
from __future__ import annotations

import importlib.util
from collections import Counter
from functools import lru_cache
from pathlib import Path

import regex

_TOKEN = regex.compile(r"\p{L}+(?:['’]\p{L}+)*")


def _stoplist_dir() -> Path | None:
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "stoplists"
    return folder if folder.is_dir() else None


@lru_cache(maxsize=1)
def stoplists() -> dict[str, frozenset[str]]:
    """Language name -> its stopwords (casefolded)."""
    folder = _stoplist_dir()
    if folder is None:
        return {}
    return {path.stem: frozenset(w.casefold() for w in path.read_text(encoding="utf-8").split())
            for path in sorted(folder.glob("*.txt"))}


@lru_cache(maxsize=1)
def _language_of_word() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for language, words in stoplists().items():
        for word in words:
            index.setdefault(word, []).append(language)
    return {word: tuple(languages) for word, languages in index.items()}


def best_stoplist(text: str, sample_tokens: int = 2000) -> frozenset[str]:
    """The stoplist of the language whose stopwords cover most of the text's tokens.

    >>> "the" in best_stoplist("The talks were held on the phone and they went well.")
    True
    >>> "und" in best_stoplist("Die Gespräche wurden am Telefon geführt und sie verliefen gut.")
    True
    """
    index = _language_of_word()
    hits: Counter[str] = Counter()
    for n, match in enumerate(_TOKEN.finditer(text)):
        if n >= sample_tokens:
            break
        for language in index.get(match.group(0).casefold(), ()):
            hits[language] += 1
    if not hits:
        return frozenset()
    language = max(sorted(hits), key=lambda name: hits[name])  # ties break by name: deterministic
    return stoplists()[language]
