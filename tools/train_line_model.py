#!/usr/bin/env python3
"""Train the line scorer that main-content detection uses in full-page dumps, and write it as data.

    pip install -e '.[train]'      # scikit-learn, for training only; cleaning never needs it
    python tools/train_line_model.py [--data ../shared/data] [--output rules/generic/main-content.model.json]
    python tools/train_line_model.py --dry-run      # the cross-validated figures only

It learns from the full-page text dumps of both development sets in ../shared/data:
- devset/ (990 pages, many languages): a few lines a page annotated as content ("with") or
  boilerplate ("without"); the dump lines holding them are labelled so;
- wcxb-dev/ (1,497 pages of 1,295 sites, seven page types): every page's main content written
  out by hand; each dump line is labelled by tools/wcxb_data.line_labels (content when it is
  that text, boilerplate when it is not, unknown in between; see its docstring for the rule).

What it does:
1. cleans every dump with the bundled rules, the line model itself switched off (the features
   must not depend on the model being trained), and keeps for each page main-content judged each
   line's context features (cleaner/fullpage/features.py) and what the output would hold; this
   step is cached (--cache), keyed by the code, rules and data it read;
2. learns a word-evidence table: each word's log-odds of standing in a boilerplate line rather
   than a content line, for words seen on at least --min-sites sites (so no site's own vocabulary
   gets in). It counts the labelled lines, and on the 990 pages also every other line of the
   dump, labelled by whether trafilatura kept it when it extracted the same page from its HTML
   (pages.tar.xz): a different extractor's opinion, with its own errors, but many more lines;
3. cross-validates by site over the union of both sets (--folds, the folds split by site, so a
   page is scored by trees and a word table that never saw its site; the training pages' own
   word evidence comes from an inner split by site, as a new site's will) and prints, for several
   keep_probability values, what the cleaner would output scored as the sets' own scorers score
   it: segment precision / recall / F on the 990 pages (../shared/tools/devset.py text), mean
   word F1 per page and per page type on the 1,497 (../shared/tools/wcxb.py text);
4. trains on all labelled lines and writes the trees and the word table as JSON
   (cleaner/fullpage/linemodel.py reads them).

Training is deterministic: the same pages give the same model file, byte for byte (pages in a
fixed order, fixed seeds, one thread).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import math
import pickle
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))  # devset_data, wcxb_data, also when this file is loaded by path (tests)

from cleaner import Cleaner  # noqa: E402
from cleaner.fullpage.chrome import ChromeLearner  # noqa: E402
from cleaner.fullpage.features import FEATURES, PageLines, context_rows, evidence_rows, evidence_words  # noqa: E402
from cleaner.fullpage.linemodel import LineModel  # noqa: E402
from cleaner.fullpage.maincontent import MEMO_KEY, model_says_dump  # noqa: E402
from cleaner.html.extract import ExtractionError, extract_html  # noqa: E402
from cleaner.io.decode import decode_bytes  # noqa: E402
from cleaner.rules.kinds.base import Context, kept_lines  # noqa: E402
from devset_data import load_html, norm  # noqa: E402
import wcxb_data  # noqa: E402

TREES = dict(max_iter=150, learning_rate=0.08, max_depth=4, min_samples_leaf=40, random_state=0,
             early_stopping=False)
EVIDENCE_SMOOTHING = 5.0  # pseudo-count added to a word's content and boilerplate counts
EXTRACTED_MIN_CHARS = 200  # an extraction shorter than this failed: its page gives no extractor labels
EXTRACTED_MIN_SUBSTRING = 25  # a dump line this long counts as kept when it is part of an extracted line
FOLDS = 5
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
SETS = ("devset", "wcxb")
# How much the lines of each set weigh in training. A devset line weighs the number of annotated
# segments it holds (one, nearly always), times DEVSET_WEIGHT; a WCXB line is labelled whatever it
# is, so a page gives many more labelled lines: each WCXB page's lines together weigh at most
# WCXB_PAGE_WEIGHT. At a devset weight of 1 the 990 pages' few annotated lines (about 5 a page)
# drowned in WCXB's (cross-validated, 2026-11-27, at keep_probability 0.4: devset F 0.8911 at 1,
# 0.9014 at 10; WCXB mean F1 0.8158 and 0.8156; see docs/benchmarks.md).
DEVSET_WEIGHT = 10.0
WCXB_PAGE_WEIGHT = 40.0


def site_of(url: str) -> str:
    url = url.split("::")[-1]
    return (urlsplit(url).hostname or url.split("-")[0]).removeprefix("www.")


# ----------------------------------------------------------------------------------------------
# The pages

@dataclass
class Source:
    """One dump to judge, with what scores its output."""

    set: str
    id: str
    url: str | None  # as the scorer's JSONL gives it to the cleaner (WCXB only)
    text: str
    site: str
    page_type: str  # WCXB's; "" on the 990 pages
    segments: dict | None = None  # devset: {"with": [...], "without": [...], "file": ...}
    main_content: str | None = None  # WCXB: the hand-written main content
    html: bytes | None = None  # devset: the page, for the extractor labels of the word table


def load_sources(data: Path, sets: tuple[str, ...], limit: int = 0) -> list[Source]:
    """Both sets' dumps, in a fixed order (set, then id); with `limit`, the first pages of each."""
    sources: list[Source] = []
    if "devset" in sets:
        folder = data / "devset"
        evaldata = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
        with lzma.open(folder / "fullpage-text.jsonl.xz", "rt", encoding="utf-8") as f:
            dumps = {d["id"]: d["text"] for d in map(json.loads, filter(str.strip, f))}
        ids = sorted(doc_id for doc_id in dumps if doc_id in evaldata)[:limit or None]
        html = load_html(folder)
        sources += [Source("devset", doc_id, None, dumps[doc_id], site_of(doc_id), "", segments=evaldata[doc_id],
                           html=html.get(evaldata[doc_id]["file"])) for doc_id in ids]
    if "wcxb" in sets:
        pages = wcxb_data.load_pages(data / "wcxb-dev")[:limit or None]
        sources += [Source("wcxb", p.id, p.url or None, p.dump, site_of(p.url) if p.url else f"wcxb-{p.id}",
                           p.page_type, main_content=p.main_content) for p in pages]
    return sources


