"""A site config shown as a site rule set (`ftr:nytimes.com`), so that `rules list --for`, `explain`,
reports and every removal name it like the YAML rule sets; and the choice of the config that applies
to a page: the file serving its host, unless one of our YAML site rule sets claims that host."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from cleaner.ftr.apply import PreparedPage, prepare_page
from cleaner.ftr.collection import SiteConfigs
from cleaner.ftr.parse import SiteConfig
from cleaner.rules.model import RuleSet


@dataclass
class FtrRuleSet(RuleSet):
    """A site config as a rule set. It has no text rules: its directives work on the HTML page
    before extraction (ftr/apply.py); its removals are `ftr:PATTERN:DIRECTIVE:LINE`."""

    config: SiteConfig | None = None
    host: str = ""

    @property
    def is_site(self) -> bool:
        return True

    def why_applies(self, text: str, url: str | None = None, path: str | None = None) -> str | None:
        return self.reason() if _host(url) == self.host else None

    def reason(self) -> str:
        return f"host {self.host} (FiveFilters file {self.config.pattern}.txt)"

    def prepare(self, html: str, main_text: str | None = None) -> tuple[PreparedPage | None, str | None]:
        """The page with the config applied, or (None, why not). A file of the collection is
        community data: whatever goes wrong in applying it, the page is extracted without it.
        `main_text`: the page's main text extracted without the file (no cut may take much of it)."""
        try:
            prepared = prepare_page(html, self.config, main_text)
        except Exception as err:  # noqa: BLE001 - any failure of a community file falls back to no file
            return None, f"site config {self.name} could not be applied ({type(err).__name__}: {err}); " \
                         "the page was extracted without it"
        return prepared, None


def _host(url: str | None) -> str:
    return (urlsplit(url).hostname or "").lower() if url else ""


def ftr_ruleset(configs: SiteConfigs, url: str | None, rulesets: list[RuleSet]) -> FtrRuleSet | None:
    """The rule set of the site config serving the URL's host, or None: no file serves it, or a
    YAML site rule set claims the host by domain (ours win: they are maintained here)."""
    host = _host(url)
    pattern = configs.pattern_for(host) if host else None
    if pattern is None:
        return None
    for ruleset in rulesets:
        if ruleset.domains and any(host == d or host.endswith("." + d) for d in ruleset.domains):
            return None
    config = configs.get(pattern)
    return FtrRuleSet(config.name, f"FiveFilters site config {pattern}.txt ({len(config.directives())} directives; "
                                   "they work on the HTML page before extraction)", config.file, [],
                      config=config, host=host)
