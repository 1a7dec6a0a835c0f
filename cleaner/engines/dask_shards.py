"""Clean a batch on a Dask cluster whose workers read their own shards (`cleaner clean --engine dask`).

The client only plans (io/shards.py: files, byte ranges of big JSONL and WARC files, row groups
of Parquet files); it never reads a document. Two passes of tasks follow, one task per shard,
named `scan-RUN-NNNNN` and `clean-RUN-NNNNN` (NNNNN: the shard's place in input order):

1. scan: a worker reads its shard and sends back how many inputs and JSONL lines it holds and a
   64-bit hash of each document id (8 bytes a document). With chrome learning, its line counts
   (fullpage/chrome.py) stay on the cluster and are merged there, shard after shard in input
   order, into the batch's chrome. The client numbers each shard's JSONL lines, finds duplicate
   ids in input order (io/seen.py, as the local engine does) and has the chrome of a shard
   holding a duplicate counted again without it (the local engine never counts a duplicate).
2. clean: a worker reads its shard again and cleans it with outcome.process, the local engine's
   per-document function, turning the documents the client named into duplicate-id failures,
   and writes FOLDER/part-NNNNN.jsonl (a temporary name renamed when complete: dask.PartWriter).
   Error records and counts come back; after each shard, in input order, the client writes the
   shard's error records (--errors) and FOLDER/_progress/NNNNN.json (its counts and error
   records). At the end FOLDER/manifest.json lists the parts, and _progress/ is removed.

So ids, order, error records, counts and the concatenated parts are the local engine's, whatever
the number of workers or shards. A worker killed mid-task is survived by Dask running the task
again (the part is replaced whole); a shard whose task keeps killing workers is cleaned again in
halves, down to the one document that kills a worker, which becomes an error record.

--resume: a rerun of the same command (same fingerprint) keeps the shards _progress/ lists whose
part files exist, writes their error records and counts again and cleans only the others. The
scan runs again: it is cheap next to cleaning and gives the same chrome and duplicates.

Without a folder (stdout, text/json trees) records come back to the client, which writes them
in order. The client keeps a few facts per shard and 8 bytes per document id; at most a window
of shards is in flight.
"""
from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from cleaner.engines.dask import (CleanerSpec, DaskRunError, DaskUsageError, PartWriter, _finish_folder, _output_fs,
                                  import_distributed, make_output_folder, part_name, worker_cleaner)
from cleaner.engines.outcome import Summary, error_record, process
from cleaner.fullpage.chrome import ChromeLearner, LearnedChrome
from cleaner.io.formats import DEFAULT_MAX_BYTES
from cleaner.io.inputs import InputItem
from cleaner.io.seen import SeenSet, key64
from cleaner.io.shards import (DEFAULT_FILES_PER_SHARD, DEFAULT_SHARD_BYTES, JSONL, FileEntry, Shard, count_lines,
                               id_in_batch, id_of, plan_shards, read_shard, warc_record_starts, with_first_line)
from cleaner.pipeline import Cleaner

PROGRESS_FOLDER = "_progress"
KILLED_REASON = "the worker process died every time it cleaned this document (a crash or out of memory)"


# --- on the workers ----------------------------------------------------------------------------

def scan_shard(shard: Shard, max_bytes: int, chrome: tuple[int, float] | None,
               exclude: Iterable[int] = ()) -> dict[str, Any]:
    """Pass 1 for one shard: its number of inputs and lines, its documents' ids (hashed, with
    their positions) and, when `chrome` (min documents, min share) is given, its chrome counts
    leaving out the documents at the positions in `exclude`."""
    exclude = frozenset(exclude)
    learner = ChromeLearner(min_documents=chrome[0], min_share=chrome[1], keep_first=True) if chrome else None
    ids: list[tuple[int, int | tuple[str, int]]] = []
    count = 0
    for position, item in enumerate(read_shard(shard, max_bytes)):
        count += 1
        if not isinstance(item, InputItem):
            continue
        found = id_of(item)
        ids.append((position, found if isinstance(found, tuple) else key64(found)))
        if learner is not None and position not in exclude:
            learner.add_input(item)
    lines = count_lines(shard) if shard.kind == JSONL else 0
    return {"count": count, "lines": lines, "ids": ids, "learner": learner}


