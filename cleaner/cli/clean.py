"""`cleaner clean`: clean documents and write the clean text with metadata, locally or on Dask.

Exit codes: 0 every document cleaned; 1 some documents failed (each named on stderr, the rest
written); 2 bad usage or bad rule files (nothing cleaned); 3 an output could not be written (disk
full, read-only folder: the message names the path and the errno; --resume carries on once it is
fixed); 130 interrupted.
"""
from __future__ import annotations

import os
import sys
from collections import Counter
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from cleaner.cli.options import (CHROME_MIN_DOCS_OPTION, CHROME_SHARE_OPTION, LEARN_CHROME_OPTION, NO_DEFAULTS_OPTION,
                                 RULES_OPTION, build_cleaner, default_workers, fail, chrome_pass, plural,
                                 quiet_stdout)
from cleaner.cli.review import new_collector, write_review
from cleaner.cli.progress import Progress
from cleaner.engines.local import run_batch
from cleaner.engines.outcome import DEFAULT_HTML_SECONDS, Summary, TimeLimit
from cleaner.engines.resume import (DEFAULT_CHECKPOINT_EVERY, Checkpointer, ResumeError, checkpoint_path,
                                    find_checkpoint, fingerprint, open_tail, skip_inputs)
from cleaner.engines.stopping import INTERRUPTED_EXIT, RunInterrupted, StopSignals, python_interrupts
from cleaner.io.formats import DEFAULT_MAX_BYTES, ONE_DOCUMENT_SUFFIXES, content_suffix, output_format_for
from cleaner.io.lock import OutputLock, OutputLocked
from cleaner.io.overlap import NamedOutput, OutputOverlap, check_outputs, missing_inputs
from cleaner.io.sources import iter_inputs
from cleaner.io.writers import (DolmaWriter, JsonlFile, JsonlWriter, OutputClosed, OutputError, TreeWriter,
                                dolma_attributes_path, dumps, is_stream_target, open_writer, partial_path, writing)
from cleaner.pipeline import Cleaner
from cleaner.rules.report import RuleReport


# An output could not be written (disk full, read-only folder): distinct from 1 (some documents
# failed) and 2 (bad usage, nothing cleaned).
OUTPUT_ERROR_EXIT = 3


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class Markup(str, Enum):
    plain = "plain"
    markdown = "markdown"


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    parquet = "parquet"


def run_fingerprint(paths: List[str], fmt: str, output: Path, errors: Optional[Path], rules: Optional[List[Path]],
                    no_default_rules: bool, max_bytes: int, checkpoint_every: int,
                    dropped_fields: frozenset[str] = frozenset(), spans: bool = False, markup: str = "plain") -> str:
    """What must be the same for a run to resume another: inputs, options, rule files (their
    contents' time stamps and sizes) and the cleaner's version. Not --workers: any number of
    workers writes the same bytes."""
    from cleaner import __version__
    from cleaner.rules.load import _stamp, default_rules_dir

    rule_paths = ([str(default_rules_dir())] if not no_default_rules else []) + [os.fspath(p) for p in rules or []]
    return fingerprint({
        "paths": [p if p == "-" else str(Path(p).resolve()) for p in paths],
        "format": fmt, "output": str(output.resolve()), "errors": str(errors.resolve()) if errors else None,
        "rules": _stamp(tuple(rule_paths)), "max_bytes": max_bytes, "checkpoint_every": checkpoint_every,
        "version": __version__, **({"spans": True} if spans else {}),
        **({"drop_fields": sorted(dropped_fields)} if dropped_fields else {}),
        **({"markup": markup} if markup != "plain" else {}),
    })


