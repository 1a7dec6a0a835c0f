#!/usr/bin/env python3
"""Train the line scorer that main-content detection uses in full-page dumps, and write it as data.

    pip install -e '.[train]'      # scikit-learn, for training only; cleaning never needs it
    python tools/train_line_model.py [--devset ../shared/data/devset] [--output rules/generic/main-content.model.json]

What it does:
1. cleans every full-page text dump of the development set with the bundled rules (the line
   model itself switched off) and keeps, for each page main-content judged, each line's context
   features (cleaner/linecontext.py);
2. labels a line "article" when it holds a segment annotated as content, "boilerplate" when it
   holds one annotated as boilerplate (other lines are not used);
3. scores gradient-boosted trees by 5-fold cross-validation with the folds split by site, so
   each figure is for sites the trees never saw, and prints segment-level precision / recall / F
   over the whole development set for several keep_probability values;
4. trains on all labelled lines and writes the trees as JSON (cleaner/linemodel.py reads them).

The features describe lines (length, stopwords, position, neighbours), never a site or a
language, so the trees carry over to other sites; the by-site folds measure how well.
"""
from __future__ import annotations

import argparse
import json
import lzma
import re
import sys
import time
from multiprocessing import Pool
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402
from cleaner.linecontext import context_rows  # noqa: E402
from cleaner.linemodel import LineModel  # noqa: E402
from cleaner.maincontent import MEMO_KEY  # noqa: E402
from cleaner.rulekinds import Context  # noqa: E402

TREES = dict(max_iter=150, learning_rate=0.08, max_depth=4, min_samples_leaf=40, random_state=0)
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def site_of(url: str) -> str:
    url = url.split("::")[-1]
    return (urlsplit(url).hostname or url.split("-")[0]).removeprefix("www.")


_CLEANER: Cleaner | None = None


def _init() -> None:
    global _CLEANER
    _CLEANER = Cleaner()
    for ruleset in _CLEANER.rulesets:
        for rule in ruleset.rules:
            if rule.kind == "main-content":
                rule.model = None  # the features must not depend on the model being trained


def _page(item: tuple[str, str, dict]) -> tuple[str, str, list | None]:
    """Clean one dump; the text as cleaned and, if main-content judged it, (rows, labels, texts, is_dump)."""
    doc_id, text, segments = item
    ctx = Context()
    result = _CLEANER.clean_text(text, context=ctx)
    verdict = ctx.memo.get(MEMO_KEY)
    if verdict is None:
        return doc_id, result.text, None
    labels = []
    for line in verdict.page.texts:
        line = norm(line)
        content = sum(norm(s) in line for s in segments["with"])
        boilerplate = sum(norm(s) in line for s in segments["without"])
        labels.append((content, boilerplate))
    return doc_id, result.text, (context_rows(verdict.page), labels, verdict.page.texts, verdict.is_dump)


def segment_scores(evaldata: dict, outputs: dict[str, str]) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for doc_id, segments in evaldata.items():
        out = norm(outputs.get(doc_id))
        for s in segments["with"]:
            if norm(s) in out:
                tp += 1
            else:
                fn += 1
        fp += sum(norm(s) in out for s in segments["without"])
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)