def _facts(scan: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in scan.items() if key != "learner"}


def _learner(scan: dict[str, Any]) -> ChromeLearner | None:
    return scan["learner"]


def _merge(earlier: ChromeLearner | None, later: ChromeLearner | None) -> ChromeLearner | None:
    if earlier is None:
        return later
    if later is not None:
        earlier.merge(later)
    return earlier


def _learned(learner: ChromeLearner | None) -> LearnedChrome:
    return learner.learned() if learner is not None else LearnedChrome({}, {})


def clean_shard(spec: CleanerSpec, shard: Shard, duplicates: tuple[int, ...], folder: str | None, max_bytes: int,
                only: tuple[int, int] | None = None) -> dict[str, Any]:
    """Pass 2 for one shard: clean it, records to FOLDER/part-NNNNN.jsonl (or back in the result
    without a folder), error records and counts back. `only`: clean just the inputs at positions
    [a, b) and send their records back (a shard that kills workers, cleaned in pieces)."""
    cleaner = worker_cleaner(spec)
    skipped: Counter = Counter()
    summary = Summary()
    result: dict[str, Any] = {"index": shard.index, "summary": summary, "errors": [],
                              "records": [] if folder is None or only is not None else None}
    part = PartWriter(folder, shard.index) if folder is not None and only is None else None
    try:
        for position, item in enumerate(read_shard(shard, max_bytes, skipped, duplicates)):
            if only is not None and not only[0] <= position < only[1]:
                continue
            record, error = process(cleaner, item)
            summary.add(record, error, item.size)
            if record is None:
                result["errors"].append((position, error))
            elif part is not None:
                part.write(record)
            else:
                result["records"].append((position, record))
        if part is not None:
            part.commit()
    except BaseException:
        if part is not None:
            part.abort()
        raise
    if only is None:
        summary.records_skipped = dict(skipped)
    return result


def failed_input(shard: Shard, duplicates: tuple[int, ...], position: int, max_bytes: int) -> tuple[dict, int]:
    """The error record (and input size) of the input at `position` whose cleaning kills workers."""
    for n, item in enumerate(read_shard(shard, max_bytes, None, duplicates)):
        if n == position:
            return error_record(item, KILLED_REASON), item.size
    raise IndexError(f"{shard.describe()} has no input {position}")


# --- on the client -----------------------------------------------------------------------------

@dataclass
class ShardFacts:
    """What pass 1 found out about a shard, kept by the client until pass 2."""

    first_line: int
    count: int
    duplicates: tuple[int, ...] = ()


@dataclass
class ShardedRun:
    """Settings of a sharded run (the defaults suit a cluster; tests use tiny shards)."""

    shard_bytes: int = DEFAULT_SHARD_BYTES
    files_per_shard: int = DEFAULT_FILES_PER_SHARD
    max_bytes: int = DEFAULT_MAX_BYTES
    chrome: tuple[int, float] | None = None  # learn chrome: (min documents, min share)
    window: int | None = None  # shards in flight (default: 3 per worker thread, at least 4)
    task: Callable[..., dict[str, Any]] = clean_shard  # the pass-2 task (tests wrap it)
    warc_starts: dict[str, list[int]] = field(default_factory=dict)  # cut points of big WARC files, found once
    on_chrome: Callable[[LearnedChrome], None] | None = None  # told the chrome learned, before cleaning


