"""Reading and scoring the WCXB development split, for the tools beside this file.

The split (../shared/data/wcxb-dev, see its README) has 1,497 pages of 1,295 sites, each with
its main content written out by hand and a page type. Scores are the benchmark's own, as
../shared/tools/wcxb.py computes them (that script is not importable from the repository):
lowercase word tokens, bag-of-words precision / recall / F1 per page, averaged over pages.

The training tool also needs each line of a page's full-page dump labelled "main content" or
not; `line_labels` does that from the hand-written main content, by a rule stated in its
docstring.
"""
from __future__ import annotations

import json
import lzma
import re
import tarfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

TYPES = ("article", "forum", "product", "collection", "listing", "documentation", "service")


def tokens(text: str | None) -> list[str]:
    """The benchmark's tokens: lowercase \\w+ runs."""
    return re.findall(r"\w+", (text or "").lower())


def prf(predicted: Counter, reference: Counter) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 of one page (token counts), as the benchmark scores it."""
    if not reference:
        return (1.0, 1.0, 1.0) if not predicted else (0.0, 0.0, 0.0)
    if not predicted:
        return (0.0, 0.0, 0.0)
    overlap = sum((predicted & reference).values())
    precision, recall = overlap / sum(predicted.values()), overlap / sum(reference.values())
    return precision, recall, (2 * precision * recall / (precision + recall) if overlap else 0.0)


@dataclass
class WcxbPage:
    id: str
    url: str
    page_type: str
    main_content: str
    dump: str


def load_pages(folder: Path) -> list[WcxbPage]:
    """The split's pages (ground truth from the archive, dumps from fullpage-text.jsonl.xz), by id."""
    truth: dict[str, dict] = {}
    with tarfile.open(folder / "wcxb-dev.tar.xz") as archive:
        for member in archive:
            if member.isfile() and member.name.startswith("ground-truth/") and member.name.endswith(".json"):
                truth[Path(member.name).stem] = json.load(archive.extractfile(member))
    dumps: dict[str, str] = {}
    with lzma.open(folder / "fullpage-text.jsonl.xz", "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                dumps[str(record["id"])] = record["text"]
    pages = []
    for page_id in sorted(truth):
        data = truth[page_id]
        kind = ((data.get("_internal") or {}).get("page_type") or {})
        kind = kind.get("primary", "article") if isinstance(kind, dict) else (kind or "article")
        pages.append(WcxbPage(page_id, data.get("url") or "", "collection" if kind == "category" else kind,
                              (data.get("ground_truth") or {}).get("main_content") or "", dumps.get(page_id, "")))
    return pages


# A line of this many tokens or more found in the main content is its text, wherever it falls
# there; a shorter one ("Share", "Our story") only when it is a whole line of the main content.
LONG_LINE_TOKENS = 5
# A longer line is content when this share of its word trigrams is in the main content, and
# boilerplate when at most the second share is (between the two: unknown, not learned from).
CONTENT_TRIGRAMS, BOILERPLATE_TRIGRAMS = 0.8, 0.2
# The unambiguous content lines that place the main content in the dump: this many tokens or more.
ANCHOR_TOKENS = 8


def _trigrams(words: list[str]) -> list[tuple[str, str, str]]:
    return list(zip(words, words[1:], words[2:]))


def line_labels(texts: list[str], main_content: str) -> list[int]:
    """Each dump line's label from the page's hand-written main content: 1 content, 0 boilerplate,
    -1 unknown (not learned from). The rule, on the benchmark's tokens:

    - a line with no tokens is unknown;
    - a line whose tokens are a whole line of the main content is content; so is a line of at
      least LONG_LINE_TOKENS tokens found as a run anywhere in it;
    - another line of three tokens or more is content when at least 80% of its word trigrams are
      in the main content, boilerplate when at most 20% are, else unknown (a line that glues a
      sentence of the article to a button label);
    - a shorter line is boilerplate when its tokens are not in the main content at all, unknown
      when they are only inside a longer line of it ("Share" in "Share your thoughts below");
    - a line the dump prints more often than the main content holds it (the page title in the
      dump's first line and as the article's heading; "Our story" in the menu and as a heading)
      is content only as many times as the main content holds it: the copies nearest to the
      content's long unique lines, the others are boilerplate.

    >>> line_labels(["Council votes | Gazette", "Home", "Our story", "Council votes",
    ...              "The council voted on Tuesday to build the bridge.", "Our story", "Share"],
    ...             "Council votes\\n\\nThe council voted on Tuesday to build the bridge.\\n\\nOur story\\n\\nShare your view.")
    [0, 0, 0, 1, 1, 1, -1]
    """
    reference = tokens(main_content)
    whole_lines = Counter(" ".join(tokens(line)) for line in main_content.splitlines() if tokens(line))
    joined = " " + " ".join(reference) + " "
    trigrams = set(_trigrams(reference))
    words = [tokens(text) for text in texts]
    labels = []
    for line_words in words:
        key = " ".join(line_words)
        if not line_words:
            labels.append(-1)
        elif key in whole_lines or (len(line_words) >= LONG_LINE_TOKENS and f" {key} " in joined):
            labels.append(1)
        elif len(line_words) >= 3:
            grams = _trigrams(line_words)
            share = sum(g in trigrams for g in grams) / len(grams)
            labels.append(1 if share >= CONTENT_TRIGRAMS else 0 if share <= BOILERPLATE_TRIGRAMS else -1)
        else:
            labels.append(-1 if f" {key} " in joined else 0)
    # Copies beyond what the main content holds.
    keys = [" ".join(w) for w in words]
    occurrences: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if labels[i] == 1:
            occurrences.setdefault(key, []).append(i)
    counts = Counter(keys)
    anchors = [i for i, key in enumerate(keys) if labels[i] == 1 and len(words[i]) >= ANCHOR_TOKENS and counts[key] == 1]
    for key, found in occurrences.items():
        held = whole_lines[key] or joined.count(f" {key} ")
        if not held or len(found) <= held:  # (not held: content by its trigrams, counted no further)
            continue
        if anchors:
            found = sorted(found, key=lambda i: (min(abs(i - a) for a in anchors), i))
        for i in found[held:]:
            labels[i] = 0
    return labels


def load_html(folder: Path) -> dict[str, str]:
    """The split's HTML pages by id, decoded as the benchmark's scorer decodes them (UTF-8)."""
    pages = {}
    with tarfile.open(folder / "wcxb-dev.tar.xz") as archive:
        for member in archive:
            if member.isfile() and member.name.startswith("html/") and member.name.endswith(".html"):
                pages[Path(member.name).stem] = archive.extractfile(member).read().decode("utf-8", "replace")
    return pages
