"""Boosted decision trees stored as data: a classifier (or regressor) read from a JSON file, standard library only.

A tool trains the trees (gradient boosting from scikit-learn) and writes them as JSON; cleaning
reads them back with this module and never needs scikit-learn. Each round of boosting adds one
tree per class (multi-class, softmax over the class scores) or a single tree (two classes,
logistic). A node tests one named feature against a threshold, as the trees were trained.

File format (JSON):

    {"format": "cleaner-boosted-trees/1",
     "classes": ["article", "forum", ...],   # what the scores are for, in order
     "features": ["url_depth", ...],          # feature names, in the order nodes refer to them
     "init": [-0.6, -2.6, ...],               # each class's score before any tree (one value for two classes)
     "trees": [[tree, tree, ...], ...]}       # per round, one tree per class (one tree for two classes)

A model with a single class is a regression: one tree a round, and `value(row)` is the sum of
`init` and the trees' leaves (scikit-learn's GradientBoostingRegressor with squared error).

A tree is a list of nodes [feature, threshold, left, right, value]. A node with feature -1 is a
leaf that adds `value` to its class's score (the learning rate is already folded in); any other
node sends a row to `left` when row[feature] <= threshold, else to `right` (indices into the same
tree's node list, always after the node itself, so a walk ends). Other keys (training notes) are
allowed and ignored.

>>> leaf = lambda v: [-1, 0.0, 0, 0, v]
>>> model = BoostedTrees(["a", "b"], ["x"], [0.0], [[[[0, 1.0, 1, 2, 0.0], leaf(-2.0), leaf(2.0)]]])
>>> [round(p, 3) for p in model.probabilities({"x": 0.5})], model.predict({"x": 3.0})
([0.881, 0.119], 'b')
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

FORMAT = "cleaner-boosted-trees/1"

Node = tuple[int, float, int, int, float]  # feature index (-1: leaf), threshold, left, right, leaf value


class ModelError(ValueError):
    """A model file that cannot be used; the message names the file and what is wrong."""


class BoostedTrees:
    def __init__(self, classes: list[str], features: list[str], init: list[float],
                 trees: list[list[list[Node]]], source: str = "<memory>"):
        self.source = source
        self.classes = [str(c) for c in classes]
        self.features = [str(f) for f in features]
        self.init = [float(v) for v in init]
        self.rounds = [[[tuple(node) for node in tree] for tree in round_] for round_ in trees]
        self._check()

    def _fail(self, what: str) -> ModelError:
        return ModelError(f"{self.source}: {what}")

    def _check(self) -> None:
        if not self.classes or len(set(self.classes)) != len(self.classes):
            raise self._fail("'classes' must name one value (a regression) or at least two different classes")
        per_round = 1 if len(self.classes) <= 2 else len(self.classes)
        if len(self.init) != per_round:
            raise self._fail(f"'init' must hold {per_round} value(s), one per tree of a round")
        for r, round_ in enumerate(self.rounds):
            if len(round_) != per_round:
                raise self._fail(f"round {r} has {len(round_)} trees; it must have {per_round}")
            for k, tree in enumerate(round_):
                if not tree:
                    raise self._fail(f"round {r} tree {k} is empty")
                for n, node in enumerate(tree):
                    if len(node) != 5:
                        raise self._fail(f"round {r} tree {k} node {n} must be [feature, threshold, left, right, value]")
                    feature, _, left, right, _ = node
                    if not isinstance(feature, int) or feature >= len(self.features) or feature < -1:
                        raise self._fail(f"round {r} tree {k} node {n} names feature {feature!r}, "
                                         f"not one of the {len(self.features)} features")
                    if feature >= 0 and not (n < left < len(tree) and n < right < len(tree)):
                        raise self._fail(f"round {r} tree {k} node {n} points outside its tree")

    @classmethod
    def from_data(cls, data: Any, source: str = "<memory>") -> "BoostedTrees":
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"{source}: not a boosted-trees model (expected \"format\": \"{FORMAT}\")")
        try:
            return cls(data["classes"], data["features"], data["init"], data["trees"], source=source)
        except ModelError:
            raise
        except KeyError as err:
            raise ModelError(f"{source}: the model has no {err.args[0]!r}") from None
        except (TypeError, ValueError) as err:
            raise ModelError(f"{source}: malformed model ({err})") from None

    @classmethod
    def from_file(cls, path: str | Path) -> "BoostedTrees":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as err:
            raise ModelError(f"{path}: cannot read the model: {err.strerror or err}") from None
        except ValueError as err:
            raise ModelError(f"{path}: not valid JSON ({err})") from None
        return cls.from_data(data, source=str(path))

    def scores(self, row: Mapping[str, float]) -> list[float]:
        """Each tree-class's raw score (log-odds) for the row of named feature values."""
        try:
            values = [float(row[name]) for name in self.features]
        except KeyError as err:
            raise ModelError(f"{self.source}: the row has no feature {err.args[0]!r}; the model was trained "
                             "on features the code no longer computes: retrain it") from None
        scores = list(self.init)
        for round_ in self.rounds:
            for k, tree in enumerate(round_):
                node = tree[0]
                while node[0] >= 0:
                    node = tree[node[2] if values[node[0]] <= node[1] else node[3]]
                scores[k] += node[4]
        return scores

    def value(self, row: Mapping[str, float]) -> float:
        """A regression model's prediction for the row."""
        if len(self.classes) != 1:
            raise self._fail("value() is for a regression model (one class); this one classifies")
        return self.scores(row)[0]

    def probabilities(self, row: Mapping[str, float]) -> list[float]:
        """The probability of each class, in the order of `classes`."""
        if len(self.classes) == 1:
            raise self._fail("probabilities() is for a classifier; this model is a regression (use value())")
        scores = self.scores(row)
        if len(self.classes) == 2:
            p = 1.0 / (1.0 + math.exp(-scores[0]))
            return [1.0 - p, p]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def predict(self, row: Mapping[str, float]) -> str:
        probabilities = self.probabilities(row)
        return self.classes[probabilities.index(max(probabilities))]


def dump_model(classes: list[str], features: list[str], init: list[float], trees: list[list[list[Node]]],
               **notes: Any) -> str:
    """The JSON text of a model: keys sorted, one tree a line, so that the same trees always give
    the same bytes and a retrained model's diff stays readable."""
    BoostedTrees(classes, features, init, trees)  # refuse to write what could not be read back
    head = {"format": FORMAT, "classes": classes, "features": features, "init": init, **notes}
    lines = ["{"]
    for key in sorted(head):
        lines.append(f"  {json.dumps(key)}: {json.dumps(head[key], sort_keys=True)},")
    lines.append('  "trees": [')
    for r, round_ in enumerate(trees):
        lines.append("    [")
        for k, tree in enumerate(round_):
            nodes = json.dumps([list(node) for node in tree], separators=(",", ":"))
            lines.append(f"      {nodes}{',' if k < len(round_) - 1 else ''}")
        lines.append(f"    ]{',' if r < len(trees) - 1 else ''}")
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=8)
def load_model(path: str) -> BoostedTrees:
    """The model in `path`, read once per process (workers share it after a fork)."""
    return BoostedTrees.from_file(path)