def _ordered(client, jobs: Iterator[Any], submit: Callable[[Any], Any], window: int,
             on_killed: Callable[[Any], Any] | None = None) -> Iterator[tuple[Any, Any]]:
    """(job, result) for every job in order, with at most `window` tasks in flight. A job whose
    task kept killing workers goes to `on_killed` (when given)."""
    distributed = import_distributed()
    running = distributed.as_completed()
    waiting: dict[int, tuple[Any, Any]] = {}  # order -> (job, future)
    order_of: dict[str, int] = {}
    done: dict[int, Any] = {}
    submitted = next_out = 0
    exhausted = False
    while True:
        while not exhausted and len(waiting) < window:
            job = next(jobs, None)
            if job is None:
                exhausted = True
                break
            future = submit(job)
            waiting[submitted] = (job, future)
            order_of[future.key] = submitted
            running.add(future)
            submitted += 1
        if next_out in done:
            job, _ = waiting.pop(next_out)
            yield job, done.pop(next_out)
            next_out += 1
            continue
        if not waiting:
            return
        future = next(running)
        order = order_of.pop(future.key)
        job = waiting[order][0]
        try:
            done[order] = future.result()
        except distributed.KilledWorker:
            if on_killed is None:
                raise DaskRunError(f"{job.describe()} killed every worker that read it") from None
            done[order] = on_killed(job)
        except Exception as err:  # not a bad document (those are error records): the run cannot go on
            raise DaskRunError(f"{job.describe()} failed on the cluster: {type(err).__name__}: {err}") from err
        finally:
            future.release()


def _window(client, settings: ShardedRun) -> int:
    if settings.window is not None:
        return settings.window
    threads = sum(client.nthreads().values()) or 1
    return max(4, 3 * threads)


def _plan(client, paths: list[str], exclude: list[Any], settings: ShardedRun, run_id: str) -> Iterator[Shard]:
    def starts(entry: FileEntry, shard_bytes: int) -> list[int]:
        if entry.target not in settings.warc_starts:  # found by a worker: it reads the whole archive
            future = client.submit(warc_record_starts, entry, shard_bytes, key=f"warc-starts-{run_id}-{entry.target}")
            settings.warc_starts[entry.target] = future.result()
        return settings.warc_starts[entry.target]

    return plan_shards(paths, exclude, shard_bytes=settings.shard_bytes, files_per_shard=settings.files_per_shard,
                       warc_starts=starts)


def scan_batch(client, paths: list[str], exclude: list[Any], settings: ShardedRun,
               run_id: str) -> tuple[list[ShardFacts], LearnedChrome | None, str]:
    """Pass 1: every shard's facts, the chrome learned from the batch (None when not learning)
    and a fingerprint of the plan."""
    seen = SeenSet()
    facts: list[ShardFacts] = []
    plan_hash = hashlib.sha256()
    merged = None
    next_line = 1

    pending_scans: dict[int, Any] = {}  # shard -> its scan (whose chrome counts stay on the cluster)

    def submit(shard: Shard):
        scan = client.submit(scan_shard, shard, settings.max_bytes, settings.chrome,
                             key=f"scan-{run_id}-{shard.index:05d}", pure=False)
        pending_scans[shard.index] = scan
        return client.submit(_facts, scan, key=f"scan-facts-{run_id}-{shard.index:05d}", pure=False)

    shards = _plan(client, paths, exclude, settings, run_id)
    for shard, found in _ordered(client, shards, submit, _window(client, settings)):
        scan = pending_scans.pop(shard.index)
        plan_hash.update(shard.plan_key().encode("utf-8", "surrogatepass") + b"\n")
        if shard.kind == JSONL and shard.start == 0:
            next_line = 1
        first_line = next_line if shard.kind == JSONL else 1
        next_line = first_line + found["lines"]
        duplicates = []
        for position, key in found["ids"]:
            if isinstance(key, tuple):
                key = key64(id_in_batch(key, first_line))
            if not seen.add_key(key):
                duplicates.append(position)
        facts.append(ShardFacts(first_line, found["count"], tuple(duplicates)))
        if settings.chrome is not None:
            if duplicates:  # counted again without them, as the local engine never counts a duplicate
                again = client.submit(scan_shard, with_first_line(shard, first_line), settings.max_bytes,
                                      settings.chrome, duplicates, key=f"scan-again-{run_id}-{shard.index:05d}",
                                      pure=False)
                learner = client.submit(_learner, again, key=f"chrome-{run_id}-{shard.index:05d}", pure=False)
            else:
                learner = client.submit(_learner, scan, key=f"chrome-{run_id}-{shard.index:05d}", pure=False)
            merged = client.submit(_merge, merged, learner, key=f"chrome-merge-{run_id}-{shard.index:05d}",
                                   pure=False)
        del scan
    chrome = None
    if settings.chrome is not None:
        chrome = client.submit(_learned, merged, key=f"chrome-learned-{run_id}", pure=False).result()
    return facts, chrome, plan_hash.hexdigest()


