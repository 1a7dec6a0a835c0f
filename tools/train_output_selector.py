#!/usr/bin/env python3
"""Train the per-page extraction selector (cleaner/html/select.py) and write it as data.

    pip install -e '.[train]'      # scikit-learn, for training only; cleaning never needs it
    python tools/train_output_selector.py [--data ../shared/data/wcxb-dev] [--cache DIR]
                                          [--output cleaner/html/selector.model.json] [--limit N] [--no-cv]

On the WCXB development split (1,497 pages of 1,295 sites, hand-written main content):
1. runs the package's own main extraction and its alternatives on every page (extract.py's
   main_extraction, select.py's alternative_outputs), and scores each output's word F1 against the
   annotated main content with the scorer's own function (../shared/tools/wcxb.py);
2. computes select.py's features, and cross-validates one regression per alternative (its F1 gain
   over the main extraction) with 5 folds split by registered domain, so every figure is for sites
   the models never saw; prints the mean F1 per page type of the main extraction, of each
   alternative, of the selection at a few margins, and of the best output per page (the ceiling);
3. trains on every page and writes the models with the margin MARGIN (fixed beforehand, not tuned
   on the figures printed): the same pages give the same bytes.
The extractions take a while; --cache DIR keeps them (and reuses them) in DIR.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))  # train_page_type's archive reader, also when loaded by path (tests)

from cleaner.document import PAGE_TYPES  # noqa: E402
from cleaner.html.extract import main_extraction  # noqa: E402
from cleaner.html.select import ALTERNATIVES, MAIN, OutputSelector, alternative_outputs, selector_features  # noqa: E402
from cleaner.pagetype.features_url import registered_domain  # noqa: E402
from cleaner.trees import BoostedTrees, dump_model  # noqa: E402
from train_page_type import read_pages  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "wcxb-dev"
TREES = dict(max_depth=3, n_estimators=150, learning_rate=0.05, subsample=0.8, random_state=0)
FOLDS = 5
# A gain must be predicted above this for a page to leave the main extraction: switching costs
# more when the prediction is wrong than it gains when it is barely right.
MARGIN = 0.02
MARGINS_SHOWN = (0.0, 0.02, 0.05)
FORMAT = "cleaner-output-selector/1"


def scorer():
    """The word-F1 function of ../shared/tools/wcxb.py, so the figures are the scorer's."""
    sys.path.insert(0, str(ROOT.parent / "shared" / "tools"))
    import wcxb  # noqa: PLC0415

    return lambda text, reference: wcxb.prf(text, reference)[2]


def extractions(pages: dict[str, dict], cache: Path | None) -> dict[str, dict[str, str]]:
    """{id: {"main": text, alternative: text, ...}} with the package's own extraction code."""
    from trafilatura.utils import load_html

    path = cache / "selector-extractions.jsonl" if cache else None
    outputs: dict[str, dict[str, str]] = {}
    if path and path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            outputs[record.pop("id")] = record
    todo = [k for k in pages if k not in outputs]
    if todo:
        print(f"extracting {len(todo)} pages four ways...", file=sys.stderr, flush=True)
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
        out = open(path, "a", encoding="utf-8") if path else None
        for n, k in enumerate(todo, 1):
            url = pages[k]["url"] or None
            tree = load_html(pages[k]["html"])
            record = {MAIN: "", **{name: "" for name in ALTERNATIVES}}
            if tree is not None:
                record[MAIN] = main_extraction(tree, url)
                record.update(alternative_outputs(tree, url))
            outputs[k] = record
            if out:
                out.write(json.dumps({"id": k, **record}, ensure_ascii=False) + "\n")
            if n % 100 == 0:
                print(f"  {n}/{len(todo)}", file=sys.stderr, flush=True)
        if out:
            out.close()
    return outputs


def fit(X, y):
    from sklearn.ensemble import GradientBoostingRegressor

    return GradientBoostingRegressor(**TREES).fit(X, y)


def export(model, names: list[str], X) -> dict:
    """A fitted regressor as cleaner/trees.py's data, checked to predict what scikit-learn does."""
    import numpy as np

    trees = []
    for stage in model.estimators_:
        t = stage[0].tree_
        nodes = []
        for i in range(t.node_count):
            if t.children_left[i] == -1:
                nodes.append([-1, 0.0, 0, 0, round(float(t.value[i][0][0]) * model.learning_rate, 8)])
            else:
                nodes.append([int(t.feature[i]), float(t.threshold[i]), int(t.children_left[i]),
                              int(t.children_right[i]), 0.0])
        trees.append([nodes])
    init = [round(float(model._raw_predict_init(X[:1])[0][0]), 8)]
    data = json.loads(dump_model(["gain"], names, init, trees))
    ours = BoostedTrees.from_data(data)
    worst = float(np.max(np.abs(np.array([ours.value(dict(zip(names, row))) for row in X]) - model.predict(X))))
    if worst > 1e-4:
        raise SystemExit(f"exported trees differ from scikit-learn's by {worst:.2g}")
    return data


