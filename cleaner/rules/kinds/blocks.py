"""Rule kinds that judge runs of lines by their shape: `drop-block` (a heading and the list after
it), `drop-title-run` (headline-shaped lines around the article) and `collapse-repeats`."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex

from cleaner.document import Line
from cleaner.rules.kinds.base import (Context, Rule, Settings, ignore_case_setting, kept_lines, runs, setting,
                                      verbose_setting)
from cleaner.text.stats import is_prose, looks_like_title, normalized, strip_bullet


@dataclass(frozen=True)
class DropBlockSettings(Settings):
    """The settings of `drop-block` rules."""

    start: str = setting(required=True, pattern=True, help="Regex for the heading that opens the block.")
    stop: str | None = setting(None, pattern=True, help="Regex for a line that ends the block (it is kept).")
    ignore_case: bool = ignore_case_setting()
    verbose: bool = verbose_setting()
    max_lines: int = setting(60, help="Drop at most this many lines after the heading.")
    max_words: int = setting(12, help="The heading has at most this many words.")


class DropBlockRule(Rule):
    kind = "drop-block"
    phase = 2
    summary = ("Drop a heading line and the list that follows it, up to the next line of prose "
               "(a sentence of running text) or the end of the document.")
    settings_type = DropBlockSettings

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        candidates = kept_lines(lines)
        changed = False
        i = 0
        while i < len(candidates):
            heading = candidates[i]
            if heading.words > self.settings.max_words or not self.search("start", heading.text, ctx):
                i += 1
                continue
            ctx.drop(heading, self.id)
            changed = True
            taken = 0
            i += 1
            while i < len(candidates) and taken < self.settings.max_lines:
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


@dataclass(frozen=True)
class DropTitleRunSettings(Settings):
    """The settings of `drop-title-run` rules."""

    min_run: int = setting(3, help="How many headline-shaped lines in a row make a list.")
    min_words: int = setting(4, help="A headline has at least this many words.")
    max_words: int = setting(16, help="A headline has at most this many words.")
    anywhere: bool = setting(False, help="Also drop runs with prose on both sides (lists inside the article).")
    bulleted: bool = setting(
        True, help="Also count list items ('- ...', '• ...') as headlines; off leaves bulleted lists, "
                   "which an HTML extractor mostly keeps for content, alone.")


class DropTitleRunRule(Rule):
    kind = "drop-title-run"
    phase = 3
    summary = ("Drop runs of consecutive headline-shaped lines (a related-stories list with no heading) "
               "that sit before or after the article's prose.")
    settings_type = DropTitleRunSettings

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        candidates = kept_lines(lines)
        is_title = [looks_like_title(line.text, self.settings.min_words, self.settings.max_words)
                    and (self.settings.bulleted or strip_bullet(line.text) == line.text.strip())
                    and not _SENTENCE_BREAK.search(line.text)
                    for line in candidates]
        prose_at = [i for i, line in enumerate(candidates) if is_prose(line.text)]
        first_prose, last_prose = (prose_at[0], prose_at[-1]) if prose_at else (None, None)
        changed = False
        for start, end in runs(is_title):
            inside_article = first_prose is not None and first_prose < start and last_prose >= end
            if end - start >= self.settings.min_run and (self.settings.anywhere or not inside_article):
                for line in candidates[start:end]:
                    ctx.drop(line, self.id)
                changed = True
        return changed


@dataclass(frozen=True)
class CollapseRepeatsSettings(Settings):
    """The settings of `collapse-repeats` rules."""

    window: int = setting(3, help="How many preceding non-blank lines to compare with.")
    min_chars: int = setting(8, help="Ignore lines shorter than this.")
    max_copies: int = setting(
        0, help="Leave a line alone when the document has more copies of it than this (table cells, "
                "refrains); 0: no limit.")


class CollapseRepeatsRule(Rule):
    kind = "collapse-repeats"
    phase = 4
    summary = "Drop a line that repeats one of the few lines just before it (a title printed twice)."
    settings_type = CollapseRepeatsSettings

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        recent: list[str] = []
        changed = False
        candidates = kept_lines(lines)
        copies = Counter(normalized(line.text) for line in candidates) if self.settings.max_copies else None
        for line in candidates:
            key = normalized(line.text)
            if copies is not None and copies[key] > self.settings.max_copies:
                recent = (recent + [key])[-self.settings.window:]
                continue
            if len(key) >= self.settings.min_chars and key in recent:
                ctx.drop(line, self.id)
                changed = True
                continue
            recent = (recent + [key])[-self.settings.window:]
        return changed
