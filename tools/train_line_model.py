#!/usr/bin/env python3
"""Train the line scorer that main-content detection uses in full-page dumps, and write it as data.

    pip install -e '.[train]'      # scikit-learn, for training only; cleaning never needs it
    python tools/train_line_model.py [--devset ../shared/data/devset] [--output rules/generic/main-content.model.json]

What it does:
1. cleans every full-page text dump of the development set with the bundled rules (the line
   model itself switched off) and keeps, for each page main-content judged, each line's context
   features (cleaner/fullpage/features.py);
2. labels a line "article" when it holds a segment annotated as content, "boilerplate" when it
   holds one annotated as boilerplate (the trees learn from these lines only);
3. learns a word-evidence table: each word's log-odds of standing in a boilerplate line rather
   than an article line, for words seen on at least --min-sites sites (so no site's own
   vocabulary gets in). The annotations label a few lines a page; the table also counts every
   other line of the dump, labelled by whether trafilatura kept it when it extracted the same
   page from its HTML (pages.tar.xz). That is a different extractor's opinion, with its own
   errors, but it gives the table thirty times more lines; the trees learn from the annotated
   lines only;
4. scores gradient-boosted trees by 5-fold cross-validation with the folds split by site, so
   each figure is for sites the trees never saw, and prints segment-level precision / recall / F
   over the whole development set for several keep_probability values. The word table is part
   of what is validated: a test fold's evidence comes from the other folds' sites only, and the
   training lines' evidence from an inner split by site, as it will be for a new site;
5. trains on all labelled lines and writes the trees and the word table as JSON
   (cleaner/fullpage/linemodel.py reads them).

The features describe lines (length, stopwords, position, neighbours, words shared by many
sites), never a site, so the trees carry over to other sites; the by-site folds measure how well.
"""
from __future__ import annotations

import argparse
import json
import lzma
import math
import sys
import time
from collections import Counter, defaultdict
from multiprocessing import Pool
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))  # devset_data, also when this file is loaded by path (tests)

from cleaner import Cleaner  # noqa: E402
from cleaner.io.decode import decode_bytes  # noqa: E402
from cleaner.html.extract import ExtractionError, extract_html  # noqa: E402
from cleaner.fullpage.features import FEATURES, context_rows, evidence_rows, evidence_words  # noqa: E402
from cleaner.fullpage.linemodel import LineModel  # noqa: E402
from cleaner.fullpage.maincontent import MEMO_KEY, model_says_dump  # noqa: E402
from cleaner.rules.kinds.base import Context  # noqa: E402
from devset_data import load_html, norm, segment_scores  # noqa: E402

TREES = dict(max_iter=150, learning_rate=0.08, max_depth=4, min_samples_leaf=40, random_state=0)
EVIDENCE_SMOOTHING = 5.0  # pseudo-count added to a word's article and boilerplate counts
EXTRACTED_MIN_CHARS = 200  # an extraction shorter than this failed: its page gives no extractor labels
EXTRACTED_MIN_SUBSTRING = 25  # a dump line this long counts as kept when it is part of an extracted line
FOLDS = 5
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def site_of(url: str) -> str:
    url = url.split("::")[-1]
    return (urlsplit(url).hostname or url.split("-")[0]).removeprefix("www.")


_CLEANER: Cleaner | None = None


def main_content_rules(cleaner: Cleaner) -> list:
    """The cleaner's main-content rules (the bundled rule sets have one)."""
    return [rule for ruleset in cleaner.rulesets for rule in ruleset.rules if rule.kind == "main-content"]


def _init() -> None:
    global _CLEANER
    _CLEANER = Cleaner()
    for rule in main_content_rules(_CLEANER):
        rule.model = None  # the features must not depend on the model being trained


def _page(item: tuple[str, str, dict, bytes | None]) -> tuple[str, str, tuple | None]:
    """Clean one dump; the text as cleaned and, if main-content judged it,
    (rows, labels, texts, is_dump, extractor labels)."""
    doc_id, text, segments, html = item
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
    kept = extractor_labels(verdict.page.texts, extracted_text(doc_id, html))
    return doc_id, result.text, (context_rows(verdict.page), labels, verdict.page.texts, verdict.is_dump, kept)


def extracted_text(doc_id: str, html: bytes | None) -> str:
    """What trafilatura (as the cleaner runs it) extracts from the page's HTML; empty if it fails."""
    if html is None:
        return ""
    try:
        return extract_html(decode_bytes(html, html=True), url=doc_id).text
    except ExtractionError:
        return ""


