"""Rule statistics over a batch: per rule, how many lines and documents it hit, with samples,
so an over-eager rule shows up before it damages a corpus; and how many documents were of each
page type (type-restricted rules run only on theirs)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

SAMPLES_PER_RULE = 5
EMPTY_SAMPLES = 20  # ids of documents that came out empty, listed in the report


@dataclass
class RuleHits:
    lines: int = 0
    documents: int = 0
    samples: list[str] = field(default_factory=list)


class RuleReport:
    """Fed one output record at a time; every loaded rule is listed, hit or not."""

    def __init__(self, rule_ids: Iterable[str] = ()):
        self.documents = 0
        self.page_types: dict[str, int] = {}
        self.empty = 0  # documents cleaned to an empty text (every line removed, or none to begin with)
        self.empty_ids: list[str] = []
        self.hits: dict[str, RuleHits] = {rule_id: RuleHits() for rule_id in rule_ids}

    def add(self, record: dict[str, Any]) -> None:
        self.documents += 1
        page_type = (record.get("metadata") or {}).get("page_type")
        if page_type:
            self.page_types[page_type] = self.page_types.get(page_type, 0) + 1
        text = record.get("text")
        if isinstance(text, str) and not text.strip():
            self.empty += 1
            if len(self.empty_ids) < EMPTY_SAMPLES:
                self.empty_ids.append(str(record.get("id")))
        seen: set[str] = set()
        for removal in record.get("removed", []):
            hits = self.hits.setdefault(removal["rule"], RuleHits())
            hits.lines += 1
            if removal["rule"] not in seen:
                hits.documents += 1
                seen.add(removal["rule"])
            if len(hits.samples) < SAMPLES_PER_RULE and removal["text"] not in hits.samples:
                hits.samples.append(removal["text"][:300])

    def as_dict(self) -> dict[str, Any]:
        ordered = sorted(self.hits.items(), key=lambda item: (-item[1].lines, item[0]))
        return {
            "documents": self.documents,
            "empty_documents": {"count": self.empty, "samples": self.empty_ids},
            "page_types": dict(sorted(self.page_types.items(), key=lambda item: (-item[1], item[0]))),
            "rules": [{"rule": rule_id, "lines": h.lines, "documents": h.documents,
                       "share_of_documents": round(h.documents / self.documents, 4) if self.documents else 0.0,
                       "samples": h.samples} for rule_id, h in ordered],
        }

    def write(self, path: Path) -> None:
        from cleaner.io.writers import atomic_write_text

        atomic_write_text(path, json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n")
