"""How a site config's choices meet the extraction: the page is first extracted as it would be
without the file, and the file may then only narrow or clean that extraction, never replace it.

- Cuts: when the file cut something (or rewrote the HTML), the page is extracted again after the
  cuts; if that keeps less than half of the words of the first extraction, the cuts made the
  extractor lose the article (a stale strip, a class word now on a layout wrapper) and the first
  extraction is kept (MIN_KEPT_AFTER_CUTS).
- Body: the container is not extracted on its own (an extractor reads a cut-out container
  differently from the page: it loses headings, tables, the date); it anchors the extraction:
  lines of the extracted text that are found in the page's text but not inside the container are
  dropped (reported as the body directive's removals). That is done only when the container holds
  at least half of the extracted text (MIN_TEXT_IN_BODY; otherwise the body and the extractor
  disagree about what the page is, and a file's old XPath is the likelier to be wrong), and only on
  pages of one main text: a file is written for the articles of a feed, and on a forum thread,
  listing or collection its body picks one post or one item (PAGE_TYPES_WITHOUT_BODY).
- Metadata: the title and author XPaths win (they name the site's own fields); a date XPath only
  fills in a page with no date found, since the page's own metadata is more often current.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from cleaner.document import Removal
from cleaner.html.errors import ExtractionError
from cleaner.ftr.apply import BEFORE_EXTRACTION, PreparedPage, rule_id, squashed, visible_text

MIN_KEPT_AFTER_CUTS = 0.5
MIN_TEXT_IN_BODY = 0.5
PAGE_TYPES_WITHOUT_BODY = frozenset({"forum", "listing", "collection"})


def _words(text: str) -> int:
    return len(text.split())


def guided_extraction(prepared: PreparedPage, first, extract: Callable, page_type: str | None):
    """The extraction of a page with its site config: `first` is the page extracted as without the
    file (html/extract.py's ExtractedPage), `extract(tree)` extracts another version of the page,
    `page_type` is the page's type (given, or detected on the whole page). Returns the page to
    clean; adds the decisions (and, for lines the body drops, the removals) to `prepared`."""
    config = prepared.config
    page = first
    if prepared.changed_page:
        try:
            after = extract(prepared.tree)
        except ExtractionError:
            after = replace(first, text="")
        kept, before = _words(after.text), _words(first.text)
        if before and kept < MIN_KEPT_AFTER_CUTS * before:
            prepared.decisions.append(f"{config.name}: cuts undone: the page extracted after them kept {kept} of "
                                      f"{before} words")
            prepared.removals = []
        else:
            page = replace(after, metadata=first.metadata, page_type=first.page_type)
    if prepared.container_text is not None:
        if page_type in PAGE_TYPES_WITHOUT_BODY:
            prepared.decisions.append(f"{config.name}: body not used on a {page_type} page")
        else:
            page = _anchor_on_body(prepared, page)
    metadata = dict(page.metadata)
    for key in ("title", "author"):
        if prepared.metadata.get(key):
            metadata[key] = prepared.metadata[key]
    if prepared.metadata.get("date") and not metadata.get("date"):
        metadata["date"] = prepared.metadata["date"]
    return replace(page, metadata=metadata)


def _anchor_on_body(prepared: PreparedPage, page):
    """The page with the lines of its text that lie outside the body container dropped, when the
    container holds at least MIN_TEXT_IN_BODY of the text."""
    config, directive = prepared.config, prepared.body
    inside, whole = squashed(prepared.container_text), squashed(visible_text(prepared.tree))
    lines = page.text.split("\n")
    keep = []
    for line in lines:
        key = squashed(line)
        # A line found nowhere in the page's text (the extractor wrote it differently) is kept:
        # only lines positively outside the container go.
        keep.append(not key or key in inside or key not in whole)
    total = _words(page.text)
    held = sum(_words(line) for line, kept in zip(lines, keep) if kept)
    if not total or held == total:
        prepared.decisions.append(f"{config.name}: body (line {directive.line}) holds all of the extracted text")
        return page
    if held < MIN_TEXT_IN_BODY * total:
        prepared.decisions.append(f"{config.name}: body (line {directive.line}) not used: it holds {held} of the "
                                  f"{total} words extracted")
        return page
    rule = rule_id(config, directive)
    dropped = [line for line, kept in zip(lines, keep) if not kept]
    prepared.removals += [Removal(rule, " ".join(line.split()), BEFORE_EXTRACTION) for line in dropped if line.strip()]
    prepared.decisions.append(f"{config.name}: body (line {directive.line}) kept {held} of {total} words: "
                              f"{len(dropped)} line{'s' * (len(dropped) != 1)} outside it dropped")
    text = "\n".join(line for line, kept in zip(lines, keep) if kept)
    shapes = page.shapes
    if shapes is not None and len(shapes) == len(lines):
        shapes = [shape for shape, kept in zip(shapes, keep) if kept]
    return replace(page, text=text, shapes=shapes)
