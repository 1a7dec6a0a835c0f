"""Gather what a cleaning run did into the data a review page shows.

Fed the run's records one at a time (the same records `cleaner clean` writes, with the
"lines" field that `Cleaner.record_lines` adds), it keeps:

- per rule, over the whole run: the lines, documents and words it removed (counted as
  `--report` counts them: a fragment a strip rule cut counts as a line);
- a deterministic sample of documents, every line with its verdict, for the page to show.

The sample is what keeps the page small on a big run. A document's place in it depends on a
hash of its id alone, so the same run gives the same sample whatever the number of workers or
the input order: first, for each rule that removed anything, the document with the smallest
hash among those it touched (so every rule that did something has an example to look at); then
the smallest hashes overall, up to the sample size.
"""
from __future__ import annotations

import hashlib
import heapq
from dataclasses import dataclass
from typing import Any, Iterable

from cleaner.rules.model import RuleSet
from cleaner.text.stats import word_count

SAMPLE_DOCUMENTS = 2000
ERRORS_SHOWN = 500
LEARNED_CHROME = "learned-chrome"  # the rule id chrome learned from the batch reports (fullpage/chrome.py)


@dataclass
class RuleTally:
    """A rule's place on the page and what it removed over the whole run."""

    id: str
    ruleset: str
    kind: str = ""
    description: str = ""
    lines: int = 0
    documents: int = 0
    words: int = 0


def rule_tallies(rulesets: Iterable[RuleSet]) -> list[RuleTally]:
    """One tally per loaded rule (enabled or not: a rule that never fired is worth seeing), in
    rule-file order. A rule id used by two rule sets is one rule to the counts, as in --report."""
    tallies: dict[str, RuleTally] = {}
    for ruleset in rulesets:
        for rule in ruleset.rules:
            if rule.id in tallies:
                tallies[rule.id].ruleset += f", {ruleset.name}"
            else:
                description = rule.description if rule.enabled else f"(disabled) {rule.description}"
                tallies[rule.id] = RuleTally(rule.id, ruleset.name, rule.kind, description.strip())
    return list(tallies.values())


