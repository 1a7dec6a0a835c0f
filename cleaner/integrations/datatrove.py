"""A datatrove pipeline step that cleans each Document with the cleaner
(`pip install 'cleaner-text[datatrove]'`; from a checkout: `pip install -e '.[datatrove]'`):

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import ParquetWriter
    from cleaner.integrations.datatrove import CleanerStep

    LocalPipelineExecutor(pipeline=[WarcReader("crawl/"), CleanerStep(), ParquetWriter("out/")], tasks=4).run()

Each document's `text` (plain text, or an HTML page: told by `html`, or by looking when it is
None) goes through the same per-document function as `cleaner clean` (engines/outcome.py), so the
step gives the text the command line gives. The clean text replaces `text`; what the cleaner
found goes into `doc.metadata` as the `cleaner_*` fields of fields.py (`cleaner_title`,
`cleaner_date`, ...), which never overwrite the input's own fields (WarcReader's `date` is the
crawl time and stays) and have the same types in every document, as ParquetWriter needs.

A document that cannot be cleaned is dropped and counted (stat "failed"; "timeout" for one that
took longer than its time limit); one that cleans to nothing is dropped (stat "dropped_empty")
unless `keep_empty`. `timeout` is the time limit per document, as `cleaner clean --doc-timeout`:
None for the command's default (60 s for an HTML page, none for text), 0 for none, else seconds
for every document. A document with a limit is cleaned in a worker process of this task, which is
killed and replaced when the document runs over, since a thread stuck in lxml cannot be stopped.
"""
from __future__ import annotations

import os
from collections import deque
from typing import Iterable, Iterator

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.logging import logger

from cleaner.engines.outcome import TimeLimit
from cleaner.engines.pool import sequential_outcomes
from cleaner.integrations.fields import output_fields
from cleaner.io.inputs import InputItem, looks_like_html
from cleaner.pipeline import Cleaner


class CleanerStep(PipelineStep):
    """Strip boilerplate from each Document; see the module's docstring."""

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, rules: Iterable[str | os.PathLike[str]] = (), use_default_rules: bool = True,
                 html: bool | None = None, keep_empty: bool = False, spans: bool = False,
                 timeout: float | None = None):
        super().__init__()
        if timeout is not None and timeout < 0:
            raise ValueError(f"CleanerStep(timeout={timeout!r}): give seconds (> 0), 0 for no limit, "
                             "or None for the default (60 s for HTML pages)")
        self.rules = [os.fspath(rule) for rule in rules]
        self.use_default_rules = use_default_rules
        self.html = html
        self.keep_empty = keep_empty
        self.spans = spans
        self.time_limit = TimeLimit.from_option(timeout)
        self._cleaner: Cleaner | None = None
        self._warned = False

    def __getstate__(self):
        # The step travels to datatrove's worker processes; each builds its own Cleaner there.
        state = self.__dict__.copy()
        state["_cleaner"] = None
        return state

    def cleaner(self) -> Cleaner:
        if self._cleaner is None:
            self._cleaner = Cleaner(rules=self.rules, use_default_rules=self.use_default_rules, spans=self.spans)
        return self._cleaner

    def _kind(self, text: str) -> str:
        if self.html is None:
            return "html" if looks_like_html(text[:5000].encode("utf-8", "replace")) else "text"
        return "html" if self.html else "text"

    def _item(self, doc: Document) -> InputItem:
        url = doc.metadata.get("url")
        return InputItem(str(doc.id), self._kind(doc.text), doc.text, str(doc.metadata.get("file_path", doc.id)),
                         url=url if isinstance(url, str) else None)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        # sequential_outcomes (the CLI's -w 1 engine, with its time limit) takes one input per
        # outcome it gives: each document is handed over just before its outcome is asked for, so
        # the time measured is the cleaning alone, not the reading upstream.
        handed: deque[InputItem] = deque()

        def inputs() -> Iterator[InputItem]:
            while True:
                yield handed.popleft()

        outcomes = sequential_outcomes(self.cleaner(), inputs(), None, self.time_limit)
        try:
            for doc in data:
                self.stat_update("total")
                item = self._item(doc)
                handed.append(item)
                with self.track_time():
                    outcome = next(outcomes)
                if outcome.record is None:
                    self._failed(item, outcome.error["error"])
                    continue
                doc.text = outcome.record["text"]
                doc.metadata.update(output_fields(outcome.record, spans=self.spans))
                if not doc.text and not self.keep_empty:
                    self.stat_update("dropped_empty")
                    continue
                self.stat_update("forwarded")
                self.update_doc_stats(doc)
                yield doc
        finally:
            outcomes.close()  # stops the worker process, if one was started

    def _failed(self, item: InputItem, reason: str) -> None:
        seconds = self.time_limit.for_item(item)
        timed_out = seconds is not None and reason == TimeLimit.reason(seconds)
        self.stat_update("timeout" if timed_out else "failed")
        if not self._warned:
            logger.warning(f"cleaner: document {item.id}: {reason} (dropped; further failures are only counted)")
            self._warned = True