def extractor_labels(texts: list[str], extracted: str) -> list[int]:
    r"""For each dump line, 1 if the extractor kept it, 0 if not, -1 for all when it extracted
    (next to) nothing. A short line counts as kept only when it is a whole extracted line:
    "Home" or "Share" is part of many an extracted sentence.

    >>> extractor_labels(["Home", "Share", "The council met on Monday to discuss the budget."],
    ...                  "Share\nThe council met on Monday to discuss the budget. It passed." * 4)
    [0, 1, 1]
    """
    whole = norm(extracted)
    if len(whole) < EXTRACTED_MIN_CHARS:
        return [-1] * len(texts)
    extracted_lines = {norm(line) for line in extracted.splitlines()}
    labels = []
    for text in texts:
        line = norm(text)
        labels.append(int(line in extracted_lines or (len(line) >= EXTRACTED_MIN_SUBSTRING and line in whole)))
    return labels


def export(model, names: list[str], word_evidence: dict[str, float]) -> dict:
    """scikit-learn's HistGradientBoostingClassifier as plain JSON trees (see cleaner/fullpage/linemodel.py)."""
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
            "settings": {**TREES, "evidence_smoothing": EVIDENCE_SMOOTHING},
            "word_evidence": word_evidence}


def learn_evidence(pages: list["Page"], min_sites: int) -> dict[str, float]:
    """Each word's log-odds of standing in a boilerplate line rather than an article line, over
    the lines of `pages` with an annotation or else an extractor label, for the words found on
    at least `min_sites` sites. Rates are per word, not per line: article lines are long and
    boilerplate lines short, so per line nearly every word would look like article text."""
    article, boilerplate, sites = Counter(), Counter(), defaultdict(set)
    n_article = n_boilerplate = 0
    for page in pages:
        for words, label in zip(page.words, page.evidence_labels):
            if label < 0:
                continue
            if label:
                n_article += len(words)
            else:
                n_boilerplate += len(words)
            (article if label else boilerplate).update(words)
            for word in words:
                sites[word].add(page.site)
    a = EVIDENCE_SMOOTHING
    return {word: round(math.log((boilerplate[word] + a) / (n_boilerplate + a))
                        - math.log((article[word] + a) / (n_article + a)), 3)
            for word in sorted(sites) if len(sites[word]) >= min_sites}


class Page:
    """One judged dump: its lines' features, labels (1 article, 0 boilerplate, -1 unknown) and words."""

    def __init__(self, doc_id: str, rows: list[dict], labels: list[tuple[int, int]], texts: list[str], is_dump: bool,
                 extractor_labels: list[int]):
        self.doc_id, self.rows, self.texts, self.is_dump = doc_id, rows, texts, is_dump
        self.site = site_of(doc_id)
        self.labels = [1 if content else 0 if boilerplate else -1 for content, boilerplate in labels]
        # What the word table learns from: the annotation where there is one, else the extractor's.
        self.evidence_labels = [label if label >= 0 else kept for label, kept in zip(self.labels, extractor_labels)]
        self.weights = [content + boilerplate for content, boilerplate in labels]
        self.words = [evidence_words(text) for text in texts]


def matrix(pages: list[Page], evidence: list[dict[str, float]], names: list[str]):
    """The feature rows of `pages`' lines, each page's word evidence read from its own table."""
    import numpy as np
    rows = []
    for page, table in zip(pages, evidence):
        for row, extra in zip(page.rows, evidence_rows(page.texts, table)):
            merged = {**row, **extra}
            rows.append([merged[name] for name in names])
    return np.array(rows)


def out_of_fold_evidence(pages: list[Page], min_sites: int) -> list[dict[str, float]]:
    """For each page, the word table learned from the other folds' sites (what a new site gets)."""
    from sklearn.model_selection import GroupKFold
    tables: list[dict[str, float]] = [{}] * len(pages)
    for train, test in GroupKFold(FOLDS - 1).split(pages, groups=[p.site for p in pages]):
        table = learn_evidence([pages[i] for i in train], min_sites)
        for i in test:
            tables[i] = table
    return tables


