"""langdetect's language detection, computed the same way to the last bit, at a fraction of the cost.

langdetect (a port of Nakatani Shuyo's Java library) spends its time in Python loops: it loads
every language profile into a list of 55 floats per n-gram (4.8 million floats, about 0.3 s at
start-up), walks the text one character at a time through method calls to normalise it and cut
n-grams, and multiplies the 55 probabilities one by one for each n-gram it samples. Here:

- profiles are read as langdetect reads them (the same JSON files, in the same order), but an
  n-gram's 55 probabilities are built only when a text first contains it;
- characters are normalised with one `str.translate` over a table filled from langdetect's own
  `NGram.normalize`, and n-grams are cut word by word, each word's n-grams cut once;
- the random trials draw the same random numbers in the same order (langdetect's seeded
  `random.Random`), and each probability update is the same floating-point operations on the
  same values in the same order (a multiplication per language, a sequential sum to
  normalise), only run by `map` instead of an indexed loop.

So `probabilities(text)` equals `[(l.lang, l.prob) for l in detector.get_probabilities()]` of a
langdetect Detector with the same seed and trials, float for float (tests/test_language.py
compares them on real text; the benchmark notes in docs/benchmarks.md give the corpora).
"""
from __future__ import annotations

import json
import os
import random
import re
from functools import lru_cache
from operator import mul
from typing import Iterator

from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.language import Language
from langdetect.utils.ngram import NGram

N_GRAM = NGram.N_GRAM
_LATIN = re.compile("[A-z]")  # langdetect's 'A' <= ch <= 'z', which includes [\]^_`
_FROM_COMBINING = re.compile("[\u0300-\U0010ffff]")
_SPACES = re.compile(" {2,}")


class LanguageProfiles:
    """langdetect's language profiles: the language list in langdetect's order, and each n-gram's
    probability per language, built the first time a text contains the n-gram."""

    def __init__(self, directory: str = PROFILES_DIRECTORY):
        self.langlist: list[str] = []
        self._profiles: list[tuple[dict[str, int], list[int]]] = []
        # The same files in the same order as DetectorFactory.load_profile (the order of the
        # language list is the order of the probabilities).
        for name in os.listdir(directory):
            path = os.path.join(directory, name)
            if name.startswith(".") or not os.path.isfile(path):
                continue
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            self.langlist.append(data["name"])
            self._profiles.append((data["freq"], data["n_words"]))
        self.words: frozenset[str] = frozenset().union(*(freq for freq, _ in self._profiles))
        self._vectors: dict[str, list[float]] = {}
        self._word_grams: dict[tuple[str, bool], tuple[str, ...]] = {}

    def vector(self, word: str) -> list[float]:
        """The n-gram's probability in each language (DetectorFactory.add_profile's values)."""
        found = self._vectors.get(word)
        if found is None:
            length = len(word)
            found = [1.0 * freq[word] / n_words[length - 1] if word in freq and 1 <= length <= 3 else 0.0
                     for freq, n_words in self._profiles]
            self._vectors[word] = found
        return found

    def word_ngrams(self, word: str, spaced: bool) -> tuple[str, ...]:
        """The n-grams Detector._extract_ngrams takes from one word (normalised, no spaces), read
        after a space and, when `spaced`, followed by one; only those in the profiles."""
        key = (word, spaced)
        found = self._word_grams.get(key)
        if found is not None:
            return found
        padded = " " + word + (" " if spaced else "")
        grams = []
        for i in range(1, len(padded)):
            if padded[i].isupper() and padded[i - 1].isupper():
                continue  # langdetect skips a capitalised word's n-grams from its second capital on
            for n in range(1, min(N_GRAM, i + 1) + 1):
                gram = padded[i + 1 - n: i + 1]
                if gram != " " and gram in self.words:
                    grams.append(gram)
        found = tuple(grams)
        if len(self._word_grams) > 200_000:  # bounded over a long batch
            self._word_grams.clear()
        self._word_grams[key] = found
        return found


class _NormalizedCharacters(dict):
    """str.translate table: each character to langdetect's NGram.normalize of it, filled on first sight."""

    def __missing__(self, code: int) -> str:
        normal = NGram.normalize(chr(code))
        self[code] = normal
        return normal


_NORMALIZED = _NormalizedCharacters()


@lru_cache(maxsize=1)
def default_profiles() -> LanguageProfiles:
    """The profiles that ship with langdetect, loaded once per process (before workers fork)."""
    return LanguageProfiles()


def _prepared_text(text: str) -> str:
    """What Detector.append and Detector.cleaning_text make of the text."""
    text = Detector.URL_RE.sub(" ", text)
    text = Detector.MAIL_RE.sub(" ", text)
    text = NGram.normalize_vi(text)
    # append(): at most max_text_length characters, runs of spaces read as one.
    text = _SPACES.sub(" ", text[:10000])
    # cleaning_text(): a text mostly in another script loses its Latin letters.
    latin = len(_LATIN.findall(text))
    # langdetect means to leave out Latin Extended Additional here, but compares the block's
    # number with its name, so it counts every character from U+0300 on: so do we.
    non_latin = len(_FROM_COMBINING.findall(text))
    if latin * 2 < non_latin:
        text = _LATIN.sub("", text)
    return text


def _ngrams(text: str, profiles: LanguageProfiles) -> list[str]:
    words = text.translate(_NORMALIZED).split(" ")
    last = len(words) - 1
    grams: list[str] = []
    for index, word in enumerate(words):
        if word:
            grams.extend(profiles.word_ngrams(word, index < last))
    return grams


def _chunks() -> Iterator[int]:
    """langdetect checks convergence after update 0, then every 5 updates."""
    yield 1
    while True:
        yield 5


def probabilities(text: str, profiles: LanguageProfiles | None = None, trials: int = 7,
                  seed: int | None = 0) -> list[tuple[str, float]]:
    """(language, probability) pairs above langdetect's threshold, most likely first; empty when
    the text has no n-gram of any profile (langdetect raises "No features in text" then)."""
    profiles = profiles or default_profiles()
    grams = _ngrams(_prepared_text(text), profiles)
    if not grams:
        return []
    vector = profiles.vector
    languages = len(profiles.langlist)
    langprob = [0.0] * languages
    rng = random.Random()
    rng.seed(seed)
    choice, gauss = rng.choice, rng.gauss
    for _ in range(trials):
        prob = [1.0 / languages] * languages
        alpha = Detector.ALPHA_DEFAULT + gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
        add_weight = (alpha / Detector.BASE_FREQ).__add__
        done = 0
        for size in _chunks():
            # `size` updates prob[j] *= weight + p[j] for every language j, one after the other
            # (each map reads the previous one's products in order).
            products = prob
            for _ in range(size):
                products = map(mul, products, map(add_weight, vector(choice(grams))))
            prob = list(products)
            done += size
            total = sum(prob)
            prob = [p / total for p in prob]
            if max(prob) > Detector.CONV_THRESHOLD or done - 1 >= Detector.ITERATION_LIMIT:
                break
        for j in range(languages):
            langprob[j] += prob[j] / trials
    result = [Language(lang, p) for lang, p in zip(profiles.langlist, langprob) if p > Detector.PROB_THRESHOLD]
    result.sort(reverse=True)
    return [(language.lang, language.prob) for language in result]