class Progress:
    """FOLDER/_progress/: the run's fingerprint, then one file per shard finished in input order
    (its counts and error records), so that --resume knows which part files are complete."""

    def __init__(self, folder: str, fingerprint: str, resume: bool):
        self.fs, root = _output_fs(folder)
        self.root = root
        self.folder = f"{root}/{PROGRESS_FOLDER}"
        self.fingerprint = fingerprint
        self.done: list[dict[str, Any]] = []
        if resume:
            self.done = self._finished()
        elif self.fs.exists(self.folder):
            self.fs.rm(self.folder, recursive=True)
        self.fs.makedirs(self.folder, exist_ok=True)
        self._write("run.json", {"fingerprint": fingerprint})

    def _finished(self) -> list[dict[str, Any]]:
        """The entries of the shards an earlier run finished, in order, while their parts exist."""
        try:
            with self.fs.open(f"{self.folder}/run.json", "rb") as stream:
                header = json.loads(stream.read())
        except (FileNotFoundError, ValueError):
            return []
        if header.get("fingerprint") != self.fingerprint:
            raise DaskUsageError(f"{self.folder} was left by a run with other inputs, rules or options; rerun with "
                                 "the same arguments to resume it, or without --resume to start over")
        done = []
        while True:
            name = f"{self.folder}/{len(done):05d}.json"
            if not self.fs.exists(name) or not self.fs.exists(f"{self.root}/{part_name(len(done))}"):
                return done
            try:
                with self.fs.open(name, "rb") as stream:
                    done.append(json.loads(stream.read()))
            except ValueError:
                return done

    def _write(self, name: str, data: dict[str, Any]) -> None:
        temp = f"{self.folder}/.writing-{name}.{uuid.uuid4().hex}"
        with self.fs.open(temp, "wb") as stream:
            stream.write(json.dumps(data).encode("utf-8"))
        from cleaner.engines.dask import _rename

        _rename(self.fs, temp, f"{self.folder}/{name}")

    def record(self, index: int, summary: Summary, errors: list[dict[str, Any]]) -> None:
        self._write(f"{index:05d}.json", {"index": index, "counts": summary.counts(),
                                          "records_skipped": summary.records_skipped, "errors": errors})

    def remove(self) -> None:
        self.fs.rm(self.folder, recursive=True)


