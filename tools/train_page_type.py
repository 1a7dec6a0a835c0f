#!/usr/bin/env python3
"""Train the page-type classifiers (cleaner/pagetype/) and write them as data.

    pip install -e '.[train]'      # scikit-learn, for training only; classifying never needs it
    python tools/train_page_type.py [--data ../shared/data/wcxb-dev] [--output-dir cleaner/pagetype]
                                    [--cache DIR] [--limit N] [--no-cv]

What it does, on the WCXB development split (1,497 pages of 1,295 sites, each annotated with one of
the seven page types):
1. reads each page from the archive (wcxb-dev.tar.xz) and computes its features with the package's
   own code, as classifying does at run time: `html_page_features` on the tree trafilatura's
   load_html builds, and `text_page_features` on two texts of the page: its full-page dump
   (fullpage-text.jsonl.xz) and trafilatura.extract's output (what a pipeline cleans after an
   extractor). Every page also gives a row without its URL (text and HTML come without one too),
   in the same group, so the models learn both cases;
2. cross-validates gradient-boosted trees with 5 folds split by registered domain (GroupKFold),
   so each figure is for sites the model never saw, and prints accuracy per type, the confusion
   matrix and article-vs-not accuracy, with and without the URL;
3. trains on every page and writes html.model.json and text.model.json (cleaner/trees.py's format):
   the same data give the same bytes.

trafilatura's outputs take a few minutes; --cache DIR keeps them (and reuses them) in DIR.
"""
from __future__ import annotations

import argparse
import json
import lzma
import sys
import tarfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaner.document import PAGE_TYPES  # noqa: E402
from cleaner.pagetype import html_page_features, text_page_features  # noqa: E402
from cleaner.pagetype.features_url import registered_domain, url_features  # noqa: E402
from cleaner.trees import BoostedTrees, dump_model  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "wcxb-dev"
TREES = dict(max_depth=2, n_estimators=150, learning_rate=0.1, subsample=0.8, random_state=0)
FOLDS = 5


def read_pages(data: Path, limit: int = 0) -> dict[str, dict]:
    """{id: {url, type, reference, without, html}} from the archive, in id order (with `limit`, the first
    `limit` pages of each type); `reference` is the hand-written main content (train_output_selector.py
    scores against it), `without` the snippets the page must not keep (train_boilerplate_lines.py labels
    lines by both)."""
    truth: dict[str, dict] = {}
    html: dict[str, bytes] = {}
    with tarfile.open(data / "wcxb-dev.tar.xz") as archive:
        for member in archive:
            if not member.isfile():
                continue
            name = Path(member.name)
            if name.parent.name == "ground-truth" and name.suffix == ".json":
                record = json.loads(archive.extractfile(member).read())
                kind = ((record.get("_internal") or {}).get("page_type") or {})
                kind = kind.get("primary", "article") if isinstance(kind, dict) else (kind or "article")
                gt = record.get("ground_truth") or {}
                truth[name.stem] = {"url": record.get("url") or "",
                                    "type": "collection" if kind == "category" else kind,
                                    "reference": gt.get("main_content") or "",
                                    "without": list(gt.get("without") or [])}
            elif name.parent.name == "html" and name.suffix == ".html":
                html[name.stem] = archive.extractfile(member).read()
    ids = sorted(k for k in truth if k in html)
    if limit:
        taken: Counter[str] = Counter()
        ids = [k for k in ids if taken.update([truth[k]["type"]]) or taken[truth[k]["type"]] <= limit]
    unknown = {truth[k]["type"] for k in ids} - set(PAGE_TYPES)
    if unknown:
        raise SystemExit(f"{data}: page types {sorted(unknown)} are not among {PAGE_TYPES}")
    return {k: {**truth[k], "html": html[k].decode("utf-8", "replace")} for k in ids}


