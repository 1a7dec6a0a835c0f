"""Clean one document: the Python API that the CLI, batch runs and pipelines all use.

    >>> from cleaner import Cleaner
    >>> result = Cleaner().clean_text(" date 2021-03-19 Talks\\nPutin spoke.\\nPhoto: Reuters")
    >>> result.text, result.metadata["date"], [r.rule for r in result.removed]
    ('Putin spoke.', '2021-03-19', ['header-date-title', 'photo-credit'])
"""
from __future__ import annotations

import os
from typing import Any, Iterable
from urllib.parse import urlsplit

from cleaner.fullpage.chrome import LearnedChrome
from cleaner.ftr.collection import SiteConfigs, site_configs_for
from cleaner.ftr.guide import guided_extraction
from cleaner.ftr.ruleset import FtrRuleSet, ftr_ruleset
from cleaner.io.decode import decode_bytes
from cleaner.document import PAGE_TYPES, CleanResult, Line
from cleaner.rules.apply import apply_rules, kept_text, ordered_rules, split_lines
from cleaner.metadata import MIN_JUDGED_LETTERS, detect_language, first_line_title, too_short_to_judge
from cleaner.pagetype import PageType, classify_text
from cleaner.repair import repair_text
from cleaner.rules.kinds.base import Context
from cleaner.rules.load import resolve_rulesets
from cleaner.rules.model import RuleSet
from cleaner.rules.prefilter import LiteralPrefilter
from cleaner.text.markdown import Shape, markdown_text
from cleaner.text.stats import word_count


# A text of at least this many characters on at most RUN_TOGETHER_LINES lines was scraped with
# its line breaks lost: the rules, which judge whole lines, can remove nothing from it.
RUN_TOGETHER_CHARS = 2000
RUN_TOGETHER_LINES = 3


def run_together_warning(lines: list[Line]) -> str | None:
    r"""A warning when the document's text is run together on a few very long lines.

    >>> run_together_warning(split_lines("Home | News | " + "The article goes on. " * 200))
    'the document is 4,213 characters on 1 line: the rules judge whole lines, so nothing run together with the article could be removed; keep the line breaks when scraping (or clean the HTML)'
    >>> run_together_warning(split_lines("A headline\n" + "A sentence of the article.\n" * 200)) is None
    True
    """
    filled = [line.text for line in lines if not line.blank]
    size = sum(len(text) for text in filled)
    if not filled or len(filled) > RUN_TOGETHER_LINES or size < RUN_TOGETHER_CHARS:
        return None
    return (f"the document is {size:,} characters on {len(filled)} line{'s' if len(filled) > 1 else ''}: the rules "
            "judge whole lines, so nothing run together with the article could be removed; keep the line breaks "
            "when scraping (or clean the HTML)")


# A rule restricted to some page types (`page_types: [article]`) skips a document whose detected
# type is another one only when the detection is sure enough: skipping an article's rules on a real
# article costs more than running them on a page that is not one. From text alone, without a URL,
# the type is right on about 7 pages in 10 (cross-validated by site, docs/benchmarks.md): too weak
# to skip rules on. On the WCXB development pages, with out-of-fold (cross-validated by site) types,
# any threshold up to 0.3 scores as well as the annotated types would, higher ones lose on
# collections and listings (docs/benchmarks.md): 0.3 skips only where the type is the clear favourite.
RULES_MIN_TYPE_PROBABILITY = 0.3


def trusted_for_rules(page_type: PageType, with_evidence_beyond_text: bool) -> bool:
    """Whether type-restricted rules go by this detected page type. `with_evidence_beyond_text`: the
    type was read from an HTML page or with the document's URL, not from bare text."""
    return with_evidence_beyond_text and page_type.probability >= RULES_MIN_TYPE_PROBABILITY


