"""Documents named by fsspec URLs (file://, memory://, s3://, gs://, ... whichever backends are
installed), read the way sources.py reads local paths: the same walk (walk.py), suffixes and guards (formats.py), so
the same order, ids and failures.

fsspec is imported only when a URL is given, so the plain install never needs it.
"""
from __future__ import annotations

import gzip
import posixpath
import re
from collections import Counter
from pathlib import Path
from typing import Iterator

from cleaner.io.formats import (DEFAULT_MAX_BYTES, collection_format, is_gzip, is_walked, kind_for, over_size_reason,
                                read_decompressed)
from cleaner.io.inputs import Input, InputFailure, InputItem
from cleaner.io.sources import iter_inputs, read_collection
from cleaner.io.walk import Entry, walk

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(raw: str) -> bool:
    """True for 'scheme://...' arguments, which are read through fsspec.

    >>> is_url("s3://bucket/news"), is_url("file:///data/a.txt"), is_url("news/a.txt"), is_url("-")
    (True, True, False, False)
    """
    return bool(_URL.match(raw))


def _reason(err: Exception) -> str:
    return (err.strerror if isinstance(err, OSError) else None) or str(err)


def _walk(fs, root: str) -> Iterator[str | InputFailure]:
    """Files under `root` that a walk reads, in the order a local folder's walk gives (walk.py)."""
    def list_folder(current: str) -> list[Entry[str]]:
        listing = sorted(fs.ls(current, detail=True), key=lambda e: posixpath.basename(e["name"].rstrip("/")))
        return [Entry(posixpath.basename(e["name"].rstrip("/")), e["name"].rstrip("/"),
                      is_folder=e.get("type") == "directory") for e in listing]

    def listing_failed(current: str, err: Exception) -> InputFailure:
        doc_id = posixpath.relpath(current, root) if current != root else "."
        return InputFailure(doc_id, fs.unstrip_protocol(current), f"cannot list folder: {_reason(err)}")

    return walk(root, list_folder, listing_failed, wanted=is_walked)


def _read(fs, path: str, doc_id: str, max_bytes: int, skipped: Counter | None) -> Iterator[Input]:
    source = fs.unstrip_protocol(path)
    if (fmt := collection_format(path)) is not None:
        yield from _read_collection(fs, path, doc_id, source, fmt, max_bytes, skipped)
        return
    size = 0
    try:
        size = fs.size(path) or 0
        if size > max_bytes:
            yield InputFailure(doc_id, source, over_size_reason(size, max_bytes), size=size)
            return
        if is_gzip(path):
            with fs.open(path, "rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                data = read_decompressed(stream, max_bytes)
        else:
            data = fs.cat_file(path)
    except Exception as err:  # network, permission, vanished object, bad gzip: this document fails, not the run
        yield InputFailure(doc_id, source, f"cannot read file: {_reason(err)}", size=size)
        return
    yield InputItem(doc_id, kind_for(path), data, source, path=source, size=size)


def _read_collection(fs, path: str, doc_id: str, source: str, fmt: str, max_bytes: int,
                     skipped: Counter | None) -> Iterator[Input]:
    try:
        raw = fs.open(path, "rb")
    except Exception as err:
        yield InputFailure(doc_id, source, f"cannot read file: {_reason(err)}")
        return
    with raw:
        yield from read_collection(raw, fmt, source, doc_id, gzipped=is_gzip(path), max_bytes=max_bytes,
                                   skipped=skipped)


def iter_url_inputs(url: str, max_bytes: int = DEFAULT_MAX_BYTES, skipped: Counter | None = None) -> Iterator[Input]:
    """Every document named by one URL: a folder (prefix) is walked, a file is read."""
    try:
        import fsspec
    except ImportError:
        yield InputFailure(url, url, "reading URLs needs fsspec: pip install 'cleaner-text[dask]' (from a checkout: pip install -e '.[dask]')")
        return
    try:
        fs, root = fsspec.core.url_to_fs(url)
        is_folder = fs.isdir(root)
        exists = is_folder or fs.exists(root)
    except (ImportError, ValueError) as err:  # no backend for the scheme, e.g. s3:// without s3fs
        yield InputFailure(url, url, f"cannot open URL: {err}")
        return
    except Exception as err:
        yield InputFailure(url, url, f"cannot open URL: {err}")
        return
    if not exists:
        yield InputFailure(url, url, "no such file or folder")
    elif is_folder:
        prefix = root.rstrip("/") + "/"
        for found in _walk(fs, root):
            if isinstance(found, InputFailure):
                yield found
            else:
                yield from _read(fs, found, found[len(prefix):] if found.startswith(prefix) else found, max_bytes,
                                 skipped)
    else:
        yield from _read(fs, root, posixpath.basename(root), max_bytes, skipped)


def iter_any_inputs(paths: list[str], exclude: list[Path] = (), max_bytes: int = DEFAULT_MAX_BYTES,
                    skipped: Counter | None = None) -> Iterator[Input]:
    """Like sources.iter_inputs, but an argument may also be a URL. Without URLs it *is*
    iter_inputs; with them, a later document whose id an earlier one had still becomes a failure."""
    if not any(is_url(raw) for raw in paths):
        yield from iter_inputs(paths, exclude=exclude, max_bytes=max_bytes, skipped=skipped)
        return
    seen: set[str] = set()
    for raw in paths:
        group = iter_url_inputs(raw, max_bytes, skipped) if is_url(raw) else iter_inputs(
            [raw], exclude=exclude, max_bytes=max_bytes, skipped=skipped)
        for item in group:
            if isinstance(item, InputItem):
                if item.id in seen:
                    yield InputFailure(item.id, item.source, f"duplicate id {item.id!r}: an earlier document has "
                                                             "the same id", item.fields, line=item.line,
                                       size=item.size)
                    continue
                seen.add(item.id)
            yield item