def read_dumps(data: Path, ids: set[str]) -> dict[str, str]:
    dumps = {}
    with lzma.open(data / "fullpage-text.jsonl.xz", "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record["id"] in ids:
                dumps[record["id"]] = record.get("text") or ""
    return dumps


def extractor_outputs(pages: dict[str, dict], cache: Path | None) -> dict[str, str]:
    """trafilatura.extract(html, url) of each page, with its defaults (what wcxb.py's post mode cleans)."""
    import trafilatura

    path = cache / "trafilatura-extract.jsonl" if cache else None
    outputs: dict[str, str] = {}
    if path and path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            outputs[record["id"]] = record["text"]
    todo = [k for k in pages if k not in outputs]
    if todo:
        print(f"trafilatura.extract on {len(todo)} pages...", file=sys.stderr, flush=True)
        for k in todo:
            outputs[k] = trafilatura.extract(pages[k]["html"], url=pages[k]["url"] or None) or ""
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as out:
                for k in todo:
                    out.write(json.dumps({"id": k, "text": outputs[k]}, ensure_ascii=False) + "\n")
    return outputs


def without_url(features: dict[str, float]) -> dict[str, float]:
    """The same row as if the page came without its URL."""
    return {**features, **url_features(None)}


def html_rows(pages: dict[str, dict]) -> tuple[list[dict], float]:
    """Each page's HTML features, and the mean CPU milliseconds per page they took (load_html excluded)."""
    from trafilatura.utils import load_html

    rows, spent = [], 0.0
    for page in pages.values():
        tree = load_html(page["html"])
        start = time.process_time()
        features = html_page_features(tree, page["url"] or None)[0] if tree is not None else None
        spent += time.process_time() - start
        rows.append(features if features is not None else text_page_features("", page["url"] or None)[0])
    return rows, 1000 * spent / max(1, len(pages))


def matrix(rows: list[dict], names: list[str]):
    import numpy as np

    return np.array([[row[name] for name in names] for row in rows], dtype=np.float64)


def sample_weights(labels):
    """Classes weighted by the square root of their inverse frequency: rare types count more,
    without drowning the articles (half the pages)."""
    import numpy as np

    counts = Counter(labels.tolist())
    return np.array([(len(labels) / (len(counts) * counts[y])) ** 0.5 for y in labels])


def fit(X, y):
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(**TREES).fit(X, y, sample_weight=sample_weights(y))


def cross_validate(X, y, groups, row_kind, label: str):
    """Out-of-fold predictions with folds split by group; figures per row kind. Returns the
    predictions (class indices) and the out-of-fold probabilities (one row of PAGE_TYPES' each)."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    predicted = np.zeros(len(y), dtype=int)
    probabilities = np.zeros((len(y), len(PAGE_TYPES)))
    for train, test in GroupKFold(n_splits=FOLDS, shuffle=True, random_state=0).split(X, y, groups):
        model = fit(X[train], y[train])
        proba = model.predict_proba(X[test])
        predicted[test] = model.classes_[proba.argmax(1)]
        probabilities[np.ix_(test, model.classes_)] = proba
    for kind in sorted(set(row_kind)):
        mask = np.array([k == kind for k in row_kind])
        report(f"{label}, {kind}", y[mask], predicted[mask])
    return predicted, probabilities


def report(label: str, truth, predicted) -> dict:
    import numpy as np

    n = len(PAGE_TYPES)
    accuracy = float((truth == predicted).mean())
    article = PAGE_TYPES.index("article")
    article_vs_not = float(((truth == article) == (predicted == article)).mean())
    confusion = [[int(((truth == i) & (predicted == j)).sum()) for j in range(n)] for i in range(n)]
    recall = [confusion[i][i] / max(1, sum(confusion[i])) for i in range(n)]
    precision = [confusion[i][i] / max(1, sum(row[i] for row in confusion)) for i in range(n)]
    print(f"\n{label}: {len(truth)} rows, accuracy {accuracy:.3f}, balanced {np.mean(recall):.3f}, "
          f"article-vs-not {article_vs_not:.3f}")
    corner = "annotated \\ predicted"
    print(f"  {corner:24}" + "".join(f"{t[:6]:>7}" for t in PAGE_TYPES) + "  recall precision")
    for i, name in enumerate(PAGE_TYPES):
        print(f"  {name:24}" + "".join(f"{c:7d}" for c in confusion[i]) + f"  {recall[i]:6.3f} {precision[i]:9.3f}")
    return {"accuracy": accuracy, "article_vs_not": article_vs_not, "confusion": confusion,
            "recall": dict(zip(PAGE_TYPES, recall)), "precision": dict(zip(PAGE_TYPES, precision))}


def export(model, names: list[str], X, note: str) -> str:
    """The fitted model as cleaner/trees.py's JSON, checked to give sklearn's probabilities."""
    import numpy as np

    rate = model.learning_rate
    trees = []
    for stage in model.estimators_:
        round_ = []
        for estimator in stage:
            t = estimator.tree_
            nodes = []
            for i in range(t.node_count):
                if t.children_left[i] == -1:
                    nodes.append([-1, 0.0, 0, 0, round(float(t.value[i][0][0]) * rate, 8)])
                else:
                    nodes.append([int(t.feature[i]), float(t.threshold[i]), int(t.children_left[i]),
                                  int(t.children_right[i]), 0.0])
            round_.append(nodes)
        trees.append(round_)
    init = [round(float(v), 8) for v in model._raw_predict_init(X[:1])[0]]
    classes = [PAGE_TYPES[int(c)] for c in model.classes_]
    text = dump_model(classes, names, init, trees, trained=note)
    ours = BoostedTrees.from_data(json.loads(text))
    theirs = model.predict_proba(X)
    worst = max(float(np.abs(np.array(ours.probabilities(dict(zip(names, row)))) - p).max())
                for row, p in zip(X, theirs))
    if worst > 1e-4:
        raise SystemExit(f"exported trees differ from scikit-learn's by {worst:.2g}")
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the WCXB development split's folder")
    parser.add_argument("--output-dir", type=Path, default=ROOT / "cleaner" / "pagetype",
                        help="where html.model.json and text.model.json go")
    parser.add_argument("--cache", type=Path, help="folder keeping trafilatura's outputs between runs")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N pages (by id) of each type")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation; only train and write")
    parser.add_argument("--predictions", type=Path,
                        help="write each page's cross-validated (out-of-fold) types to this JSON file")
    parser.add_argument("--probabilities", type=Path,
                        help="write each page's cross-validated (out-of-fold) type probabilities to this JSON "
                             "file ({row kind: {id: {type: p}}}), for tools that tune on honest predictions")
    args = parser.parse_args(argv)
    import numpy as np

    started = time.perf_counter()
    pages = read_pages(args.data, args.limit)
    ids = list(pages)
    print(f"{len(ids)} pages, {len({registered_domain(p['url']) for p in pages.values()})} registered domains; "
          "types: " + ", ".join(f"{t} {n}" for t, n in Counter(p["type"] for p in pages.values()).most_common()))
    dumps = read_dumps(args.data, set(ids))
    extracted = extractor_outputs(pages, args.cache)
    labels = [PAGE_TYPES.index(pages[k]["type"]) for k in ids]
    domains = [registered_domain(pages[k]["url"]) for k in ids]

    html, ms_html = html_rows(pages)
    start = time.process_time()
    dump_rows = [text_page_features(dumps.get(k, ""), pages[k]["url"] or None)[0] for k in ids]
    traf_rows = [text_page_features(extracted[k], pages[k]["url"] or None)[0] for k in ids]
    ms_text = 1000 * (time.process_time() - start) / max(1, 2 * len(ids))
    print(f"features, CPU time: HTML {ms_html:.1f} ms a page (load_html excluded), text {ms_text:.1f} ms a text")

    def dataset(kinds: list[tuple[str, list[dict]]]):
        rows, y, groups, kind = [], [], [], []
        for name, source in kinds:
            for url_known in ("URL", "no URL"):
                for row, label, group in zip(source, labels, domains):
                    rows.append(row if url_known == "URL" else without_url(row))
                    y.append(label)
                    groups.append(group)
                    kind.append(f"{name}, {url_known}")
        names = sorted(rows[0])
        return matrix(rows, names), np.array(y), np.array(groups), kind, names

    outputs, out_of_fold, out_of_fold_p = {}, {}, {}
    for model_name, sources in (("html", [("HTML", html)]),
                                ("text", [("full-page dump", dump_rows), ("trafilatura output", traf_rows)])):
        X, y, groups, kinds, names = dataset(sources)
        if not args.no_cv:
            predicted, proba = cross_validate(X, y, groups, kinds,
                                              f"{model_name} model, CV by registered domain ({FOLDS} folds)")
            for i, kind in enumerate(kinds):
                out_of_fold.setdefault(f"{model_name}: {kind}", {})[ids[i % len(ids)]] = PAGE_TYPES[predicted[i]]
                out_of_fold_p.setdefault(f"{model_name}: {kind}", {})[ids[i % len(ids)]] = {
                    t: round(float(p), 4) for t, p in zip(PAGE_TYPES, proba[i])}
        model = fit(X, y)
        note = (f"tools/train_page_type.py: GradientBoostingClassifier {TREES}, sqrt-balanced class weights, "
                f"{len(ids)} WCXB dev pages, {len(y)} rows")
        outputs[model_name] = export(model, names, X, note)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for model_name, text in outputs.items():
        path = args.output_dir / f"{model_name}.model.json"
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({len(text) // 1024} KiB)")
    if args.predictions and out_of_fold:
        args.predictions.write_text(json.dumps(out_of_fold, indent=1, sort_keys=True), encoding="utf-8")
        print(f"wrote the out-of-fold predictions to {args.predictions}")
    if args.probabilities and out_of_fold_p:
        args.probabilities.write_text(json.dumps(out_of_fold_p, sort_keys=True), encoding="utf-8")
        print(f"wrote the out-of-fold probabilities to {args.probabilities}")
    print(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
