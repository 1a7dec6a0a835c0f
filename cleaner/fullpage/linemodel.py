"""A learned line scorer stored as data: boosted decision trees read from a JSON file.

Main-content detection (maincontent.py) can hand its last word to such a model: for each line of
a full-page dump, the model reads the line's context features (features.py) and gives the
probability that the line belongs to the article. The trees are plain data, like the rules: a
list of nodes, each testing one named feature against a threshold. They are written by
tools/train_line_model.py (gradient boosting from scikit-learn, trained on annotated pages);
reading them needs nothing beyond the standard library.

File format (JSON):

    {"features": ["len", "sw", ...],         # the feature names, in the order nodes refer to them
     "baseline": -0.3,                        # log-odds before any tree
     "trees": [[[feature, threshold, left, right, value], ...], ...],
     "word_evidence": {"newsletter": 1.9, "dass": -2.5, ...}}   # optional, see features.py

The word-evidence table belongs to the trees (they were trained on features computed from it),
so it travels in the same file.

A node with feature -1 is a leaf and gives `value` (log-odds); any other node sends a row to
`left` when row[feature] <= threshold, else to `right` (indices into the same tree's node list).

>>> model = LineModel(["len"], 0.0, [[[0, 2.0, 1, 2, 0.0], [-1, 0, 0, 0, -1.5], [-1, 0, 0, 0, 1.5]]])
>>> round(model.probability({"len": 1.0}), 3), round(model.probability({"len": 3.0}), 3)
(0.182, 0.818)
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from cleaner.rules.kinds.base import RuleDataError

Node = tuple[int, float, int, int, float]  # feature index (-1: leaf), threshold, left, right, leaf value


class LineModelError(RuleDataError):
    """A model file that cannot be used; the message names the file and what is wrong."""


class LineModel:
    def __init__(self, features: list[str], baseline: float, trees: list[list[Node]], source: str = "<memory>",
                 word_evidence: Mapping[str, float] | None = None):
        self.features = list(features)
        self.baseline = float(baseline)
        self.trees = [[tuple(node) for node in tree] for tree in trees]
        self.source = source
        self.word_evidence = dict(word_evidence or {})
        self._check()

    def _check(self) -> None:
        for t, tree in enumerate(self.trees):
            for n, node in enumerate(tree):
                if len(node) != 5:
                    raise LineModelError(f"{self.source}: tree {t} node {n} must be [feature, threshold, left, right, value]")
                feature, _, left, right, _ = node
                if feature >= len(self.features) or (feature >= 0 and not (n < left < len(tree) and n < right < len(tree))):
                    raise LineModelError(f"{self.source}: tree {t} node {n} points outside its tree or feature list")
        bad = [word for word, value in self.word_evidence.items()
               if not isinstance(word, str) or isinstance(value, bool) or not isinstance(value, (int, float))]
        if bad:
            raise LineModelError(f"{self.source}: word_evidence must map words to numbers "
                                 f"({bad[0]!r} maps to {self.word_evidence[bad[0]]!r})")

    @classmethod
    def from_file(cls, path: str | Path) -> "LineModel":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls(data["features"], data["baseline"], data["trees"], source=str(path),
                       word_evidence=data.get("word_evidence"))
        except LineModelError:  # already names the file and the fault
            raise
        except OSError as err:
            raise LineModelError(f"{path}: cannot read the line model: {err.strerror or err}") from None
        except (ValueError, KeyError, TypeError) as err:
            raise LineModelError(f"{path}: not a line model file ({err}); write one with tools/train_line_model.py") from None

    def log_odds(self, row: Mapping[str, float]) -> float:
        values = [row[name] for name in self.features]
        total = self.baseline
        for tree in self.trees:
            node = tree[0]
            while node[0] >= 0:
                node = tree[node[2] if values[node[0]] <= node[1] else node[3]]
            total += node[4]
        return total

    def probability(self, row: Mapping[str, float]) -> float:
        """The probability that the line described by `row` is article text."""
        return 1.0 / (1.0 + math.exp(-self.log_odds(row)))


@lru_cache(maxsize=8)
def load_line_model(path: str) -> LineModel:
    """The model in `path`, read once per process (workers share it after a fork)."""
    return LineModel.from_file(path)