def table_row(label: str, scores, types) -> str:
    import numpy as np

    cells = [f"{np.mean(scores):.4f}"] + [f"{np.mean(scores[types == t]):.3f}" for t in PAGE_TYPES]
    return f"| {label} | " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the WCXB development split's folder")
    parser.add_argument("--output", type=Path, default=ROOT / "cleaner" / "html" / "selector.model.json",
                        help="where the selector's models go")
    parser.add_argument("--cache", type=Path, help="folder keeping the extractions between runs")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N pages (by id) of each type")
    parser.add_argument("--predictions", type=Path,
                        help="write each page's cross-validated (out-of-fold) choice at the shipped margin to this "
                             "JSON file ({id: output}), for benchmarks/wcxb_crossvalidated.py")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation; only train and write")
    args = parser.parse_args(argv)
    import numpy as np

    started = time.perf_counter()
    f1 = scorer()
    pages = read_pages(args.data, args.limit)
    ids = list(pages)
    outputs = extractions(pages, args.cache)
    rows = [selector_features(outputs[k][MAIN], outputs[k]) for k in ids]
    names = sorted(rows[0])
    X = np.array([[row[name] for name in names] for row in rows], dtype=np.float64)
    scores = {name: np.array([f1(outputs[k][name], pages[k]["reference"]) for k in ids])
              for name in (MAIN,) + ALTERNATIVES}
    types = np.array([pages[k]["type"] for k in ids])
    groups = np.array([registered_domain(pages[k]["url"]) for k in ids])
    print(f"{len(ids)} pages, {len(set(groups))} registered domains")
    header = "| output | all | " + " | ".join(PAGE_TYPES) + " |"
    print(header + "\n|" + "---|" * (len(PAGE_TYPES) + 2))
    for name in (MAIN,) + ALTERNATIVES:
        print(table_row(name, scores[name], types))
    best = np.max(np.stack([scores[name] for name in (MAIN,) + ALTERNATIVES]), axis=0)
    print(table_row("best output per page (ceiling)", best, types))

    if not args.no_cv:
        from sklearn.model_selection import GroupKFold

        predicted = np.zeros((len(ids), len(ALTERNATIVES)))
        for train, test in GroupKFold(n_splits=FOLDS, shuffle=True, random_state=0).split(X, types, groups):
            for j, name in enumerate(ALTERNATIVES):
                predicted[test, j] = fit(X[train], (scores[name] - scores[MAIN])[train]).predict(X[test])
        stacked = np.stack([scores[name] for name in ALTERNATIVES], axis=1)
        for margin in MARGINS_SHOWN:
            choice = predicted.argmax(1)
            switch = (predicted.max(1) > margin) & np.array([bool(outputs[k][ALTERNATIVES[c]].strip())
                                                             for k, c in zip(ids, choice)])
            selected = np.where(switch, stacked[np.arange(len(ids)), choice], scores[MAIN])
            label = f"selection, CV by site, margin {margin}{' (shipped)' if margin == MARGIN else ''}"
            print(table_row(label, selected, types) + f" switched {switch.mean():.1%}")
            if margin == MARGIN and args.predictions:
                chosen = {k: ALTERNATIVES[c] if s else MAIN for k, c, s in zip(ids, choice, switch)}
                args.predictions.write_text(json.dumps(chosen, indent=0, sort_keys=True) + "\n", encoding="utf-8")
                print(f"wrote each page's out-of-fold choice to {args.predictions}")

    models = {}
    for name in ALTERNATIVES:
        models[name] = export(fit(X, scores[name] - scores[MAIN]), names, X)
    data = {"format": FORMAT, "margin": MARGIN, "models": models,
            "trained": f"tools/train_output_selector.py: GradientBoostingRegressor {TREES} per alternative, "
                       f"{len(ids)} WCXB dev pages"}
    text = json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"
    OutputSelector.from_data(json.loads(text), source=str(args.output))  # refuse to write what cannot be read
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text) // 1024} KiB) in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
