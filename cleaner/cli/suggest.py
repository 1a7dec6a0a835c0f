"""`cleaner rules suggest FOLDER`: propose a site rule set from the lines a folder's documents share.

The folder is taken as one site. Every line that recurs in many of its documents (chrome.py)
becomes a drop-line rule whose description tells in how many documents it was seen, with the
examples the loader requires, so the file loads as it is and a person only deletes what should
stay and keeps the rest.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import List, Optional

import regex
import typer
import yaml

from cleaner.cli.options import fail
from cleaner.fullpage.chrome import ChromeLearner
from cleaner.io.decode import decode_bytes
from cleaner.io.sources import InputFailure, iter_inputs

# A sentence that no suggested line pattern matches: each rule's "keep" example.
KEEP_EXAMPLE = "This sentence is article text that the rule must keep."


def slug(text: str) -> str:
    """A rule-id-safe name.

    >>> slug("www.Example.org / News!")
    'www-example-org-news'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "site"


def line_pattern(line: str) -> str:
    r"""An anchored pattern for exactly this line, spacing free.

    >>> line_pattern("Sign up (free)")
    '^\\s*Sign\\s+up\\s+\\(free\\)\\s*$'
    """
    words = [regex.escape(word) for word in line.split()]
    return r"^\s*" + r"\s+".join(words) + r"\s*$"


def suggest_ruleset(name: str, documents: int, lines: list[tuple[str, int]], domains: list[str]) -> dict:
    rules = []
    for number, (line, count) in enumerate(lines, start=1):
        rules.append({
            "id": f"{slug(name)}-chrome-{number:03d}",
            "kind": "drop-line",
            "description": f"Recurring line, seen in {count} of {documents} documents: review before keeping.",
            "ignore_case": True,
            "pattern": line_pattern(line),
            "examples": [{"drop": line}, {"keep": KEEP_EXAMPLE}],
        })
    ruleset: dict = {"name": slug(name), "description": f"Chrome of {name}, proposed from {documents} documents."}
    ruleset["match"] = {"domains": domains} if domains else {"paths": [f"*/{Path(name).name}/*"]}
    ruleset["rules"] = rules
    return ruleset


def suggest(
    folder: Path = typer.Argument(..., exists=True, file_okay=False, dir_okay=True, metavar="FOLDER",
                                  help="A folder of one site's documents (text, HTML or JSONL files)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write the YAML here (default: stdout)."),
    name: Optional[str] = typer.Option(None, "--name", metavar="NAME",
                                       help="The rule set's name (default: the folder's name)."),
    domain: Optional[List[str]] = typer.Option(None, "--domain", metavar="HOST",
                                               help="Select the rule set by this URL host. Repeatable."),
    min_docs: int = typer.Option(3, "--min-docs", min=2, metavar="N",
                                 help="A line must occur in at least this many documents."),
    share: float = typer.Option(0.5, "--share", min=0.0, max=1.0, metavar="SHARE",
                                help="... and in at least this share of the folder's documents."),
) -> None:
    """Propose a site rule set (YAML) that drops the lines recurring across a folder's documents.

    HTML pages are read as the cleaner reads them: their main text, extracted first. Exit code 1,
    and no rule set, when there are too few documents or no line recurs often enough.
    """
    learner = ChromeLearner(min_documents=min_docs, min_share=share)
    site = name or folder.resolve().name
    failed = 0
    for item in iter_inputs([str(folder)]):
        if isinstance(item, InputFailure):
            typer.echo(f"cleaner: {item.source}: {item.reason}", err=True)
            failed += 1
            continue
        # The whole folder is one site, whatever URLs or subfolders its documents have.
        if item.kind == "html":
            try:
                learner.add(_main_text(item), group=site)
            except Exception as err:  # one page that cannot be read is named; the others still count
                typer.echo(f"cleaner: {item.source}: {err}", err=True)
                failed += 1
            continue
        learner.add_input(item, group=site)
    chrome = learner.learned()
    total = learner.groups[site].documents if site in learner.groups else 0
    lines = chrome.lines_for(site)
    if total < min_docs:
        fail(f"only {total} readable document{'' if total == 1 else 's'} in {folder}; need at least {min_docs} "
             "(--min-docs) to find lines that recur", 1)
    if not lines:
        fail(f"no line recurs in at least {max(min_docs, round(share * total))} of the {total} documents in {folder}: "
             "nothing to propose (lower --share or --min-docs to see rarer lines)", 1)
    text = yaml.safe_dump(suggest_ruleset(site, total, lines, list(domain or [])),
                          allow_unicode=True, sort_keys=False, width=120)
    header = (f"# Proposed by `cleaner rules suggest {folder}` from {total} documents: {len(lines)} recurring lines.\n"
              "# Review: delete the rules for lines that belong to articles, keep the rest.\n")
    if output:
        output.write_text(header + text, encoding="utf-8")
        typer.echo(f"cleaner: wrote {len(lines)} rules to {output}", err=True)
    else:
        sys.stdout.write(header + text)
    raise typer.Exit(1 if failed else 0)


def _main_text(item) -> str:
    """An HTML page's main text, as `cleaner clean` extracts it before its rules run."""
    from cleaner.html.extract import extract_html  # trafilatura only when a page needs it

    html = item.content if isinstance(item.content, str) else decode_bytes(item.content, html=True)
    return extract_html(html, url=item.url).text