def resolve_output(fmt: Optional[OutputFormat], output: Optional[str], engine: Engine) -> tuple[str, Optional[Path]]:
    """The output format and path. Without --format, -o's suffix decides (.jsonl, .jsonl.gz,
    .ndjson: one JSONL file; .parquet: one Parquet file; otherwise a folder of text files).
    Refused, before anything is read:
    a --format that clashes with the suffix, a one-document name (out.txt, out.json) for what is
    a folder of files, and a folder for what is one file."""
    if output is None or output == "-":
        return (fmt or OutputFormat.text).value, None
    path = Path(output)
    if content_suffix(path) == ".parquet" and path.name.lower().endswith(".gz"):
        fail(f"--output {output}: Parquet is compressed inside; name the file {path.name[:-3]}", 2)
    by_suffix = output_format_for(path)
    one_document = content_suffix(path) in ONE_DOCUMENT_SUFFIXES
    folder = output.endswith(("/", os.sep)) or path.is_dir()
    chosen = fmt.value if fmt is not None else by_suffix or OutputFormat.text.value
    if by_suffix is not None and chosen != by_suffix:
        fail(f"--format {chosen} clashes with --output {output}, whose suffix means {by_suffix}: drop --format "
             f"(the suffix decides) or give the output another name", 2)
    if one_document and not folder:
        if chosen == OutputFormat.jsonl.value:
            fail(f"--format jsonl clashes with --output {output}: name the file {path.stem}.jsonl", 2)
        fail(f"--output {output} looks like one file, but {chosen} output is a folder with one file per "
             f"document: give a folder name (no suffix), or write one JSONL file with -o {path.stem}.jsonl", 2)
    one_file = chosen in (OutputFormat.jsonl.value, OutputFormat.parquet.value)
    if engine == Engine.local:  # the Dask engine writes jsonl as part files into a folder
        if one_file and folder:
            fail(f"--output {output} is a folder, but {chosen} output is one file: name the file, "
                 f"e.g. -o {path / ('clean.' + chosen)}", 2)
        if not one_file and path.exists() and not path.is_dir():
            fail(f"--output {output} is a file; --format {chosen} writes one file per document into a folder", 2)
    return chosen, path


def _named_outputs(fmt: str, output: Optional[Path], errors: Optional[Path], report: Optional[Path],
                   review: Optional[Path], dolma_attributes: Optional[str], engine: Engine) -> list[NamedOutput]:
    """Every path this run writes, for the checks against its inputs and the locks."""
    found = []
    if output is not None:
        one_file = fmt in (OutputFormat.jsonl.value, OutputFormat.parquet.value) and not (
            engine == Engine.dask and output_format_for(output) is None)
        found.append(NamedOutput("--output", output, is_folder=not one_file))
        if dolma_attributes is not None:
            found.append(NamedOutput("--dolma-attributes", dolma_attributes_path(output, dolma_attributes)))
    found += [NamedOutput(option, path) for option, path in
              (("--errors", errors), ("--report", report), ("--review", review)) if path is not None]
    return found


def _lock_outputs(ctx: typer.Context, outputs: list[NamedOutput]) -> None:
    """Lock the output and the errors file (with their checkpoints and partial files) for the
    whole run: a second run writing them at once is refused, naming the first (io/lock.py). A
    device or pipe is not locked: it holds no file to mix up."""
    for output in outputs:
        if output.option not in ("--output", "--errors") or is_stream_target(output.path):
            continue
        lock = OutputLock(output.path, output.is_folder)
        try:
            with writing(lock.path):
                lock.acquire()
        except OutputLocked as err:
            fail(f"{err}; nothing was written", 2)
        except OutputError as err:
            fail(f"{err}; nothing was written", OUTPUT_ERROR_EXIT)
        ctx.call_on_close(lock.release)


def parse_drop_fields(values: Optional[List[str]], fmt: str) -> frozenset[str]:
    """--drop-fields html,raw (or repeated): the fields to leave out of every record."""
    names = frozenset(name.strip() for value in values or [] for name in value.split(",") if name.strip())
    if names and fmt == OutputFormat.text.value:
        fail("--drop-fields applies to json and jsonl records; text output has no fields", 2)
    if "id" in names:
        fail("--drop-fields id: every record keeps its id (output files, --resume and error records use it)", 2)
    return names


