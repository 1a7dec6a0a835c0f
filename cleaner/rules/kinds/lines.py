"""Rule kinds that judge one line at a time by a pattern: `capture` (fields into metadata),
`drop-line` and `strip` (a fragment inside a line)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import regex

from cleaner.document import PAGE_TYPES, Line, Removal
from cleaner.rules.kinds.base import (Context, PatternTimeout, Rule, RuleDataError, Settings, ignore_case_setting,
                                      kept_lines, max_words_setting, min_words_setting, setting, verbose_setting)
from cleaner.text.dates import to_iso_date


def within_word_limits(rule: Rule, line: Line) -> bool:
    low, high = rule.settings.min_words, rule.settings.max_words
    if low == 0 and high == 10_000:  # the defaults of min_words_setting and max_words_setting
        return True  # no limits set: do not count
    return low <= line.words <= high


@dataclass(frozen=True)
class CaptureSettings(Settings):
    """The settings of `capture` rules."""

    pattern: str = setting(
        required=True, pattern=True, help="Regex with named groups, e.g. (?P<date>...) (?P<title>...).")
    ignore_case: bool = ignore_case_setting()
    verbose: bool = verbose_setting()
    drop: bool = setting(True, help="Drop the line once captured.")
    keep_on: str = setting(
        "", help="Page types, comma-separated (e.g. 'forum'), where the line is captured but kept: on a "
                 "forum thread each post's date line is part of the post.")
    first_lines: int = setting(0, help="Only look at the first N non-blank lines (0: everywhere).")
    min_words: int = min_words_setting()
    max_words: int = max_words_setting()


class CaptureRule(Rule):
    kind = "capture"
    phase = 0
    summary = "Capture named groups of a pattern into metadata (dates normalised to ISO 8601) and drop the line."
    settings_type = CaptureSettings

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # "The first N lines" depends on which lines earlier removals left.
        self.context_free = not self.settings.first_lines
        self.keep_on = frozenset(t.strip() for t in self.settings.keep_on.split(",") if t.strip())
        unknown = sorted(self.keep_on - set(PAGE_TYPES))
        if unknown:
            raise RuleDataError(f"unknown page type {unknown[0]!r} in 'keep_on'; known: {', '.join(PAGE_TYPES)}")

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        candidates = kept_lines(lines)
        if self.settings.first_lines:
            candidates = candidates[: self.settings.first_lines]
        changed = False
        for line in candidates:
            if not within_word_limits(self, line):
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
            if self.settings.drop and ctx.page_type not in self.keep_on:
                ctx.drop(line, self.id)
                changed = True
        return changed


@dataclass(frozen=True)
class DropLineSettings(Settings):
    """The settings of `drop-line` rules."""

    pattern: str = setting(required=True, pattern=True, help="Regex searched in each line (anchor it with ^ and $).")
    ignore_case: bool = ignore_case_setting()
    verbose: bool = verbose_setting()
    min_words: int = min_words_setting()
    max_words: int = max_words_setting()
    whole_line_words: int = setting(
        60, help="A line of more than this many words is a paragraph: when the match is less than half "
                 "of it, only the sentence holding the match is cut, and nothing when the paragraph is "
                 "that one sentence (a pitch phrase inside a post's opening paragraph).")


# Where a sentence ends: its punctuation (closing quotes and brackets allowed) and the space after it.
_SENTENCE_END = regex.compile(r"""[.!?…]+["'”’»)\]]*\s+""")


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) of the sentence(s) of `text` that hold the span [start, end).

    >>> text = "We opened in May. Subscribe to our newsletter! Then we grew."
    >>> a, b = sentence_around(text, 18, 34); text[a:b]
    'Subscribe to our newsletter! '
    """
    first, last = 0, len(text)
    for m in _SENTENCE_END.finditer(text):
        if m.end() <= start:
            first = m.end()
        elif m.start() >= end:
            last = m.end()
            break
    return first, last


class DropLineRule(Rule):
    kind = "drop-line"
    phase = 1
    context_free = True
    summary = ("Drop every line the pattern matches; in a long paragraph that the match is a small part "
               "of, only the sentence holding it.")
    settings_type = DropLineSettings

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        changed = False
        for line in kept_lines(lines):
            if not within_word_limits(self, line):
                continue
            match = self.search("pattern", line.text, ctx)
            if match:
                changed |= self.take(line, match, ctx)
        return changed

    def take(self, line: Line, match: regex.Match[str], ctx: Context) -> bool:
        """Remove what a match in this line stands for: the line, or in a paragraph the match is a
        small part of, the sentence holding it. Whether anything changed."""
        if (line.words <= self.settings.whole_line_words or 2 * (match.end() - match.start()) >= len(line.text)
                or self._matches_again(line.text, match, ctx)):
            ctx.drop(line, self.id)
            return True
        return self._cut_sentence(line, match, ctx)

    def _matches_again(self, text: str, match: regex.Match[str], ctx: Context) -> bool:
        """Whether the pattern also matches a later sentence of the paragraph: two pitches in one
        paragraph make it a pitch box, not an article's paragraph with a pitch phrase in it."""
        _, end = sentence_around(text, match.start(), match.end())
        return end < len(text) and self.search("pattern", text[end:], ctx) is not None

    def _cut_sentence(self, line: Line, match: regex.Match[str], ctx: Context) -> bool:
        """Cut the sentence holding the match out of a paragraph; a one-sentence paragraph stays."""
        start, end = sentence_around(line.text, match.start(), match.end())
        sentence, rest = line.text[start:end], (line.text[:start] + line.text[end:]).strip()
        if not regex.search(r"[\p{L}\p{N}]", rest):
            return False  # the paragraph is that sentence: it is the article's, not a pitch box
        ctx.removals.append(Removal(self.id, sentence.strip(), line.number, fragment=True))
        line.text = rest
        ctx.text_changed = True
        ctx.version += 1
        return True


@dataclass(frozen=True)
class StripSettings(Settings):
    """The settings of `strip` rules."""

    pattern: str = setting(required=True, pattern=True, help="Regex for the fragment to cut.")
    ignore_case: bool = ignore_case_setting()
    verbose: bool = verbose_setting()


class StripRule(Rule):
    kind = "strip"
    phase = 1
    context_free = True
    summary = "Cut what the pattern matches out of a line and keep the rest (a line left empty is dropped)."
    settings_type = StripSettings

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
                ctx.removals.append(Removal(self.id, fragment.strip(), line.number, fragment=True))
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
