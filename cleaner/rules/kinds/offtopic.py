"""The `drop-off-topic` rule kind: a paragraph from another article pasted into this one.

Scrapers sometimes splice a paragraph of an unrelated story into an article (a teaser widget
flattened into the text). Such a paragraph shares none of the article's topic words: the content
words that recur across several of its lines (names, places, the subject). A long line with no
topic word at all, in an article long enough to have a clear topic, is dropped, together with a
headline-shaped line right before it that has no topic word either (the other story's title).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import regex

from cleaner.document import Line
from cleaner.rules.kinds.base import Context, Rule, Settings, kept_lines, setting
from cleaner.text.stoplists import text_stoplist
from cleaner.text.stats import looks_like_title

_CONTENT_WORD = regex.compile(r"\p{L}[\p{L}\p{N}'’\-]*")
COHERENCE_MIN_WORDS = 8
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")


@lru_cache(maxsize=1 << 12)
def content_words(text: str, stopwords: frozenset[str], min_length: int) -> frozenset[str]:
    """The line's words that can carry a topic: long enough, not stopwords. Cached: the rule asks
    again for the same lines in every pass."""
    folded = {word.casefold() for word in _CONTENT_WORD.findall(text)}
    return frozenset(w for w in folded if len(w) >= min_length and w not in stopwords)


@dataclass(frozen=True)
class DropOffTopicSettings(Settings):
    """The settings of `drop-off-topic` rules."""

    min_words: int = setting(15, help="Only judge lines with at least this many words.")
    min_lines: int = setting(10, help="Only judge documents with at least this many non-blank lines.")
    topic_lines: int = setting(3, help="A topic word occurs in at least this many lines.")
    min_topic_words: int = setting(8, help="Only judge documents with at least this many topic words.")
    min_word_length: int = setting(4, help="Shorter words never count as topic words.")
    min_coherence: float = setting(
        0.9, help="Only judge documents where at least this share of the long lines have a topic word (a "
                  "focused article).")
    needs_headline: bool = setting(
        True, help="Only drop a paragraph that comes right after a headline-shaped line with no topic "
                   "word either (another story's title and lead).")
    max_paragraphs: int = setting(
        1, help="Drop at most this many paragraphs per document; more off-topic paragraphs than that "
                "means the article is just varied.")


class DropOffTopicRule(Rule):
    kind = "drop-off-topic"
    phase = 5
    summary = ("Drop a long paragraph that shares no topic word with the rest of the article (a paragraph "
               "of another story pasted in), with the headline just before it.")
    settings_type = DropOffTopicSettings

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        candidates = kept_lines(lines)
        if len(candidates) < self.settings.min_lines:
            return False
        if self.settings.needs_headline and not self._has_headed_paragraph(candidates):
            return False  # nothing could be dropped: spare the stoplist guess and topic words
        text = "\n".join(line.text for line in candidates)
        if len(_CJK.findall(text)) > len(text) / 4:
            return False  # no spaces between words: word overlap says nothing here
        stopwords = ctx.remember("stoplist", lambda: text_stoplist(text))
        words = [content_words(line.text, stopwords, self.settings.min_word_length) for line in candidates]
        lines_with = Counter(word for line_words in words for word in line_words)
        topic = {word for word, n in lines_with.items() if n >= self.settings.topic_lines}
        if len(topic) < self.settings.min_topic_words:
            return False
        # Coherence is judged on every sentence-length line; only long ones are candidates to drop.
        sentences = [i for i, line in enumerate(candidates)
                     if line.words >= COHERENCE_MIN_WORDS and not looks_like_title(line.text, max_words=20)]
        unrelated = [i for i in sentences if not words[i] & topic]
        strays = [i for i in unrelated if candidates[i].words >= self.settings.min_words]
        if not strays or len(strays) > self.settings.max_paragraphs:
            return False
        if 1 - len(unrelated) / len(sentences) < self.settings.min_coherence:
            return False
        changed = False
        for i in strays:
            before = candidates[i - 1] if i > 0 else None
            headline = before is not None and looks_like_title(before.text) and not words[i - 1] & topic
            if self.settings.needs_headline and not headline:
                continue
            if headline:
                ctx.drop(before, self.id)
            ctx.drop(candidates[i], self.id)
            changed = True
        return changed

    def _has_headed_paragraph(self, candidates: list[Line]) -> bool:
        """A line long enough to judge right after a headline-shaped line: the only shape this rule
        drops when `needs_headline` is on."""
        return any(line.words >= self.settings.min_words and looks_like_title(before.text)
                   for before, line in zip(candidates, candidates[1:]))
