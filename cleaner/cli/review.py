"""`cleaner review`: clean documents as `cleaner clean` would and write, instead of the clean
text, a review page: one self-contained HTML file showing what each rule removed, in context.

The run is the same as `clean`'s (same rules, the same chrome learned from the batch, the same
per-document function through engines/local.run_batch); only what is kept of it differs.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from cleaner import __version__
from cleaner.cli.options import (CHROME_MIN_DOCS_OPTION, CHROME_SHARE_OPTION, LEARN_CHROME_OPTION, NO_DEFAULTS_OPTION,
                                 RULES_OPTION, build_cleaner, command_line, default_workers, fail, chrome_pass)
from cleaner.cli.progress import Progress
from cleaner.engines.local import run_batch
from cleaner.engines.outcome import TimeLimit
from cleaner.io.formats import DEFAULT_MAX_BYTES
from cleaner.io.sources import iter_inputs
from cleaner.io.writers import atomic_write_text
from cleaner.pipeline import Cleaner
from cleaner.review.collect import SAMPLE_DOCUMENTS, ReviewCollector, rule_tallies
from cleaner.review.page import render_page

SAMPLE_OPTION = typer.Option(
    SAMPLE_DOCUMENTS, "--sample", min=1, metavar="N",
    help="Show at most N documents on the page, chosen deterministically (the rule table still counts "
         "every document). Keeps the page small enough to open on big runs.")


def new_collector(cleaner: Cleaner, sample: int = SAMPLE_DOCUMENTS) -> ReviewCollector:
    """A collector for a run of this cleaner, which from now on puts every line's verdict in its
    records (the collector takes them out again)."""
    cleaner.record_lines = True
    return ReviewCollector(rule_tallies(cleaner.rulesets), sample)


def write_review(path: Path, collector: ReviewCollector, paths: List[str], ctx: typer.Context) -> str:
    """Write the page (`ctx`: the command's, which the page names); what to tell the user about it."""
    title = "cleaner review: " + " ".join(paths)
    data = collector.page_data(title=title, command=command_line(ctx), version=__version__)
    page = render_page(data)
    atomic_write_text(path, page)
    size = len(page.encode("utf-8"))
    return f"wrote {path} ({size / 1e6:.1f} MB; {data['sample']['shown']} of {data['sample']['of']} documents shown)"


def review(
    ctx: typer.Context,
    paths: List[str] = typer.Argument(..., metavar="PATH...",
                                      help="Files, folders (walked for .txt, .html/.htm, .jsonl, each optionally "
                                           ".gz-compressed) or - for stdin, as for `cleaner clean`."),
    output: Path = typer.Option(..., "--output", "-o", metavar="FILE.html",
                                help="The review page to write: one HTML file, no external assets; open it "
                                     "from disk in a browser."),
    rules: Optional[List[Path]] = RULES_OPTION,
    no_default_rules: bool = NO_DEFAULTS_OPTION,
    sample: int = SAMPLE_OPTION,
    workers: int = typer.Option(0, "--workers", "-w", min=0, metavar="N",
                                help="Worker processes cleaning in parallel; 0 (the default) uses every core. "
                                     "The page is the same, byte for byte, whatever the number."),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", min=1, metavar="BYTES",
                                  help="A file larger than this is listed as failed instead of being read."),
    learn_chrome_: bool = LEARN_CHROME_OPTION,
    chrome_min_docs: int = CHROME_MIN_DOCS_OPTION,
    chrome_share: float = CHROME_SHARE_OPTION,
    progress: Optional[bool] = typer.Option(
        None, "--progress/--no-progress",
        help="Show a progress line on stderr. Default: when stderr is a terminal."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary line, no progress, no per-document "
                                                            "error lines on stderr."),
) -> None:
    """Clean documents and write a review page of what the rules removed.

    The page has a sortable table of rules (lines, documents and share of removed words, over
    the whole run; readable without JavaScript), each rule's removed lines in context, every
    document line by line with its verdict, filters by rule, rule set, site and page type, a
    search box and keyboard navigation (j/k). Exit code 1 when some documents failed (they are
    listed on the page).
    """
    if output.is_dir():
        fail(f"--output {output} is a folder; name the HTML file to write, e.g. {output / 'review.html'}", 2)
    cleaner = build_cleaner(rules, no_default_rules)
    learning = chrome_pass(learn_chrome_, chrome_min_docs, chrome_share)
    inputs = iter_inputs(paths, exclude=[output], max_bytes=max_bytes)
    collector = new_collector(cleaner, sample)
    show_progress = (sys.stderr.isatty() if progress is None else progress) and not quiet
    meter = Progress(paths) if show_progress else None

    def report_error(error: dict) -> None:
        collector.add_error(error)
        if not quiet:
            if meter is not None:
                meter.clear()
            typer.echo(f"cleaner: {error['source']}: {error['error']}", err=True)

    def after_each(_outcome, running) -> None:
        if meter is not None:
            meter.update(running.documents, running.failed, running.input_bytes)

    try:
        summary = run_batch(cleaner, inputs if learning is None else learning.inputs(inputs), collector.add,
                            report_error, workers=workers or default_workers(), on_outcome=after_each,
                            time_limit=TimeLimit.from_option(None))  # clean's default: HTML pages have a time limit
    except KeyboardInterrupt:
        if meter is not None:
            meter.clear()
        fail("interrupted; no page was written", 130)
    if meter is not None:
        meter.clear()
    wrote = write_review(output, collector, paths, ctx)
    if not quiet:
        typer.echo(summary.line(), err=True)
        typer.echo(f"cleaner: {wrote}", err=True)
    raise typer.Exit(1 if summary.failed else 0)