@dataclass
class Page:
    """One dump as main-content judged it (the line model off), with labels and what to score."""

    set: str
    id: str
    site: str
    page_type: str
    cleaned: str  # the cleaned text (what the cleaner outputs when the model does not decide)
    judged: bool = False  # main-content judged the page (it passed could_be_dump)
    is_dump: bool = False  # ... and its menu conditions found a dump
    heading: int | None = None  # the line repeating the page title, which always stays
    texts: list[str] = field(default_factory=list)  # the lines main-content judged
    final: list[str | None] = field(default_factory=list)  # each line as output when kept; None: another rule drops it
    lines: PageLines | None = None  # what main-content worked out, as the features read it
    rows: object = None  # numpy array, one row of base features (BASE_NAMES) per line (not cached)
    labels: list[int] = field(default_factory=list)  # 1 content, 0 boilerplate, -1 unknown
    weights: list[float] = field(default_factory=list)
    evidence_labels: list[int] = field(default_factory=list)  # labels, or the extractor's where unknown
    segments: dict | None = None
    reference: Counter | None = None  # WCXB: the main content's tokens

    @cached_property
    def words(self) -> list[set[str]]:
        return [evidence_words(text) for text in self.texts]


BASE_NAMES = sorted(name for name in FEATURES if not name.startswith("ev_"))
CANDIDATES_KEY = "train:candidates"

_CLEANER: Cleaner | None = None


def main_content_rules(cleaner: Cleaner) -> list:
    """The cleaner's main-content rules (the bundled rule sets have one)."""
    return [rule for ruleset in cleaner.rulesets for rule in ruleset.rules if rule.kind == "main-content"]


