"""What the commands share: the options declared once, the way a run stops with a message and an
exit code, building the cleaner (bad rule files stop the run before any document is read), and
reading the one document that `explain`, `repair` and `rules list --for` work on."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from cleaner.io.decode import decode_bytes
from cleaner.io.sources import InputFailure, iter_inputs
from cleaner.pipeline import Cleaner
from cleaner.rules.model import RuleError

RULES_OPTION = typer.Option(
    None, "--rules", "-r", metavar="PATH",
    help="A rule file or a folder of them, added to the bundled rules. Repeatable.")
NO_DEFAULTS_OPTION = typer.Option(
    False, "--no-default-rules", help="Use only the rule sets given with --rules.")


def fail(message: str, code: int) -> None:
    typer.echo(f"cleaner: {message}", err=True)
    raise typer.Exit(code)


def build_cleaner(rules: Optional[List[Path]], no_default_rules: bool) -> Cleaner:
    """The cleaner for this run; bad rule files stop the run here, before any document is read."""
    if no_default_rules and not rules:
        fail("--no-default-rules needs at least one --rules PATH", 2)
    try:
        return Cleaner(rules=rules or (), use_default_rules=not no_default_rules)
    except RuleError as err:
        for problem in err.problems:
            typer.echo(str(problem), err=True)
        fail(f"{len(err.problems)} problem(s) in rule files; nothing was cleaned", 2)
        raise  # unreachable: fail() exits


def read_one(path: str) -> tuple[str, bytes, str]:
    """(kind, bytes, source) of the single document named by PATH."""
    for item in iter_inputs([path]):
        if isinstance(item, InputFailure):
            fail(f"{item.source}: {item.reason}", 1)
        content = item.content if isinstance(item.content, bytes) else item.content.encode("utf-8")
        return item.kind, content, item.source
    fail(f"{path}: no document found", 1)
    raise AssertionError  # unreachable


def read_single_document(path: str) -> str:
    """The text of one document as the rules see it (an HTML page's extracted main text)."""
    kind, data, source = read_one(path)
    try:
        if kind == "html":
            from cleaner.html.extract import extract_html  # trafilatura only when a page needs it

            return extract_html(decode_bytes(data, html=True)).text
        return decode_bytes(data)
    except Exception as err:  # say which file and why, then stop: this command is about one document
        fail(f"{source}: {err}", 1)
        raise  # unreachable


def read_path_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as err:
        fail(f"{path}: cannot read file: {err.strerror or err}", 1)
        raise  # unreachable
