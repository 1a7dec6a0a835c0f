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
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator
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
        read: set[str] = set()  # lines met in this document already: no need to hash them again
        for raw in text.split("\n"):
            if len(raw) > self.max_line_chars or raw in read or not raw or raw.isspace():
                continue
            read.add(raw)
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


def learn_chrome(inputs: Iterable[Input], min_documents: int = 5, min_share: float = 0.5) -> LearnedChrome:
    """Read a batch once and learn each site's chrome from all of it (the library's way: the
    command line learns while it cleans, from a sample of each site, with ChromeStream)."""
    learner = ChromeLearner(min_documents=min_documents, min_share=min_share)
    for item in inputs:
        learner.add_input(item)
    return learner.learned()


# --- learning while cleaning -------------------------------------------------------------------
#
# A batch is read once. A site's chrome is learned from a sample: its first SAMPLE_DOCUMENTS text
# documents, or fewer when the sample's window closes first (WINDOW_DOCUMENTS inputs or
# WINDOW_BYTES of input read since the sample's first document) or the batch ends. The sample's
# documents wait (in input order, with everything read after them) until it closes; then they
# and every later document of the site are cleaned with what it learned. A sample of fewer than
# min_documents learns nothing, and the site's next document opens a new sample: a site whose
# pages come in bursts far apart is still learned from a burst. So the input waiting is at most a
# window (documents and bytes), whatever the batch's size, and output starts once the first
# site's sample is complete (at once for HTML pages, which are not learned from).
#
# Which sample a document belongs to depends only on the order, sites, kinds and sizes of the
# documents (never on their text, the number of workers or when they finish): SamplePlan decides
# it, and the same plan gives the same chrome on any engine.

SAMPLE_DOCUMENTS = 100
WINDOW_DOCUMENTS = 1_000
WINDOW_BYTES = 32 << 20


@dataclass
class _Sample:
    key: str  # names the sample in a ChromeLearner: its site and how many samples opened before it
    group: str
    start: int  # the position (from 0) of the input that opened it
    start_bytes: int  # bytes of input read before that input
    documents: int = 0  # text documents in it


class SamplePlan:
    """Which sample each input belongs to, input after input (see above): `assign` names the
    input's sample (None: no site, or an HTML page of a site not learned or sampled) and the
    samples that closed with this input, in the order they opened; `finish` closes the rest."""

    def __init__(self, min_documents: int = 5, sample_documents: int = SAMPLE_DOCUMENTS,
                 window_documents: int = WINDOW_DOCUMENTS, window_bytes: int = WINDOW_BYTES):
        self.min_documents = min_documents
        self.sample_documents = max(sample_documents, min_documents)
        self.window_documents = max(window_documents, 1)
        self.window_bytes = window_bytes
        self.open: dict[str, _Sample] = {}  # site -> its open sample, in the order they opened
        self.learned: dict[str, str] = {}  # site -> the sample its later documents are cleaned with
        self.samples = 0  # samples opened so far (numbers them)
        self.position = 0
        self.bytes_read = 0

    def assign(self, group: str | None, learns: bool, size: int) -> tuple[str | None, list[_Sample]]:
        """The sample of the next input (of site `group`; `learns`: a text document, counted in
        its site's sample) and the samples closed after it."""
        key = None
        sample = self.open.get(group) if group is not None else None
        if group is None:
            pass
        elif group in self.learned:
            key = self.learned[group]
        elif sample is not None:
            key = sample.key
        elif learns:  # an HTML page never opens a sample: it would hold the batch for nothing
            sample = _Sample(f"{group}\x00{self.samples}", group, self.position, self.bytes_read)
            self.samples += 1
            self.open[group] = sample
            key = sample.key
        self.position += 1
        self.bytes_read += size
        closed = []
        if sample is not None and learns:
            sample.documents += 1
            if sample.documents >= self.sample_documents:
                closed.append(self._close(sample))
        for first in list(self.open.values()):  # oldest first; a later one opened after it
            if (self.position - first.start < self.window_documents
                    and self.bytes_read - first.start_bytes < self.window_bytes):
                break
            closed.append(self._close(first))
        return key, closed

    def finish(self) -> list[_Sample]:
        return [self._close(sample) for sample in list(self.open.values())]

    def _close(self, sample: _Sample) -> _Sample:
        del self.open[sample.group]
        if sample.documents >= self.min_documents:  # enough to judge: the site's later documents follow it
            self.learned[sample.group] = sample.key
        return sample


