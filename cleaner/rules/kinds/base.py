"""What every rule kind is built on: the rule base class, its declared options, and the context
rules share while cleaning one document. A leaf: it imports no rule kind.

A rule file names a kind and gives its settings; the engine never knows which site a rule is for.
Every kind works on the document's lines and only looks at lines no earlier rule removed.
A kind's `phase` orders the work: fields are captured first, then lines and fragments are
dropped, then blocks, then the shape-based kinds that judge what is left.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Iterator, Sequence

import regex

from cleaner.document import Line, Removal


class PatternTimeout(Exception):
    """A rule's pattern ran past its time limit on one document."""

    def __init__(self, rule_id: str):
        super().__init__(rule_id)
        self.rule_id = rule_id


@dataclass
class Context:
    """What rules share while cleaning one document."""

    metadata: dict[str, Any] = field(default_factory=dict)
    removals: list[Removal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pattern_timeout: float = 2.0
    text_changed: bool = False  # a strip rule rewrote a line in this pass
    from_html: bool = False  # the text is an HTML extractor's output, not the document as scraped
    # Facts about the whole document that rules work out once and reuse on later passes (the
    # document's stopword list: dropping a few lines does not change its language).
    memo: dict[str, Any] = field(default_factory=dict)
    # Why a rule judged a line as it did, by line number, for `cleaner explain` (main-content's
    # trees give each line of a dump a probability).
    notes: dict[int, tuple[str, str]] = field(default_factory=dict)  # line number -> (rule id, note)

    def remember(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    # Counts every change to the lines (a drop, a rewritten line): a rule that found nothing to do
    # at one version finds nothing again at the same version, so the engine need not ask it.
    version: int = 0

    def drop(self, line: Line, rule_id: str) -> None:
        line.removed_by = rule_id
        self.removals.append(Removal(rule_id, line.text, line.number))
        self.version += 1


def kept_lines(lines: list[Line]) -> list[Line]:
    """Lines still in the document, blank ones left out."""
    return [line for line in lines if line.kept and not line.blank]


def runs(flags: Sequence[bool]) -> Iterator[tuple[int, int]]:
    """[start, end) of every maximal run of true values (a list, a menu, a gap in the text).

    >>> list(runs([False, True, True, False, True]))
    [(1, 3), (4, 5)]
    """
    start = None
    for i, flag in enumerate(flags):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            yield start, i
            start = None
    if start is not None:
        yield start, len(flags)


class RuleDataError(ValueError):
    """A data file a rule reads (a learned line model) cannot be used; the message names the
    file and what is wrong. The rule set loader reports it as a problem of the rule."""


@dataclass
class Option:
    """One setting a rule kind accepts in YAML."""

    type: type | tuple[type, ...]
    default: Any = None
    required: bool = False
    help: str = ""
    is_path: bool = False  # a file named relative to the rule file (the loader resolves and checks it)


class Rule:
    """Base of every rule kind: id, description and the compiled settings."""

    kind: ClassVar[str]
    phase: ClassVar[int]
    summary: ClassVar[str]
    # A context-free rule judges each line by its own text alone, so running it again changes
    # nothing unless some line's text changed.
    context_free: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {}

    def __init__(self, rule_id: str, description: str, settings: dict[str, Any], compile_pattern):
        self.id = rule_id
        self.description = description
        self.enabled = settings.get("enabled", True)
        self.settings = {name: settings.get(name, opt.default) for name, opt in self.options.items()}
        flags = (regex.IGNORECASE if self.settings.get("ignore_case") else 0) | (
            regex.VERBOSE if self.settings.get("verbose") else 0)
        self.patterns = {
            name: compile_pattern(self.settings[name], flags)
            for name, opt in self.options.items()
            if name in PATTERN_OPTIONS and self.settings.get(name) is not None
        }

    def search(self, name: str, text: str, ctx: Context) -> regex.Match[str] | None:
        try:
            return self.patterns[name].search(text, timeout=ctx.pattern_timeout)
        except TimeoutError:
            raise PatternTimeout(self.id) from None

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        """Judge the lines; return True when anything changed."""
        raise NotImplementedError


PATTERN_OPTIONS = {"pattern", "start", "stop"}
IGNORE_CASE = Option(bool, False, help="Match letters regardless of case.")
VERBOSE = Option(bool, False, help="Ignore white space and #-comments in patterns (write spaces as \\s or [ ]), "
                                    "so a long pattern can be folded over several YAML lines.")
MIN_WORDS = Option(int, 0, help="Only lines with at least this many words.")
MAX_WORDS = Option(int, 10_000, help="Only lines with at most this many words.")
