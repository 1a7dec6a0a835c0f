"""Clean documents on a Dask cluster (`cleaner clean ... --engine dask [--scheduler ADDRESS]`).

The client reads the inputs (the same sources code as the local engine, so ids, line numbers,
read failures and duplicate ids are exactly the same), groups them into partitions of
consecutive documents, and submits one task per partition. A task cleans its documents with
batch.process(), the per-document function the local engine uses, so every record and every
error record is the local engine's. Only cleaning (the CPU cost) moves to the cluster.

Output:
- `--format jsonl -o FOLDER`: each task writes its partition as FOLDER/part-NNNNN.jsonl (to a
  temporary name, then renamed, so a task retried after a lost worker never leaves a half or
  doubled part), and the client writes FOLDER/manifest.json listing the parts in order with their
  counts. The parts concatenated in manifest order are byte for byte the local engine's JSONL.
- anything else (stdout, text/json trees): records come back to the client, which writes them in
  input order with the local engine's writers.

A worker that dies mid-task is survived: Dask runs its task again elsewhere. A partition whose
task keeps killing workers (Dask gives up with KilledWorker) is cleaned again one document per
task, so only the document that kills a worker becomes an error record.

Documents travel inside the task itself rather than through client.scatter: scattered data
lives on one worker and dies with it, while a task's own arguments stay on the scheduler until
the task is done, so a task whose worker died can always be run again elsewhere. At most a
window of partitions is in flight, so memory stays flat whatever the corpus size.

Dask is imported only here and only when this engine runs: the plain install does not need it.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import pickle
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from cleaner.engines.outcome import Summary, error_record, process
from cleaner.pipeline import Cleaner
from cleaner.io.inputs import Input
from cleaner.io.formats import OUTPUT_MARKER
from cleaner.io.writers import OUTPUT_MARKER_TEXT, dumps

INSTALL_HINT = "--engine dask needs Dask; install it with: pip install 'cleaner-text[dask]' (from a checkout: pip install -e '.[dask]')"
DEFAULT_PARTITION_SIZE = 100
MANIFEST_NAME = "manifest.json"
PART_PREFIX = "part-"
PART_SUFFIX = ".jsonl"
_TEMP_MARK = ".writing-"


class DaskUsageError(RuntimeError):
    """The run cannot start, or go on, as asked: the CLI prints the message and exits 2."""


class DaskUnavailable(DaskUsageError):
    """--engine dask was asked for but dask.distributed is not installed."""


def import_distributed():
    """The `distributed` module, or DaskUnavailable saying how to install it."""
    try:
        import distributed
    except ImportError as err:
        raise DaskUnavailable(f"{INSTALL_HINT} ({err})") from err
    return distributed


def part_name(index: int) -> str:
    """
    >>> part_name(7)
    'part-00007.jsonl'
    """
    return f"{PART_PREFIX}{index:05d}{PART_SUFFIX}"


@dataclass(frozen=True)
class CleanerSpec:
    """What a worker needs to build the client's Cleaner: its compiled rule sets, pickled.

    Shipping the rule sets (not rule file paths) means workers on other machines need no copy of
    the rule files, and they clean with exactly the rules the client validated.
    """

    digest: str
    rulesets: bytes
    pattern_timeout: float
    spans: bool = False
    markdown: bool = False  # --markup markdown, and --links with it
    links: bool = False
    select_extraction: bool = False  # --select-extraction

    @classmethod
    def of(cls, cleaner: Cleaner) -> "CleanerSpec":
        # The site chrome learned from the batch travels with the rule sets, so workers drop the
        # same lines as the local engine.
        payload = pickle.dumps((cleaner.rulesets, cleaner.chrome), protocol=pickle.HIGHEST_PROTOCOL)
        options = (b"spans" if cleaner.spans else b"") + (b"markdown" if cleaner.markdown else b"") + \
            (b"links" if cleaner.links else b"") + (b"select-extraction" if cleaner.select_extraction else b"")
        digest = hashlib.sha256(payload + options).hexdigest()
        return cls(digest, payload, cleaner.pattern_timeout, cleaner.spans, cleaner.markdown, cleaner.links,
                   cleaner.select_extraction)


_worker_cleaners: dict[str, Cleaner] = {}
_worker_lock = threading.Lock()


def worker_cleaner(spec: CleanerSpec) -> Cleaner:
    """The Cleaner for `spec` in this worker process, built once and then reused by every task."""
    with _worker_lock:
        cleaner = _worker_cleaners.get(spec.digest)
        if cleaner is None:
            rulesets, chrome = pickle.loads(spec.rulesets)
            cleaner = Cleaner(rulesets=rulesets, pattern_timeout=spec.pattern_timeout, chrome=chrome, spans=spec.spans,
                              markdown=spec.markdown, links=spec.links, select_extraction=spec.select_extraction)
            _worker_cleaners[spec.digest] = cleaner
        return cleaner


def _output_fs(folder: str):
    import fsspec  # a dependency of dask, so present wherever this engine runs

    return fsspec.core.url_to_fs(folder)


def _rename(fs, source: str, target: str) -> None:
    """Put `source` in place of the file `target`, atomically where the file system can.

    Locally that is os.replace (fsspec's mv would move the file *into* a folder in the way);
    object stores have no rename, but there an object appears whole or not at all.
    """
    from fsspec.implementations.local import LocalFileSystem

    if isinstance(fs, LocalFileSystem):
        os.replace(source, target)
    else:
        fs.mv(source, target)


class PartWriter:
    """One part file, written under a temporary name unique to this attempt and renamed into
    place on commit: a retried or duplicated attempt replaces the part with the same bytes
    instead of appending to it, and a killed one leaves only a temporary file."""

    def __init__(self, folder: str, index: int):
        self.fs, root = _output_fs(folder)
        self.final = f"{root}/{part_name(index)}"
        self.temp = f"{root}/{_TEMP_MARK}{part_name(index)}.{uuid.uuid4().hex}"
        self.stream = self.fs.open(self.temp, "wb")

    def write(self, record: dict[str, Any]) -> None:
        self.stream.write((dumps(record) + "\n").encode("utf-8"))

    def commit(self) -> None:
        self.stream.close()
        _rename(self.fs, self.temp, self.final)

    def abort(self) -> None:
        self.stream.close()
        try:
            self.fs.rm(self.temp)
        except Exception:
            pass  # a leftover temporary part is removed by the client when the manifest is written


def _empty_result(index: int, keep_records: bool) -> dict[str, Any]:
    return {"index": index, "summary": Summary(), "errors": [], "records": [] if keep_records else None}


def clean_partition(spec: CleanerSpec, index: int, items: list[Input], folder: str | None) -> dict[str, Any]:
    """Clean one partition on a worker.

    Returns the counts and the error records (each with its position in the partition). With a
    `folder`, the records go to FOLDER/part-INDEX.jsonl (see PartWriter); without one, they come
    back in the result too.
    """
    cleaner = worker_cleaner(spec)
    result = _empty_result(index, keep_records=folder is None)
    part = PartWriter(folder, index) if folder is not None else None
    try:
        for position, item in enumerate(items):
            record, error = process(cleaner, item)
            result["summary"].add(record, error, item.size)
            if record is None:
                result["errors"].append((position, error))
                continue
            if part is not None:
                part.write(record)
            else:
                result["records"].append((position, record))
        if part is not None:
            part.commit()
    except BaseException:
        if part is not None:
            part.abort()
        raise
    return result


def partitions(inputs: Iterable[Input], size: int) -> Iterator[tuple[int, list[Input]]]:
    """Consecutive runs of `size` documents, numbered from 0, in input order.

    >>> [(i, len(p)) for i, p in partitions(range(5), 2)]
    [(0, 2), (1, 2), (2, 1)]
    """
    if size < 1:
        raise ValueError("partition size must be at least 1")
    iterator = iter(inputs)
    for index in itertools.count():
        chunk = list(itertools.islice(iterator, size))
        if not chunk:
            return
        yield index, chunk


class DaskRunError(DaskUsageError):
    """A partition task failed for a reason that is not one document (e.g. an unwritable output
    folder); the run stops and no manifest is written."""


def _in_order(client, chunks: Iterator[tuple[int, list[Input]]], submit: Callable[[int, list[Input]], Any],
              salvage: Callable[[int, list[Input]], dict[str, Any]], window: int) -> Iterator[dict[str, Any]]:
    """The result of every partition in input order, keeping at most `window` partitions in
    flight. A partition whose task kept killing workers goes to `salvage` instead."""
    distributed = import_distributed()
    running = distributed.as_completed()
    unfinished: dict[int, list[Input]] = {}  # submitted, not yet yielded
    indices: dict[str, int] = {}  # future key -> partition index
    done: dict[int, dict[str, Any]] = {}
    next_index = 0
    exhausted = False

    def top_up() -> None:
        nonlocal exhausted
        while not exhausted and len(unfinished) < window:
            chunk = next(chunks, None)
            if chunk is None:
                exhausted = True
                return
            index, items = chunk
            unfinished[index] = items
            future = submit(index, items)
            indices[future.key] = index
            running.add(future)

    top_up()
    while unfinished:
        if next_index in done:
            del unfinished[next_index]
            yield done.pop(next_index)
            next_index += 1
            top_up()
            continue
        future = next(running)
        index = indices.pop(future.key)
        try:
            done[index] = future.result()
        except distributed.KilledWorker:
            done[index] = salvage(index, unfinished[index])
        except Exception as err:  # not a bad document (those are error records): the run cannot go on
            items = unfinished[index]
            raise DaskRunError(f"partition {index} (documents {items[0].id} .. {items[-1].id}) failed on the "
                               f"cluster: {type(err).__name__}: {err}") from err
        finally:
            future.release()


def salvage_partition(client, task: Callable[..., dict[str, Any]], spec: CleanerSpec, index: int,
                      items: list[Input], folder: str | None, key: str) -> dict[str, Any]:
    """A partition whose task killed worker after worker (Dask gave up on it with KilledWorker):
    clean each of its documents as a task of its own, so only the document that kills a worker
    process (a crash in a native library, memory blown) becomes an error record, and the rest
    of the partition is written as usual (its part by the client)."""
    distributed = import_distributed()
    futures = [client.submit(task, spec, index, [item], None, key=f"{key}-document-{n}", pure=False)
               for n, item in enumerate(items)]
    result = _empty_result(index, keep_records=True)
    for position, (item, future) in enumerate(zip(items, futures)):
        try:
            single = future.result()
        except distributed.KilledWorker:
            error = error_record(
                item, "the worker process died every time it cleaned this document (a crash or out of memory)")
            result["summary"].add(None, error, item.size)
            result["errors"].append((position, error))
            continue
        finally:
            future.release()
        result["summary"].merge(single["summary"])
        result["records"] += [(position, record) for _, record in single["records"]]
        result["errors"] += [(position, error) for _, error in single["errors"]]
    if folder is not None:
        part = PartWriter(folder, index)
        try:
            for _, record in result["records"]:
                part.write(record)
            part.commit()
        except BaseException:
            part.abort()
            raise
        result["records"] = None
    return result


def make_output_folder(fs, root: str) -> None:
    """The output folder, with the marker that makes later folder walks skip it (an earlier
    run's output inside an input folder is not cleaned again as input)."""
    fs.makedirs(root, exist_ok=True)
    with fs.open(f"{root}/{OUTPUT_MARKER}", "wb") as stream:
        stream.write(OUTPUT_MARKER_TEXT.encode("utf-8"))


def run_on_dask(client, cleaner: Cleaner, inputs: Iterable[Input], *,
                write: Callable[[dict[str, Any]], None] | None = None,
                on_error: Callable[[dict[str, Any]], None] = lambda error: None,
                folder: str | None = None, partition_size: int = DEFAULT_PARTITION_SIZE,
                task: Callable[..., dict[str, Any]] = clean_partition, window: int | None = None,
                on_partition: Callable[[Summary], None] | None = None) -> Summary:
    """Clean `inputs` on the cluster behind `client`; the counterpart of batch.run_batch.

    Give `folder` to have workers write JSONL part files and a manifest there, or `write` to
    receive every record, in input order, on the client. Error records reach `on_error` in input
    order either way. `task` is the per-partition function (clean_partition; tests wrap it).
    `on_partition` gets the running summary after each partition (a progress line).
    Raises DaskRunError when a partition fails for a reason other than its documents.
    """
    if (folder is None) == (write is None):
        raise ValueError("give exactly one of folder= or write=")
    spec = CleanerSpec.of(cleaner)
    run_id = uuid.uuid4().hex[:12]
    if folder is not None:
        fs, root = _output_fs(folder)
        # Workers resolve a relative path against their own working folder: send them the
        # client's absolute one, as a URL (file:///home/me/out for a local "out").
        folder = fs.unstrip_protocol(root)
        make_output_folder(fs, root)
        # The manifest is written last: a folder without one holds an unfinished run, never an
        # earlier run's manifest over parts this run has begun to replace.
        if fs.exists(f"{root}/{MANIFEST_NAME}"):
            fs.rm(f"{root}/{MANIFEST_NAME}")
    if window is None:
        threads = sum(client.nthreads().values()) or 1
        window = max(4, 3 * threads)

    def submit(index: int, items: list[Input]) -> Any:
        return client.submit(task, spec, index, items, folder, key=f"clean-partition-{run_id}-{index}", pure=False)

    def salvage(index: int, items: list[Input]) -> dict[str, Any]:
        return salvage_partition(client, task, spec, index, items, folder, key=f"clean-partition-{run_id}-{index}")

    results = _in_order(client, partitions(inputs, partition_size), submit, salvage, window)
    summary = Summary()
    parts: list[dict[str, Any]] = []
    started = time.perf_counter()
    for result in results:
        done = result["summary"]
        summary.merge(done)
        if write is not None:
            outcomes = sorted([(p, "record", r) for p, r in result["records"]]
                              + [(p, "error", e) for p, e in result["errors"]], key=lambda o: o[0])
            for _, what, payload in outcomes:
                (write if what == "record" else on_error)(payload)
        else:
            for _, error in result["errors"]:
                on_error(error)
            parts.append({"name": part_name(result["index"]), "documents": done.documents,
                          "records": done.cleaned, "errors": done.failed})
        if on_partition is not None:
            on_partition(summary)
    summary.seconds = time.perf_counter() - started
    if folder is not None:
        _finish_folder(folder, parts, summary)
    return summary


def _finish_folder(folder: str, parts: list[dict[str, Any]], summary: Summary) -> None:
    """Write the manifest (atomically), then remove what is not this run's: temporary parts of
    killed attempts and part files a bigger earlier run left in the same folder."""
    fs, root = _output_fs(folder)
    manifest = {
        "format": "jsonl",
        "parts": parts,
        "documents": summary.documents,
        "cleaned": summary.cleaned,
        "failed": summary.failed,
        "lines_removed": summary.lines_removed,
    }
    temp = f"{root}/{_TEMP_MARK}{MANIFEST_NAME}.{uuid.uuid4().hex}"
    with fs.open(temp, "wb") as stream:
        stream.write((json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    _rename(fs, temp, f"{root}/{MANIFEST_NAME}")
    listed = {part["name"] for part in parts}
    for entry in fs.ls(root, detail=True):
        if entry.get("type") != "file":
            continue
        path = entry["name"]
        name = path.rstrip("/").rsplit("/", 1)[-1]
        stale_part = name.startswith(PART_PREFIX) and name.endswith(PART_SUFFIX) and name not in listed
        if name.startswith(_TEMP_MARK) or stale_part:
            fs.rm(path)


def read_parts(folder: str) -> Iterator[dict[str, Any]]:
    """Every record of a part-file output, in input order (the manifest's order)."""
    fs, root = _output_fs(folder)
    with fs.open(f"{root}/{MANIFEST_NAME}", "rb") as stream:
        manifest = json.loads(stream.read())
    for part in manifest["parts"]:
        with fs.open(f"{root}/{part['name']}", "rb") as stream:
            for line in stream:
                yield json.loads(line)


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None,
                connect_timeout: str = "30s") -> Iterator[Any]:
    """A client for the scheduler at `scheduler`, or for a local cluster of `workers` worker
    processes (one thread each: cleaning is CPU-bound Python) started here and shut down after."""
    distributed = import_distributed()
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout=connect_timeout)
        except (OSError, TimeoutError, ValueError) as err:
            raise DaskUsageError(f"cannot reach the Dask scheduler at {scheduler}: {err}; check the address "
                                 "(e.g. tcp://HOST:8786) and that `dask scheduler` runs there") from err
        with client:
            yield client
        return
    n_workers = workers or os.cpu_count() or 1
    with distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0", scheduler_kwargs={"dashboard": False},
                                  silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster) as client:
        yield client
