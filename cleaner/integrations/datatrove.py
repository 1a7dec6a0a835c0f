"""A datatrove pipeline step that cleans each Document with the cleaner
(`pip install 'cleaner[datatrove]'`):

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import CleanerStep

    LocalPipelineExecutor(pipeline=[JsonlReader("in/"), CleanerStep(), JsonlWriter("out/")], tasks=4).run()

Each document's `text` (plain text, or an HTML page: told by `html`, or by looking when it is
None) goes through the same per-document function as `cleaner clean` (engines/outcome.py), so the
step gives the records the command line gives: the clean text replaces `text`, the metadata
(title, date, language, site, url, words, rulesets...) goes into `doc.metadata` (a value the
cleaner did not find never overwrites one the document had), the removed lines into
`doc.metadata["removed"]`. A document that cannot be cleaned is dropped and counted (stat
"failed"); one that cleans to nothing is dropped (stat "dropped_empty") unless `keep_empty`.
"""
from __future__ import annotations

import os
from typing import Iterable

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.logging import logger

from cleaner.engines.outcome import process
from cleaner.io.inputs import InputItem, looks_like_html
from cleaner.pipeline import Cleaner


class CleanerStep(PipelineStep):
    """Strip boilerplate from each Document; see the module's docstring."""

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, rules: Iterable[str | os.PathLike[str]] = (), use_default_rules: bool = True,
                 html: bool | None = None, keep_empty: bool = False, spans: bool = False):
        super().__init__()
        self.rules = [os.fspath(rule) for rule in rules]
        self.use_default_rules = use_default_rules
        self.html = html
        self.keep_empty = keep_empty
        self.spans = spans
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

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        cleaner = self.cleaner()
        for doc in data:
            self.stat_update("total")
            url = doc.metadata.get("url")
            item = InputItem(str(doc.id), self._kind(doc.text), doc.text, str(doc.metadata.get("file_path", doc.id)),
                             url=url if isinstance(url, str) else None)
            with self.track_time():
                record, error = process(cleaner, item)
            if record is None:
                self.stat_update("failed")
                if not self._warned:
                    logger.warning(f"cleaner: document {doc.id}: {error['error']} (dropped; further failures are "
                                   "only counted)")
                    self._warned = True
                continue
            doc.text = record["text"]
            for key, value in record["metadata"].items():
                if value is not None or key not in doc.metadata:
                    doc.metadata[key] = value
            doc.metadata["removed"] = record["removed"]
            for key in ("warnings", "repaired_text"):
                if key in record:
                    doc.metadata[key] = record[key]
            if not doc.text and not self.keep_empty:
                self.stat_update("dropped_empty")
                continue
            self.stat_update("forwarded")
            self.update_doc_stats(doc)
            yield doc