def fit_trees(pages: list[Page], evidence: list[dict[str, float]], names: list[str]):
    """Trees fitted on the labelled lines of `pages`, and the feature matrix of all their lines."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    X = matrix(pages, evidence, names)
    y = np.array([label for p in pages for label in p.labels])
    weight = np.array([w for p in pages for w in p.weights], float)
    labelled = y >= 0
    return HistGradientBoostingClassifier(**TREES).fit(X[labelled], y[labelled], sample_weight=weight[labelled]), X


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "data" / "devset")
    ap.add_argument("--output", type=Path, default=ROOT / "rules" / "generic" / "main-content.model.json")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--trees", type=json.loads, default={},
                    help='override tree settings, e.g. \'{"max_iter": 120, "max_depth": 4}\'')
    ap.add_argument("--min-sites", type=int, default=5,
                    help="a word enters the word-evidence table when this many sites use it (default 5)")
    ap.add_argument("--dry-run", action="store_true", help="print the cross-validated scores, write nothing")
    args = ap.parse_args()
    TREES.update(args.trees)
    try:
        from sklearn.model_selection import GroupKFold
    except ImportError:
        sys.exit("training needs scikit-learn: pip install -e '.[train]'")
    evaldata = json.loads((args.devset / "evaldata.json").read_text(encoding="utf-8"))
    with lzma.open(args.devset / "fullpage-text.jsonl.xz", "rt", encoding="utf-8") as f:
        dumps = [json.loads(line) for line in f if line.strip()]
    html = load_html(args.devset)
    items = [(d["id"], d["text"], evaldata[d["id"]], html.get(evaldata[d["id"]]["file"]))
             for d in dumps if d["id"] in evaldata]
    del html
    started = time.perf_counter()
    with Pool(args.workers, initializer=_init) as pool:
        cleaned_pages = pool.map(_page, items, chunksize=8)
    cleaned = {doc_id: text for doc_id, text, _ in cleaned_pages}
    pages = [Page(doc_id, *judged) for doc_id, _, judged in cleaned_pages if judged is not None]
    names = sorted(FEATURES)
    settings = main_content_rules(Cleaner())[0].settings  # the dump conditions the cleaner applies
    n_lines = sum(len(p.labels) for p in pages)
    n_article = sum(label == 1 for p in pages for label in p.labels)
    n_boilerplate = sum(label == 0 for p in pages for label in p.labels)
    print(f"cleaned {len(cleaned_pages)} dumps in {time.perf_counter() - started:.0f}s; main-content judged {len(pages)}")
    n_extractor = sum(label >= 0 for p in pages for label in p.evidence_labels) - n_article - n_boilerplate
    print(f"{n_lines} lines, {n_article + n_boilerplate} labelled ({n_article} article, {n_boilerplate} boilerplate), "
          f"{len({p.site for p in pages})} sites; {n_extractor} more lines labelled by trafilatura for the word table")

    probability: dict[int, list[float]] = {}
    for train, test in GroupKFold(FOLDS).split(pages, groups=[p.site for p in pages]):
        train_pages = [pages[i] for i in train]
        fold, _ = fit_trees(train_pages, out_of_fold_evidence(train_pages, args.min_sites), names)
        table = learn_evidence(train_pages, args.min_sites)
        test_pages = [pages[i] for i in test]
        p = fold.predict_proba(matrix(test_pages, [table] * len(test_pages), names))[:, 1]
        at = 0
        for i in test:
            probability[i] = list(p[at:at + len(pages[i].labels)])
            at += len(pages[i].labels)

    print("segment scores over the development set, each page scored by trees and words that never saw its site:")
    print(f"  without the model: P/R/F {' '.join(f'{v:.4f}' for v in segment_scores(evaldata, cleaned))}")
    for threshold in THRESHOLDS:
        outputs = dict(cleaned)
        for i, page in enumerate(pages):
            # The model decides in pages judged dumps, by the menu rules or by its own probabilities.
            if page.is_dump or model_says_dump(probability[i], settings):
                outputs[page.doc_id] = "\n".join(t for t, p in zip(page.texts, probability[i]) if p >= threshold)
        scores = segment_scores(evaldata, outputs)
        print(f"  keep_probability {threshold:.2f}: P/R/F {' '.join(f'{v:.4f}' for v in scores)}")

    if args.dry_run:
        return 0
    final, X = fit_trees(pages, out_of_fold_evidence(pages, args.min_sites), names)
    table = learn_evidence(pages, args.min_sites)
    data = export(final, names, table)
    # The trees as the cleaner will read them must give scikit-learn's probabilities.
    reader = LineModel(data["features"], data["baseline"], data["trees"], word_evidence=data["word_evidence"])
    check = final.predict_proba(X[:200])[:, 1]
    mine = [reader.probability(dict(zip(names, row))) for row in X[:200]]
    assert max(abs(a - b) for a, b in zip(check, mine)) < 1e-5, "exported trees disagree with scikit-learn"
    args.output.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({len(data['trees'])} trees, {len(names)} features, {len(table)} words)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
