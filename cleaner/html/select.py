"""Which extraction of an HTML page to keep, page by page.

trafilatura's main extraction (balanced, comments off: extract.py) is the best single setting on
pages of every type, yet on a given page another, cheap extraction is often much better: the
recall-leaning one keeps a forum's posts or a listing's items that the main one drops, trafilatura's
`baseline` reads the full text a page embeds as JSON, `html2txt` keeps everything on a page that
is nothing but a list. Which one wins shows in the outputs themselves: how much longer they are, how
much of the main output they contain, what the main output's lines look like.

For each alternative a small regression model (boosted trees stored as data beside this file,
read by cleaner/trees.py) predicts its word-F1 gain over the main extraction from those
statistics; the page keeps the alternative with the largest predicted gain when it is above the
model's margin, else the main extraction. tools/train_output_selector.py trains the models on the
WCXB development pages and reports their figures cross-validated by site (docs/benchmarks.md).

It is off by default (`cleaner clean --select-extraction`, `Cleaner(select_extraction=True)`): it
gains on the WCXB pages of sites it never saw but loses on the held-out 990-page news set.
"""
from __future__ import annotations

import copy
import json
import math
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import regex
import trafilatura
from lxml import etree
from lxml.etree import XPath
from trafilatura.htmlprocessing import prune_unwanted_nodes

from cleaner.pagetype.features_text import text_features
from cleaner.trees import BoostedTrees, ModelError

MAIN = "main"
# The alternatives, cheapest last; each is a function of the page's tree (left unchanged).
ALTERNATIVES = ("recall", "baseline", "html2txt")
MODEL_FILE = Path(__file__).resolve().parent / "selector.model.json"
FORMAT = "cleaner-output-selector/1"

_WORD = regex.compile(r"\w+")


# Articles keep the main extraction: it is what trafilatura is built for, and on the 990-page news
# development set (segments of boilerplate annotated, not only the article's words) choosing on
# every page let comments and teaser lists back in (F 0.942 -> 0.928; 0.937 with articles left out),
# while on the WCXB pages it gained mostly on forums, listings and service pages.
ARTICLE_PROBABILITY_LIMIT = 0.5


def worth_choosing(page_type: str | None, article_probability: float | None) -> bool:
    """Whether to choose among the extractions for a page of this type: not for articles (a type
    given as "article", or a detected type with an article probability of ARTICLE_PROBABILITY_LIMIT
    or more)."""
    if article_probability is not None:
        return article_probability < ARTICLE_PROBABILITY_LIMIT
    return page_type != "article"


def alternative_outputs(tree: etree._Element, url: str | None, prune_xpath: list[str] | None = None) -> dict[str, str]:
    """Each alternative extraction's text ("" when it finds nothing); the tree is not modified."""
    pruned = tree
    if prune_xpath:
        # Site rules cut these parts before the main extraction; the alternatives must not bring them back.
        pruned = prune_unwanted_nodes(copy.deepcopy(tree), [XPath(x) for x in prune_xpath])
    recall = trafilatura.bare_extraction(tree, url=url, with_metadata=False, include_comments=False,
                                         include_tables=True, favor_recall=True, prune_xpath=prune_xpath or None)
    return {
        "recall": (recall.text if recall is not None else "") or "",
        "baseline": trafilatura.baseline(pruned)[1] or "",
        "html2txt": trafilatura.html2txt(pruned) or "",
    }


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def selector_features(main: str, alternatives: Mapping[str, str]) -> dict[str, float]:
    """What the models read: the main output's line statistics, and each alternative's size and
    overlap with the main output."""
    features = text_features(main, "main_")
    main_words = _words(main)
    main_vocabulary = set(main_words)
    features["main_word_count"] = math.log1p(len(main_words))
    for name in ALTERNATIVES:
        words = _words(alternatives.get(name, ""))
        vocabulary = set(words)
        features[f"{name}_words"] = math.log1p(len(words))
        features[f"{name}_ratio"] = math.log((len(words) + 1) / (len(main_words) + 1))
        # How much of the main output it contains, and how much of it is new.
        features[f"{name}_covers_main"] = len(main_vocabulary & vocabulary) / (len(main_vocabulary) or 1)
        features[f"{name}_new"] = len(vocabulary - main_vocabulary) / (len(vocabulary) or 1)
    return features


@dataclass(frozen=True)
class Selection:
    """The extraction kept ("main" or one of ALTERNATIVES), its text, and each alternative's
    predicted F1 gain over the main extraction (for explain)."""

    name: str
    text: str
    gains: dict[str, float]

    def describe(self) -> str:
        gains = ", ".join(f"{name} {gain:+.3f}" for name, gain in self.gains.items())
        return f"{self.name} (predicted gain over main: {gains})" if gains else f"{self.name} (an article: no alternative tried)"


class OutputSelector:
    """The trained models: one regression per alternative, and the margin a gain must exceed."""

    def __init__(self, models: dict[str, BoostedTrees], margin: float, source: str = "<memory>"):
        missing = [name for name in ALTERNATIVES if name not in models]
        if missing:
            raise ModelError(f"{source}: no model for the alternative(s) {', '.join(missing)}; "
                             "retrain it with tools/train_output_selector.py")
        self.models, self.margin = models, margin

    @classmethod
    def from_data(cls, data: object, source: str = "<memory>") -> "OutputSelector":
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("models"), dict):
            raise ModelError(f"{source}: not a selector model (expected \"format\": \"{FORMAT}\" and its \"models\")")
        models = {name: BoostedTrees.from_data(model, source=f"{source} [{name}]")
                  for name, model in data["models"].items()}
        return cls(models, float(data.get("margin", 0.0)), source=source)

    @classmethod
    def from_file(cls, path: str | Path = MODEL_FILE) -> "OutputSelector":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as err:
            raise ModelError(f"{path}: cannot read the selector model: {err.strerror or err}") from None
        except ValueError as err:
            raise ModelError(f"{path}: not valid JSON ({err})") from None
        return cls.from_data(data, source=str(path))

    def gains(self, features: Mapping[str, float]) -> dict[str, float]:
        return {name: round(self.models[name].value(features), 4) for name in ALTERNATIVES}

    def choose(self, main: str, alternatives: Mapping[str, str]) -> Selection:
        gains = self.gains(selector_features(main, alternatives))
        best = max(ALTERNATIVES, key=lambda name: gains[name])  # the first of equals, in ALTERNATIVES order
        if gains[best] > self.margin and alternatives.get(best, "").strip():
            return Selection(best, alternatives[best], gains)
        return Selection(MAIN, main, gains)


@lru_cache(maxsize=1)
def output_selector() -> OutputSelector:
    """The bundled selector, read once per process (workers share it after a fork)."""
    return OutputSelector.from_file(MODEL_FILE)

