"""Site chrome learned from a batch: lines that recur across many documents of one site.

A scraper's folder of pages from one site repeats that site's menus, footers and subscription
boxes in every document, word for word, while each article is different. Counting in how many
documents of a group each line occurs finds the chrome without any rule written for the site.

A document's group is its site: the host of its URL (JSONL `url`), or else the folder it was
read from. Counting keeps one small hash per distinct line and group, and drops the rarest
hashes when a group holds too many, so memory stays bounded on any batch size.

    >>> learner = ChromeLearner(min_documents=3, min_share=0.5)
    >>> for n in range(4):
    ...     learner.add(f"Home\\nNews\\nArticle number {n} is about something else.\\nImprint", url=f"https://a.example/{n}")
    >>> chrome = learner.learned()
    >>> sorted(line for line, _ in chrome.lines_for("a.example"))
    ['Home', 'Imprint', 'News']
    >>> chrome.is_chrome("  news ", url="https://www.a.example/5")
    True
"""
from __future__ import annotations

import hashlib
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit

from cleaner.io.decode import decode_bytes
from cleaner.document import Line
from cleaner.rules.kinds.base import Context, kept_lines
from cleaner.io.inputs import Input, InputItem
from cleaner.text.stats import normalized

RULE_ID = "learned-chrome"


def group_for(url: str | None = None, path: str | None = None) -> str | None:
    """The site a document belongs to: its URL's host (without www.), else its folder.

    >>> group_for("https://www.example.org/a/b"), group_for(None, "pages/site-a/1.txt")
    ('example.org', 'pages/site-a')
    """
    if url:
        host = (urlsplit(url).hostname or "").lower()
        if host:
            return host.removeprefix("www.")
    if path:
        return Path(path).parent.as_posix()
    return None


def line_key(text: str) -> bytes | None:
    """A short hash of a line as compared across documents (case, spacing, end punctuation ignored)."""
    key = normalized(text)
    if not key:
        return None
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()


@dataclass
class _Group:
    documents: int = 0
    counts: Counter = field(default_factory=Counter)  # line hash -> documents it occurs in
    texts: dict[bytes, str] = field(default_factory=dict)  # line hash -> the line, once in 2 documents
    first: dict[bytes, str] = field(default_factory=dict)  # line hash -> the line, in 1 (keep_first only)