def _judging_cleaner(chrome) -> Cleaner:
    """The bundled rules with the line model off, noting which lines main-content judges."""
    cleaner = Cleaner(chrome=chrome)
    for rule in main_content_rules(cleaner):
        rule.model = None  # the features must not depend on the model being trained

        def apply(lines, ctx, _apply=rule.apply):
            if MEMO_KEY not in ctx.memo:
                ctx.memo[CANDIDATES_KEY] = [line.number for line in kept_lines(lines)]
            return _apply(lines, ctx)
        rule.apply = apply
    return cleaner


def judge_page(source: Source) -> Page:
    """Clean one dump; what main-content judged, the lines' features and labels."""
    ctx = Context()
    result = _CLEANER.clean_text(source.text, url=source.url, context=ctx)
    page = Page(source.set, source.id, source.site, source.page_type, result.text, segments=source.segments,
                reference=Counter(wcxb_data.tokens(source.main_content)) if source.main_content is not None else None)
    verdict = ctx.memo.get(MEMO_KEY)
    if verdict is None:
        return page
    numbers = ctx.memo[CANDIDATES_KEY]
    page.judged, page.is_dump, page.heading = True, verdict.is_dump, verdict.page.heading
    page.texts = list(verdict.page.texts)
    by_number = {line.number: line for line in result.lines}
    page.final = [None if by_number[n].removed_by not in (None, "main-content") else by_number[n].text for n in numbers]
    page.lines = verdict.page
    if source.set == "devset":
        counts = [(sum(norm(s) in line for s in source.segments["with"]), sum(norm(s) in line for s in source.segments["without"]))
                  for line in map(norm, page.texts)]
        page.labels = [1 if content else 0 if boilerplate else -1 for content, boilerplate in counts]
        page.weights = [float(content + boilerplate) for content, boilerplate in counts]
        kept = extractor_labels(page.texts, extracted_text(source.id, source.html))
        page.evidence_labels = [label if label >= 0 else k for label, k in zip(page.labels, kept)]
    else:
        page.labels = wcxb_data.line_labels(page.texts, source.main_content)
        page.weights = [1.0 if label >= 0 else 0.0 for label in page.labels]
        page.evidence_labels = list(page.labels)
    return page


def add_rows(page: Page) -> None:
    """The page's base features (all but word evidence), computed from what main-content worked out."""
    import numpy as np
    rows = context_rows(page.lines) if page.judged else []
    page.rows = np.array([[row[name] for name in BASE_NAMES] for row in rows], dtype=np.float64).reshape(len(rows), len(BASE_NAMES))


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


def learned_chrome(sources: list[Source]):
    """Each set's site chrome learned from its dumps, as `cleaner clean` learns it from a batch
    (WCXB pages grouped by their URL's host, the 990 pages' dump file as one group)."""
    learner = ChromeLearner()
    for source in sources:
        learner.add(source.text, url=source.url, group=None if source.url else f"{source.set}-dumps")
    return learner.learned()


# The version of what judge_page keeps for a page: change it with judge_page or Page, so that
# older cached pages are not read back.
JUDGED_FORMAT = 1


