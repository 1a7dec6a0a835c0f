"""Apply compiled rules to a document's lines, recording which rule removed what."""
from __future__ import annotations

from cleaner.document import Line
from cleaner.rules.kinds.base import Context, PatternTimeout, Rule
from cleaner.rules.kinds.lines import DropLineRule, within_word_limits
from cleaner.rules.model import RuleSet

# Removing lines can make new neighbours (two copies of a title that had a credit line between
# them); a few passes reach the point where another pass changes nothing, which is what makes
# cleaning idempotent.
MAX_PASSES = 4


def split_lines(text: str) -> list[Line]:
    return [Line(number, text.rstrip()) for number, text in enumerate(text.split("\n"), start=1)]


def ordered_rules(rulesets: list[RuleSet]) -> list[Rule]:
    """Enabled rules by phase; within a phase, site rule sets before generic ones so that the
    more specific rule is the one reported, then in file order."""
    ordered = sorted(rulesets, key=lambda rs: not rs.is_site)
    rules = [rule for rs in ordered for rule in rs.rules if rule.enabled]
    return sorted(rules, key=lambda rule: rule.phase)


class DropLineBatch:
    """Consecutive drop-line rules applied line by line instead of rule by rule: each line is
    scanned once by the literal prefilter (rules/prefilter.py), which names the few rules that
    could match it, and only those search it, in rule order, until one drops it.

    The verdicts are those of the rules run one after the other: a drop-line rule judges a line
    by its own text alone, so a line is dropped by the first rule, in order, that matches it.
    """

    context_free = True

    def __init__(self, rules: list[DropLineRule]):
        self.rules = rules

    def apply(self, lines: list[Line], ctx: Context, skipped: set[str]) -> bool:
        prefilter = ctx.prefilter
        rules = [rule for rule in self.rules if rule.id not in skipped and rule.applies_to(ctx.page_type)]
        keys = [(rule, "pattern") for rule in rules]
        unknown = [prefilter is None or key not in prefilter.keys for key in keys]
        changed_by: set[str] = set()
        timed_out: list[DropLineRule] = []
        for line in lines:
            if line.removed_by is not None or line.blank:
                continue
            text = line.text
            candidates = prefilter.candidates(text) if prefilter is not None else ()
            for index, rule in enumerate(rules):
                if not (unknown[index] or keys[index] in candidates) or rule.id in skipped:
                    continue
                if not within_word_limits(rule, line):
                    continue
                try:
                    found = rule.patterns["pattern"].search(text, timeout=ctx.pattern_timeout)
                except TimeoutError:
                    skipped.add(rule.id)  # as when the rule runs alone: skipped from here on
                    timed_out.append(rule)
                    continue
                if found and rule.take(line, found, ctx):
                    changed_by.add(rule.id)
                    break
        for rule in sorted(timed_out, key=self.rules.index):  # in rule order, as one by one
            ctx.warnings.append(_timeout_warning(rule, ctx))
        return any(rule_id not in {rule.id for rule in timed_out} for rule_id in changed_by)


def _timeout_warning(rule: Rule, ctx: Context) -> str:
    return (f"rule {rule.id}: pattern took longer than {ctx.pattern_timeout:g}s; "
            "rule skipped for this document")


def _batched(rules: list[Rule]) -> list[Rule | DropLineBatch]:
    """The rules, with each run of consecutive drop-line rules made one DropLineBatch."""
    steps: list[Rule | DropLineBatch] = []
    for rule in rules:
        if type(rule) is DropLineRule:
            if steps and isinstance(steps[-1], DropLineBatch):
                steps[-1].rules.append(rule)
            else:
                steps.append(DropLineBatch([rule]))
        else:
            steps.append(rule)
    return steps


def apply_rules(lines: list[Line], rules: list[Rule], ctx: Context) -> None:
    skipped: set[str] = set()
    # For each rule that last changed nothing: the version of the lines it saw. Rules are
    # deterministic, so at the same version it would change nothing again.
    idle_at: dict[int, int] = {}
    steps = _batched(rules)
    for number in range(MAX_PASSES):
        changed = False
        rerun_context_free = number == 0 or ctx.text_changed
        ctx.text_changed = False
        for step in steps:
            if step.context_free and not rerun_context_free:
                continue
            if idle_at.get(id(step)) == ctx.version:
                continue
            version = ctx.version
            if isinstance(step, DropLineBatch):
                if step.apply(lines, ctx, skipped):
                    changed = True
                else:
                    idle_at[id(step)] = version
                continue
            if step.id in skipped or not step.applies_to(ctx.page_type):
                continue
            try:
                if step.apply(lines, ctx):
                    changed = True
                else:
                    idle_at[id(step)] = version
            except PatternTimeout:
                skipped.add(step.id)
                ctx.warnings.append(_timeout_warning(step, ctx))
        if not changed:
            return


def kept_text(lines: list[Line]) -> str:
    """The kept lines, with the blank lines that removals leave behind folded into one."""
    out: list[str] = []
    for line in lines:
        if not line.kept:
            continue
        if line.blank:
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line.text)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)
