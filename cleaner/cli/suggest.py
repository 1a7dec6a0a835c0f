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

from cleaner.fullpage.chrome import ChromeLearner
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
    folder: Path = typer.Argument(..., exists=True, file_okay=False, dir_okay=True,
                                  help="A folder of one site's documents (text files or JSONL)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the YAML here (default: stdout)."),
    name: Optional[str] = typer.Option(None, "--name", help="The rule set's name (default: the folder's name)."),
    domain: Optional[List[str]] = typer.Option(None, "--domain", help="Select the rule set by this URL host. Repeatable."),
    min_docs: int = typer.Option(3, "--min-docs", min=2, help="A line must occur in at least this many documents."),
    share: float = typer.Option(0.5, "--share", min=0.0, max=1.0,
                                help="... and in at least this share of the folder's documents."),
) -> None:
    """Propose a site rule set (YAML) that drops the lines recurring across a folder's documents."""
    learner = ChromeLearner(min_documents=min_docs, min_share=share)
    site = name or folder.resolve().name
    failed = 0
    for item in iter_inputs([str(folder)]):
        if isinstance(item, InputFailure):
            typer.echo(f"cleaner: {item.source}: {item.reason}", err=True)
            failed += 1
            continue
        # The whole folder is one site, whatever URLs or subfolders its documents have.
        learner.add_input(item, group=site)
    chrome = learner.learned()
    total = learner.groups[site].documents if site in learner.groups else 0
    lines = chrome.lines_for(site)
    text = yaml.safe_dump(suggest_ruleset(site, total, lines, list(domain or [])),
                          allow_unicode=True, sort_keys=False, width=120)
    header = (f"# Proposed by `cleaner rules suggest {folder}` from {total} documents: {len(lines)} recurring lines.\n"
              "# Review: delete the rules for lines that belong to articles, keep the rest.\n")
    if output:
        output.write_text(header + text, encoding="utf-8")
        typer.echo(f"cleaner: wrote {len(lines)} rules to {output}", err=True)
    else:
        sys.stdout.write(header + text)
    if total < min_docs:
        typer.echo(f"cleaner: only {total} text documents in {folder}; need {min_docs} to find recurring lines",
                   err=True)
    raise typer.Exit(1 if failed else 0)