def cache_key(data: Path, sets: tuple[str, ...], limit: int) -> str:
    """What the judged pages depend on: the cleaner's code (but the features, computed from the
    cached pages on every run) and rules, this tool's labelling, the data."""
    digest = hashlib.sha256(repr((sets, limit, JUDGED_FORMAT)).encode())
    features = ROOT / "cleaner" / "fullpage" / "features.py"
    files = sorted([*(p for p in ROOT.glob("cleaner/**/*.py") if p != features), *ROOT.glob("rules/**/*.yaml"),
                    ROOT / "tools" / "wcxb_data.py", ROOT / "tools" / "devset_data.py"])
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    for path in sorted(p for p in data.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(data)} {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def judged_pages(data: Path, sets: tuple[str, ...], limit: int, cache: Path | None) -> list[Page]:
    global _CLEANER
    key = cache_key(data, sets, limit)
    path = cache / f"judged-{'-'.join(sets)}-{limit or 'all'}-{key}.pickle" if cache else None
    if path is not None and path.exists():
        with path.open("rb") as f:
            # Stored as plain fields: this file runs as __main__ or as an imported module.
            pages = [Page(**fields) for fields in pickle.load(f)]
        for page in pages:
            add_rows(page)
        return pages
    started = time.perf_counter()
    sources = load_sources(data, sets, limit)
    _CLEANER = _judging_cleaner(learned_chrome(sources))
    pages = []
    for n, source in enumerate(sources, 1):
        pages.append(judge_page(source))
        source.html = None
        if n % 250 == 0:
            print(f"  judged {n}/{len(sources)} dumps ({time.perf_counter() - started:.0f}s)", file=sys.stderr)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            pickle.dump([{name: getattr(page, name) for name in Page.__dataclass_fields__} for page in pages], f,
                        protocol=pickle.HIGHEST_PROTOCOL)
    for page in pages:
        add_rows(page)
    return pages


# ----------------------------------------------------------------------------------------------
# Learning

def learn_evidence(pages: list[Page], min_sites: int) -> dict[str, float]:
    """Each word's log-odds of standing in a boilerplate line rather than a content line, over
    the lines of `pages` with a label (or an extractor label), for the words found on at least
    `min_sites` sites. Rates are per word, not per line: content lines are long and boilerplate
    lines short, so per line nearly every word would look like content."""
    return word_log_odds(((words, label, page.site) for page in pages
                          for words, label in zip(page.words, page.evidence_labels)), min_sites)


def word_log_odds(lines: Iterable[tuple[Iterable[str], int, str]], min_sites: int) -> dict[str, float]:
    """Each word's smoothed log-odds of boilerplate against content over `lines` of (words, label,
    site): label 1 content, 0 boilerplate, below 0 unlabelled (skipped); only words seen on at least
    `min_sites` sites. Also train_boilerplate_lines.py's word table."""
    content, boilerplate, sites = Counter(), Counter(), defaultdict(set)
    n_content = n_boilerplate = 0
    for words, label, site in lines:
        if label < 0:
            continue
        words = list(words)
        if label:
            n_content += len(words)
            content.update(words)
        else:
            n_boilerplate += len(words)
            boilerplate.update(words)
        for word in words:
            sites[word].add(site)
    a = EVIDENCE_SMOOTHING
    return {word: round(math.log((boilerplate[word] + a) / (n_boilerplate + a))
                        - math.log((content[word] + a) / (n_content + a)), 3)
            for word in sorted(sites) if len(sites[word]) >= min_sites}


EVIDENCE_NAMES = sorted(name for name in FEATURES if name.startswith("ev_"))
NAMES = sorted(FEATURES)


def matrix(pages: list[Page], evidence: list[dict[str, float]]):
    """The feature rows of `pages`' lines (columns NAMES), each page's word evidence from its own table."""
    import numpy as np
    blocks = []
    for page, table in zip(pages, evidence):
        extra = evidence_rows(page.texts, table)
        ev = np.array([[row[name] for name in EVIDENCE_NAMES] for row in extra], dtype=np.float64).reshape(len(extra), len(EVIDENCE_NAMES))
        blocks.append(np.hstack([page.rows, ev]))
    X = np.vstack(blocks) if blocks else np.zeros((0, len(NAMES)))
    order = [(BASE_NAMES + EVIDENCE_NAMES).index(name) for name in NAMES]
    return X[:, order]


def out_of_fold_evidence(pages: list[Page], min_sites: int, folds: int) -> list[dict[str, float]]:
    """For each page, the word table learned from the other folds' sites (what a new site gets)."""
    from sklearn.model_selection import GroupKFold
    tables: list[dict[str, float]] = [{}] * len(pages)
    for train, test in GroupKFold(folds).split(pages, groups=[p.site for p in pages]):
        table = learn_evidence([pages[i] for i in train], min_sites)
        for i in test:
            tables[i] = table
    return tables


def page_weight(page: Page) -> float:
    """What each labelled line of `page` weighs in training, besides its own weight."""
    if page.set == "devset":
        return DEVSET_WEIGHT
    labelled = sum(w > 0 for w in page.weights)
    return min(1.0, WCXB_PAGE_WEIGHT / labelled) if labelled else 0.0


def fit_trees(pages: list[Page], evidence: list[dict[str, float]]):
    """Trees fitted on the labelled lines of `pages`, and the feature matrix of all their lines."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    X = matrix(pages, evidence)
    y = np.array([label for p in pages for label in p.labels], dtype=int)
    weight = np.array([w * page_weight(p) for p in pages for w in p.weights], float)
    labelled = (y >= 0) & (weight > 0)
    return HistGradientBoostingClassifier(**TREES).fit(X[labelled], y[labelled], sample_weight=weight[labelled]), X


# ----------------------------------------------------------------------------------------------
# Scoring what the cleaner would output

def output(page: Page, probabilities, threshold: float, settings: dict) -> str:
    """The cleaner's output for `page` with trees giving these probabilities: the trees decide in a
    page judged a dump, by the menu rules or by their own probabilities."""
    if probabilities is None or not page.judged or not (page.is_dump or model_says_dump(list(probabilities), settings)):
        return page.cleaned
    return "\n".join(text for i, (text, p) in enumerate(zip(page.final, probabilities))
                     if text is not None and (p >= threshold or i == page.heading))


def scores(pages: list[Page], probability: dict[int, object], threshold: float, settings: dict) -> dict:
    """devset: segment (P, R, F); wcxb: mean word (P, R, F) overall and per page type."""
    tp = fp = fn = 0
    per_type: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for i, page in enumerate(pages):
        text = output(page, probability.get(i), threshold, settings)
        if page.set == "devset":
            out = norm(text)
            for s in page.segments["with"]:
                if norm(s) in out:
                    tp += 1
                else:
                    fn += 1
            fp += sum(norm(s) in out for s in page.segments["without"])
        else:
            result = wcxb_data.prf(Counter(wcxb_data.tokens(text)), page.reference)
            per_type["all"].append(result)
            per_type[page.page_type].append(result)
    found = {}
    if tp + fn:
        precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
        found["devset"] = (precision, recall, 2 * precision * recall / max(1e-9, precision + recall))
    for kind, values in per_type.items():
        found[f"wcxb {kind}"] = tuple(sum(v[k] for v in values) / len(values) for k in range(3))
    return found


def print_scores(label: str, found: dict) -> None:
    parts = []
    if "devset" in found:
        parts.append("devset P/R/F " + " ".join(f"{v:.4f}" for v in found["devset"]))
    if "wcxb all" in found:
        parts.append("wcxb F " + f"{found['wcxb all'][2]:.4f}"
                     + "".join(f" {kind[:4]} {found['wcxb ' + kind][2]:.3f}" for kind in wcxb_data.TYPES
                               if f"wcxb {kind}" in found))
    print(f"  {label}: " + "; ".join(parts))


def export(model, word_evidence: dict[str, float]) -> dict:
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
    return {"features": NAMES, "baseline": float(model._baseline_prediction.ravel()[0]), "trees": trees,
            "trained_on": "full-page text dumps of both development sets (tools/train_line_model.py)",
            "settings": {**TREES, "evidence_smoothing": EVIDENCE_SMOOTHING, "devset_weight": DEVSET_WEIGHT,
                         "wcxb_page_weight": WCXB_PAGE_WEIGHT},
            "word_evidence": word_evidence}


def train(pages: list[Page], min_sites: int, folds: int) -> dict:
    """The model file's content, trained on all labelled lines of `pages`."""
    final, X = fit_trees(pages, out_of_fold_evidence(pages, min_sites, folds - 1))
    data = export(final, learn_evidence(pages, min_sites))
    # The trees as the cleaner will read them must give scikit-learn's probabilities.
    reader = LineModel(data["features"], data["baseline"], data["trees"], word_evidence=data["word_evidence"])
    check = final.predict_proba(X[:200])[:, 1]
    mine = [reader.probability(dict(zip(NAMES, row))) for row in X[:200]]
    assert max((abs(a - b) for a, b in zip(check, mine)), default=0.0) < 1e-5, "exported trees disagree with scikit-learn"
    return data


def model_bytes(data: dict) -> bytes:
    return (json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


def cross_validate(pages: list[Page], min_sites: int, folds: int) -> dict[int, object]:
    """Each judged page's line probabilities from trees and a word table that never saw its site."""
    from sklearn.model_selection import GroupKFold
    judged = [i for i, p in enumerate(pages) if p.judged]
    probability: dict[int, object] = {}
    for fold, (train_at, test_at) in enumerate(GroupKFold(folds).split(judged, groups=[pages[i].site for i in judged]), 1):
        train_pages = [pages[judged[k]] for k in train_at]
        model, _ = fit_trees(train_pages, out_of_fold_evidence(train_pages, min_sites, folds - 1))
        table = learn_evidence(train_pages, min_sites)
        test_pages = [pages[judged[k]] for k in test_at]
        p = model.predict_proba(matrix(test_pages, [table] * len(test_pages)))[:, 1]
        at = 0
        for k in test_at:
            n = len(pages[judged[k]].texts)
            probability[judged[k]] = p[at:at + n]
            at += n
        print(f"  fold {fold}/{folds} done", file=sys.stderr)
    return probability


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                    help="the folder holding devset/ and wcxb-dev/ (default ../shared/data beside the repository)")
    ap.add_argument("--sets", default=",".join(SETS), help="which sets to learn from (default: devset,wcxb)")
    ap.add_argument("--output", type=Path, default=ROOT / "rules" / "generic" / "main-content.model.json")
    ap.add_argument("--cache", type=Path, default=None,
                    help="a folder to keep the judged pages in (step 1), reused while the code, rules and data are unchanged")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages of each set (quick checks)")
    ap.add_argument("--folds", type=int, default=FOLDS, help="cross-validation folds, split by site (default 5)")
    ap.add_argument("--trees", type=json.loads, default={},
                    help='override tree settings, e.g. \'{"max_iter": 120, "max_depth": 4}\'')
    ap.add_argument("--min-sites", type=int, default=5,
                    help="a word enters the word-evidence table when this many sites use it (default 5)")
    ap.add_argument("--dry-run", action="store_true", help="print the cross-validated scores, write nothing")
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validation, only train and write")
    args = ap.parse_args()
    TREES.update(args.trees)
    try:
        from sklearn.model_selection import GroupKFold  # noqa: F401
        from threadpoolctl import threadpool_limits
    except ImportError:
        sys.exit("training needs scikit-learn: pip install -e '.[train]'")
    sets = tuple(s for s in args.sets.split(",") if s)
    unknown = sorted(set(sets) - set(SETS))
    if unknown:
        sys.exit(f"--sets: unknown set {', '.join(unknown)} (known: {', '.join(SETS)})")
    # One thread: the machine is shared, and the trees must not depend on how work was split.
    threadpool_limits(1)
    started = time.perf_counter()
    pages = judged_pages(args.data, sets, args.limit, args.cache)
    settings = main_content_rules(Cleaner())[0].settings  # the dump conditions the cleaner applies
    for name in sets:
        mine = [p for p in pages if p.set == name]
        judged = [p for p in mine if p.judged]
        labels = Counter(label for p in judged for label in p.labels)
        print(f"{name}: {len(mine)} dumps of {len({p.site for p in mine})} sites, main-content judged {len(judged)} "
              f"({sum(p.is_dump for p in judged)} dumps by the menu conditions); {sum(labels.values())} lines, "
              f"{labels[1]} content, {labels[0]} boilerplate, {labels[-1]} unknown")
    print(f"(judged in {time.perf_counter() - started:.0f}s)")
    if not args.no_cv:
        probability = cross_validate(pages, args.min_sites, args.folds)
        print(f"cross-validated by site ({args.folds} folds over both sets; each page scored by trees and words that never saw its site):")
        print_scores("without the model", scores(pages, {}, 0.5, settings))
        for threshold in THRESHOLDS:
            print_scores(f"keep_probability {threshold:.2f}", scores(pages, probability, threshold, settings))
    if args.dry_run:
        return 0
    data = train(pages, args.min_sites, args.folds)
    args.output.write_bytes(model_bytes(data))
    print(f"wrote {args.output} ({len(data['trees'])} trees, {len(NAMES)} features, {len(data['word_evidence'])} words)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
