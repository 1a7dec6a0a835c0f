"""The data that flows through the pipeline: one input document, its lines, and the result."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cleaner.text.stats import word_count


@dataclass
class Removal:
    """One piece of text a rule took out: a whole line, or a fragment stripped from a line."""

    rule: str
    text: str
    line: int  # 1-based line number in the repaired text

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "text": self.text, "line": self.line}


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

    def as_record(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "metadata": self.metadata,
            "removed": [self._removal_record(r) for r in self.removed],
        }

    def note_by(self, rule: str, line: int) -> str:
        """The note `rule` left on `line` ("p=0.03": main-content's probability that the line was
        article text), or "" if it left none."""
        by, note = self.notes.get(line, ("", ""))
        return note if by == rule else ""

    def _removal_record(self, removal: Removal) -> dict[str, Any]:
        """A removal as JSON, with the note its rule left on that line, if any."""
        record = removal.as_dict()
        note = self.note_by(removal.rule, removal.line)
        if note:
            record["note"] = note
        return record