def _sample_key(doc_id: str, index: int) -> tuple[int, int]:
    digest = hashlib.sha1(doc_id.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big"), index


class ReviewCollector:
    """Fed every record (`add`) and error record (`add_error`) of a run; `page_data()` is what
    the page shows."""

    def __init__(self, tallies: Iterable[RuleTally], sample_size: int = SAMPLE_DOCUMENTS):
        if sample_size < 1:
            raise ValueError("the sample needs room for at least one document")
        self.sample_size = sample_size
        self.rules: list[RuleTally] = list(tallies)
        self._rule_index = {tally.id: n for n, tally in enumerate(self.rules)}
        self.documents = 0  # cleaned documents seen
        self.lines_removed = 0
        self.words_removed = 0
        self.errors: list[dict[str, Any]] = []
        self.failed = 0
        # The smallest sample keys seen so far, the candidates for the sample: a max-heap (heapq
        # keeps the smallest on top, so the keys are negated) of ((-hash, -index), document).
        # Plus, per rule, its smallest-key document.
        self._smallest: list[tuple[tuple[int, int], dict[str, Any]]] = []
        self._first_for_rule: dict[int, tuple[tuple[int, int], dict[str, Any]]] = {}

    def rule_index(self, rule_id: str) -> int:
        """The rule's row; a rule the loaded rule sets do not name (learned chrome) gets one."""
        if rule_id not in self._rule_index:
            learned = rule_id == LEARNED_CHROME
            self._rule_index[rule_id] = len(self.rules)
            self.rules.append(RuleTally(rule_id, "learned from this batch" if learned else "",
                                        "chrome" if learned else "",
                                        "Lines recurring in many documents of a site, learned from this batch "
                                        "(--learn-chrome)." if learned else ""))
        return self._rule_index[rule_id]

    def add(self, record: dict[str, Any]) -> None:
        """Count one output record and consider it for the sample. Takes the record's "lines"
        field out: it is for the page, not for the output file the record may go on to."""
        lines = record.pop("lines", None)
        if lines is None:
            raise ValueError(f"record {record.get('id')!r} has no 'lines': set Cleaner.record_lines "
                             "before the run")
        index = self.documents
        self.documents += 1
        touched: set[int] = set()
        for removal in record.get("removed", []):
            rule = self.rule_index(removal["rule"])
            tally = self.rules[rule]
            words = word_count(removal["text"])
            tally.lines += 1
            tally.words += words
            self.lines_removed += 1
            self.words_removed += words
            if rule not in touched:
                tally.documents += 1
                touched.add(rule)

        key = _sample_key(str(record.get("id", "")), index)
        document: dict[str, Any] | None = None
        negated = (-key[0], -key[1])
        if len(self._smallest) < self.sample_size or negated > self._smallest[0][0]:
            document = self._compact(record, lines, index)
            if len(self._smallest) < self.sample_size:
                heapq.heappush(self._smallest, (negated, document))
            else:
                heapq.heapreplace(self._smallest, (negated, document))
        for rule in touched:
            best = self._first_for_rule.get(rule)
            if best is None or key < best[0]:
                document = document or self._compact(record, lines, index)
                self._first_for_rule[rule] = (key, document)

    def add_error(self, error: dict[str, Any]) -> None:
        self.failed += 1
        if len(self.errors) < ERRORS_SHOWN:
            self.errors.append({k: error[k] for k in ("id", "source", "line", "error") if k in error})

    def _compact(self, record: dict[str, Any], lines: list[dict[str, Any]], index: int) -> dict[str, Any]:
        """A document as the page stores it. A line is its text when kept with no note,
        [text, rule] when removed, [text, rule, note] with a note; rule -1 is "kept" (a kept
        line with main-content's note). A fragment a rule cut from a line is [line, rule, text]
        in "cuts" (line numbers from 0)."""
        encoded: list[Any] = []
        for line in lines:
            removed_by = line.get("removed_by")
            rule = self.rule_index(removed_by) if removed_by is not None else -1
            note = line.get("note", "")
            if note and (removed_by is None or line.get("note_by") != removed_by):
                note = f"{line.get('note_by', '')} {note}".strip()  # whose note it is, when not the dropping rule's
            if rule == -1 and not note:
                encoded.append(line["text"])
            else:
                encoded.append([line["text"], rule, note] if note else [line["text"], rule])
        cuts = []
        for removal in record.get("removed", []):
            number = removal["line"] - 1
            if 0 <= number < len(lines) and lines[number].get("removed_by") != removal["rule"]:
                cuts.append([number, self.rule_index(removal["rule"]), removal["text"]])
        metadata = dict(record.get("metadata") or {})
        document = {"n": index, "id": str(record.get("id", "")), "meta": metadata, "lines": encoded}
        if cuts:
            document["cuts"] = cuts
        if record.get("warnings"):
            document["warnings"] = list(record["warnings"])
        return document

    def sample(self) -> list[dict[str, Any]]:
        """The sampled documents, in input order (see the module's docstring for the choice).
        Each has its "rank" in the choice: a page that must leave documents out leaves out the
        highest ranks, which leaves the sample a smaller sample chosen the same way."""
        chosen: dict[int, dict[str, Any]] = {}
        for _, document in sorted(self._first_for_rule.values(), key=lambda kd: kd[0]):
            chosen.setdefault(document["n"], document)
        for _, document in sorted(self._smallest, key=lambda entry: entry[0], reverse=True):
            chosen.setdefault(document["n"], document)
        ranked = list(chosen.values())[: self.sample_size]
        for rank, document in enumerate(ranked):
            document["rank"] = rank
        return sorted(ranked, key=lambda document: document["n"])

    def page_data(self, **about: Any) -> dict[str, Any]:
        """Everything the page shows, as JSON-ready data; `about` (title, command, version...)
        goes into it as given."""
        documents = self.sample()
        rules = []
        for tally in self.rules:
            share = tally.words / self.words_removed if self.words_removed else 0.0
            rules.append({"id": tally.id, "set": tally.ruleset, "kind": tally.kind, "description": tally.description,
                          "lines": tally.lines, "documents": tally.documents, "words": tally.words,
                          "share": round(share, 6)})
        return {
            **about,
            "summary": {"documents": self.documents + self.failed, "cleaned": self.documents, "failed": self.failed,
                        "lines_removed": self.lines_removed, "words_removed": self.words_removed},
            "sample": {"shown": len(documents), "of": self.documents, "limit": self.sample_size},
            "rules": rules,
            "docs": documents,
            "errors": self.errors,
        }

