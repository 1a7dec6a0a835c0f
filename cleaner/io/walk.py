"""One walk of a folder tree, shared by local folders (sources.py) and fsspec URLs (urls.py):
a folder's files in name order, then its subfolders, depth first; only the files a walk reads
(formats.is_walked). Iterative, so a very deep tree cannot exhaust the stack. A folder below the
root that holds formats.OUTPUT_MARKER is an earlier run's output: it is skipped."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Iterable, Iterator, TypeVar

from cleaner.io.formats import OUTPUT_MARKER

Location = TypeVar("Location")
Failure = TypeVar("Failure")


@dataclass(frozen=True)
class Entry(Generic[Location]):
    """One entry of a folder listing: its name (what the suffix is read from) and where it is."""

    name: str
    location: Location
    is_folder: bool


def walk(root: Location,
         list_folder: Callable[[Location], Iterable["Entry[Location] | Failure"]],
         listing_failed: Callable[[Location, Exception], Failure],
         wanted: Callable[[str], bool],
         on_output_folder: Callable[[Location], None] | None = None) -> Iterator["Location | Failure"]:
    """The files under `root` that `wanted` accepts (by name), in walk order.

    `list_folder` gives a folder's entries sorted by name (an entry that cannot be examined may
    come as a failure, passed on in its place); a folder that cannot be listed at all becomes
    `listing_failed(folder, error)` and the walk goes on with the others. A folder the cleaner
    wrote (its listing has the OUTPUT_MARKER file) is skipped, and `on_output_folder` told; the
    root itself is read, marker or not: it was named on purpose.
    """
    pending = [root]
    while pending:
        current = pending.pop()
        try:
            entries = list(list_folder(current))
        except Exception as err:  # any error listing one folder: that folder fails, the others go on
            yield listing_failed(current, err)
            continue
        if current is not root and any(isinstance(entry, Entry) and not entry.is_folder and entry.name == OUTPUT_MARKER
                                       for entry in entries):
            if on_output_folder is not None:
                on_output_folder(current)
            continue
        subfolders = []
        for entry in entries:
            if not isinstance(entry, Entry):
                yield entry
            elif entry.is_folder:
                subfolders.append(entry.location)
            elif wanted(entry.name):
                yield entry.location
        pending.extend(reversed(subfolders))
