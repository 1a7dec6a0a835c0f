"""cleaner: strip boilerplate from scraped news and blog articles, keep the article and its metadata.

The names below are imported on first use, so that `import cleaner.cli` (every command's start)
does not pay for trafilatura before it needs it, and Ctrl-C while starting can be handled.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["Cleaner", "CleanResult", "Removal", "RuleError", "RuleProblem"]
__version__ = "0.1.0"

_HOMES = {"Cleaner": "cleaner.pipeline", "CleanResult": "cleaner.document", "Removal": "cleaner.document",
          "RuleError": "cleaner.rules.model", "RuleProblem": "cleaner.rules.model"}

if TYPE_CHECKING:
    from cleaner.document import CleanResult, Removal
    from cleaner.pipeline import Cleaner
    from cleaner.rules.model import RuleError, RuleProblem


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