def clean(
    ctx: typer.Context,
    paths: List[str] = typer.Argument(..., metavar="PATH...",
                                      help="Files, folders (walked for .txt, .html/.htm, .jsonl, .warc, each "
                                           "optionally .gz-compressed, and .parquet) or - for stdin."),
    output: Optional[str] = typer.Option(
        None, "--output", "-o", metavar="PATH", show_default=False,
        help="Where to write. NAME.jsonl (or .jsonl.gz, .ndjson): one JSONL file, one record per document. "
             "NAME.parquet: one Parquet file. Any other name: a folder with one file per document, mirroring the "
             "input tree. Default (or -): stdout. See --format."),
    fmt: Optional[OutputFormat] = typer.Option(
        None, "--format", "-f", metavar="[text|json|jsonl|parquet]", show_default=False,
        help="jsonl: one JSON record a line (text, metadata, removed lines). json: one indented record per "
             "document. text: the clean text only; on stdout, several documents are each headed by a line "
             "'==> ID <=='. parquet: the JSONL records' fields as columns (needs pip install "
             "'cleaner-text[parquet]', from a checkout pip install -e '.[parquet]', and -o FILE). Default: from --output's suffix (jsonl for .jsonl, parquet for "
             ".parquet), else text."),
    rules: Optional[List[Path]] = RULES_OPTION,
    no_default_rules: bool = NO_DEFAULTS_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary line, no progress, no per-document "
                                                            "error lines on stderr."),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", min=1, metavar="BYTES",
                                  help="A file larger than this becomes an error record instead of being read."),
    report: Optional[Path] = typer.Option(
        None, "--report", metavar="FILE",
        help="Write per-rule statistics (lines and documents hit, sample texts) as JSON to FILE."),
    review: Optional[Path] = typer.Option(
        None, "--review", metavar="FILE.html",
        help="Also write a review page of what the rules removed to FILE.html, as `cleaner review` does "
             "(at most 2,000 documents shown, chosen deterministically)."),
    workers: int = typer.Option(0, "--workers", "-w", min=0, metavar="N",
                                help="Worker processes cleaning in parallel; 0 (the default) uses every core. "
                                     "The output is the same, byte for byte, whatever the number."),
    errors: Optional[Path] = typer.Option(
        None, "--errors", "-e", metavar="FILE",
        help="Write one JSON line per document that could not be cleaned (id, source, line for JSONL input, "
             "error) to this file (.gz compresses it)."),
    drop_fields: Optional[List[str]] = typer.Option(
        None, "--drop-fields", metavar="FIELD,...",
        help="Leave these fields out of json/jsonl records, e.g. html: JSONL input's fields are passed "
             "through, so its pages would otherwise be copied into the output. Repeatable."),
    resume: bool = typer.Option(
        False, "--resume",
        help="Continue an interrupted run (Ctrl-C, SIGTERM, a crash) with the same arguments: JSONL output "
             "goes on from where it stopped (or its last checkpoint after a crash), per-document files "
             "already written are skipped. The result is the same as an uninterrupted run's."),
    checkpoint_every: int = typer.Option(
        DEFAULT_CHECKPOINT_EVERY, "--checkpoint-every", min=1, metavar="N",
        help="With JSONL output: save a checkpoint for --resume every N input documents (a run stopped by "
             "Ctrl-C or SIGTERM saves one where it stopped)."),
    progress: Optional[bool] = typer.Option(
        None, "--progress/--no-progress", show_default=False,
        help="Show a progress line (documents/s, MB/s, ETA) on stderr. Default: when stderr is a terminal."),
    engine: Engine = typer.Option(
        Engine.local, "--engine", metavar="[local|dask]",
        help="local: this machine. dask: a Dask cluster (needs pip install 'cleaner-text[dask]', from a "
             "checkout pip install -e '.[dask]'); PATHs may then be fsspec URLs (s3://...), and --format jsonl -o FOLDER writes part files and a manifest."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", metavar="ADDRESS",
        help="With --engine dask: the scheduler to submit to (e.g. tcp://10.0.0.5:8786). "
             "Default: start a local cluster of worker processes."),
    learn_chrome_: bool = LEARN_CHROME_OPTION,
    chrome_min_docs: int = CHROME_MIN_DOCS_OPTION,
    chrome_share: float = CHROME_SHARE_OPTION,
    spans: bool = typer.Option(
        False, "--spans",
        help="Give each removed line or fragment its character offsets in the repaired text (\"start\", "
             "\"end\") and add that text to the record as repaired_text, so a pipeline can apply or audit the "
             "removals without running the cleaner again."),
    dolma_attributes: Optional[str] = typer.Option(
        None, "--dolma-attributes", metavar="NAME",
        help="With --format jsonl -o FILE: write dolma documents (text: the repaired text) to FILE and the "
             "removal spans as dolma attributes (NAME__RULE: [[start, end, score], ...]) to "
             "attributes/NAME/ beside them (DATASET/documents/F -> DATASET/attributes/NAME/F)."),
    markup: Markup = typer.Option(
        Markup.plain, "--markup",
        help="plain: one paragraph, heading or item a line. markdown: the text in Markdown (# headings, - and 1. "
             "lists, tables, fenced code; docs/markdown.md), the metadata saying \"markup\": \"markdown\". The "
             "rules see the same plain lines either way."),
    links: bool = typer.Option(
        False, "--links",
        help="With --markup markdown: keep an HTML page's links as inline Markdown links (a second extraction "
             "of each page, which takes about twice as long)."),
    select_extraction: bool = typer.Option(
        False, "--select-extraction",
        help="HTML: for pages that are not articles, choose between trafilatura's main extraction and three "
             "cheaper alternatives by a learned model (metadata.extraction). Better on forums, listings and "
             "service pages of the WCXB set, worse on the news dev set; about twice the extraction time "
             "(docs/html.md)."),
    follow_links: bool = typer.Option(
        False, "--follow-links",
        help="In folders given, read files and folders that symlinks point to outside the folder (each linked "
             "folder once). Default: such links are skipped with a note; links to files inside it are read."),
    doc_timeout: Optional[float] = typer.Option(
        None, "--doc-timeout", min=0.0, metavar="SECONDS",
        help=f"A document whose cleaning takes longer becomes an error record and the worker process cleaning "
             f"it is replaced (with -w 1 too: documents are then cleaned in one worker process). Default: "
             f"{DEFAULT_HTML_SECONDS:g} for HTML pages, none for text (its cost grows with its size and its "
             "patterns have their own limit). 0: no limit. Not applied with --engine dask."),
) -> None:
    """Clean documents and write the clean text with metadata and the list of removed lines.

    Every input document gives exactly one output record or one error record; the summary on
    stderr counts them. Exit code 1 when some documents failed. Ctrl-C stops the run within
    about a second (exit code 130); --resume carries on from there.
    """
    fmt_name, output_path = resolve_output(fmt, output, engine)
    dropped_fields = parse_drop_fields(drop_fields, fmt_name)
    if resume and output_path is None:
        fail("--resume needs --output: there is nothing to resume on stdout", 2)
    if errors is not None and output_path is not None and errors.resolve() == output_path.resolve():
        fail("--errors and --output name the same file", 2)
    if scheduler is not None and engine != Engine.dask:
        fail("--scheduler needs --engine dask", 2)
    if dropped_fields and engine == Engine.dask:
        fail("--drop-fields is not available with --engine dask", 2)
    if fmt_name == OutputFormat.parquet.value and output_path is None:
        fail("--format parquet needs -o FILE.parquet: Parquet is not written to stdout", 2)
    if dolma_attributes is not None and (fmt_name != OutputFormat.jsonl.value or output_path is None):
        fail("--dolma-attributes needs --format jsonl and -o FILE (the documents file)", 2)
    if dolma_attributes is not None and not dolma_attributes.replace("-", "_").isidentifier():
        fail(f"--dolma-attributes {dolma_attributes!r}: use letters, digits, - and _ (it names a folder and "
             "the attribute keys)", 2)
    if resume and (fmt_name == OutputFormat.parquet.value or dolma_attributes is not None):
        fail("--resume works with JSONL and per-document output; rerun a Parquet or dolma run from the start", 2)
    if engine == Engine.dask and dolma_attributes is not None:
        fail("--dolma-attributes is not available with --engine dask", 2)
    if links and markup != Markup.markdown:
        fail("--links needs --markup markdown: plain text has no links", 2)
    streamed = output_path is not None and is_stream_target(output_path)
    if streamed and (fmt_name == OutputFormat.parquet.value or dolma_attributes is not None or resume
                     or engine == Engine.dask):
        what = ("--resume" if resume else "--engine dask" if engine == Engine.dask else
                "--dolma-attributes" if dolma_attributes is not None else "Parquet output")
        fail(f"--output {output_path} is a device or a pipe, written as a stream; {what} needs a regular file", 2)
    if resume and errors is not None and is_stream_target(errors):
        fail(f"--errors {errors} is a device or a pipe: --resume needs a regular file to carry on", 2)
    for missing in missing_inputs(paths):
        fail(f"{missing}: no such file or folder (check the path given); nothing was read or written", 2)
    outputs = _named_outputs(fmt_name, output_path, errors, report, review, dolma_attributes, engine)
    try:
        check_outputs(paths, outputs)
    except OutputOverlap as err:
        fail(f"{err}; nothing was read or written", 2)
    cleaner = build_cleaner(rules, no_default_rules)
    cleaner.spans = spans or dolma_attributes is not None
    cleaner.markdown, cleaner.links = markup == Markup.markdown, links
    cleaner.select_extraction = select_extraction
    rule_report = RuleReport(rule.id for rs in cleaner.rulesets for rule in rs.rules) if report else None
    if review is not None and (engine == Engine.dask or resume):
        fail(f"--review is not available with {'--engine dask' if engine == Engine.dask else '--resume'}: "
             "the page needs every document of the run cleaned here", 2)
    exclude = [p for p in (output_path, errors, review) if p is not None]
    if engine == Engine.dask:
        _check_dask_usage(fmt_name, output_path, resume=resume, report=report)  # before anything is written
    _lock_outputs(ctx, outputs)
    workers = workers or default_workers()
    if engine == Engine.dask:
        chrome = (chrome_min_docs, chrome_share) if learn_chrome_ else None
        print_ = (run_fingerprint(paths, fmt_name, output_path, errors, rules, no_default_rules, max_bytes, 0,
                                  spans=spans) if output_path is not None else "")
        with python_interrupts():  # the Dask client handles Ctrl-C itself (its cluster must be shut down)
            _clean_on_dask(paths, cleaner, fmt_name, output_path, errors, scheduler, workers, max_bytes, quiet,
                           resume=resume, report=report, progress=progress, chrome=chrome,
                           fingerprint=print_)  # exits
    # Checkpoints (--resume) follow a plain JSONL output file.
    jsonl_file = (output_path is not None and fmt_name == OutputFormat.jsonl.value and dolma_attributes is None
                  and not streamed)
    records_skipped: Counter = Counter()  # WARC records that are not pages, by reason (for the summary)
    note = None if quiet else (lambda message: typer.echo(f"cleaner: {message}", err=True))
    inputs = iter_inputs(paths, exclude=exclude, max_bytes=max_bytes, skipped=records_skipped, on_note=note,
                         follow_links=follow_links)
    # Site chrome is learned as the batch is read, before --resume skips what is done: a resumed
    # run learns the same chrome from the same documents.
    learning = chrome_pass(learn_chrome_, chrome_min_docs, chrome_share)
    if learning is not None:
        inputs = learning.inputs(inputs)
    collector = new_collector(cleaner) if review is not None else None

    checkpoint = None
    print_ = ""
    if jsonl_file:
        print_ = run_fingerprint(paths, fmt_name, output_path, errors, rules, no_default_rules, max_bytes,
                                 checkpoint_every, dropped_fields, spans, markup.value + ("+links" if links else ""))
        if resume:
            try:
                checkpoint = find_checkpoint(output_path, errors, print_)
            except ResumeError as err:
                fail(str(err), 2)
            if checkpoint is None and not quiet:
                typer.echo(f"cleaner: no checkpoint beside {output_path}: starting from the first document", err=True)
        elif checkpoint_path(output_path).exists() and not quiet:
            typer.echo(f"cleaner: starting over; the interrupted run's {partial_path(output_path)} is replaced "
                       "(use --resume to continue it instead)", err=True)

    summary = Summary()
    try:
        if checkpoint is not None:
            with open_tail(output_path, checkpoint.output_tail) as tail:
                writer = JsonlWriter(output_path, resume_at=checkpoint.output_bytes, tail=tail)
            errors_file = None
            if errors:
                with open_tail(errors, checkpoint.errors_tail) as tail:
                    errors_file = JsonlFile(errors, resume_at=checkpoint.errors_bytes, tail=tail)
            summary = Summary.from_counts(checkpoint.counts)
            summary.resumed = checkpoint.inputs
            inputs = skip_inputs(inputs, checkpoint.inputs)
        elif dolma_attributes is not None:
            writer = DolmaWriter(output_path, dolma_attributes)
            errors_file = JsonlFile(errors) if errors else None
        else:
            try:
                with writing(output_path or "<stdout>"):
                    writer = open_writer(fmt_name, output_path)
            except RuntimeError as err:  # the extra the format needs is not installed
                fail(str(err), 2)
            errors_file = JsonlFile(errors) if errors else None
    except OutputError as err:
        fail(f"{err}; nothing was cleaned", OUTPUT_ERROR_EXIT)
    tree = writer if isinstance(writer, TreeWriter) else None
    checkpointer = Checkpointer(output_path, writer, errors_file, print_, checkpoint_every) if jsonl_file else None
    show_progress = (sys.stderr.isatty() if progress is None else progress) and not quiet
    meter = Progress(paths, skipped_bytes=summary.input_bytes, skipped_documents=summary.documents) \
        if show_progress else None

    def write(record: dict) -> None:
        if collector is not None:
            collector.add(record)  # first: it takes out the lines the page needs and the output does not
        if not quiet and record.get("warnings"):  # e.g. a rule skipped, a text run together on one line
            if meter is not None:
                meter.clear()
            for warning in record["warnings"]:
                typer.echo(f"cleaner: {record['id']}: warning: {warning}", err=True)
        if rule_report is not None:
            rule_report.add(record)
        if dropped_fields:
            record = {key: value for key, value in record.items() if key not in dropped_fields}
        with writing(output_path or "<stdout>"):  # Parquet's writer raises plain OSErrors
            writer.write(record)

    def report_error(error: dict) -> None:
        if errors_file is not None:
            errors_file.write_line(dumps(error))
        if collector is not None:
            collector.add_error(error)
        if tree is not None:
            tree.forget(str(error["id"]))
        if not quiet:
            if meter is not None:
                meter.clear()
            where = error["source"]
            typer.echo(f"cleaner: {where}: {error['error']}", err=True)

    def after_each(outcome, running) -> None:
        if checkpointer is not None:
            checkpointer(outcome, running)
        if meter is not None:
            meter.update(running.documents, running.failed, running.input_bytes)

    def stopped() -> None:
        """The run was stopped by Ctrl-C or SIGTERM: keep what is done, say how to go on."""
        if meter is not None:
            meter.clear()
        if checkpointer is not None:
            checkpointer.save_stopped(summary)
        writer.abort()
        if errors_file is not None:
            errors_file.keep_partial()
        resumable = checkpointer is not None or tree is not None
        again = "; rerun the same command with --resume to continue" if resumable else ""
        typer.echo(f"cleaner: interrupted after {plural(summary.documents, 'document')}{again}", err=True)
        raise typer.Exit(INTERRUPTED_EXIT)

    def write_failed(err: OutputError) -> None:
        """An output could not be written (disk full, read-only folder): one message, exit 3.
        What the last checkpoint names was made durable, so --resume carries on from there."""
        for keep in (writer.abort, errors_file.keep_partial if errors_file is not None else None):
            try:
                if keep is not None:
                    keep()
            except (OSError, OutputError):  # the same full disk again: the message below says it
                pass
        if meter is not None:
            meter.clear()
        resumable = checkpointer is not None or tree is not None
        again = ("; free space (or make it writable) and rerun the same command with --resume to continue"
                 if resumable else "; free space (or make it writable) and run it again")
        typer.echo(f"cleaner: {err}{again}", err=True)
        raise typer.Exit(OUTPUT_ERROR_EXIT)

    if tree is not None:
        tree.resuming = resume
    with StopSignals() as stop:  # Ctrl-C and SIGTERM: stop between documents, keep what is done
        try:
            # The tree hands out file names in input order, failures included: a resumed run then
            # finds every name where the first run put it (a.htm failing, a.html beside it).
            summary = run_batch(cleaner, inputs, write, report_error, workers=workers,
                                already_done=tree.already_done if tree is not None else None,
                                on_outcome=after_each, summary=summary,
                                time_limit=TimeLimit.from_option(doc_timeout), stop=stop)
        except RunInterrupted:
            stopped()
        except OutputError as err:
            write_failed(err)
        except OutputClosed:
            # `cleaner clean ... | head`: the reader has what it wanted. End quietly, as Unix tools do.
            if errors_file is not None:
                errors_file.close()
            quiet_stdout()
            raise typer.Exit(0) from None
        except Exception as err:
            if stop.requested is not None:
                stopped()  # the stop, cut short inside a library that turned it into an error of its own
            writer.abort()
            if errors_file is not None:
                errors_file.keep_partial()
            if meter is not None:
                meter.clear()
            again = " (rerun with --resume to continue)" if output_path is not None else ""
            typer.echo(f"cleaner: run stopped: {type(err).__name__}: {err}{again}", err=True)
            raise typer.Exit(2) from None
    summary.records_skipped = dict(records_skipped)
    if meter is not None:
        meter.update(summary.documents, summary.failed, summary.input_bytes, force=True)
        meter.clear()
    try:
        if errors_file is not None:
            errors_file.mark()  # durable before the checkpoint goes
        if isinstance(writer, JsonlWriter):
            writer.mark()
        if checkpointer is not None:
            checkpointer.remove()  # first: a kill between the two leaves a partial file, never a stale checkpoint
        if errors_file is not None:
            errors_file.close()
        with writing(output_path or "<stdout>"):
            writer.close()
        if rule_report is not None:
            rule_report.write(report)
        wrote = write_review(review, collector, paths, ctx) if collector is not None and review is not None else ""
    except OutputClosed:
        quiet_stdout()
        raise typer.Exit(0) from None
    except OutputError as err:
        write_failed(err)
    if not quiet:
        if learning is not None and learning.sites_learned:
            typer.echo(f"cleaner: {learning.summary()}", err=True)
        typer.echo(summary.line(), err=True)
        if wrote:
            typer.echo(f"cleaner: {wrote}", err=True)
    raise typer.Exit(1 if summary.failed else 0)