class ChromeLearner:
    """First pass over a batch: count in how many documents of each group every line occurs."""

    def __init__(self, min_documents: int = 5, min_share: float = 0.5, max_line_chars: int = 300,
                 max_lines_per_group: int = 200_000, keep_first: bool = False):
        self.min_documents = min_documents
        self.min_share = min_share
        self.max_line_chars = max_line_chars  # longer lines are prose, never counted
        self.max_lines_per_group = max_lines_per_group
        # Counting one shard of a batch (on a cluster worker): lines met once keep their text too,
        # for when a later shard meets them again (merge).
        self.keep_first = keep_first
        self.groups: dict[str, _Group] = {}

    def add(self, text: str, url: str | None = None, path: str | None = None, group: str | None = None) -> None:
        group = group or group_for(url, path)
        if group is None:
            return
        stats = self.groups.setdefault(group, _Group())
        stats.documents += 1
        seen: set[bytes] = set()
        for raw in text.split("\n"):
            if len(raw) > self.max_line_chars:
                continue
            key = line_key(raw)
            if key is None or key in seen:
                continue
            seen.add(key)
            stats.counts[key] += 1
            if stats.counts[key] == 1 and self.keep_first:
                stats.first[key] = raw.strip()
            elif stats.counts[key] == 2:
                # Text only for lines met in a second document: an article's own lines (nearly all
                # of them) cost an 8-byte hash and a count, not their text.
                stats.texts[key] = raw.strip()
        if len(stats.counts) > self.max_lines_per_group:
            self._prune(stats)

    @staticmethod
    def _prune(stats: _Group) -> None:
        # Lines seen in a single document so far are the article's own: forgetting them bounds
        # memory and can only hide chrome that a page shows once, which is not chrome.
        for key in [k for k, n in stats.counts.items() if n <= 1]:
            del stats.counts[key]
            stats.texts.pop(key, None)
            stats.first.pop(key, None)

    def merge(self, later: "ChromeLearner") -> None:
        """Add the counts of the documents that come after ours in the batch, counted elsewhere
        (a shard on a cluster worker, with keep_first): the result is what adding them here would
        have given, pruning aside (a site with more than max_lines_per_group distinct lines is
        pruned once per merge instead of as it grows)."""
        for name, theirs in later.groups.items():
            ours = self.groups.setdefault(name, _Group())
            ours.documents += theirs.documents
            for key, n in theirs.counts.items():
                before = ours.counts[key]
                ours.counts[key] = before + n
                if before >= 2:
                    continue
                # The line's text is taken from the second document it occurs in, as add() does.
                if before == 1:
                    ours.texts[key] = theirs.first.get(key) or theirs.texts.get(key) or ours.first.get(key, "")
                    ours.first.pop(key, None)
                elif n >= 2:
                    ours.texts[key] = theirs.texts[key]
                elif key in theirs.first:
                    ours.first[key] = theirs.first[key]
            if len(ours.counts) > self.max_lines_per_group:
                self._prune(ours)

    def add_input(self, item: Input, group: str | None = None) -> None:
        """Count one batch input (in `group` if given, else its site's); HTML pages and
        unreadable documents are skipped."""
        if not isinstance(item, InputItem) or item.kind != "text":
            return
        try:
            text = item.content if isinstance(item.content, str) else decode_bytes(item.content)
        except Exception:  # the cleaning pass reports the document's error; learning just skips it
            return
        self.add(text, url=item.url, path=item.path, group=group)

    def learned(self) -> "LearnedChrome":
        chrome: dict[str, dict[bytes, tuple[str, int]]] = {}
        documents: dict[str, int] = {}
        for name, stats in self.groups.items():
            if stats.documents < self.min_documents:
                continue
            need = max(2, self.min_documents, self.min_share * stats.documents)  # chrome recurs
            lines = {key: (stats.texts[key], n) for key, n in stats.counts.items() if n >= need}
            if lines:
                chrome[name] = lines
                documents[name] = stats.documents
        return LearnedChrome(chrome, documents)


@dataclass
class LearnedChrome:
    """Per group, the chrome lines (hash -> (line, documents it occurs in)) and the group's size."""

    lines: dict[str, dict[bytes, tuple[str, int]]]
    documents: dict[str, int]

    def __bool__(self) -> bool:
        return bool(self.lines)

    def lines_for(self, group: str) -> list[tuple[str, int]]:
        """The group's chrome lines with their document counts, most frequent first."""
        found = self.lines.get(group, {}).values()
        return sorted(found, key=lambda item: (-item[1], item[0]))

    def is_chrome(self, text: str, url: str | None = None, path: str | None = None) -> bool:
        group = group_for(url, path)
        return group is not None and line_key(text) in self.lines.get(group, {})

    def drop(self, lines: list[Line], ctx: Context, url: str | None = None, path: str | None = None) -> int:
        """Drop the document's lines that are its site's chrome; return how many."""
        known = self.lines.get(group_for(url, path) or "", {})
        if not known:
            return 0
        dropped = 0
        for line in kept_lines(lines):
            if line_key(line.text) in known:
                ctx.drop(line, RULE_ID)
                dropped += 1
        return dropped

    def summary(self) -> str:
        total = sum(len(v) for v in self.lines.values())
        return f"learned chrome: {total} recurring lines in {len(self.lines)} site(s)"


def can_read_twice(path: str) -> bool:
    """True when `path` names a regular file or a folder: what the learning pass may read before
    the cleaning pass reads it again. Stdin ('-'), a pipe (`<(cat a.txt)`), a FIFO or a device
    gives its bytes once: a first pass would leave the cleaning pass nothing (or wait forever)."""
    if path == "-":
        return False
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return True  # the cleaning pass reports what is wrong with it; learning just skips it
    return stat.S_ISREG(mode) or stat.S_ISDIR(mode)


def learn_chrome(inputs: Iterable[Input], min_documents: int = 5, min_share: float = 0.5) -> LearnedChrome:
    """Read a batch once and learn each site's chrome from it."""
    learner = ChromeLearner(min_documents=min_documents, min_share=min_share)
    for item in inputs:
        learner.add_input(item)
    return learner.learned()
