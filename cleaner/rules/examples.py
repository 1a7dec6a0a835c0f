"""Run every rule's own examples: each rule carries text it must drop and text it must keep.

Running them all takes most of a second for the bundled rules, on every start; `PassedExamples`
remembers, in the user's cache folder, which rule files' examples passed, so that only new or
edited rule files run theirs again (`cleaner rules check` always runs them all).
"""
from __future__ import annotations

import hashlib
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import regex

from cleaner.rules.apply import apply_rules, kept_text, split_lines
from cleaner.rules.kinds.base import Context, Rule
from cleaner.rules.model import Example, RuleProblem, RuleSet
from cleaner.usercache import CacheFile


def _run_alone(rule: Rule, text: str, page_type: str | None = None):
    lines = split_lines(text)
    original = [line.text for line in lines]
    ctx = Context(page_type=page_type)
    apply_rules(lines, [rule], ctx)
    return lines, original, ctx


def _timed_out(ctx: Context) -> str | None:
    for warning in ctx.warnings:
        if "took longer than" in warning:
            return (f"a pattern took longer than {ctx.pattern_timeout:g}s on this example: it backtracks too much "
                    "(nested or overlapping repeats like (a|aa)+), and would slow down every document; rewrite it")
    return None


def example_failure(rule: Rule, example: Example) -> str | None:
    """Why the rule fails this example, or None when it passes. A pattern that times out fails,
    whatever the rule then did without it."""
    if example.drop is not None:
        lines, original, ctx = _run_alone(rule, example.drop, example.page_type)
        if _timed_out(ctx):
            return _timed_out(ctx)
        survivors = [line.text for line, before in zip(lines, original)
                     if not line.blank and line.kept and line.text == before]
        if survivors:
            return f"should drop but keeps {survivors[0]!r}"
    if example.keep is not None:
        lines, original, ctx = _run_alone(rule, example.keep, example.page_type)
        if _timed_out(ctx):
            return _timed_out(ctx)
        touched = [before for line, before in zip(lines, original) if not line.kept or line.text != before]
        if touched:
            return f"should keep but removes {touched[0]!r}"
    if example.input is not None:
        lines, _, ctx = _run_alone(rule, example.input, example.page_type)
        if _timed_out(ctx):
            return _timed_out(ctx)
        if example.output is not None:
            got, want = kept_text(lines), example.output.strip("\n")
            if got != want:
                return f"output differs: expected {want!r}, got {got!r}"
        for key, want in (example.metadata or {}).items():
            got = ctx.metadata.get(key)
            if str(got) != str(want):
                return f"metadata {key!r}: expected {want!r}, got {got!r}"
    return None


def check_examples(ruleset: RuleSet) -> list[RuleProblem]:
    """Every example that fails, as a problem naming the file, the example's line and the rule."""
    problems = []
    for rule in ruleset.rules:
        for example in ruleset.examples.get(rule.id, []):
            failure = example_failure(rule, example)
            if failure:
                problems.append(RuleProblem(ruleset.file, example.line, rule.id, f"example fails: {failure}"))
    return problems


@lru_cache(maxsize=1)
def _code_stamp() -> bytes:
    """What else decides whether examples pass: the cleaner's code and version (each module's size
    and modification time: an edit, a checkout, an upgrade or a new version in cleaner/__init__.py
    changes them), and the versions of the regex engine and of Python."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(f"{regex.__version__} {sys.version_info[:3]}".encode())
    for module in sorted(package.rglob("*.py")):
        stat = module.stat()
        digest.update(f"{module.relative_to(package).as_posix()} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.digest()


def _data_files(ruleset: RuleSet) -> Iterator[Path]:
    """The files the rule set's rules read (a learned line model), already resolved by the loader."""
    for rule in ruleset.rules:
        for name, option in rule.options.items():
            if option.is_path:
                settings = rule.settings
                value = settings.get(name) if isinstance(settings, dict) else getattr(settings, name, None)
                if value:
                    yield Path(value)


class PassedExamples:
    """Rule files whose examples all passed, by a key of what decides that: the rule file's bytes,
    the bytes of the data files its rules read, and the cleaner's code (`_code_stamp`). Anything
    edited gets a new key, so its examples run again; old keys are dropped beyond `limit`."""

    FILE = "rule-examples-passed.json"
    FORMAT = 1

    def __init__(self, cache: CacheFile | None = None, limit: int = 2000):
        self.cache = cache if cache is not None else CacheFile(self.FILE, self.FORMAT)
        self.entries = self.cache.load()
        self.limit = limit
        self._changed = False

    def key(self, ruleset: RuleSet) -> str | None:
        """None when a file cannot be read (its examples are then simply run)."""
        digest = hashlib.sha256(_code_stamp())
        try:
            for path in [Path(ruleset.file), *sorted(_data_files(ruleset))]:
                data = path.read_bytes()
                digest.update(f"{path.name} {len(data)}\n".encode())
                digest.update(data)
        except OSError:
            return None
        return digest.hexdigest()

    def check(self, ruleset: RuleSet) -> list[RuleProblem]:
        """check_examples(ruleset), or nothing when they passed before with the same key."""
        key = self.key(ruleset)
        if key is not None and key in self.entries:
            return []
        problems = check_examples(ruleset)
        if not problems and key is not None:
            self.entries[key] = int(time.time())
            self._changed = True
        return problems

    def save(self) -> None:
        if not self._changed:
            return
        if len(self.entries) > self.limit:  # keep the most recently recorded
            newest = sorted(self.entries.items(), key=lambda item: item[1])[-self.limit:]
            self.entries = dict(newest)
        self.cache.save(self.entries)
        self._changed = False