def _check_dask_usage(fmt: str, output: Optional[Path], *, resume: bool, report: Optional[Path]) -> None:
    """Refuse (exit 2) an --engine dask run that cannot go ahead: options it does not take, or Dask
    not installed. Checked before the outputs are locked, since locking a folder output creates it."""
    from cleaner.engines.dask import DaskUnavailable, import_distributed

    if resume and (fmt != "jsonl" or output is None):
        fail("--resume with --engine dask needs --format jsonl -o FOLDER (the part files it carries on from)", 2)
    if report is not None:
        fail("--report is not available with --engine dask", 2)
    try:
        import_distributed()
    except DaskUnavailable as err:
        fail(str(err), 2)


def _clean_on_dask(paths: List[str], cleaner: Cleaner, fmt: str, output: Optional[Path], errors: Optional[Path],
                   scheduler: Optional[str], workers: int, max_bytes: int, quiet: bool, *, resume: bool,
                   report: Optional[Path], progress: Optional[bool], chrome: Optional[tuple] = None,
                   fingerprint: str = "") -> None:
    """`clean --engine dask`: engines/dask_shards.py does the work. It is imported only now, so
    that the plain install never needs Dask. Always exits, with the local engine's exit codes."""
    from cleaner.engines.dask import DaskUsageError
    from cleaner.engines.dask_shards import ShardedRun, clean_with_dask

    errors_file = JsonlFile(errors) if errors is not None else None
    show_progress = (sys.stderr.isatty() if progress is None else progress) and not quiet
    meter = Progress(paths) if show_progress else None

    def report_error(error: dict) -> None:
        if errors_file is not None:
            errors_file.write_line(dumps(error))
        if not quiet:
            if meter is not None:
                meter.clear()
            typer.echo(f"cleaner: {error['source']}: {error['error']}", err=True)

    def after_partition(running) -> None:  # the line moves once per partition, not per document
        if meter is not None:
            meter.update(running.documents, running.failed, running.input_bytes)

    learned_chrome = []

    def told(learned) -> None:  # said at the end, where the local engine says it (it learns while cleaning)
        if learned:
            learned_chrome.append(learned)

    exclude = [p for p in (output, errors) if p is not None]
    try:
        summary = clean_with_dask(paths, cleaner, fmt=fmt, output=None if output is None else str(output),
                                  scheduler=scheduler, on_error=report_error, exclude=exclude, max_bytes=max_bytes,
                                  workers=workers, on_partition=after_partition, resume=resume,
                                  fingerprint=fingerprint, settings=ShardedRun(chrome=chrome, on_chrome=told))
    except BaseException as err:
        if meter is not None:
            meter.clear()
        if errors_file is not None:
            errors_file.discard()
        if isinstance(err, DaskUsageError):
            fail(str(err), 2)
        if isinstance(err, KeyboardInterrupt):
            fail("interrupted; rerun with --resume to carry on (no manifest was written)", 130)
        raise
    if meter is not None:
        meter.update(summary.documents, summary.failed, summary.input_bytes, force=True)
        meter.clear()
    if errors_file is not None:
        errors_file.close()
    if not quiet:
        for learned in learned_chrome:
            typer.echo(f"cleaner: {learned.summary()}", err=True)
        typer.echo(summary.line(), err=True)
    raise typer.Exit(1 if summary.failed else 0)
