"""What the commands share: the options declared once, the way a run stops with a message and an
exit code, building the cleaner (bad rule files stop the run before any document is read), and
reading the one document that `explain`, `repair` and `rules list --for` work on."""
from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import List, Optional
from urllib.parse import urlsplit

import typer

from cleaner.fullpage.chrome import ChromeStream
from cleaner.io.decode import decode_bytes
from cleaner.io.sources import InputFailure, iter_inputs
from cleaner.pipeline import Cleaner
from cleaner.rules.model import RuleError

RULES_OPTION = typer.Option(
    None, "--rules", "-r", metavar="PATH",
    help="A rule file or a folder of them, added to the bundled rules. Repeatable.")
NO_DEFAULTS_OPTION = typer.Option(
    False, "--no-default-rules", help="Use only the rule sets given with --rules.")


def default_workers() -> int:
    """Every core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def plural(count: int, noun: str) -> str:
    """
    >>> plural(1, "document"), plural(2, "document")
    ('1 document', '2 documents')
    """
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def quiet_stdout() -> None:
    """After a broken pipe (`cleaner ... | head`): point stdout at /dev/null, so that what is still
    buffered is dropped instead of failing again when Python flushes it on exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout without a file descriptor (tests, embedding): nothing to do
        pass


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


def document_url(url: Optional[str], option: str = "--url") -> Optional[str]:
    """A document URL given on the command line. A bare host (example.com/a) gets https:// put in
    front, with a note: without a scheme no host can be read from it, and site rule sets would
    silently not apply."""
    if url is None:
        return None
    if "://" not in url:
        fixed = "https://" + url.lstrip("/")
        typer.echo(f"cleaner: {option} {url} has no scheme; taken as {fixed}", err=True)
        url = fixed
    if not urlsplit(url).hostname:
        fail(f"{option} {url}: no host name in it (give a URL like https://example.com/page)", 2)
    return url


def read_one(path: str) -> tuple[str, bytes, str]:
    """(kind, bytes, source) of the single document named by PATH; refused (exit 2) when PATH
    holds several (a folder, a JSONL file of many records)."""
    found = None
    for item in iter_inputs([path]):
        if found is not None:
            fail(f"{path} holds several documents; name one of them (`cleaner explain` explains each)", 2)
        found = item
    if found is None:
        fail(f"{path}: no document found", 1)
    if isinstance(found, InputFailure):
        fail(f"{found.source}: {found.reason}", 1)
    content = found.content if isinstance(found.content, bytes) else found.content.encode("utf-8")
    return found.kind, content, found.source


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


# Chrome learned from the batch: `clean` and `review` learn it the same way, while cleaning.
LEARN_CHROME_OPTION = typer.Option(
    True, "--learn-chrome/--no-learn-chrome",
    help="Learn each site's chrome (lines recurring in many of its documents: same URL host, or same folder) "
         "from a sample of its first text documents (up to 100, within 1,000 inputs or 32 MB of it) and drop "
         "it (rule id learned-chrome). Read once, while cleaning: a sample's documents wait until it is complete.")
CHROME_MIN_DOCS_OPTION = typer.Option(
    5, "--chrome-min-docs", min=2, metavar="N", help="A site's sample needs this many documents before its chrome is learned.")
CHROME_SHARE_OPTION = typer.Option(
    0.5, "--chrome-share", min=0.0, max=1.0, metavar="SHARE",
    help="A line is chrome when it occurs in at least this share of its site's sampled documents.")


def chrome_pass(learn: bool, min_documents: int, min_share: float) -> ChromeStream | None:
    """The chrome pass a batch's inputs go through (None: not learning): each site's chrome is
    learned from a sample of its first documents as they are read (fullpage/chrome.py)."""
    return ChromeStream(min_documents=min_documents, min_share=min_share) if learn else None


# Options that change how a run goes, never what it writes: a command line meant to say what
# made a file leaves them out, so that the file is the same whatever they were.
HOW_NOT_WHAT = ("workers", "quiet", "progress")


def command_line(ctx: typer.Context) -> str:
    """The running command as a shell line, rebuilt from its parameters (options left at their
    defaults, and those in HOW_NOT_WHAT, are left out), for a file to say what made it."""
    words = ["cleaner", *ctx.command_path.split()[1:]]
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if param.name in HOW_NOT_WHAT:
            continue
        if param.param_type_name == "argument":
            words.extend(str(v) for v in (value if isinstance(value, (list, tuple)) else [value]))
            continue
        if value is None or value == param.default or value == () or value == []:
            continue
        if getattr(param, "is_flag", False):
            words.append(param.opts[0] if value or not param.secondary_opts else param.secondary_opts[0])
            continue
        values = value if param.multiple else [value]
        for one in values:
            words.extend([param.opts[0], str(getattr(one, "value", one))])  # an Enum by its value
    return shlex.join(words)
