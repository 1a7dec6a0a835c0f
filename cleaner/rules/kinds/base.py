"""What every rule kind is built on: the rule base class, its declared options, and the context
rules share while cleaning one document. A leaf: it imports no rule kind.

A rule file names a kind and gives its settings; the engine never knows which site a rule is for.
Every kind works on the document's lines and only looks at lines no earlier rule removed.
A kind's `phase` orders the work: fields are captured first, then lines and fragments are
dropped, then blocks, then the shape-based kinds that judge what is left.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
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
    page_type: str | None = None  # the document's page type (document.PAGE_TYPES); None: not known
    # Facts about the whole document that rules work out once and reuse on later passes (the
    # document's stopword list: dropping a few lines does not change its language).
    memo: dict[str, Any] = field(default_factory=dict)
    # Why a rule judged a line as it did, by line number, for `cleaner explain` (main-content's
    # trees give each line of a dump a probability).
    notes: dict[int, tuple[str, str]] = field(default_factory=dict)  # line number -> (rule id, note)
    # Which rule patterns could match a line, from one scan of it (rules/prefilter.py); None: ask
    # every pattern.
    prefilter: Any = None

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


def setting(default: Any = None, *, help: str, required: bool = False, pattern: bool = False,
            path: bool = False) -> Any:
    """One setting of a rule kind: a field of the kind's frozen settings dataclass, whose default is
    what a rule file that leaves the setting out gets. `pattern`: a regex, compiled with the rule;
    `path`: a file named relative to the rule file (the loader resolves and checks it)."""
    return field(default=default, metadata={"help": help, "required": required, "pattern": pattern, "path": path})


def ignore_case_setting() -> Any:
    return setting(False, help="Match letters regardless of case.")


def verbose_setting() -> Any:
    return setting(False, help="Ignore white space and #-comments in patterns (write spaces as \\s or [ ]), so a "
                               "long pattern can be folded over several YAML lines.")


def min_words_setting() -> Any:
    return setting(0, help="Only lines with at least this many words.")


def max_words_setting() -> Any:
    return setting(10_000, help="Only lines with at most this many words.")


@dataclass(frozen=True)
class Option:
    """One setting a rule kind accepts in YAML, as the loader, the JSON Schema and the docs read it
    from the kind's settings dataclass."""

    name: str
    type: type  # bool, int, float (an int is accepted too) or str
    default: Any
    required: bool
    help: str
    is_pattern: bool
    is_path: bool


_SETTING_TYPES = {"bool": bool, "int": int, "float": float, "str": str}


@dataclass(frozen=True)
class Settings:
    """Base of every kind's settings: a frozen dataclass whose fields are the keys a rule of that
    kind takes in YAML, with their types, defaults and help."""

    @classmethod
    def options(cls) -> dict[str, Option]:
        found = {}
        for f in fields(cls):
            annotation = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
            found[f.name] = Option(f.name, _SETTING_TYPES[annotation.replace(" | None", "")], f.default,
                                   f.metadata["required"], f.metadata["help"], f.metadata["pattern"],
                                   f.metadata["path"])
        return found


class Rule:
    """Base of every rule kind: id, description and the compiled settings."""

    kind: ClassVar[str]
    phase: ClassVar[int]
    summary: ClassVar[str]
    # A context-free rule judges each line by its own text alone, so running it again changes
    # nothing unless some line's text changed.
    context_free: ClassVar[bool] = False
    settings_type: ClassVar[type[Settings]] = Settings
    options: ClassVar[dict[str, Option]] = {}  # the settings' declarations, by name (from settings_type)

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        cls.options = cls.settings_type.options()

    def __init__(self, rule_id: str, description: str, settings: dict[str, Any], compile_pattern):
        """`settings` are the rule file's keys, already checked by the loader."""
        self.id = rule_id
        self.description = description
        self.enabled = settings.get("enabled", True)
        # The page types the rule runs on (its own `page_types`, else its rule set's); None: all.
        self.page_types: frozenset[str] | None = None
        self.settings = self.settings_type(**{name: settings[name] for name in self.options if name in settings})
        flags = (regex.IGNORECASE if getattr(self.settings, "ignore_case", False) else 0) | (
            regex.VERBOSE if getattr(self.settings, "verbose", False) else 0)
        self.patterns = {
            name: compile_pattern(getattr(self.settings, name), flags)
            for name, option in self.options.items()
            if option.is_pattern and getattr(self.settings, name) is not None
        }

    def applies_to(self, page_type: str | None) -> bool:
        """Whether the rule runs on a document of this page type (a document whose type is not
        known gets every rule)."""
        return self.page_types is None or page_type is None or page_type in self.page_types

    def search(self, name: str, text: str, ctx: Context) -> regex.Match[str] | None:
        prefilter = ctx.prefilter
        if prefilter is not None and not prefilter.may_match((self, name), text):
            return None  # the line holds none of the words every match of this pattern contains
        try:
            return self.patterns[name].search(text, timeout=ctx.pattern_timeout)
        except TimeoutError:
            raise PatternTimeout(self.id) from None

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        """Judge the lines; return True when anything changed."""
        raise NotImplementedError
