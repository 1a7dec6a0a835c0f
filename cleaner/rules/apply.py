"""Apply compiled rules to a document's lines, recording which rule removed what."""
from __future__ import annotations

from cleaner.document import Line
from cleaner.rules.kinds.base import Context, PatternTimeout, Rule
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


def apply_rules(lines: list[Line], rules: list[Rule], ctx: Context) -> None:
    skipped: set[str] = set()
    # For each rule that last changed nothing: the version of the lines it saw. Rules are
    # deterministic, so at the same version it would change nothing again.
    idle_at: dict[int, int] = {}
    for number in range(MAX_PASSES):
        changed = False
        rerun_context_free = number == 0 or ctx.text_changed
        ctx.text_changed = False
        for rule in rules:
            if rule.id in skipped or (rule.context_free and not rerun_context_free):
                continue
            if not rule.applies_to(ctx.page_type):
                continue
            if idle_at.get(id(rule)) == ctx.version:
                continue
            try:
                version = ctx.version
                if rule.apply(lines, ctx):
                    changed = True
                else:
                    idle_at[id(rule)] = version
            except PatternTimeout:
                skipped.add(rule.id)
                ctx.warnings.append(
                    f"rule {rule.id}: pattern took longer than {ctx.pattern_timeout:g}s; "
                    "rule skipped for this document")
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
