"""Read one FiveFilters site config file (the Instapaper format of ftr-site-config) into a SiteConfig.

One directive a line, `name: value`, `#` comments:

    body: //div[@itemprop="articleBody"]      # XPath of the article container (first that matches wins)
    strip: //aside                            # XPath of elements to cut
    strip_id_or_class: share-tools            # cut elements whose id or class contains this
    title: //meta[@property="og:title"]/@content
    find_string: <amp-img                     # with the next replace_string: rewrite the raw HTML
    replace_string: <img
    test_url: https://example.com/a           # a page the rules were written for
    test_contains: a sentence it must keep

Every line is either used, ignored on purpose (a directive with no meaning for text extraction:
log-in fields, next-page links, HTTP headers...), or a problem (not a directive, an unknown one, an
XPath lxml cannot compile, a find_string without its replace_string). Nothing stops at a problem: a
file with a broken line still gives the rest of its directives, and `cleaner rules check` lists
every problem as FILE:LINE: directive: why.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex
from lxml import etree

# XPath directives, in the order they are applied (ftr/apply.py).
XPATH_LISTS = ("title", "author", "date", "strip", "dissolve", "body")
WORD_LISTS = ("strip_id_or_class", "strip_image_src")
YES_NO = ("prune", "tidy")
# Directives that change how Full-Text RSS fetches or pages through a site, or how it post-processes
# HTML for a reader, not which text is the article: read, counted, and otherwise left alone.
IGNORED = frozenset({
    "next_page_link", "single_page_link", "single_page_link_in_feed", "autodetect_next_page",
    "autodetect_on_failure", "login_uri", "login_username_field", "login_password_field",
    "login_extra_fields", "not_logged_in_xpath", "requires_login", "http_header", "parser",
    "skip_json_ld", "strip_attr", "post_strip_attr", "insert_detected_image", "wrap_in", "move_into",
    "convert_double_br_tags", "native_ad_clue", "footnotes", "if_page_contains", "strip_comments",
    "skip_id_or_class", "src_lazy_load_attr", "find_string_in_feed", "replace_string_in_feed",
    "src_lazy_load", "fingerprint", "author_xpath", "skip_jsonld",
})
USED = frozenset(XPATH_LISTS + WORD_LISTS + YES_NO + ("find_string", "replace_string", "test_url", "test_contains"))

_DIRECTIVE = regex.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\(([^\n]*?)\))?\s*:(.*)$")


@dataclass(frozen=True)
class Directive:
    """One used line of a file: its directive, value, and where it is."""

    name: str
    value: str
    line: int


@dataclass(frozen=True)
class Replacement:
    """A find_string/replace_string pair (or one replace_string(FIND): REPLACE line)."""

    find: str
    replace: str
    line: int  # of the find_string (or the one-line form)


@dataclass(frozen=True)
class PageCheck:
    """test_url with the test_contains lines after it: the page the rules were written for, and
    text the extraction must keep."""

    url: str
    contains: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class ConfigProblem:
    """A line that cannot be used."""

    file: str
    line: int
    directive: str
    why: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.directive or '-'}: {self.why}"


@dataclass
class SiteConfig:
    """What one file says. `pattern` is its file name without `.txt` (the hosts it serves, see
    collection.host_patterns); `name` is the rule set name, `ftr:` + pattern."""

    pattern: str
    file: str
    xpaths: dict[str, list[Directive]] = field(default_factory=lambda: {name: [] for name in XPATH_LISTS})
    words: dict[str, list[Directive]] = field(default_factory=lambda: {name: [] for name in WORD_LISTS})
    replacements: list[Replacement] = field(default_factory=list)
    prune: bool = True  # Full-Text RSS's default: the container is cleaned of what is unlikely content
    tidy: bool = True
    tests: list[PageCheck] = field(default_factory=list)
    ignored: list[Directive] = field(default_factory=list)
    problems: list[ConfigProblem] = field(default_factory=list)
    _compiled: dict[str, etree.XPath] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return f"ftr:{self.pattern}"

    def directives(self) -> list[Directive]:
        """Every used directive, in file order (what `rules list` shows)."""
        used = [d for items in (*self.xpaths.values(), *self.words.values()) for d in items]
        used += [Directive("find_string", r.find, r.line) for r in self.replacements]
        used += [Directive("test_url", t.url, t.line) for t in self.tests]
        return sorted(used, key=lambda d: d.line)

    def xpath(self, expression: str) -> etree.XPath:
        """The compiled expression (each compiled once; parse() checked it compiles)."""
        compiled = self._compiled.get(expression)
        if compiled is None:
            compiled = self._compiled[expression] = etree.XPath(expression)
        return compiled

    @property
    def affects_extraction(self) -> bool:
        return bool(any(self.xpaths.values()) or any(self.words.values()) or self.replacements)


def _xpath_problem(expression: str) -> str | None:
    try:
        etree.XPath(expression)
    except etree.XPathSyntaxError as err:
        return f"not an XPath lxml can compile ({err}): {expression[:80]!r}"
    return None


def parse_site_config(text: str, pattern: str, file: str) -> SiteConfig:
    """The site config of one file's text. Never raises: unusable lines become `problems`."""
    config = SiteConfig(pattern, file)
    pending_finds: list[tuple[str, int]] = []  # find_string lines waiting for their replace_string
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _DIRECTIVE.match(line)
        if match is None:
            config.problems.append(ConfigProblem(file, number, "", f"not a directive (name: value): {line[:80]!r}"))
            continue
        name, argument, value = match.group(1).lower(), match.group(2), match.group(3).strip()
        if name in IGNORED:
            config.ignored.append(Directive(name, value, number))
            continue
        if name not in USED:
            config.problems.append(ConfigProblem(file, number, name, "unknown directive"))
            continue
        if argument is not None and name != "replace_string":
            config.problems.append(ConfigProblem(file, number, name, f"takes no argument in brackets ({argument!r})"))
            continue
        if name == "replace_string" and argument is not None:
            if not argument:
                config.problems.append(ConfigProblem(file, number, name, "replace_string() with nothing to find"))
            else:
                config.replacements.append(Replacement(argument, value, number))
            continue
        if name == "find_string":
            if not value:
                config.problems.append(ConfigProblem(file, number, name, "empty find_string"))
            pending_finds.append((value, number))
            continue
        if name == "replace_string":
            if not pending_finds:
                config.problems.append(ConfigProblem(file, number, name, "replace_string without a find_string before it"))
                continue
            find, find_line = pending_finds.pop(0)
            if find:
                config.replacements.append(Replacement(find, value, find_line))
            continue
        if name == "test_url":
            config.tests.append(PageCheck(value, (), number))
            continue
        if name == "test_contains":
            if not config.tests:
                config.problems.append(ConfigProblem(file, number, name, "test_contains without a test_url before it"))
            elif value:
                last = config.tests[-1]
                config.tests[-1] = PageCheck(last.url, last.contains + (value,), last.line)
            continue
        if not value:
            config.problems.append(ConfigProblem(file, number, name, "no value"))
            continue
        if name in YES_NO:
            # Full-Text RSS (Graby) reads true/false as yes/no; a few files write them so.
            if value.lower() not in ("yes", "no", "true", "false"):
                config.problems.append(ConfigProblem(file, number, name, f"is yes or no, not {value[:40]!r}"))
            else:
                setattr(config, name, value.lower() in ("yes", "true"))
            continue
        if name in XPATH_LISTS:
            problem = _xpath_problem(value)
            if problem:
                config.problems.append(ConfigProblem(file, number, name, problem))
            else:
                config.xpaths[name].append(Directive(name, value, number))
            continue
        config.words[name].append(Directive(name, value, number))
    for _find, number in pending_finds:
        config.problems.append(ConfigProblem(file, number, "find_string", "no replace_string after it"))
    return config
