"""The kinds of rule the engine knows. A rule file names a kind and gives its settings; the
engine never knows which site a rule is for.

Every kind works on the document's lines and only looks at lines no earlier rule removed.
A kind's `phase` orders the work: fields are captured first, then lines and fragments are
dropped, then blocks, then the shape-based kinds that judge what is left.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Iterator, Sequence

import regex

from .dates import to_iso_date
from .document import Line, Removal
from .textstats import is_prose, looks_like_title, normalized, strip_bullet


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
_IGNORE_CASE = Option(bool, False, help="Match letters regardless of case.")
_VERBOSE = Option(bool, False, help="Ignore white space and #-comments in patterns (write spaces as \\s or [ ]), "
                                    "so a long pattern can be folded over several YAML lines.")
_MIN_WORDS = Option(int, 0, help="Only lines with at least this many words.")
_MAX_WORDS = Option(int, 10_000, help="Only lines with at most this many words.")


def _within_word_limits(rule: Rule, line: Line) -> bool:
    low, high = rule.settings["min_words"], rule.settings["max_words"]
    if low == _MIN_WORDS.default and high == _MAX_WORDS.default:
        return True  # no limits set: do not count
    return low <= line.words <= high


class CaptureRule(Rule):
    kind = "capture"
    phase = 0
    summary = "Capture named groups of a pattern into metadata (dates normalised to ISO 8601) and drop the line."
    options = {
        "pattern": Option(str, required=True, help="Regex with named groups, e.g. (?P<date>...) (?P<title>...)."),
        "ignore_case": _IGNORE_CASE,
        "verbose": _VERBOSE,
        "drop": Option(bool, True, help="Drop the line once captured."),
        "first_lines": Option(int, 0, help="Only look at the first N non-blank lines (0: everywhere)."),
        "min_words": _MIN_WORDS,
        "max_words": _MAX_WORDS,
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # "The first N lines" depends on which lines earlier removals left.
        self.context_free = not self.settings["first_lines"]

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        candidates = kept_lines(lines)
        if self.settings["first_lines"]:
            candidates = candidates[: self.settings["first_lines"]]
        changed = False
        for line in candidates:
            if not _within_word_limits(self, line):
                continue
            match = self.search("pattern", line.text, ctx)
            if not match:
                continue
            for name, value in match.groupdict().items():
                if value is None or not value.strip():
                    continue
                value = value.strip()
                if name == "date":
                    value = to_iso_date(value)
                if value and name not in ctx.metadata:
                    ctx.metadata[name] = value
            if self.settings["drop"]:
                ctx.drop(line, self.id)
                changed = True
        return changed


class DropLineRule(Rule):
    kind = "drop-line"
    phase = 1
    context_free = True
    summary = "Drop every line the pattern matches."
    options = {
        "pattern": Option(str, required=True, help="Regex searched in each line (anchor it with ^ and $)."),
        "ignore_case": _IGNORE_CASE,
        "verbose": _VERBOSE,
        "min_words": _MIN_WORDS,
        "max_words": _MAX_WORDS,
    }

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        changed = False
        for line in kept_lines(lines):
            if _within_word_limits(self, line) and self.search("pattern", line.text, ctx):
                ctx.drop(line, self.id)
                changed = True
        return changed


class StripRule(Rule):
    kind = "strip"
    phase = 1
    context_free = True
    summary = "Cut what the pattern matches out of a line and keep the rest (a line left empty is dropped)."
    options = {
        "pattern": Option(str, required=True, help="Regex for the fragment to cut."),
        "ignore_case": _IGNORE_CASE,
        "verbose": _VERBOSE,
    }

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        changed = False
        for line in kept_lines(lines):
            fragments, rest = self._cut(line.text, ctx)
            if not fragments:
                continue
            changed = True
            if not regex.search(r"[\p{L}\p{N}]", rest):
                ctx.drop(line, self.id)
                continue
            for fragment in fragments:
                ctx.removals.append(Removal(self.id, fragment.strip(), line.number))
            line.text = regex.sub(r"[ \t]{2,}", " ", rest).strip()
            ctx.text_changed = True
            ctx.version += 1
        return changed

    # Cutting a fragment can join text into a new match ("a[x]b" around a cut); a few rounds of
    # cutting every match catch those. Each round is one linear scan, so a line with thousands
    # of matches costs thousands of matches, not thousands of scans of the whole line.
    MAX_ROUNDS = 16

    def _cut(self, text: str, ctx: Context) -> tuple[list[str], str]:
        """The fragments cut, and what is left of the line.

        >>> rule = StripRule("s", "d", {"pattern": r"\\[\\d+\\]"}, lambda p, f: regex.compile(p, f))
        >>> rule._cut("One[1] two[2] three[3]", Context())
        (['[1]', '[2]', '[3]'], 'One two three')
        """
        fragments: list[str] = []
        pattern = self.patterns["pattern"]
        for _ in range(self.MAX_ROUNDS):
            pieces: list[str] = []
            start = 0
            try:
                for match in pattern.finditer(text, timeout=ctx.pattern_timeout):
                    if match.end() == match.start():
                        break  # an empty match: nothing left to cut
                    pieces.append(text[start:match.start()])
                    fragments.append(match.group(0))
                    start = match.end()
            except TimeoutError:
                raise PatternTimeout(self.id) from None
            if not pieces:
                break
            pieces.append(text[start:])
            text = "".join(pieces)
        return fragments, text


class DropBlockRule(Rule):
    kind = "drop-block"
    phase = 2
    summary = ("Drop a heading line and the list that follows it, up to the next line of prose "
               "(a sentence of running text) or the end of the document.")
    options = {
        "start": Option(str, required=True, help="Regex for the heading that opens the block."),
        "stop": Option(str, None, help="Regex for a line that ends the block (it is kept)."),
        "ignore_case": _IGNORE_CASE,
        "verbose": _VERBOSE,
        "max_lines": Option(int, 60, help="Drop at most this many lines after the heading."),
        "max_words": Option(int, 12, help="The heading has at most this many words."),
    }

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        candidates = kept_lines(lines)
        changed = False
        i = 0
        while i < len(candidates):
            heading = candidates[i]
            if heading.words > self.settings["max_words"] or not self.search("start", heading.text, ctx):
                i += 1
                continue
            ctx.drop(heading, self.id)
            changed = True
            taken = 0
            i += 1
            while i < len(candidates) and taken < self.settings["max_lines"]:
                line = candidates[i]
                if is_prose(line.text):
                    break
                if "stop" in self.patterns and self.search("stop", line.text, ctx):
                    break
                ctx.drop(line, self.id)
                taken += 1
                i += 1
        return changed


# Two sentences on one line ("Problems with variables? Here is an excerpt."): a teaser's text or
# a paragraph, never a headline.
_SENTENCE_BREAK = regex.compile(r"\p{Ll}[.!?]\s+\p{Lu}\p{Ll}")


class DropTitleRunRule(Rule):
    kind = "drop-title-run"
    phase = 3
    summary = ("Drop runs of consecutive headline-shaped lines (a related-stories list with no heading) "
               "that sit before or after the article's prose.")
    options = {
        "min_run": Option(int, 3, help="How many headline-shaped lines in a row make a list."),
        "min_words": Option(int, 4, help="A headline has at least this many words."),
        "max_words": Option(int, 16, help="A headline has at most this many words."),
        "anywhere": Option(bool, False, help="Also drop runs with prose on both sides (lists inside the article)."),
        "bulleted": Option(bool, True, help="Also count list items ('- ...', '• ...') as headlines; off leaves "
                                            "bulleted lists, which an HTML extractor mostly keeps for content, alone."),
    }

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        candidates = kept_lines(lines)
        is_title = [looks_like_title(line.text, self.settings["min_words"], self.settings["max_words"])
                    and (self.settings["bulleted"] or strip_bullet(line.text) == line.text.strip())
                    and not _SENTENCE_BREAK.search(line.text)
                    for line in candidates]
        prose_at = [i for i, line in enumerate(candidates) if is_prose(line.text)]
        first_prose, last_prose = (prose_at[0], prose_at[-1]) if prose_at else (None, None)
        changed = False
        for start, end in runs(is_title):
            inside_article = first_prose is not None and first_prose < start and last_prose >= end
            if end - start >= self.settings["min_run"] and (self.settings["anywhere"] or not inside_article):
                for line in candidates[start:end]:
                    ctx.drop(line, self.id)
                changed = True
        return changed


class CollapseRepeatsRule(Rule):
    kind = "collapse-repeats"
    phase = 4
    summary = "Drop a line that repeats one of the few lines just before it (a title printed twice)."
    options = {
        "window": Option(int, 3, help="How many preceding non-blank lines to compare with."),
        "min_chars": Option(int, 8, help="Ignore lines shorter than this."),
        "max_copies": Option(int, 0, help="Leave a line alone when the document has more copies of it than "
                                          "this (table cells, refrains); 0: no limit."),
    }

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        recent: list[str] = []
        changed = False
        candidates = kept_lines(lines)
        copies = Counter(normalized(line.text) for line in candidates) if self.settings["max_copies"] else None
        for line in candidates:
            key = normalized(line.text)
            if copies is not None and copies[key] > self.settings["max_copies"]:
                recent = (recent + [key])[-self.settings["window"]:]
                continue
            if len(key) >= self.settings["min_chars"] and key in recent:
                ctx.drop(line, self.id)
                changed = True
                continue
            recent = (recent + [key])[-self.settings["window"]:]
        return changed


def _all_kinds() -> dict[str, type[Rule]]:
    # Kinds with a module of their own import the base classes above, so they are imported here, last.
    from .maincontent import MainContent
    from .offtopic import DropOffTopicRule

    kinds = (CaptureRule, DropLineRule, StripRule, DropBlockRule, DropTitleRunRule, CollapseRepeatsRule,
             DropOffTopicRule, MainContent)
    return {cls.kind: cls for cls in kinds}


RULE_KINDS: dict[str, type[Rule]] = _all_kinds()
