"""Run every rule's own examples: each rule carries text it must drop and text it must keep."""
from __future__ import annotations

from cleaner.rules.apply import apply_rules, kept_text, split_lines
from cleaner.rules.kinds.base import Context, Rule
from cleaner.rules.model import Example, RuleProblem, RuleSet


def _run_alone(rule: Rule, text: str, page_type: str | None = None):
    lines = split_lines(text)
    original = [line.text for line in lines]
    ctx = Context(page_type=page_type)
    apply_rules(lines, [rule], ctx)
    return lines, original, ctx


def example_failure(rule: Rule, example: Example) -> str | None:
    """Why the rule fails this example, or None when it passes."""
    if example.drop is not None:
        lines, original, _ = _run_alone(rule, example.drop, example.page_type)
        survivors = [line.text for line, before in zip(lines, original)
                     if not line.blank and line.kept and line.text == before]
        if survivors:
            return f"should drop but keeps {survivors[0]!r}"
    if example.keep is not None:
        lines, original, _ = _run_alone(rule, example.keep, example.page_type)
        touched = [before for line, before in zip(lines, original) if not line.kept or line.text != before]
        if touched:
            return f"should keep but removes {touched[0]!r}"
    if example.input is not None:
        lines, _, ctx = _run_alone(rule, example.input, example.page_type)
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
