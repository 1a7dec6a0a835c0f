"""A site config written as one of our YAML site rule sets (`cleaner rules import-ftr`), for people
who want to edit a site's rules as ours.

What has an equivalent becomes data of the rule set:
- the file's hosts become `match.domains` (ours match the domain and every subdomain, a little more
  than `example.com.txt`, which serves the host and www. only);
- `strip`, `strip_id_or_class` and `strip_image_src` become `html.prune` XPaths (cut before
  extraction, as the file cuts them).
What has none (`body`, `title`/`author`/`date`, `find_string`/`replace_string`, `dissolve`, the
`test_url`/`test_contains` pages) is kept as a comment in the file and returned as a warning, with
the directives that mean nothing here and the lines the file could not use.

A caution the written file carries too: an ftr file's cuts are refused when they would take most of
a page's text (ftr/apply.py); a YAML `html.prune` XPath is not checked so, and a YAML site rule set
replaces the ftr file for its hosts (ours win).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from cleaner.ftr.parse import SiteConfig


@dataclass
class ImportedRuleSet:
    file_name: str  # e.g. nytimes.com.yaml; _.example.com.yaml for .example.com.txt
    text: str  # the YAML
    warnings: list[str]  # FILE:LINE: directive: what has no equivalent (or could not be used)


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _commented(value: str) -> str:
    """A value on one comment line: white space runs as one space, control characters (a file may
    replace a stray 0x02 byte) written as escapes, since YAML refuses them even in comments."""
    value = " ".join(value.split())
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in value)


def _xpath_literal(word: str) -> str:
    """An XPath 1.0 string literal for a word (concat() when it holds both kinds of quote)."""
    if "'" not in word:
        return f"'{word}'"
    if '"' not in word:
        return f'"{word}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in word.split("'")) + ")"


def prune_xpath(directive_name: str, value: str) -> str:
    """The XPath that cuts what a strip-like directive names, as ftr/apply.py matches it.

    >>> prune_xpath("strip_id_or_class", "share-tools")
    "//*[contains(@class, 'share-tools') or contains(@id, 'share-tools')]"
    >>> prune_xpath("strip_image_src", "pixel.gif")
    "//img[contains(@src, 'pixel.gif')]"
    """
    if directive_name == "strip":
        return value
    if directive_name == "strip_id_or_class":
        word = _xpath_literal(value.replace("'", "").replace('"', "").strip())
        return f"//*[contains(@class, {word}) or contains(@id, {word})]"
    if directive_name == "strip_image_src":
        return f"//img[contains(@src, {_xpath_literal(value.strip())})]"
    raise ValueError(f"{directive_name} has no prune equivalent")


# Directives kept as comments, with why they have no equivalent in a YAML rule set.
_NO_EQUIVALENT = {
    "body": "the article container: YAML rule sets cannot choose the container to extract from",
    "title": "a metadata XPath: YAML rule sets take metadata from the text (kind capture), not XPaths",
    "author": "a metadata XPath: YAML rule sets take metadata from the text (kind capture), not XPaths",
    "date": "a metadata XPath: YAML rule sets take metadata from the text (kind capture), not XPaths",
    "dissolve": "unwraps elements: no YAML equivalent",
    "find_string": "rewrites the raw HTML: no YAML equivalent",
    "test_url": "the page the rules were written for: YAML examples are lines of text, not pages",
}


def to_yaml(config: SiteConfig) -> ImportedRuleSet:
    """The YAML site rule set equivalent to a site config, and the warnings."""
    pattern = config.pattern
    domain = pattern.lstrip(".")
    name = ("*." if pattern.startswith(".") else "") + domain
    served = f"every subdomain of {domain}" if pattern.startswith(".") else f"{domain} and www.{domain}"
    prunes: list[tuple[int, str, str]] = []  # (line, directive, XPath)
    for directive_name in ("strip", "strip_id_or_class", "strip_image_src"):
        for directive in config.xpaths.get(directive_name, []) or config.words.get(directive_name, []):
            if directive_name != "strip" and not directive.value.replace("'", "").replace('"', "").strip():
                continue
            prunes.append((directive.line, directive_name, prune_xpath(directive_name, directive.value)))
    prunes.sort()
    kept_out = [(d.line, d.name, d.value) for d in config.directives()
                if d.name in _NO_EQUIVALENT]
    for replacement in config.replacements:  # directives() shows the find only: add what it becomes
        kept_out = [(line, n, f"{v} -> {replacement.replace}" if n == "find_string" and line == replacement.line else v)
                    for line, n, v in kept_out]
    for check in config.tests:
        kept_out += [(check.line, "test_contains", text) for text in check.contains]
    kept_out.sort()
    warnings = [f"{config.file}:{line}: {directive}: {_NO_EQUIVALENT.get(directive, _NO_EQUIVALENT['test_url'])}"
                for line, directive, _ in kept_out]
    warnings += [f"{config.file}:{d.line}: {d.name}: means nothing for text extraction (ignored)" for d in config.ignored]
    warnings += [str(problem) for problem in config.problems]

    lines = [
        f"# Imported from the FiveFilters site config {pattern}.txt ({config.file}) by cleaner rules import-ftr.",
        "# Public domain (CC0), by FiveFilters and the ftr-site-config contributors.",
        "# This rule set replaces the ftr file for its hosts (our YAML site rule sets win over ftr files).",
    ]
    if pattern.startswith("."):
        lines.append(f"# The file served every subdomain of {domain}; match.domains also matches {domain} itself.")
    else:
        lines.append(f"# The file served {domain} and www.{domain}; match.domains also matches their other subdomains.")
    lines += [
        f"name: {_quoted(name)}",
        f"description: {_quoted(f'FiveFilters site config {pattern}.txt ({served}), imported')}",
        "match:",
        f"  domains: [{_quoted(domain)}]",
    ]
    if prunes:
        lines += ["# From strip, strip_id_or_class and strip_image_src (ftr line numbers). Unlike the ftr file's cuts,",
                  "# these are made even when they would take most of the page's text: check them on a page of the site.",
                  "html:", "  prune:"]
        for line, directive_name, xpath in prunes:
            lines += [f"    # line {line}, {directive_name}", f"    - {_quoted(xpath)}"]
    lines.append("rules: []")
    if kept_out:
        lines += ["", "# Directives with no equivalent in a YAML rule set (kept here as they were):"]
        lines += [f"#   line {line}: {directive}: {_commented(value)}" for line, directive, value in kept_out]
    if config.ignored:
        lines += ["", "# Directives that mean nothing for text extraction (ignored):"]
        lines += [f"#   line {d.line}: {d.name}: {_commented(d.value)}" for d in config.ignored]
    if config.problems:
        lines += ["", "# Lines the file could not use:"]
        lines += [f"#   line {p.line}: {p.directive or '-'}: {_commented(p.why)}" for p in config.problems]
    file_name = ("_" if pattern.startswith(".") else "") + pattern + ".yaml"
    return ImportedRuleSet(file_name, "\n".join(lines) + "\n", warnings)