def run_sharded(client, cleaner: Cleaner, paths: list[str], *, folder: str | None = None,
                write: Callable[[dict[str, Any]], None] | None = None,
                on_error: Callable[[dict[str, Any]], None] = lambda error: None,
                exclude: list[Any] = (), settings: ShardedRun | None = None, resume: bool = False,
                fingerprint: str = "", on_partition: Callable[[Summary], None] | None = None) -> Summary:
    """Clean the inputs named by `paths` (local paths workers can read too, or fsspec URLs) on the
    cluster behind `client`; see the module's docstring. Give `folder` for part files and a
    manifest, or `write` for the records in order. With settings.chrome, `cleaner.chrome` is set
    to the chrome learned from the batch. `fingerprint` names what decides the output (for
    --resume, with the rules and the plan). Raises DaskRunError when a shard fails for a reason
    other than its documents, DaskUsageError when --resume meets another run's progress."""
    if (folder is None) == (write is None):
        raise ValueError("give exactly one of folder= or write=")
    if "-" in paths:
        raise DaskUsageError("stdin cannot be read by the workers of a cluster: save it to a file first, or use "
                             "the local engine")
    settings = settings or ShardedRun()
    run_id = uuid.uuid4().hex[:12]
    started = time.perf_counter()
    facts, chrome, plan_print = scan_batch(client, paths, list(exclude), settings, run_id)
    if chrome is not None:
        cleaner.chrome = chrome
        if settings.on_chrome is not None:
            settings.on_chrome(chrome)
    spec = CleanerSpec.of(cleaner)
    progress = None
    if folder is not None:
        fs, root = _output_fs(folder)
        folder = fs.unstrip_protocol(root)  # the client's absolute folder: workers have other working folders
        make_output_folder(fs, root)
        if fs.exists(f"{root}/manifest.json"):  # written last: a folder without one holds an unfinished run
            fs.rm(f"{root}/manifest.json")
        # Not spec.digest: a pickle of sets differs from one process to the next. The rules are in
        # the caller's fingerprint (the CLI's names the rule files and their time stamps).
        settings_print = json.dumps([fingerprint, _chrome_print(chrome), plan_print, settings.shard_bytes,
                                     settings.files_per_shard, settings.max_bytes, cleaner.spans])
        progress = Progress(folder, hashlib.sha256(settings_print.encode()).hexdigest()[:24], resume)

    summary = Summary()
    parts: list[dict[str, Any]] = []
    done = progress.done if progress is not None else []
    for entry in done:  # shards an interrupted run finished: their error records and counts again
        shard_summary = Summary.from_counts(entry["counts"])
        shard_summary.records_skipped = entry["records_skipped"]
        summary.merge(shard_summary)
        for error in entry["errors"]:
            on_error(error)
        parts.append(_part_entry(entry["index"], shard_summary))
    summary.resumed = summary.documents

    def submit(shard: Shard):
        fact = facts[shard.index]
        return client.submit(settings.task, spec, with_first_line(shard, fact.first_line), fact.duplicates, folder,
                             settings.max_bytes, key=f"clean-{run_id}-{shard.index:05d}", pure=False)

    def salvage(shard: Shard) -> dict[str, Any]:
        return _salvage(client, settings, spec, with_first_line(shard, facts[shard.index].first_line),
                        facts[shard.index], folder, run_id)

    remaining = (shard for shard in _plan(client, paths, list(exclude), settings, run_id) if shard.index >= len(done))
    for shard, result in _ordered(client, remaining, submit, _window(client, settings), salvage):
        shard_summary = result["summary"]
        summary.merge(shard_summary)
        errors = [error for _, error in result["errors"]]
        if write is not None:
            outcomes = sorted([(p, "record", r) for p, r in result["records"]]
                              + [(p, "error", e) for p, e in result["errors"]], key=lambda o: o[0])
            for _, what, payload in outcomes:
                (write if what == "record" else on_error)(payload)
        else:
            for error in errors:
                on_error(error)
            parts.append(_part_entry(shard.index, shard_summary))
            progress.record(shard.index, shard_summary, errors)
        if on_partition is not None:
            on_partition(summary)
    summary.seconds = time.perf_counter() - started
    if folder is not None:
        _finish_folder(folder, parts, summary)
        progress.remove()
    return summary


def _chrome_print(chrome: LearnedChrome | None) -> str:
    if not chrome:
        return ""
    digest = hashlib.sha256()
    for group in sorted(chrome.lines):
        digest.update(group.encode("utf-8", "surrogatepass") + b"".join(sorted(chrome.lines[group])))
    return digest.hexdigest()


def _part_entry(index: int, summary: Summary) -> dict[str, Any]:
    return {"name": part_name(index), "documents": summary.documents, "records": summary.cleaned,
            "errors": summary.failed}


