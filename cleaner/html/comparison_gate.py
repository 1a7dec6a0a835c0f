"""Skip trafilatura's readability comparison where it provably cannot change the text.

trafilatura's full extraction (not `fast`) runs its own extractor, then readability on a copy of
the page and, for short or "unclean" results, justext (trafilatura/external.py,
compare_extraction); on the WCXB pages that comparison is a third of the extraction's time, and on
most pages it keeps trafilatura's own text. With the balanced focus, it keeps that text unchanged
(the same body, the same string) when all of these hold, which this module checks before paying
for readability:

- the text is at least MIN_EXTRACTED_SIZE characters and the body has no element of
  SANITIZED_XPATH (nav, aside, footer, figure...): justext is not tried;
- the body has paragraph text and no more tables than paragraphs (readability is not preferred
  for a "structurally deficient" extraction);
- readability's text cannot be more than twice as long as trafilatura's: `readability_bound`
  is an upper bound of its length (the page's text outside scripts, styles and the elements
  readability drops first as unlikely candidates, with every text node counted as if its words
  were joined by single spaces), and it must be at most twice the text's length.

Otherwise (and always in trafilatura's recall and precision modes, and in its recall retry) the
comparison runs as trafilatura runs it. The text is therefore identical to the full extraction's
on every page: tests/test_comparison_gate.py compares both on real pages, and on the 1,497 WCXB
and 990 dev-set pages every text was the same (docs/benchmarks.md, HTML pages: speed).

trafilatura has no hook for this, so `gated()` replaces trafilatura.core._extract_and_compare,
which is trafilatura's own two steps (extract_content, then compare_extraction) while no gate is
open: other callers of trafilatura in the process (a benchmark's trafilatura.extract) run the
unchanged code.
"""
from __future__ import annotations

import contextlib
import contextvars
from copy import copy
from typing import Iterator

import trafilatura.core
from lxml import etree
from trafilatura.external import SANITIZED_XPATH, compare_extraction
from trafilatura.main_extractor import extract_content
from trafilatura.readability_lxml import FRAME_TAGS, REGEXES

_UNLIKELY, _MAYBE = REGEXES["unlikelyCandidatesRe"], REGEXES["okMaybeItsACandidateRe"]
# What readability drops with everything inside before it scores anything.
_DROPPED_TAGS = {"script", "style", "fencedframe"}
# readability writes this into each iframe of a video it keeps.
_VIDEO_MARK = len("VIDEO")

_OPEN = contextvars.ContextVar("comparison_gate_open", default=False)
_original = trafilatura.core._extract_and_compare
skipped = {"compared": 0, "skipped": 0}  # counts since import, for benchmarks/html_speed.py


def _text_bound(text: str | None) -> int:
    """At most what a text node adds to a trimmed text: its non-space characters, plus one space
    before each of its words."""
    if not text:
        return 0
    words = text.split()
    return len("".join(words)) + len(words)


def readability_bound(tree: etree._Element) -> int:
    """An upper bound of the length of readability's text for this page (trafilatura's fork:
    it drops scripts, styles and unlikely candidates, then only moves or drops text, and the
    result is trimmed)."""
    total = 0
    walker = etree.iterwalk(tree, events=("start",))
    verdicts: dict[str, bool] = {}
    for _, element in walker:
        tag = element.tag
        total += _text_bound(element.tail)
        if not isinstance(tag, str):  # a comment or processing instruction: its tail only
            continue
        if tag in _DROPPED_TAGS:
            walker.skip_subtree()
            continue
        attrs = " ".join(filter(None, (element.get("class"), element.get("id"))))
        if len(attrs) >= 2 and tag not in FRAME_TAGS:
            unlikely = verdicts.get(attrs)
            if unlikely is None:
                low = attrs.lower()
                unlikely = verdicts[attrs] = bool(_UNLIKELY.search(low)) and not _MAYBE.search(low)
            if unlikely:
                walker.skip_subtree()
                continue
        if tag == "iframe":
            total += _VIDEO_MARK
        total += _text_bound(element.text)
    return total


def comparison_needed(body: etree._Element, text: str, tree: etree._Element, options) -> bool:
    """Whether compare_extraction could return anything but (body, text); True when unsure."""
    if options.focus != "balanced" or len(text) < options.min_extracted_size:
        return True
    if body.xpath(SANITIZED_XPATH):
        return True
    if not body.xpath(".//p//text()") or len(body.findall(".//table")) > len(body.findall(".//p")):
        return True
    return readability_bound(tree) > 2 * len(text)


def _gated_extract_and_compare(cleaned_tree, cleaned_tree_backup, tree, options):
    if not _OPEN.get() or options.fast:
        return _original(cleaned_tree, cleaned_tree_backup, tree, options)
    # trafilatura's own two steps, the comparison only where it could change the text
    postbody, temp_text = extract_content(cleaned_tree, options)
    if comparison_needed(postbody, temp_text, tree, options):
        skipped["compared"] += 1
        return compare_extraction(cleaned_tree_backup, copy(tree), postbody, temp_text, options)
    skipped["skipped"] += 1
    return postbody, temp_text


trafilatura.core._extract_and_compare = _gated_extract_and_compare


@contextlib.contextmanager
def gated() -> Iterator[None]:
    """trafilatura extractions inside the block skip the comparison where it cannot matter."""
    token = _OPEN.set(True)
    try:
        yield
    finally:
        _OPEN.reset(token)
