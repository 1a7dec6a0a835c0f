"""`cleaner explain` (every line of one document, kept or dropped, with the rule that decided)
and `cleaner repair` (the document with mojibake repaired and nothing removed)."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from cleaner.cli.options import NO_DEFAULTS_OPTION, RULES_OPTION, build_cleaner, fail, read_one, read_path_bytes
from cleaner.io.decode import DecodeError, decode_bytes
from cleaner.repair import repair_text


def repair(path: str = typer.Argument(..., metavar="PATH|-", help="A text file, or - for stdin.")) -> None:
    """Print the document with mojibake repaired and nothing removed."""
    data = sys.stdin.buffer.read() if path == "-" else read_path_bytes(path)
    try:
        text = decode_bytes(data)
    except DecodeError as err:
        fail(f"{path}: {err}", 1)
    sys.stdout.write(repair_text(text))
    if not text.endswith("\n"):
        sys.stdout.write("\n")


def explain(
    path: str = typer.Argument(..., metavar="PATH|-", help="One document: a text or HTML file, or - for stdin."),
    rules: Optional[List[Path]] = RULES_OPTION,
    no_default_rules: bool = NO_DEFAULTS_OPTION,
    only_dropped: bool = typer.Option(False, "--only-dropped", help="List only the lines that were removed."),
    url: Optional[str] = typer.Option(None, "--url", help="The document's URL, so site rule sets matching "
                                                          "its domain apply (as a JSONL 'url' field would)."),
) -> None:
    """Show every line of a document, marked kept or dropped with the rule id that decided.

    Dropped lines are red and cut fragments yellow on a terminal; plain text in a pipe or with NO_COLOR set.
    """
    cleaner = build_cleaner(rules, no_default_rules)
    kind, data, source = read_one(path)
    try:
        result = cleaner.clean_bytes(data, html=kind == "html", url=url, path=None if path == "-" else path)
    except Exception as err:  # explain is for one document: say why it could not be cleaned
        fail(f"{source}: {err}", 1)
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")  # https://no-color.org
    # A rule's note on a line (main-content's probability) shows beside "keep", or beside the
    # rule's own id when that rule dropped the line.
    verdicts = {}
    for line in result.lines:
        if line.kept:
            rule, note = result.notes.get(line.number, ("", ""))
            verdicts[line.number] = f"keep ({rule} {note})" if note else "keep"
        else:
            note = result.note_by(line.removed_by, line.number)
            verdicts[line.number] = f"{line.removed_by} {note}" if note else line.removed_by
    width = max((len(v) for v in verdicts.values()), default=4)
    for line in result.lines:
        if line.kept and only_dropped:
            continue
        if line.kept:
            mark = f"  {verdicts[line.number]:<{width}} | "
            typer.echo(mark + line.text)
        else:
            mark = f"- {verdicts[line.number]:<{width}} | "
            text = mark + line.text
            typer.echo(typer.style(text, fg=typer.colors.RED) if colour else text)
    for removal in result.removed:
        stripped = [l for l in result.lines if l.number == removal.line and l.kept]
        if stripped:
            note = f"~ {removal.rule:<{width}} | line {removal.line}: cut {removal.text!r}"
            typer.echo(typer.style(note, fg=typer.colors.YELLOW) if colour else note)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
