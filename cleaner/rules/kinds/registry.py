"""Every rule kind the engine knows, by the name rule files use (`kind: drop-line`).

A new kind is a Rule subclass in a module of its family, added to KINDS here.
"""
from __future__ import annotations

from cleaner.fullpage.maincontent import MainContent
from cleaner.rules.kinds.base import Rule
from cleaner.rules.kinds.blocks import CollapseRepeatsRule, DropBlockRule, DropTitleRunRule
from cleaner.rules.kinds.lines import CaptureRule, DropLineRule, StripRule
from cleaner.rules.kinds.linescore import ScoreLinesRule
from cleaner.rules.kinds.offtopic import DropOffTopicRule

KINDS: tuple[type[Rule], ...] = (CaptureRule, DropLineRule, StripRule, DropBlockRule, DropTitleRunRule,
                                 CollapseRepeatsRule, DropOffTopicRule, MainContent, ScoreLinesRule)

RULE_KINDS: dict[str, type[Rule]] = {cls.kind: cls for cls in KINDS}
