"""`cleaner rules ...`: the commands for people writing and testing rules.

    cleaner rules check [PATH...]          validate rule files (exit 2 on any problem)
    cleaner rules test FIXTURES [--update] golden tests: NAME.txt beside NAME.expected.txt
    cleaner rules list [--for PATH]        rule sets and rules; with --for, which apply and why
    cleaner rules schema                   JSON Schema of the rule file format
    cleaner rules suggest FOLDER           propose a site rule set from recurring lines (suggest.py)
    cleaner rules import-ftr FILE|DIR -o OUT  FiveFilters site configs as YAML site rule sets
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from cleaner.document import PAGE_TYPES
from cleaner.cli.options import NO_DEFAULTS_OPTION, RULES_OPTION, build_cleaner, document_url, read_single_document

from cleaner.ftr.collection import FolderSource, SiteConfigs, looks_like_checkout
from cleaner.ftr.to_yaml import to_yaml
from cleaner.rules.fixtures import find_fixtures, run_fixture
from cleaner.rules.load import default_rules_dir, load_rulesets
from cleaner.rules.model import RuleError
from cleaner.rules.schema import rule_file_schema


def check(paths: Optional[List[Path]] = typer.Argument(
        None, metavar="[PATH]...", help="Rule files or folders (default: the bundled rules).")) -> None:
    """Validate rule files: schema, regexes, unique ids, and every rule's own examples.

    One line per problem, FILE:LINE: RULE_ID: message; exit code 2 if there is any.
    """
    targets = paths or [default_rules_dir()]
    checkouts = [p for p in targets if looks_like_checkout(p)]
    if checkouts:  # FiveFilters site configs: FILE:LINE: directive: why, per unusable line
        configs = list(SiteConfigs.for_rules(checkouts, bundled=False))
        problems = [p for config in configs for p in config.problems]
        for problem in problems:
            typer.echo(str(problem))
        ignored = sum(len(c.ignored) for c in configs)
        typer.echo(f"{len(configs)} site config files, {len(problems)} unusable line(s), {ignored} line(s) of "
                   "directives with no meaning here ignored", err=bool(problems))
        if problems:
            raise typer.Exit(2)
        targets = [p for p in targets if p not in checkouts]
        if not targets:
            return
    try:
        rulesets = load_rulesets(targets)
    except RuleError as err:
        for problem in err.problems:
            typer.echo(str(problem))
        typer.echo(f"{len(err.problems)} problem(s)", err=True)
        raise typer.Exit(2) from None
    rules = sum(len(rs.rules) for rs in rulesets)
    examples = sum(len(ex) for rs in rulesets for ex in rs.examples.values())
    typer.echo(f"ok: {len(rulesets)} rule sets, {rules} rules, {examples} examples passed")


def test(
    fixtures: Path = typer.Argument(..., metavar="FIXTURES", help="A folder of fixtures (NAME.txt or NAME.html beside "
                                              "NAME.expected.txt and optional NAME.expected.json), or one file."),
    rules: Optional[List[Path]] = RULES_OPTION,
    no_default_rules: bool = NO_DEFAULTS_OPTION,
    update: bool = typer.Option(False, "--update", help="Write the current output as the new expectation."),
) -> None:
    """Clean each fixture and compare with its expected text and metadata; print a diff per mismatch."""
    cleaner = build_cleaner(rules, no_default_rules)
    sources = find_fixtures(fixtures)
    if not sources:
        typer.echo(f"cleaner: no fixtures (NAME.txt / NAME.html) under {fixtures}", err=True)
        raise typer.Exit(2)
    passed = failed = 0
    for source in sources:
        outcome = run_fixture(cleaner, source, update=update)
        if outcome.passed:
            passed += 1
            if update:
                typer.echo(outcome.report)
        else:
            failed += 1
            typer.echo(f"FAIL {source}")
            typer.echo(outcome.report.rstrip("\n"))
    typer.echo(f"{passed} passed, {failed} failed")
    raise typer.Exit(1 if failed else 0)


def list_rules(
    for_path: Optional[str] = typer.Option(None, "--for", metavar="PATH",
                                           help="Only the rule sets that apply to this document, and why."),
    url: Optional[str] = typer.Option(None, "--url", metavar="URL",
                                      help="With --for: the document's URL (selects site rule sets); https:// is "
                                           "assumed when left out."),
    rules: Optional[List[Path]] = RULES_OPTION,
    no_default_rules: bool = NO_DEFAULTS_OPTION,
) -> None:
    """Every rule set and rule with its id and description."""
    url = document_url(url)
    cleaner = build_cleaner(rules, no_default_rules)
    reasons = {rs.name: "generic" if not rs.is_site else "site" for rs in cleaner.rulesets}
    if for_path is not None:
        text = read_single_document(for_path)
        applicable = cleaner.applicable(cleaner.repair(text), url=url, path=None if for_path == "-" else for_path)
        reasons = {rs.name: reason for rs, reason in applicable}
    for ruleset in cleaner.rulesets:
        if ruleset.name not in reasons:
            continue
        typer.echo(f"{ruleset.name}  [{reasons[ruleset.name]}]  {ruleset.file}")
        for rule in ruleset.rules:
            state = "" if rule.enabled else "  (disabled)"
            if rule.page_types is not None:  # in the order of document.PAGE_TYPES
                state += f"  [{', '.join(t for t in PAGE_TYPES if t in rule.page_types)} only]"
            typer.echo(f"  {rule.id:<32} {rule.kind:<17} {rule.description}{state}")


def schema() -> None:
    """Print the JSON Schema of rule files (for editor validation and completion)."""
    typer.echo(json.dumps(rule_file_schema(), indent=2))


def import_ftr(
    source: Path = typer.Argument(..., metavar="FILE|DIR", help="A FiveFilters site config file (example.com.txt) "
                                  "or a folder of them (a checkout of ftr-site-config)."),
    output: Path = typer.Option(..., "--output", "-o", metavar="DIR", help="Folder to write the YAML rule sets to "
                                "(created if missing; a file already there is not overwritten)."),
) -> None:
    """Write each site config as an equivalent YAML site rule set (NAME.yaml in DIR).

    strip, strip_id_or_class and strip_image_src become html.prune XPaths; what has no equivalent
    (body, title/author/date XPaths, find_string, dissolve, test_url) is kept as a comment in the
    file and listed as FILE:LINE: directive: why. The written folder passes `cleaner rules check`.
    Exit code 2 if the source holds no site config or a file could not be written.
    """
    if not source.exists():
        typer.echo(f"cleaner: no such file or folder: {source}", err=True)
        raise typer.Exit(2)
    if not looks_like_checkout(source):
        typer.echo(f"cleaner: {source} is not a FiveFilters site config (NAME.txt with a dot in NAME, e.g. "
                   "example.com.txt) nor a folder of them", err=True)
        raise typer.Exit(2)
    output.mkdir(parents=True, exist_ok=True)
    written = kept = failed = 0
    for config in SiteConfigs([FolderSource(source)]):
        imported = to_yaml(config)
        target = output / imported.file_name
        if target.exists():
            typer.echo(f"{target}: exists, not overwritten (remove it to import {config.file} again)", err=True)
            failed += 1
            continue
        try:
            target.write_text(imported.text, encoding="utf-8")
        except OSError as err:
            typer.echo(f"{target}: cannot write ({err})", err=True)
            failed += 1
            continue
        written += 1
        kept += len(imported.warnings)
        for warning in imported.warnings:
            typer.echo(warning)
    typer.echo(f"{written} rule set(s) written to {output}; {kept} line(s) with no YAML equivalent kept as comments"
               + (f"; {failed} not written" if failed else ""), err=True)
    if failed:
        raise typer.Exit(2)
