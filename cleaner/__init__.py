"""cleaner: strip boilerplate from scraped news and blog articles, keep the article and its metadata."""
from cleaner.document import CleanResult, Removal
from cleaner.pipeline import Cleaner
from cleaner.rules.model import RuleError, RuleProblem

__all__ = ["Cleaner", "CleanResult", "Removal", "RuleError", "RuleProblem"]
__version__ = "0.1.0"