def export(model, names: list[str]) -> dict:
    """scikit-learn's HistGradientBoostingClassifier as plain JSON trees (see cleaner/linemodel.py)."""
    trees = []
    for (predictor,) in model._predictors:
        nodes = []
        for node in predictor.nodes:
            if node["is_leaf"]:
                nodes.append([-1, 0.0, 0, 0, float(node["value"])])
            else:
                nodes.append([int(node["feature_idx"]), float(node["num_threshold"]),
                              int(node["left"]), int(node["right"]), 0.0])
        trees.append(nodes)
    return {"features": names, "baseline": float(model._baseline_prediction.ravel()[0]), "trees": trees,
            "trained_on": "full-page text dumps of the development set (tools/train_line_model.py)",
            "settings": TREES}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "data" / "devset")
    ap.add_argument("--output", type=Path, default=ROOT / "rules" / "generic" / "main-content.model.json")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--trees", type=json.loads, default={},
                    help='override tree settings, e.g. \'{"max_iter": 120, "max_depth": 4}\'')
    ap.add_argument("--dry-run", action="store_true", help="print the cross-validated scores, write nothing")
    args = ap.parse_args()
    TREES.update(args.trees)
    try:
        import numpy as np
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.model_selection import GroupKFold
    except ImportError:
        sys.exit("training needs scikit-learn: pip install -e '.[train]'")
    evaldata = json.loads((args.devset / "evaldata.json").read_text(encoding="utf-8"))
    with lzma.open(args.devset / "fullpage-text.jsonl.xz", "rt", encoding="utf-8") as f:
        dumps = [json.loads(line) for line in f if line.strip()]
    items = [(d["id"], d["text"], evaldata[d["id"]]) for d in dumps if d["id"] in evaldata]
    started = time.perf_counter()
    with Pool(args.workers, initializer=_init) as pool:
        pages = pool.map(_page, items, chunksize=8)
    print(f"cleaned {len(pages)} dumps in {time.perf_counter() - started:.0f}s; "
          f"main-content judged {sum(p[2] is not None for p in pages)}")

    names = sorted({name for _, _, page in pages if page for name in page[0][0]})
    X, y, weight, group, where = [], [], [], [], []
    for doc, (doc_id, _, page) in enumerate(pages):
        if page is None:
            continue
        rows, labels = page[0], page[1]
        for i, (row, (content, boilerplate)) in enumerate(zip(rows, labels)):
            X.append([row[name] for name in names])
            y.append(1 if content else 0 if boilerplate else -1)
            weight.append(content + boilerplate)
            group.append(site_of(doc_id))
            where.append((doc, i))
    X, y, weight, group = np.array(X), np.array(y), np.array(weight, float), np.array(group)
    labelled = y >= 0
    print(f"{len(y)} lines, {labelled.sum()} labelled ({(y == 1).sum()} article, {(y == 0).sum()} boilerplate), "
          f"{len(set(group))} sites")

    probability = np.zeros(len(y))
    for train, test in GroupKFold(5).split(X, y, group):
        train = train[labelled[train]]
        fold = HistGradientBoostingClassifier(**TREES).fit(X[train], y[train], sample_weight=weight[train])
        probability[test] = fold.predict_proba(X[test])[:, 1]

    cleaned = {doc_id: text for doc_id, text, _ in pages}
    print("segment scores over the development set, each page scored by trees that never saw its site:")
    print(f"  without the model: P/R/F {' '.join(f'{v:.3f}' for v in segment_scores(evaldata, cleaned))}")
    for threshold in THRESHOLDS:
        outputs = dict(cleaned)
        kept: dict[int, list[str]] = {}
        for (doc, i), p in zip(where, probability):
            page = pages[doc][2]
            if page[3] and p >= threshold:  # the model decides only in pages judged dumps
                kept.setdefault(doc, []).append(page[2][i])
        for doc, (doc_id, _, page) in enumerate(pages):
            if page is not None and page[3]:
                outputs[doc_id] = "\n".join(kept.get(doc, []))
        scores = segment_scores(evaldata, outputs)
        print(f"  keep_probability {threshold:.2f}: P/R/F {' '.join(f'{v:.3f}' for v in scores)}")

    if args.dry_run:
        return 0
    final = HistGradientBoostingClassifier(**TREES).fit(X[labelled], y[labelled], sample_weight=weight[labelled])
    data = export(final, names)
    # The trees as the cleaner will read them must give scikit-learn's probabilities.
    reader = LineModel(data["features"], data["baseline"], data["trees"])
    check = final.predict_proba(X[:200])[:, 1]
    mine = [reader.probability(dict(zip(names, row))) for row in X[:200]]
    assert max(abs(a - b) for a, b in zip(check, mine)) < 1e-5, "exported trees disagree with scikit-learn"
    args.output.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({len(data['trees'])} trees, {len(names)} features)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