class ChromeStream:
    """The command line's chrome pass: `inputs(batch)` gives the batch's inputs back in order,
    each text and HTML document with `chrome` set to its site's LearnedChrome (empty when
    nothing was learned), learned from a sample as described above. Holds at most a window of
    inputs. Read once: stdin and pipes are learned from too."""

    def __init__(self, min_documents: int = 5, min_share: float = 0.5, sample_documents: int = SAMPLE_DOCUMENTS,
                 window_documents: int = WINDOW_DOCUMENTS, window_bytes: int = WINDOW_BYTES):
        self.plan = SamplePlan(min_documents, sample_documents, window_documents, window_bytes)
        self.learner = ChromeLearner(min_documents=min_documents, min_share=min_share)
        self.chrome: dict[str, LearnedChrome] = {}  # sample key -> what it learned (closed samples in use)
        self.sites_learned = 0
        self.lines_learned = 0
        self.empty = LearnedChrome({}, {})
        self.waiting: Counter = Counter()  # sample key -> inputs waiting with it

    def inputs(self, inputs: Iterable[Input]) -> Iterator[Input]:
        waiting: deque[tuple[Input, str | None]] = deque()
        for item in inputs:
            group, text = self._read(item)
            key, closed = self.plan.assign(group, text is not None, item.size)
            if key is not None and text is not None and key not in self.chrome:
                self.learner.add(text, group=key)
            waiting.append((item, key))
            if key is not None:
                self.waiting[key] += 1
            for sample in closed:
                self._learn(sample)
            while waiting and (waiting[0][1] is None or waiting[0][1] in self.chrome):
                yield self._with_chrome(*waiting.popleft())
        for sample in self.plan.finish():
            self._learn(sample)
        while waiting:
            yield self._with_chrome(*waiting.popleft())

    @staticmethod
    def _read(item: Input) -> tuple[str | None, str | None]:
        """The input's site, and its text when it is a text document to learn from."""
        if not isinstance(item, InputItem):
            return None, None
        group = group_for(item.url, item.path)
        if item.kind != "text":
            return group, None
        try:
            text = item.content if isinstance(item.content, str) else decode_bytes(item.content)
        except Exception:  # the cleaning pass reports the document's error; learning just skips it
            return group, None
        return group, text

    def _learn(self, sample: _Sample) -> None:
        stats = self.learner.groups.pop(sample.key, None)
        lines: dict[bytes, tuple[str, int]] = {}
        if stats is not None and stats.documents >= self.learner.min_documents:
            need = max(2, self.learner.min_documents, self.learner.min_share * stats.documents)
            lines = {key: (stats.texts[key], n) for key, n in stats.counts.items() if n >= need}
        self.chrome[sample.key] = LearnedChrome({sample.group: lines}, {sample.group: sample.documents}) \
            if lines else self.empty
        if lines and self.plan.learned.get(sample.group) == sample.key:
            self.sites_learned += 1
            self.lines_learned += len(lines)

    def _with_chrome(self, item: Input, key: str | None) -> Input:
        if key is not None:
            self.waiting[key] -= 1
            chrome = self.chrome[key]
            if not self.waiting[key]:
                del self.waiting[key]
                if self.plan.learned.get(key.rsplit("\x00", 1)[0]) != key:
                    del self.chrome[key]  # no later document needs it: a window's worth of samples at most
        else:
            chrome = self.empty
        if isinstance(item, InputItem):
            item.chrome = chrome
        return item

    def summary(self) -> str:
        return f"learned chrome: {self.lines_learned} recurring lines in {self.sites_learned} site(s)"
