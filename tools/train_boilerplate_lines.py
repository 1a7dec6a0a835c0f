#!/usr/bin/env python3
"""Train the boilerplate-line scorer (rule kind `score-lines`) on extracted text, and write it as data.

    pip install -e '.[train]'      # scikit-learn, for training only; cleaning never needs it
    python tools/train_boilerplate_lines.py [--data ../shared/data] [--cache DIR]
    python tools/train_boilerplate_lines.py --dry-run      # the cross-validated figures only

The scorer judges what an HTML extractor left: each line of trafilatura's output, after the other
rules ran. It learns from both development sets in ../shared/data:
- wcxb-dev/ (1,497 pages of 1,295 sites, seven page types): trafilatura.extract(html, url) of each
  page (with its defaults, as ../shared/tools/wcxb.py's post and lines modes run it); each output
  line of 2+ tokens is labelled as `wcxb.py lines` labels it: content when at least half of its
  word 3-grams occur in the hand-written main content (a 2-token line: when it occurs there
  whole), else boilerplate. A line holding one of the page's `without` snippets (boilerplate the
  annotators saw on the page) that the 3-gram test calls content is left out (the two disagree);
- devset/ (990 pages, many languages): the cleaner's own extraction of each page (what `cleaner
  clean PAGE.html` and ../shared/tools/devset.py html clean); a line holding an annotated article
  segment ("with") is content, one holding only boilerplate segments ("without") boilerplate, the
  others are not learned from.

Steps:
1. extract every page (cached in --cache: trafilatura and the cleaner's extraction take minutes);
2. clean each extraction with the bundled rules, the scorer's own rules left out, and keep the
   lines they leave: what the scorer sees when it runs (rules/generic/boilerplate-lines.yaml runs
   after every other kind);
3. a word-evidence table (each word's log-odds of standing in a boilerplate line, for words used
   on at least --min-sites registered domains) and boosted trees over the features of
   cleaner/rules/kinds/linescore.py;
4. cross-validation by registered domain (--folds, GroupKFold: a page is scored by trees and a
   word table that never saw its site): precision and recall of the scorer's removals per WCXB
   page type and on the 990 pages, for a range of thresholds; the threshold is the lowest whose
   cross-validated precision is at least --precision on both sets (precision first);
5. trains on all labelled lines and writes the model (cleaner/trees.py's JSON, with the word
   table) beside the rule file, and prints the threshold to put in the YAML.

Training is deterministic: the same pages give the same model file, byte for byte (pages in a
fixed order, fixed seeds, one thread).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from cleaner import Cleaner  # noqa: E402
from cleaner.pagetype import PageType  # noqa: E402
from cleaner.pagetype.features_url import registered_domain  # noqa: E402
from cleaner.rules.kinds import linescore  # noqa: E402
from cleaner.text.stoplists import text_stoplist  # noqa: E402
from cleaner.trees import BoostedTrees, dump_model  # noqa: E402
from train_line_model import EVIDENCE_SMOOTHING, word_log_odds  # noqa: E402
from train_page_type import read_pages  # noqa: E402

SETS = ("wcxb", "devset")


# ----------------------------------------------------------------------------------------------
# Step 1: the extractions

def _wcxb_truth(folder: Path, limit: int) -> dict[str, dict]:
    """{id: {url, type, reference, without, html}} of the WCXB pages, in id order (the first `limit`)."""
    pages = read_pages(folder)
    return {k: pages[k] for k in list(pages)[:limit or None]}


def _devset_truth(folder: Path, limit: int) -> dict[str, dict]:
    """{id (the page's URL): {with, without, file, html}} of the 990 pages, in id order."""
    evaldata = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    html: dict[str, bytes] = {}
    with tarfile.open(folder / "pages.tar.xz") as archive:
        for member in archive:
            if member.isfile() and member.name.endswith(".html"):
                html[Path(member.name).name] = archive.extractfile(member).read()
    ids = sorted(k for k in evaldata if evaldata[k]["file"] in html)[:limit or None]
    return {k: {**evaldata[k], "html": html[evaldata[k]["file"]]} for k in ids}


def _cached(path: Path | None) -> dict[str, dict]:
    found: dict[str, dict] = {}
    if path is not None and path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                found[record["id"]] = record
    return found


def _append(path: Path | None, records: list[dict]) -> None:
    if path is None or not records:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def wcxb_extractions(pages: dict[str, dict], cache: Path | None) -> dict[str, str]:
    """trafilatura.extract(html, url) of each page, with its defaults (what wcxb.py cleans)."""
    import trafilatura

    path = cache / f"wcxb-trafilatura-{trafilatura.__version__}.jsonl" if cache else None
    found = _cached(path)
    todo = [k for k in pages if k not in found]
    started, batch = time.perf_counter(), []
    for n, k in enumerate(todo, 1):
        batch.append({"id": k, "text": trafilatura.extract(pages[k]["html"], url=pages[k]["url"] or None) or ""})
        found[k] = batch[-1]
        if n % 100 == 0 or n == len(todo):
            _append(path, batch)
            batch = []
            print(f"  trafilatura.extract {n}/{len(todo)} WCXB pages ({time.perf_counter() - started:.0f}s)",
                  file=sys.stderr, flush=True)
    return {k: found[k]["text"] for k in pages}


def devset_extractions(pages: dict[str, dict], cache: Path | None) -> dict[str, dict]:
    """The cleaner's own extraction of each page (Cleaner.clean_html's: the text and the page type it
    detected), without cleaning it."""
    from cleaner.html.extract import ExtractionError, canonical_url, extract_html
    from cleaner.io.decode import decode_bytes

    path = cache / "devset-cleaner-extraction.jsonl" if cache else None
    found = _cached(path)
    todo = [k for k in pages if k not in found]
    started, batch = time.perf_counter(), []
    for n, k in enumerate(todo, 1):
        html = decode_bytes(pages[k]["html"], html=True)
        try:
            page = extract_html(html, url=canonical_url(html), select=False)
            kind = page.page_type
            record = {"id": k, "text": page.text, "url": canonical_url(html) or page.metadata.get("url"),
                      "page_type": None if kind is None else [kind.name, kind.probability, kind.probabilities,
                                                               list(kind.signals)]}
        except ExtractionError:
            record = {"id": k, "text": "", "url": None, "page_type": None}
        batch.append(record)
        found[k] = record
        if n % 100 == 0 or n == len(todo):
            _append(path, batch)
            batch = []
            print(f"  cleaner extraction {n}/{len(todo)} devset pages ({time.perf_counter() - started:.0f}s)",
                  file=sys.stderr, flush=True)
    return {k: found[k] for k in pages}


# ----------------------------------------------------------------------------------------------
# Step 2: what the other rules leave, labelled

def _tokens(text: str | None) -> list[str]:
    """wcxb.py's tokens: lowercase \\w+ runs."""
    return re.findall(r"\w+", (text or "").lower())


def _grams(words: list[str], n: int = 3) -> list[str]:
    return [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]


def is_content(line: str, ref_grams: set[str], ref_text: str) -> bool:
    """wcxb.py lines' label, as it states it: a line is content when at least half of its word
    3-grams occur in the reference main content (a line of 2 tokens: when it occurs there whole)."""
    t = _tokens(line)
    if len(t) < 3:
        return " ".join(t) in ref_text
    g = _grams(t)
    return sum(x in ref_grams for x in g) >= 0.5 * len(g)


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@dataclass
class Doc:
    """One extracted document as the scorer sees it, with labels."""

    set: str
    id: str
    site: str  # registered domain: the cross-validation's group
    page_type: str  # WCXB's annotated type ("" on the 990 pages): for the report only
    rules_type: str | None  # the page type the pipeline let the rules go by (a feature)
    texts: list[str] = field(default_factory=list)  # the lines the other rules kept (non-blank)
    labels: list[int] = field(default_factory=list)  # 1 content, 0 boilerplate, -1 not learned from
    # Lines the other rules removed, by label (1 content, 0 boilerplate): the end-to-end figures.
    removed: Counter = field(default_factory=Counter)


SCORER_KIND = "score-lines"
# Which lines the rule judges (min_tokens, max_words): the bundled rule's settings (main() reads
# them), these defaults before there is one.
SETTINGS = linescore.ScoreLinesSettings(model="-")


def other_rules_cleaner() -> Cleaner:
    """The bundled rules without the scorer (its features must not depend on it)."""
    cleaner = Cleaner()
    global SETTINGS
    for ruleset in cleaner.rulesets:
        for rule in ruleset.rules:
            if rule.kind == SCORER_KIND:
                rule.enabled = False
                SETTINGS = rule.settings
    return cleaner


def _page_type(value) -> PageType | None:
    return None if value is None else PageType(value[0], value[1], dict(value[2]), tuple(value[3]))


def clean_and_label(cleaner: Cleaner, text: str, *, url: str | None, from_html: bool, page_type,
                    label) -> tuple[list[str], list[int], Counter, str | None]:
    """Clean `text`; the kept non-blank lines with their labels (`label(line)`), and what the
    other rules removed, by label (lines of 2+ tokens, as wcxb.py counts them)."""
    from cleaner.rules.kinds.base import Context

    ctx = Context()
    result = cleaner.clean_text(text, url=url, from_html=from_html, page_type=page_type, context=ctx)
    texts, labels, removed = [], [], Counter()
    for line in result.lines:
        if line.blank:
            continue
        if line.kept:
            texts.append(line.text)
            labels.append(label(line.text))
        elif len(_tokens(line.text)) >= 2:
            removed[label(line.text)] += 1
    return texts, labels, removed, ctx.page_type


def wcxb_docs(cleaner: Cleaner, pages: dict[str, dict], extracted: dict[str, str]) -> list[Doc]:
    docs = []
    for k, page in pages.items():
        ref = _tokens(page["reference"])
        ref_grams, ref_text = set(_grams(ref)), " ".join(ref)
        without = [_norm(s).lower() for s in page["without"] if len(_tokens(s)) >= 2]

        def label(line: str, ref_grams=ref_grams, ref_text=ref_text, without=without) -> int:
            if len(_tokens(line)) < 2:
                return -1  # wcxb.py does not count such lines
            content = is_content(line, ref_grams, ref_text)
            if content and any(s in _norm(line).lower() for s in without):
                return -1  # the annotators' snippet says boilerplate, the 3-gram test content
            return 1 if content else 0

        url = page["url"] or None
        texts, labels, removed, rules_type = clean_and_label(cleaner, extracted[k], url=url, from_html=False,
                                                             page_type=None, label=label)
        docs.append(Doc("wcxb", k, registered_domain(url) if url else f"wcxb-{k}", page["type"], rules_type,
                        texts, labels, removed))
    return docs


def devset_docs(cleaner: Cleaner, pages: dict[str, dict], extracted: dict[str, dict]) -> list[Doc]:
    docs = []
    for k, page in pages.items():
        with_, without = [_norm(s) for s in page["with"] if _norm(s)], [_norm(s) for s in page["without"] if _norm(s)]

        def label(line: str, with_=with_, without=without) -> int:
            line = _norm(line)
            if any(s in line for s in with_):
                return 1
            return 0 if any(s in line for s in without) else -1

        record = extracted[k]
        texts, labels, removed, rules_type = clean_and_label(
            cleaner, record["text"], url=record["url"], from_html=True, page_type=_page_type(record["page_type"]),
            label=label)
        docs.append(Doc("devset", k, registered_domain(k), "", rules_type, texts, labels, removed))
    return docs


# ----------------------------------------------------------------------------------------------
# Step 3: word evidence, features, trees

TREES = dict(max_iter=120, learning_rate=0.1, max_depth=4, min_samples_leaf=40, l2_regularization=1.0,
             random_state=0, early_stopping=False)
MIN_SITES = 5  # a word enters the table when this many registered domains use it
FOLDS = 5
# Each set weighs this much in all (its lines share it): the 990 pages have a few labelled lines
# each, WCXB pages dozens. 0.2: with equal weights (1.0) no cross-validated threshold reached 0.95 precision.
SET_WEIGHT = {"wcxb": 1.0, "devset": 0.2}
TARGET_PRECISION = 0.95
THRESHOLDS = tuple(round(0.5 + 0.02 * i, 2) for i in range(25))  # 0.50 ... 0.98


def learn_evidence(docs: list[Doc], min_sites: int) -> dict[str, float]:
    """Each word's log-odds of standing in a boilerplate line rather than a content line, over the
    labelled lines of `docs`, for words used on at least `min_sites` registered domains. Rates are
    per word, not per line (content lines are long, boilerplate lines short)."""
    return word_log_odds(((set(linescore.evidence_words(text)), label, doc.site)
                          for doc in docs for text, label in zip(doc.texts, doc.labels) if label >= 0), min_sites)


def doc_rows(doc: Doc, evidence: dict[str, float]) -> tuple[list[int], list[list[float]]]:
    """The positions of the doc's lines the rule judges, and their feature rows."""
    wanted = linescore.judged_lines(doc.texts, SETTINGS)
    stopwords = text_stoplist("\n".join(doc.texts))
    return wanted, linescore.line_rows(doc.texts, stopwords, evidence, doc.rules_type, wanted)


def matrix(docs: list[Doc], tables: list[dict[str, float]]):
    """X, y, sample weight, and (doc index, line index) of every judged line of `docs` (y -1: unlabelled)."""
    import numpy as np
    X, y, where = [], [], []
    for d, (doc, table) in enumerate(zip(docs, tables)):
        wanted, rows = doc_rows(doc, table)
        X += rows
        y += [doc.labels[i] for i in wanted]
        where += [(d, i) for i in wanted]
    X = np.array(X, dtype=np.float64).reshape(len(X), len(linescore.FEATURES))
    y = np.array(y, dtype=int)
    labelled = Counter(docs[d].set for (d, _), label in zip(where, y) if label >= 0)
    weight = np.array([SET_WEIGHT[docs[d].set] * len(y) / max(1, labelled[docs[d].set]) / len(labelled)
                       if label >= 0 else 0.0 for (d, _), label in zip(where, y)])
    return X, y, weight, where


def out_of_fold_tables(docs: list[Doc], folds: int, min_sites: int) -> list[dict[str, float]]:
    """For each doc, the word table learned from the other folds' sites (what a new site gets)."""
    from sklearn.model_selection import GroupKFold
    tables: list[dict[str, float]] = [{}] * len(docs)
    for train, test in GroupKFold(folds).split(docs, groups=[d.site for d in docs]):
        table = learn_evidence([docs[i] for i in train], min_sites)
        for i in test:
            tables[i] = table
    return tables


def fit(docs: list[Doc], folds: int, min_sites: int):
    """Trees fitted on the labelled lines of `docs` (their word evidence from an inner split by site)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    X, y, weight, _ = matrix(docs, out_of_fold_tables(docs, folds, min_sites))
    keep = y >= 0
    return HistGradientBoostingClassifier(**TREES).fit(X[keep], y[keep] == 0, sample_weight=weight[keep]), X[:300]


def cross_validate(docs: list[Doc], folds: int, min_sites: int) -> dict[tuple[int, int], float]:
    """Each judged line's probability of boilerplate from trees and a word table that never saw its site."""
    from sklearn.model_selection import GroupKFold
    found: dict[tuple[int, int], float] = {}
    for fold, (train, test) in enumerate(GroupKFold(folds).split(docs, groups=[d.site for d in docs]), 1):
        train_docs = [docs[i] for i in train]
        model, _ = fit(train_docs, folds - 1, min_sites)
        table = learn_evidence(train_docs, min_sites)
        test_docs = [docs[i] for i in test]
        X, _, _, where = matrix(test_docs, [table] * len(test_docs))
        if len(X):
            for (d, i), p in zip(where, model.predict_proba(X)[:, 1]):
                found[(int(test[d]), i)] = float(p)
        print(f"  fold {fold}/{folds} done", file=sys.stderr, flush=True)
    return found


# ----------------------------------------------------------------------------------------------
# Step 4: the figures

def tally(docs: list[Doc], probability: dict[tuple[int, int], float], threshold: float) -> dict[str, Counter]:
    """Per group (WCXB page types, "wcxb", "devset"): the scorer's removals among the lines the
    other rules left (tp: boilerplate removed, fp: content removed, bp: boilerplate left to it),
    and the end-to-end counts over every labelled line (the other rules' removals too)."""
    groups: dict[str, Counter] = defaultdict(Counter)
    for d, doc in enumerate(docs):
        c = Counter()
        for i, label in enumerate(doc.labels):
            if label < 0:
                continue
            dropped = probability.get((d, i), 0.0) >= threshold
            c["bp"] += label == 0
            c["content"] += label == 1
            c["tp"] += dropped and label == 0
            c["fp"] += dropped and label == 1
        c["other_tp"] += doc.removed[0]
        c["other_fp"] += doc.removed[1]
        for group in ([doc.set, doc.page_type] if doc.page_type else [doc.set]):
            groups[group].update(c)
    return groups


def rates(c: Counter) -> dict[str, float]:
    removed = c["tp"] + c["fp"]
    all_removed = removed + c["other_tp"] + c["other_fp"]
    all_bp = c["bp"] + c["other_tp"]
    return {"precision": c["tp"] / removed if removed else 1.0, "recall": c["tp"] / c["bp"] if c["bp"] else 0.0,
            "removed": removed,
            "all_precision": (c["tp"] + c["other_tp"]) / all_removed if all_removed else 1.0,
            "all_recall": (c["tp"] + c["other_tp"]) / all_bp if all_bp else 0.0,
            "rules_precision": c["other_tp"] / (c["other_tp"] + c["other_fp"]) if c["other_tp"] + c["other_fp"] else 1.0,
            "rules_recall": c["other_tp"] / all_bp if all_bp else 0.0}


def choose_threshold(docs: list[Doc], probability: dict, target: float) -> float:
    """The lowest threshold whose cross-validated precision is at least `target` on each set."""
    for threshold in THRESHOLDS:
        groups = tally(docs, probability, threshold)
        if all(rates(groups[s])["precision"] >= target for s in SETS if s in groups):
            return threshold
    return THRESHOLDS[-1]


def report(docs: list[Doc], probability: dict, chosen: float) -> None:
    print("cross-validated by registered domain: the scorer's removals among the lines the other rules left")
    print(f"  {'threshold':>9}  " + "  ".join(f"{s:>20}" for s in SETS) + "   (precision / recall)")
    for threshold in THRESHOLDS:
        groups = tally(docs, probability, threshold)
        cells = [f"{rates(groups[s])['precision']:.3f} / {rates(groups[s])['recall']:.3f}" for s in SETS if s in groups]
        print(f"  {threshold:>9.2f}  " + "  ".join(f"{c:>20}" for c in cells) + ("   <- chosen" if threshold == chosen else ""))
    groups = tally(docs, probability, chosen)
    print(f"at threshold {chosen:.2f} (wcxb: lines of 2+ tokens labelled as wcxb.py lines labels them; devset: "
          "lines holding an annotated segment):")
    print(f"  {'':14} {'labelled':>8} {'boilerpl.':>9} {'removed':>7}  {'scorer P':>8} {'scorer R':>8}   "
          f"{'rules P':>7} {'rules R':>7}   {'all P':>6} {'all R':>6}")
    from wcxb_data import TYPES
    for group in ("wcxb", *TYPES, "devset"):
        if group not in groups:
            continue
        c, r = groups[group], rates(groups[group])
        print(f"  {group:14} {c['bp'] + c['content']:>8} {c['bp']:>9} {r['removed']:>7}  {r['precision']:>8.3f} "
              f"{r['recall']:>8.3f}   {r['rules_precision']:>7.3f} {r['rules_recall']:>7.3f}   "
              f"{r['all_precision']:>6.3f} {r['all_recall']:>6.3f}")


# ----------------------------------------------------------------------------------------------
# Step 5: the model file

def export(model, evidence: dict[str, float], X, threshold: float) -> str:
    """The fitted trees as cleaner/trees.py's JSON with the word table, checked against scikit-learn."""
    trees = []
    for (predictor,) in model._predictors:
        nodes = []
        for node in predictor.nodes:
            if node["is_leaf"]:
                nodes.append([-1, 0.0, 0, 0, round(float(node["value"]), 8)])
            else:
                nodes.append([int(node["feature_idx"]), float(node["num_threshold"]), int(node["left"]),
                              int(node["right"]), 0.0])
        trees.append([nodes])
    init = [round(float(model._baseline_prediction.ravel()[0]), 8)]
    text = dump_model(["content", "boilerplate"], list(linescore.FEATURES), init, trees,
                      trained="tools/train_boilerplate_lines.py on both development sets' extracted text",
                      settings={**TREES, "evidence_smoothing": EVIDENCE_SMOOTHING, "min_sites": MIN_SITES},
                      cross_validated_threshold=threshold, word_evidence=evidence)
    scorer = linescore.LineScorer(BoostedTrees.from_data(json.loads(text)), evidence)
    worst = max((abs(scorer.probability(list(row)) - p) for row, p in zip(X, model.predict_proba(X)[:, 1])),
                default=0.0)
    if worst > 1e-4:
        raise SystemExit(f"exported trees differ from scikit-learn's by {worst:.2g}")
    return text


def main() -> int:
    global MIN_SITES
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                    help="the folder holding devset/ and wcxb-dev/ (default ../shared/data beside the repository)")
    ap.add_argument("--output", type=Path, default=ROOT / "rules" / "generic" / "boilerplate-lines.model.json")
    ap.add_argument("--cache", type=Path, default=None,
                    help="a folder to keep the extractions in (step 1), reused on the next run")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages of each set (quick checks)")
    ap.add_argument("--folds", type=int, default=FOLDS, help="cross-validation folds, split by registered domain")
    ap.add_argument("--trees", type=json.loads, default={}, help='override tree settings, e.g. \'{"max_iter": 60}\'')
    ap.add_argument("--min-sites", type=int, default=MIN_SITES,
                    help=f"a word enters the word table when this many registered domains use it (default {MIN_SITES})")
    ap.add_argument("--precision", type=float, default=TARGET_PRECISION,
                    help=f"the cross-validated precision the threshold must reach on each set (default {TARGET_PRECISION})")
    ap.add_argument("--devset-weight", type=float, default=SET_WEIGHT["devset"],
                    help="the 990 pages' labelled lines weigh this much in all, WCXB's 1 (default %(default)s)")
    ap.add_argument("--dry-run", action="store_true", help="print the cross-validated figures, write nothing")
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validation, only train and write")
    args = ap.parse_args()
    TREES.update(args.trees)
    SET_WEIGHT["devset"] = args.devset_weight
    MIN_SITES = args.min_sites
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        sys.exit("training needs scikit-learn: pip install -e '.[train]'")
    threadpool_limits(1)  # the machine is shared, and the trees must not depend on how work was split
    started = time.perf_counter()
    wcxb = _wcxb_truth(args.data / "wcxb-dev", args.limit)
    devset = _devset_truth(args.data / "devset", args.limit)
    wcxb_text = wcxb_extractions(wcxb, args.cache)
    devset_text = devset_extractions(devset, args.cache)
    cleaner = other_rules_cleaner()
    docs = wcxb_docs(cleaner, wcxb, wcxb_text) + devset_docs(cleaner, devset, devset_text)
    for name in SETS:
        mine = [d for d in docs if d.set == name]
        labels = Counter(label for d in mine for label in d.labels)
        print(f"{name}: {len(mine)} documents of {len({d.site for d in mine})} registered domains; the other rules "
              f"leave {sum(labels.values())} lines: {labels[1]} content, {labels[0]} boilerplate, {labels[-1]} "
              f"not labelled")
    print(f"(extracted and cleaned in {time.perf_counter() - started:.0f}s)", flush=True)
    threshold = None
    if not args.no_cv:
        probability = cross_validate(docs, args.folds, MIN_SITES)
        threshold = choose_threshold(docs, probability, args.precision)
        report(docs, probability, threshold)
    if args.dry_run:
        return 0
    model, X = fit(docs, args.folds, MIN_SITES)
    text = export(model, learn_evidence(docs, MIN_SITES), X, threshold)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(model._predictors)} trees, {len(linescore.FEATURES)} features)"
          + (f"; put `threshold: {threshold}` in the rule file" if threshold is not None else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
