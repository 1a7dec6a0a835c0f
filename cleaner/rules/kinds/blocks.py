"""Rule kinds that judge runs of lines by their shape: `drop-block` (a heading and the list after
it), `drop-title-run` (headline-shaped lines around the article) and `collapse-repeats`."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex

from cleaner.document import Line
from cleaner.rules.kinds.base import (Context, Rule, Settings, ignore_case_setting, kept_lines, runs, setting,
                                      verbose_setting)
from cleaner.text.stats import ends_like_sentence, is_prose, looks_like_title, normalized, strip_bullet, word_count


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
               "(a sentence of running text) or the end of the document; a list of items ('- ...') "
               "ends at its last item.")
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
            # A list of items ends at its last item: the line after it is the article's next
            # heading or paragraph, not one more title of the list.
            itemised = i < len(candidates) and _is_item(candidates[i].text)
            while i < len(candidates) and taken < self.settings.max_lines:
                line = candidates[i]
                if is_prose(line.text) or (itemised and not _is_item(line.text)):
                    break
                if "stop" in self.patterns and self.search("stop", line.text, ctx):
                    break
                ctx.drop(line, self.id)
                taken += 1
                i += 1
        return changed


def _is_item(text: str) -> bool:
    """A list item: the line starts with a list marker ('- ', '• ', '* ')."""
    return strip_bullet(text) != text.strip()


# Two sentences on one line ("Problems with variables? Here is an excerpt."): a teaser's text or
# a paragraph, never a headline.
_SENTENCE_BREAK = regex.compile(r"\p{Ll}[.!?]\s+\p{Lu}\p{Ll}")

# What a line of a record holds and a headline does not: a day of a month, a clock time, an amount
# with its currency or unit, a street address, or a short label with its value ("Director: Jane
# Roe", "Venue: Olympia Hall"). A run of such lines is a schedule, a tour or race calendar, a credit
# list, a price list or spec lines: the article's own data, not a list of other stories.
_MONTH = (r"(?:jan(?:uary|vier|uar|eiro)?|feb(?:ruary|ruar)?|f[ée]vr(?:ier)?|fev(?:ereiro)?|mar(?:ch|s|zo|ço)?|märz|maart"
          r"|apr(?:il|ile)?|avr(?:il)?|abr(?:il)?|may|mai|mayo|maio|maggio|mei|june?|juni?|juin|junio|junho|giugno"
          r"|july?|juli|juil(?:let)?|julio|julho|luglio|aug(?:ust|usti)?|ao[uû]t|agosto|sept?(?:ember)?|septembre"
          r"|septiembre|setembro|settembre|oct(?:ober|obre)?|okt(?:ober)?|octubre|outubro|ottobre|nov(?:ember|embre|iembre|embro)?"
          r"|dec(?:ember)?|dez(?:ember|embro)?|d[ée]cembre|diciembre|dicembre"
          r"|января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
          r"|січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня)\.?")
_RECORD_FIELD = regex.compile(
    rf"(?:\b\d{{1,2}}\.?\s+(?:de\s+)?{_MONTH}\b|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b"   # 19 July, July 19th
    r"|\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b"                                                     # 19.07.2025, 2025-07-19
    r"|\b\d{1,2}(?::\d\d)?\s*(?:[ap]\.?m\.?|uhr|h)\b|\b\d{1,2}:\d\d\b"                           # 8 pm, 20:30
    r"|[$€£¥₽₴]\s?\d|\b\d[\d.,]*\s?(?:[$€£¥₽₴%]|usd|eur|gbp|kg|km|mm|cm|ml|gb|mb|tb|mah|kwh|hz|ghz)(?!\w)"  # amounts
    r"|\b\d{1,5}\s+(?:[NSEW]\.?\s+)?(?-i:(?:(?:\p{Lu}[\w'’.-]*|\d+(?:st|nd|rd|th))\s+){1,3})"                                  # 106 N Central Ave
    r"(?:st|street|ave|avenue|rd|road|blvd|boulevard|dr|drive|ln|lane|way|pl|place|sq|square)\b\.?"
    r"|^\s*[^\W\d][\w'’&/.-]*(?:\s+[\w'’&/.-]+){0,2}\s*:\s+\S+(?:\s+\S+){0,5}\s*$)",            # Label: value
    regex.IGNORECASE | regex.VERSION1)


def is_record_line(text: str) -> bool:
    """A line holding a date, a time, an amount, an address or a "Label: value" pair.

    >>> is_record_line("July 19 -- Olympia Hall, Toronto, ON")
    True
    >>> is_record_line("Art Director: Jane Roe")
    True
    >>> is_record_line("Kremlin to disregard U.S. comments on unauthorized protests")
    False
    """
    return bool(_RECORD_FIELD.search(strip_bullet(text)))


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
    before_article: bool = setting(
        True, help="Also drop runs before the article's first prose; off leaves the top of the text, "
                   "where an HTML extractor puts the article's own title, standfirst and headings, alone "
                   "(and a text with no prose at all keeps every run).")
    max_records: float = setting(
        1.0, help="Keep a run when more than this share of its lines hold a date, a time, an amount, an "
                  "address or a 'Label: value' pair (a schedule, a credit or price list); 1: never.")


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
            if end - start < self.settings.min_run or not self._around_article(start, end, first_prose, last_prose):
                continue
            run = candidates[start:end]
            if sum(is_record_line(line.text) for line in run) > self.settings.max_records * len(run):
                continue
            for line in run:
                ctx.drop(line, self.id)
            changed = True
        return changed

    def _around_article(self, start: int, end: int, first_prose: int | None, last_prose: int | None) -> bool:
        """Whether the run [start, end) sits where this rule looks: before or after the prose (or anywhere)."""
        if self.settings.anywhere:
            return True
        if first_prose is None:
            return self.settings.before_article
        after = start > last_prose
        before = end <= first_prose
        return after or (before and self.settings.before_article)


@dataclass(frozen=True)
class CollapseRepeatsSettings(Settings):
    """The settings of `collapse-repeats` rules."""

    window: int = setting(3, help="How many preceding non-blank lines to compare with.")
    min_chars: int = setting(8, help="Ignore lines shorter than this.")
    max_copies: int = setting(
        0, help="Leave a line alone when the document has more copies of it than this (table cells, "
                "refrains); 0: no limit.")
    max_words: int = setting(
        0, help="Leave a line of more words than this alone: a repeated title or label is short, a "
                "repeated paragraph is the page's own (a pull quote, a quoted post); 0: no limit.")
    keep_sentences: bool = setting(
        False, help="Leave a line alone that ends like a sentence (., !, ?: prose, an FAQ question), "
                    "however short.")
    keep_code: bool = setting(
        False, help="Leave a line alone that looks like code (indented, or holding brackets, braces, "
                    "semicolons or '='): a manual's examples repeat their lines.")


# A line of code as an extractor keeps it: indented, or with the punctuation prose and labels lack.
_CODE_LINE = regex.compile(r"^(?:\t| {2,})\S|[{}();=\[\]]")


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
            if len(key) >= self.settings.min_chars and key in recent and self._may_drop(line.text):
                ctx.drop(line, self.id)
                changed = True
                continue
            recent = (recent + [key])[-self.settings.window:]
        return changed

    def _may_drop(self, text: str) -> bool:
        """Whether a repeat of this line may be chrome: only short lines that are no sentence."""
        if self.settings.max_words and word_count(text) > self.settings.max_words:
            return False
        if self.settings.keep_code and _CODE_LINE.search(text):
            return False
        return not (self.settings.keep_sentences and ends_like_sentence(text))
