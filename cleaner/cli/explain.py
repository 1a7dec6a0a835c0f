"""`cleaner explain` (every line of a document, kept or dropped, with the rule that decided)
and `cleaner repair` (the document with mojibake repaired and nothing removed)."""
from __future__ import annotations

import os
import sys
from itertools import chain
from pathlib import Path
from typing import List, Optional

import typer

from cleaner.cli.options import NO_DEFAULTS_OPTION, RULES_OPTION, build_cleaner, document_url, fail, read_path_bytes
from cleaner.io.decode import DecodeError, decode_bytes
from cleaner.io.sources import InputFailure, iter_inputs
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
    path: str = typer.Argument(..., metavar="PATH|-",
                               help="A text or HTML file, - for stdin, or several documents (a folder, a JSONL "
                                    "file): each is explained under a line '==> ID <=='."),
    rules: Optional[List[Path]] = RULES_OPTION,
    no_default_rules: bool = NO_DEFAULTS_OPTION,
    only_dropped: bool = typer.Option(False, "--only-dropped", help="List only the lines that were removed."),
    url: Optional[str] = typer.Option(None, "--url", metavar="URL",
                                      help="The document's URL, so site rule sets matching its domain apply (as a "
                                           "JSONL 'url' field would); https:// is assumed when left out."),
) -> None:
    """Show every line of a document, marked kept or dropped with the rule id that decided.

    Dropped lines are red and cut fragments yellow on a terminal; plain text in a pipe or with NO_COLOR set.
    """
    url = document_url(url)
    cleaner = build_cleaner(rules, no_default_rules)
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")  # https://no-color.org
    documents = iter_inputs([path])
    first = next(documents, None)
    if first is None:
        fail(f"{path}: no document found", 1)
    second = next(documents, None)
    several = second is not None
    failed = 0
    for number, item in enumerate(chain([first], [second] if several else [], documents)):
        if several:
            typer.echo(("\n" if number else "") + f"==> {item.id} <==")
        if isinstance(item, InputFailure):
            typer.echo(f"cleaner: {item.source}: {item.reason}", err=True)
            failed += 1
            continue
        try:
            result = cleaner.clean_bytes(_content(item), html=item.kind == "html", url=url or item.url,
                                         path=item.path if path != "-" else None)
        except Exception as err:  # say why this document could not be cleaned; the others go on
            typer.echo(f"cleaner: {item.source}: {err}", err=True)
            failed += 1
            continue
        _show(result, only_dropped, colour)
    if failed:
        raise typer.Exit(1)


def _content(item) -> bytes:
    return item.content if isinstance(item.content, bytes) else item.content.encode("utf-8")


def _show(result, only_dropped: bool, colour: bool) -> None:
    """One document's lines, each with its verdict, after what was decided about it as a whole."""
    for decision in [] if only_dropped else result.decisions:
        # The page type decides which type-restricted rules ran; the extraction, which lines there are.
        typer.echo(decision)
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
