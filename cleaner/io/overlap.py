"""Outputs that would destroy inputs, found before anything is read or written.

`cleaner clean d.jsonl -o d.jsonl` would replace the raw records with the cleaned ones, and
`cleaner clean in -o in` every `in/*.txt` with its clean text. So an output path (-o, -e,
--report, --review, the dolma attributes) is refused when it is an input, contains one, or is a
file inside an input folder. Paths are compared by what they are on disk, not by how they are
spelled: links are resolved, and files and folders are identified by device and inode, so a hard
link or a bind mount of an input is caught too.

Two kinds of output may sit inside an input folder, since folder walks skip the outputs of the
run, so they are never read as input, and they hold no input to overwrite: an output *folder*
that is new or that an earlier run wrote (it holds formats.OUTPUT_MARKER), and an output file
that does not exist yet or that no walk reads (`cleaner clean . -o out.jsonl`). An existing
file there that walks read is an input, whoever wrote it: refused. (Its content cannot prove
that an earlier run of this command wrote it: a corpus cleaned before, and now cleaned again,
has the same records; it used to be overwritten.)
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from cleaner.io.formats import OUTPUT_MARKER, is_walked

Identity = tuple[int, int]  # (st_dev, st_ino)


class OutputOverlap(ValueError):
    """An output that is, contains or lies inside an input; the message says which and what to do."""


@dataclass(frozen=True)
class NamedOutput:
    option: str  # how the user named it, for the message: "--output", "--errors", ...
    path: Path
    is_folder: bool = False  # an output folder (one file per document), not one file


def _identity(path: Path | str) -> Identity | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _chain(path: Path | str) -> Iterator[tuple[Path, Identity]]:
    """The path (links resolved) and each of its folders up to the root, those that exist, each
    with its identity."""
    resolved = Path(os.path.realpath(path))
    for current in (resolved, *resolved.parents):
        ident = _identity(current)
        if ident is not None:
            yield current, ident


def _is_url(raw: str) -> bool:
    return "://" in raw


def missing_inputs(paths: Iterable[str]) -> list[str]:
    """The named input paths that do not exist (a link to nothing counts as missing). '-' and URLs
    are not local paths and are not checked here."""
    return [raw for raw in paths if raw != "-" and not _is_url(raw) and not os.path.exists(raw)]


def _same_inode_inside(folder: Path, target: Identity) -> Path | None:
    """A file under `folder` (links not followed) that is `target`: the other name of a hard link."""
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == target:
                return Path(path)
    return None


def _is_cleaner_output_folder(path: Path) -> bool:
    """A folder an earlier run wrote (it holds the marker), or an empty one."""
    try:
        return (path / OUTPUT_MARKER).exists() or not any(os.scandir(path))
    except OSError:
        return False


def check_outputs(inputs: Iterable[str], outputs: Iterable[NamedOutput]) -> None:
    """Raise OutputOverlap for the first output that is, contains or lies inside an input."""
    local_inputs = [raw for raw in inputs if raw != "-" and not _is_url(raw) and os.path.exists(raw)]
    for output in outputs:
        if _is_url(str(output.path)):
            continue
        out_chain = dict((ident, path) for path, ident in _chain(output.path))
        out_ident = _identity(output.path)
        for raw in local_inputs:
            in_ident = _identity(raw)
            if in_ident is None:
                continue
            input_is_folder = os.path.isdir(raw)
            name = f"{output.option} {output.path}"
            if out_ident == in_ident:
                what = "input folder" if input_is_folder else "input file"
                raise OutputOverlap(f"{name} is the {what} {raw}: it would be overwritten; write the output "
                                    "somewhere else")
            if out_ident is not None and stat.S_ISDIR(os.stat(output.path).st_mode):
                if any(ident == out_ident for _, ident in _chain(raw)):
                    raise OutputOverlap(f"{name} contains the input {raw}: writing there could overwrite it; "
                                        "write the output to a folder outside the inputs")
            if input_is_folder and in_ident in out_chain:
                if output.is_folder and (out_ident is None or _is_cleaner_output_folder(output.path)):
                    continue  # a new or earlier output folder: it gets the marker and walks skip it
                if output.is_folder:
                    raise OutputOverlap(f"{name} is a folder inside the input folder {raw} that a run of cleaner "
                                        f"did not write: its files are inputs it could overwrite; write the "
                                        "output to a new folder")
                if out_ident is None or not (stat.S_ISDIR(os.stat(output.path).st_mode) or is_walked(output.path)):
                    continue  # a new file, or one no walk reads: walks skip the outputs, it destroys no input
                raise OutputOverlap(f"{name} is a file inside the input folder {raw}, so an input: it would be "
                                    "overwritten; write the output outside the inputs (or delete it first, if it "
                                    "is an earlier run's output)")
            if (input_is_folder and out_ident is not None and stat.S_ISREG(os.stat(output.path).st_mode)
                    and os.stat(output.path).st_nlink > 1):
                other = _same_inode_inside(Path(raw), out_ident)
                if other is not None:
                    raise OutputOverlap(f"{name} is a hard link to the input {other}: it would be overwritten; "
                                        "write the output somewhere else")
