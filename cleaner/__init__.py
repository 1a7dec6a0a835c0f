"""cleaner: strip boilerplate from scraped news and blog articles, keep the article and its metadata."""
from .document import CleanResult, Removal
from .pipeline import Cleaner
from .rulesets import RuleError, RuleProblem

__all__ = ["Cleaner", "CleanResult", "Removal", "RuleError", "RuleProblem"]
__version__ = "0.1.0"