def _salvage(client, settings: ShardedRun, spec: CleanerSpec, shard: Shard, fact: ShardFacts, folder: str | None,
             run_id: str) -> dict[str, Any]:
    """A shard whose task killed worker after worker: clean it in halves, and halves of those,
    down to the single documents that kill a worker, which become error records. Its records
    come back here and the part is written by the client (a rare path)."""
    distributed = import_distributed()
    summary = Summary()
    outcomes: list[tuple[int, str, dict[str, Any]]] = []

    def clean(a: int, b: int) -> None:
        future = client.submit(settings.task, spec, shard, fact.duplicates, None, settings.max_bytes, only=(a, b),
                               key=f"clean-{run_id}-{shard.index:05d}-{a}-{b}", pure=False)
        try:
            result = future.result()
        except distributed.KilledWorker:
            if b - a > 1:
                middle = (a + b) // 2
                clean(a, middle)
                clean(middle, b)
                return
            error, size = client.submit(failed_input, shard, fact.duplicates, a, settings.max_bytes,
                                        key=f"failed-{run_id}-{shard.index:05d}-{a}", pure=False).result()
            summary.add(None, error, size)
            outcomes.append((a, "error", error))
            return
        finally:
            future.release()
        summary.merge(result["summary"])
        outcomes.extend((p, "record", r) for p, r in result["records"])
        outcomes.extend((p, "error", e) for p, e in result["errors"])

    if fact.count:
        clean(0, fact.count)
    # The archive records skipped (not pages) are counted by reading the shard, which kills no worker.
    summary.records_skipped = client.submit(_skipped_records, shard, settings.max_bytes,
                                            key=f"skipped-{run_id}-{shard.index:05d}", pure=False).result()
    outcomes.sort(key=lambda o: o[0])
    records = [(p, r) for p, what, r in outcomes if what == "record"]
    errors = [(p, e) for p, what, e in outcomes if what == "error"]
    if folder is not None:
        part = PartWriter(folder, shard.index)
        try:
            for _, record in records:
                part.write(record)
            part.commit()
        except BaseException:
            part.abort()
            raise
        records = None
    return {"index": shard.index, "summary": summary, "errors": errors, "records": records}


def _skipped_records(shard: Shard, max_bytes: int) -> dict[str, int]:
    skipped: Counter = Counter()
    for _ in read_shard(shard, max_bytes, skipped):
        pass
    return dict(skipped)



def clean_with_dask(paths: list[str], cleaner: Cleaner, *, fmt: str, output: str | None, scheduler: str | None,
                    on_error: Callable[[dict[str, Any]], None], exclude: list[Any] = (),
                    max_bytes: int | None = None, workers: int | None = None,
                    settings: ShardedRun | None = None, resume: bool = False, fingerprint: str = "",
                    on_partition: Callable[[Summary], None] | None = None) -> Summary:
    """What `cleaner clean --engine dask` does: plan `paths` (local paths or fsspec URLs) as
    shards, have the workers read and clean them, and write jsonl parts plus a manifest to the
    `output` folder (jsonl), or write the records with the local engine's writers (stdout, or a
    text/json tree)."""
    from pathlib import Path

    from cleaner.engines.dask import dask_client
    from cleaner.io.writers import open_writer

    import_distributed()  # fail before anything is read or written
    if fmt == "jsonl" and output is not None and Path(output).is_file():
        raise DaskUsageError(f"--output {output} is a file; with --engine dask, --format jsonl writes part files "
                             "and a manifest into a folder")
    settings = settings or ShardedRun()
    if max_bytes:
        settings.max_bytes = max_bytes
    with dask_client(scheduler, workers) as client:
        if fmt == "jsonl" and output is not None:
            return run_sharded(client, cleaner, paths, folder=output, on_error=on_error, exclude=list(exclude),
                               settings=settings, resume=resume, fingerprint=fingerprint, on_partition=on_partition)
        writer = open_writer(fmt, None if output is None else Path(output))
        try:
            summary = run_sharded(client, cleaner, paths, write=writer.write, on_error=on_error,
                                  exclude=list(exclude), settings=settings, on_partition=on_partition)
        except BaseException:
            writer.abort()
            raise
        writer.close()
        return summary