class Cleaner:
    """Rule sets compiled once, then any number of documents cleaned with them.

    `rules` adds rule files or folders to the bundled ones; `use_default_rules=False` leaves
    the bundled ones out. Pass `rulesets` to use already-loaded rule sets as they are.
    `chrome` is site chrome learned from a batch (chrome.py): its lines are dropped from every
    document of their site, reported as rule `learned-chrome`. With `spans`, the records a batch
    writes give each removal's character offsets in the repaired text (CleanResult.as_record).
    With `markdown`, the clean text is Markdown (headings, lists, tables, code; text/markdown.py)
    and the metadata says "markup": "markdown"; `links` adds an HTML page's links to it. The rules
    see the same plain lines either way.
    `select_extraction=True`: an HTML page that is not an article keeps the extraction html/select.py's
    models judge best for it (trafilatura's main one or a cheap alternative), at about twice the cost.
    `site_configs`: the FiveFilters site configs for HTML pages (cleaner/ftr/): by default only the
    checkouts of the collection among `rules`; the bundled snapshot is opt-in
    (`site_configs=bundled_configs()`): on the dev pages of hosts with a file it gains less than the
    issue's target (docs/benchmarks.md, benchmarks/ftr_wcxb.py), so it is not applied unasked.
    """

    def __init__(self, rules: Iterable[str | os.PathLike[str]] = (), use_default_rules: bool = True,
                 rulesets: list[RuleSet] | None = None, pattern_timeout: float = 2.0,
                 chrome: LearnedChrome | None = None, spans: bool = False, markdown: bool = False,
                 links: bool = False, select_extraction: bool = False, site_configs: SiteConfigs | None = None):
        rules = list(rules)
        self.rulesets = rulesets if rulesets is not None else resolve_rulesets(rules, use_default_rules)
        self.site_configs = site_configs if site_configs is not None else site_configs_for(rules, bundled=False)
        self.pattern_timeout = pattern_timeout
        self.chrome = chrome
        # Batch records (engines/outcome.py) carry removal spans and the repaired text.
        self.spans = spans
        # Batch records carry every line with its verdict (a "lines" field) when True: what a
        # review page shows. Set on the cleaner so worker processes receive it with the rules.
        self.record_lines = False
        self.markdown, self.links = markdown, links
        # HTML: choose, page by page, among extractions (html/select.py); off by default: on the
        # news dev set it lets boilerplate back in (docs/html.md).
        self.select_extraction = select_extraction
        self._prefilter: tuple | None = None  # (ids of the rule sets it is for, the prefilter, the rule sets)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_prefilter"] = None  # rebuilt where it is used (a spawned worker)
        return state

    def prefilter(self) -> LiteralPrefilter:
        """One literal scan of a line tells which of the rules' patterns could match it
        (rules/prefilter.py); built once, for every rule of every rule set."""
        rulesets = tuple(self.rulesets)
        if self._prefilter is None or self._prefilter[0] != tuple(map(id, rulesets)):
            patterns = [((rule, name), pattern) for ruleset in rulesets for rule in ruleset.rules
                        for name, pattern in rule.patterns.items()]
            self._prefilter = (tuple(map(id, rulesets)), LiteralPrefilter(patterns), rulesets)
        return self._prefilter[1]

    def applicable(self, text: str, url: str | None = None, path: str | None = None) -> list[tuple[RuleSet, str]]:
        """The rule sets that apply to a (repaired) document, each with the reason."""
        found = []
        for ruleset in self.rulesets:
            reason = ruleset.why_applies(text, url, path)
            if reason:
                found.append((ruleset, reason))
        return found

    def clean_text(self, text: str, *, url: str | None = None, path: str | None = None,
                   page_metadata: dict[str, Any] | None = None,
                   chrome: LearnedChrome | None = None, from_html: bool = False,
                   context: Context | None = None, page_type: str | PageType | None = None,
                   shapes: list[Shape] | None = None) -> CleanResult:
        """Clean plain text (one paragraph or item a line). `chrome` overrides the cleaner's own;
        `from_html` says the text is an HTML extractor's output (full-page detection leaves it alone).
        `page_type` is the document's page type when the caller knows it (document.PAGE_TYPES), a
        PageType when it was detected upstream (clean_html), or None to detect it from the text and
        URL: rules restricted to other page types do not run.
        Pass a fresh `context` to read afterwards what the rules worked out (tools that tune rules).
        `shapes`: each line's Markdown shape as the extractor saw it (else what the text shows)."""
        if isinstance(page_type, str) and page_type not in PAGE_TYPES:
            raise ValueError(f"unknown page type {page_type!r}; known: {', '.join(PAGE_TYPES)}")
        repaired = repair_text(text)
        detected = page_type if isinstance(page_type, PageType) else None
        # Too little text to judge (an empty file, one word): no page type, as no language (metadata.py).
        unjudged = not isinstance(page_type, str) and too_short_to_judge(repaired)
        if unjudged:
            detected = None
        elif page_type is None:
            detected = classify_text(repaired, url)
        type_name = detected.name if detected is not None else page_type if isinstance(page_type, str) else None
        # Type-restricted rules trust a detected type only when it is sure enough (a given type always).
        # A PageType passed in was read from the HTML page (clean_html); one detected here, from the text.
        read_beyond_text = isinstance(page_type, PageType) or url is not None
        rules_type = type_name if detected is None or trusted_for_rules(detected, read_beyond_text) else None
        lines = split_lines(repaired)
        applicable = self.applicable(repaired, url, path)
        ctx = context if context is not None else Context()
        ctx.pattern_timeout, ctx.from_html, ctx.page_type = self.pattern_timeout, from_html, rules_type
        if not from_html:
            warning = run_together_warning(lines)
            if warning:
                ctx.warnings.append(warning)
        if ctx.prefilter is None:
            ctx.prefilter = self.prefilter()
        chrome = chrome if chrome is not None else self.chrome
        if chrome:
            chrome.drop(lines, ctx, url=url, path=path)
        apply_rules(lines, ordered_rules([rs for rs, _ in applicable]), ctx)
        clean = kept_text(lines)
        metadata = self._metadata(clean, lines, ctx, applicable, url, page_metadata or {})
        if type_name is not None or unjudged:
            metadata["page_type"] = type_name
        if self.markdown:  # metadata (words, language) stays measured on the plain text
            clean = markdown_text(lines, shapes)
            metadata["markup"] = "markdown"
        ctx.removals.sort(key=lambda r: r.line)
        decisions = []
        if detected is not None:
            trust = "" if rules_type is not None else " (not sure enough for type-restricted rules: they all ran)"
            decisions.append(f"page type: {detected.describe()}{trust}")
        elif unjudged:
            decisions.append(f"page type: none (fewer than {MIN_JUDGED_LETTERS} letters, too little text to judge)")
        return CleanResult(clean, metadata, ctx.removals, lines, ctx.warnings, ctx.notes, repaired, decisions)

    def clean_html(self, html: str | bytes, *, url: str | None = None, path: str | None = None,
                   charset: str | None = None, page_type: str | None = None,
                   chrome: LearnedChrome | None = None) -> CleanResult:
        """Extract the main text of an HTML page with trafilatura, then clean it like text. The page
        type is detected from the HTML tree unless `page_type` is given.
        `charset`: the encoding the transport declared for the bytes (an HTTP header), if any.
        `chrome` overrides the cleaner's own, as in clean_text."""
        if not html or html.isspace():  # an empty page is an empty document, as an empty text file is
            return self.clean_text("", url=url, path=path, from_html=True, chrome=chrome)
        # Imported here, not at the top: trafilatura and htmldate cost about 0.2 s of CPU to import,
        # which a run of text documents never needs.
        from cleaner.html.extract import canonical_url, extract_html
        if isinstance(html, bytes):
            html = decode_bytes(html, html=True, charset=charset)
        url = url or canonical_url(html)
        prune_xpath = self.prune_xpaths(html, url, path)

        def extract(source):
            return extract_html(source, url=url, prune_xpath=prune_xpath, page_type=page_type,
                                select=self.select_extraction, markdown=self.markdown, links=self.links)

        page = extract(html)
        # The FiveFilters file for the page's host, if any, narrows or cleans that extraction (ftr/guide.py).
        site_config = self.site_config(url)
        prepared, failure = site_config.prepare(html, page.text) if site_config is not None else (None, None)
        if prepared is not None:
            detected = page_type or (page.page_type.name if page.page_type is not None else None)
            page = guided_extraction(prepared, page, extract, detected)
        result = self.clean_text(page.text, url=url or page.metadata.get("url"), path=path,
                                 page_metadata=page.metadata, from_html=True, page_type=page_type or page.page_type,
                                 shapes=page.shapes, chrome=chrome)
        result.warnings.extend(page.warnings)  # what the HTML parser could not read: never cut silently
        if prepared is not None:
            prepared.annotate(result, site_config.reason())
        elif failure:
            result.warnings.append(failure)
        if page.selection is not None:
            result.metadata["extraction"] = page.selection.name
            result.decisions.append(f"extraction: {page.selection.describe()}")
        elif page.extraction is not None:  # the page type's strategy, or the main extraction (html/strategies/)
            result.metadata["extraction"] = page.extraction.name
            result.decisions.append(f"extraction: {page.extraction.describe()}")
        return result

    def site_config(self, url: str | None) -> FtrRuleSet | None:
        """The FiveFilters site config serving the URL's host, as a rule set, or None (no file, or
        one of the YAML site rule sets claims the host)."""
        return ftr_ruleset(self.site_configs, url, self.rulesets)

    def prune_xpaths(self, html: str, url: str | None = None, path: str | None = None) -> list[str]:
        """XPath expressions to cut from this page before extraction, from the site rule sets that
        apply to it (by URL or canonical link domain, path glob, or a marker in the raw page)."""
        xpaths: list[str] = []
        for ruleset in self.rulesets:
            if ruleset.prune_xpaths and ruleset.why_applies(html, url, path):
                xpaths.extend(ruleset.prune_xpaths)
        return xpaths

    def clean_bytes(self, data: bytes, *, html: bool = False, url: str | None = None,
                    path: str | None = None, chrome: LearnedChrome | None = None) -> CleanResult:
        """Decode raw bytes (encoding found from the bytes) and clean them."""
        if html:
            return self.clean_html(data, url=url, path=path, chrome=chrome)
        return self.clean_text(decode_bytes(data), url=url, path=path, chrome=chrome)

    def repair(self, text: str) -> str:
        """The repaired text, with nothing removed."""
        return repair_text(text)

    @staticmethod
    def _metadata(clean: str, lines: list[Line], ctx: Context, applicable: list[tuple[RuleSet, str]],
                  url: str | None, page: dict[str, Any]) -> dict[str, Any]:
        captured = dict(ctx.metadata)
        site_sets = [rs.name for rs, _ in applicable if rs.is_site]
        domain = urlsplit(url).hostname if url else None
        language = detect_language(clean) or page.get("page_language")
        metadata: dict[str, Any] = {
            "title": captured.pop("title", None) or page.get("title") or first_line_title(lines),
            # An HTML page's own date (its metadata, or its text for articles and threads) beats a
            # dateline a rule captured from the text, which may be an update's ("Last updated on ...").
            "date": page.get("date") or captured.pop("date", None),
            "language": language,
            "site": site_sets[0] if site_sets else (domain.removeprefix("www.") if domain else page.get("sitename")),
            "url": url,
            "words": word_count(clean),
        }
        for key in ("author", "sitename", "page_language"):
            if page.get(key):
                metadata[key] = page[key]
        metadata.update({k: v for k, v in captured.items() if k not in metadata})
        metadata["rulesets"] = [rs.name for rs, _ in applicable]
        return metadata
