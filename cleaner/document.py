"""The data that flows through the pipeline: one input document, its lines, and the result."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cleaner.text.stats import word_count

# What kind of page a document is (metadata.page_type), the seven types of the WCXB benchmark:
# an article (news, blog post, guide, review), a forum thread or Q&A page (every post is content),
# one product (its description and specifications), a collection (a category page or product
# grid), a listing (an index of articles, courses, reviews...), documentation (API docs, tutorials,
# wikis) and a service page (a company's or product's own pages: features, pricing, about).
PAGE_TYPES = ("article", "forum", "product", "collection", "listing", "documentation", "service")


@dataclass
class Removal:
    """One piece of text a rule took out: a whole line, or a fragment stripped from a line."""

    rule: str
    text: str
    line: int  # 1-based line number in the repaired text
    fragment: bool = False  # a piece cut out of the line (a strip rule), not the whole line

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "text": self.text, "line": self.line}


def removal_spans(repaired: str, removals: list[Removal]) -> list[tuple[int, int] | None]:
    """Where each removal is in the repaired text, as [start, end) character offsets.

    A removed line's span is the whole line (without its trailing white space); a fragment's is
    where it occurs in its line, each occurrence given once. A fragment that earlier cuts had
    joined together (it is not in the line as written) has no span: None.

    >>> text = "Title\\nBody [1] and [1] more.\\nPhoto: AP"
    >>> removals = [Removal("s", "[1]", 2, True), Removal("s", "[1]", 2, True), Removal("p", "Photo: AP", 3)]
    >>> [text[a:b] for a, b in removal_spans(text, removals)], removal_spans(text, removals)[:2]
    (['[1]', '[1]', 'Photo: AP'], [(11, 14), (19, 22)])
    """
    starts = [0]
    lines = repaired.split("\n")
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    taken: dict[int, list[tuple[int, int]]] = {}
    spans: list[tuple[int, int] | None] = []
    for removal in removals:
        index = removal.line - 1
        if not 0 <= index < len(lines):
            spans.append(None)
            continue
        line = lines[index].rstrip()
        if not removal.fragment:
            spans.append((starts[index], starts[index] + len(line)))
            continue
        found = None
        at = line.find(removal.text) if removal.text else -1
        while at >= 0:
            span = (at, at + len(removal.text))
            if all(span[1] <= a or span[0] >= b for a, b in taken.get(index, [])):
                found = span
                break
            at = line.find(removal.text, at + 1)
        if found is None:
            spans.append(None)
            continue
        taken.setdefault(index, []).append(found)
        spans.append((starts[index] + found[0], starts[index] + found[1]))
    return spans


@dataclass
class Line:
    """A line of the repaired document and the verdict the rules gave it."""

    number: int  # 1-based
    text: str
    removed_by: str | None = None
    # (text, its word count): several rules ask for the count, and a strip rule may change the text.
    _counted: tuple[str, int] | None = field(default=None, repr=False, compare=False)

    @property
    def words(self) -> int:
        if self._counted is None or self._counted[0] is not self.text:
            self._counted = (self.text, word_count(self.text))
        return self._counted[1]

    @property
    def kept(self) -> bool:
        return self.removed_by is None

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class CleanResult:
    """What cleaning one document gives: the clean text, its metadata and every removal."""

    text: str
    metadata: dict[str, Any]
    removed: list[Removal] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)  # every input line with its verdict (for explain)
    warnings: list[str] = field(default_factory=list)  # rules skipped for this document, and why
    notes: dict[int, tuple[str, str]] = field(default_factory=dict)  # line number -> (rule id, why it judged so)
    repaired: str = ""  # the repaired text the lines come from (what removal spans index)
    # What was decided about the document as a whole, and why, for explain: its page type
    # ("page type: forum (0.91): URL path /forum/") and, for HTML, which extraction was kept.
    decisions: list[str] = field(default_factory=list)

    def as_record(self, spans: bool = False, lines: bool = False) -> dict[str, Any]:
        """The record's own fields. With `spans`, each removal also carries its [start, end)
        character offsets in the repaired text, and the record that text as `repaired_text`.
        With `lines`, also every line with its verdict (what `cleaner explain` shows, for a
        review page): {"text", "removed_by"?, "note_by"?, "note"?} each."""
        removed = [self._removal_record(r) for r in self.removed]
        if spans:
            for entry, span in zip(removed, removal_spans(self.repaired, self.removed)):
                if span is not None:
                    entry["start"], entry["end"] = span
        record = {"text": self.text, "metadata": self.metadata, "removed": removed}
        if spans:
            record["repaired_text"] = self.repaired
        if lines:
            record["lines"] = [self._line_record(line) for line in self.lines]
        return record

    def note_by(self, rule: str, line: int) -> str:
        """The note `rule` left on `line` ("p=0.03": main-content's probability that the line was
        article text), or "" if it left none."""
        by, note = self.notes.get(line, ("", ""))
        return note if by == rule else ""

    def _line_record(self, line: Line) -> dict[str, Any]:
        """One line and its verdict; a rule's note on it ("p=0.83"), whether that rule dropped
        the line or (main-content) judged it and kept it."""
        record: dict[str, Any] = {"text": line.text}
        if line.removed_by is not None:
            record["removed_by"] = line.removed_by
        by, note = self.notes.get(line.number, ("", ""))
        if note:
            record["note_by"], record["note"] = by, note
        return record

    def _removal_record(self, removal: Removal) -> dict[str, Any]:
        """A removal as JSON, with the note its rule left on that line, if any."""
        record = removal.as_dict()
        note = self.note_by(removal.rule, removal.line)
        if note:
            record["note"] = note
        return record
