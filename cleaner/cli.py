"""The `cleaner` command line. One function per command; cleaning itself lives in pipeline.py
and batch work in batch.py.

Exit codes: 0 every document cleaned; 1 some documents failed (each named on stderr, the rest
written); 2 bad usage or bad rule files (nothing cleaned).
"""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .batch import run_batch
from .chrome import learn_chrome
from .cli_rules_suggest import rules_app
from .decode import DecodeError, decode_bytes
from .pipeline import Cleaner
from .repair import repair_text
from .rulesets import RuleError
from .sources import InputFailure, iter_inputs
from .writers import open_writer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Strip boilerplate (related lists, ads, credits, translation notices, site chrome) from scraped "
         "articles and write clean text with metadata. Rules are YAML: see `cleaner rules --help`.",
)


app.add_typer(rules_app, name="rules")


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


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


@app.command()
def clean(
    paths: List[str] = typer.Argument(..., metavar="PATH...",
                                      help="Files, folders (walked for .txt, .html/.htm, .jsonl) or - for stdin."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o",
        help="For jsonl: the output file. For text/json: a folder, one file per document mirroring "
             "the input tree. Default: stdout."),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text, json or jsonl."),
    rules: Optional[List[Path]] = RULES_OPTION,
    no_default_rules: bool = NO_DEFAULTS_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary line on stderr."),
    learn_chrome_: bool = typer.Option(
        True, "--learn-chrome/--no-learn-chrome",
        help="First read the batch once to learn each site's chrome (lines recurring in many of its "
             "documents: same URL host, or same folder) and drop it (rule id learned-chrome). "
             "Not done for stdin, which cannot be read twice."),
    chrome_min_docs: int = typer.Option(
        5, "--chrome-min-docs", min=2, help="A site needs this many documents before its chrome is learned."),
    chrome_share: float = typer.Option(
        0.5, "--chrome-share", min=0.0, max=1.0,
        help="A line is chrome when it occurs in at least this share of its site's documents."),
) -> None:
    """Clean documents and write the clean text with metadata and the list of removed lines."""
    cleaner = build_cleaner(rules, no_default_rules)
    if learn_chrome_ and "-" not in paths:
        cleaner.chrome = learn_chrome(iter_inputs(paths), min_documents=chrome_min_docs, min_share=chrome_share)
        if not quiet and cleaner.chrome:
            typer.echo(f"cleaner: {cleaner.chrome.summary()}", err=True)
    if output is not None and fmt != OutputFormat.jsonl and output.exists() and not output.is_dir():
        fail(f"--output {output} is a file; --format {fmt.value} writes one file per document into a folder", 2)
    writer = open_writer(fmt.value, output)

    def report_error(error: dict) -> None:
        typer.echo(f"cleaner: {error['source']}: {error['error']}", err=True)

    try:
        summary = run_batch(cleaner, iter_inputs(paths), writer.write, report_error)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    if not quiet:
        typer.echo(summary.line(), err=True)
    raise typer.Exit(1 if summary.failed else 0)


def _read_one(path: str) -> tuple[str, bytes, str]:
    """(kind, bytes, source) of the single document named by PATH."""
    for item in iter_inputs([path]):
        if isinstance(item, InputFailure):
            fail(f"{item.source}: {item.reason}", 1)
        content = item.content if isinstance(item.content, bytes) else item.content.encode("utf-8")
        return item.kind, content, item.source
    fail(f"{path}: no document found", 1)
    raise AssertionError  # unreachable


@app.command()
def repair(path: str = typer.Argument(..., metavar="PATH|-", help="A text file, or - for stdin.")) -> None:
    """Print the document with mojibake repaired and nothing removed."""
    data = sys.stdin.buffer.read() if path == "-" else _read_path_bytes(path)
    try:
        text = decode_bytes(data)
    except DecodeError as err:
        fail(f"{path}: {err}", 1)
    sys.stdout.write(repair_text(text))
    if not text.endswith("\n"):
        sys.stdout.write("\n")


def _read_path_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as err:
        fail(f"{path}: cannot read file: {err.strerror or err}", 1)
        raise  # unreachable


@app.command()
def explain(
    path: str = typer.Argument(..., metavar="PATH|-", help="One document: a text or HTML file, or - for stdin."),
    rules: Optional[List[Path]] = RULES_OPTION,
    no_default_rules: bool = NO_DEFAULTS_OPTION,
    only_dropped: bool = typer.Option(False, "--only-dropped", help="List only the lines that were removed."),
) -> None:
    """Show every line of a document, marked kept or dropped with the rule id that decided."""
    cleaner = build_cleaner(rules, no_default_rules)
    kind, data, source = _read_one(path)
    try:
        result = cleaner.clean_bytes(data, html=kind == "html", path=None if path == "-" else path)
    except Exception as err:  # explain is for one document: say why it could not be cleaned
        fail(f"{source}: {err}", 1)
    colour = sys.stdout.isatty()
    width = max((len(r.rule) for r in result.removed), default=4)
    for line in result.lines:
        if line.kept and only_dropped:
            continue
        if line.kept:
            mark = f"  {'keep':<{width}} | "
            typer.echo(mark + line.text)
        else:
            mark = f"- {line.removed_by:<{width}} | "
            text = mark + line.text
            typer.echo(typer.style(text, fg=typer.colors.RED) if colour else text)
    for removal in result.removed:
        stripped = [l for l in result.lines if l.number == removal.line and l.kept]
        if stripped:
            note = f"~ {removal.rule:<{width}} | line {removal.line}: cut {removal.text!r}"
            typer.echo(typer.style(note, fg=typer.colors.YELLOW) if colour else note)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
