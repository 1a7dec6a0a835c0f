"""What a loaded rule set is: its rules, how it selects the documents it applies to, its rules'
examples, and the problems found while loading rule files."""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import regex

from cleaner.rules.kinds.base import Rule


@dataclass(frozen=True)
class RuleProblem:
    """One thing wrong in a rule file."""

    file: str
    line: int
    rule_id: str
    message: str

    def __str__(self) -> str:
        if not self.line and not self.rule_id:  # about the file as a whole (missing, unreadable)
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.rule_id or '-'}: {self.message}"


class RuleError(Exception):
    """Rule files that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[RuleProblem]):
        problems = sorted(problems, key=lambda p: (p.file, p.line))  # in file order, as an editor shows them
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass
class Example:
    """A rule's own test case, with the line of the rule file it came from."""

    line: int
    drop: str | None = None
    keep: str | None = None
    input: str | None = None
    output: str | None = None
    metadata: dict[str, Any] | None = None
    page_type: str | None = None  # the example is a page of this type (rules restricted by page_types)


@dataclass
class RuleSet:
    name: str
    description: str
    file: str
    rules: list[Rule]
    domains: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    markers: list[regex.Pattern[str]] = field(default_factory=list)
    rule_lines: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[Example]] = field(default_factory=dict)
    # XPath expressions cut from an HTML page before extraction (a site's related widget, comments).
    prune_xpaths: list[str] = field(default_factory=list)
    # The page types the rule set's rules run on (document.PAGE_TYPES); None: every type.
    page_types: frozenset[str] | None = None

    @property
    def is_site(self) -> bool:
        return bool(self.domains or self.paths or self.markers)

    def why_applies(self, text: str, url: str | None = None, path: str | None = None) -> str | None:
        """Why this rule set applies to a document ("generic", "domain ...", ...), or None."""
        if not self.is_site:
            return "generic"
        host = (urlsplit(url).hostname or "").lower() if url else ""
        for domain in self.domains:
            if host == domain or host.endswith("." + domain):
                return f"domain {domain}"
        if path:
            posix = Path(path).as_posix()
            for glob in self.paths:
                if fnmatch.fnmatch(posix, glob):
                    return f"path {glob}"
        for marker in self.markers:
            if marker.search(text, timeout=2.0):
                return f"marker {marker.pattern}"
        return None
