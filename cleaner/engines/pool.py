"""Clean documents on worker processes, in input order, with bounded work in flight and a time
limit per document.

Each worker gets the Cleaner once, when it starts (its rule sets already compiled, inherited
through fork, or unpickled and compiled once per worker where processes are spawned), then
receives chunks of documents over a pipe and sends back one outcome per document as it finishes.
The parent reads inputs, hands chunks to idle workers and yields outcomes strictly in input
order, so N workers write the same bytes as one; it keeps at most `CHUNKS_PER_WORKER` chunks per
worker read ahead, so memory stays flat however long the input is.

Because the parent sees each document finish, it knows how long the current one has been
running: a document over its time limit (a page that sends the extractor into minutes of work)
becomes an error record, and its worker is killed and replaced, since a thread stuck in lxml or
a regex cannot be interrupted safely; the rest of its chunk goes to the new worker. A worker that
dies (a crash in a native library, the out-of-memory killer) costs only the document it was
cleaning, in the same way. Every other document's record is the same as without the limit.

Stopping (a StopSignals request, an error, or the consumer closing the stream): the parent looks
at stop requests at least ten times a second while it waits, and kills its workers at once;
chunks in flight are dropped (a resumed run cleans them again).
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Iterable, Iterator

from cleaner.engines.outcome import AlreadyDone, Outcome, Record, TimeLimit, error_record, process, process_many
from cleaner.engines.stopping import StopSignals, ignore_stop_signals, maybe_interruptible
from cleaner.io.inputs import Input, InputItem
from cleaner.pipeline import Cleaner

# A chunk closes at this many documents or this many bytes of input, whichever comes first:
# enough documents to make a round trip cheap, few enough bytes to keep memory small.
CHUNK_DOCUMENTS = 16
CHUNK_BYTES = 1 << 20
CHUNKS_PER_WORKER = 4
# While it waits for workers, the parent looks at stop requests (Ctrl-C) this often, in seconds.
STOP_POLL = 0.1


def _watch_parent(parent: int) -> None:
    # A parent killed with SIGKILL cannot tell its workers to stop; they notice it is gone here.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _worker_main(conn: Connection, cleaner: Cleaner, parent: int) -> None:
    """A worker's life: chunks in, one (record, error) per document out, until told to stop."""
    ignore_stop_signals()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    while True:
        try:
            items = conn.recv()
        except (EOFError, OSError):
            return
        if items is None:
            return
        for item in items:
            conn.send(process(cleaner, item))


def _chunks(inputs: Iterable[Input], already_done: AlreadyDone | None) -> Iterator[tuple[list[Input], list[int | None]]]:
    """(documents to clean, plan) pairs: the plan lists, in input order, the size of each input
    already done (an int) or None for the next document of the chunk."""
    items: list[Input] = []
    plan: list[int | None] = []
    size = 0
    for item in inputs:
        if already_done is not None and isinstance(item, InputItem) and already_done(item):
            plan.append(item.size)
        else:
            items.append(item)
            plan.append(None)
            size += len(item.content) if isinstance(item, InputItem) else 0
        if len(items) >= CHUNK_DOCUMENTS or size >= CHUNK_BYTES or len(plan) >= 8 * CHUNK_DOCUMENTS:
            yield items, plan
            items, plan, size = [], [], 0
    if plan:
        yield items, plan


def _outcomes(items: list[Input], plan: list[int | None], results) -> Iterator[Outcome]:
    done = iter(zip(items, results))
    for size in plan:
        if size is not None:
            yield Outcome(None, None, size, True)
        else:
            item, (record, error) = next(done)
            yield Outcome(record, error, item.size)


def _load_before_fork() -> None:
    """Load what every worker needs (langdetect's language profiles, tens of MB) once in the
    parent, so forked workers share those pages instead of each loading its own copy, and a
    worker started to replace one that ran over a time limit is ready at once (loading takes
    seconds, which would count against its first document's limit)."""
    from cleaner.metadata import language_profiles
    from cleaner.text.stoplists import _languages_by_word

    language_profiles()
    _languages_by_word()  # the stopword index main-content and the off-topic rule guess languages with


def _share_before_fork() -> None:
    """_load_before_fork, then move everything loaded so far out of the garbage collector's
    sight, so that collections in the workers do not touch (and so copy) the shared pages."""
    import gc

    _load_before_fork()
    gc.freeze()


def pool_context() -> multiprocessing.context.BaseContext:
    """fork where the platform has it: workers start at once and share the parent's compiled
    rules; elsewhere spawn (the Cleaner is pickled to each worker and its rules compiled there)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


class _Chunk:
    """Consecutive inputs, their outcomes as they arrive."""

    def __init__(self, items: list[Input], plan: list[int | None]):
        self.items = items
        self.plan = plan
        self.results: list[tuple[Record | None, Record | None]] = []

    @property
    def done(self) -> bool:
        return len(self.results) == len(self.items)


class _Worker:
    """One worker process and the chunk it is cleaning."""

    def __init__(self, context, cleaner: Cleaner):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, cleaner, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.chunk: _Chunk | None = None
        self.since = 0.0  # when the document being cleaned began (the previous one's outcome arrived)
        self.failure = ""  # why the worker was given up (sequential_outcomes)

    def give(self, chunk: _Chunk) -> None:
        self.chunk = chunk
        self.since = time.monotonic()
        self.conn.send(chunk.items[len(chunk.results):])

    def current(self) -> Input:
        assert self.chunk is not None
        return self.chunk.items[len(self.chunk.results)]

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


def _clean_in_worker(worker: _Worker, item: Input, seconds: float,
                     stop: StopSignals | None = None) -> tuple[Record | None, Record | None] | None:
    """One document cleaned by `worker` within `seconds`; None when the worker had to be given
    up (it ran over, or died), with the error record's reason in `worker.failure`. A `stop`
    request raises RunInterrupted meanwhile."""
    worker.conn.send([item])
    deadline = time.monotonic() + seconds
    while True:
        wait = deadline - time.monotonic()
        if stop is not None:
            stop.check()
            wait = min(wait, STOP_POLL)
        if worker.conn.poll(max(wait, 0.0)):
            break
        if time.monotonic() >= deadline:
            worker.failure = TimeLimit.reason(seconds)
            return None
    try:
        return worker.conn.recv()
    except (EOFError, OSError):
        worker.process.join(timeout=5)
        worker.failure = (f"the worker process died while cleaning this document (exit code "
                          f"{worker.process.exitcode}; a crash or out of memory); document skipped")
        return None


def sequential_outcomes(cleaner: Cleaner, inputs: Iterable[Input], already_done: AlreadyDone | None,
                        time_limit: TimeLimit, stop: StopSignals | None = None) -> Iterator[Outcome]:
    """One worker (-w 1) with a time limit: a document without a limit is cleaned here, as
    without one; a document with a limit in a worker process (started when first needed), which
    is replaced when a document runs over or kills it. One document at a time, in input order."""
    worker: _Worker | None = None
    try:
        for item in inputs:
            if stop is not None:
                stop.check()
            if already_done is not None and isinstance(item, InputItem) and already_done(item):
                yield Outcome(None, None, item.size, True)
                continue
            seconds = time_limit.for_item(item)
            if seconds is None:
                if stop is None:
                    record, error = process(cleaner, item)
                else:
                    with stop.interruptible():  # a stop may cut this document short: run_batch then drops it
                        record, error = process(cleaner, item)
            else:
                if worker is None:
                    with maybe_interruptible(stop):  # seconds of loading: a stop may cut them short
                        _load_before_fork()  # once: later calls find everything loaded
                    worker = _Worker(pool_context(), cleaner)
                result = _clean_in_worker(worker, item, seconds, stop)
                if result is None:
                    record, error = None, error_record(item, worker.failure)
                    worker.kill()
                    worker = None
                else:
                    record, error = result
            yield Outcome(record, error, item.size)
        if worker is not None:
            worker.stop()
    finally:
        if worker is not None and worker.process.is_alive():
            worker.kill()


def parallel_outcomes(cleaner: Cleaner, inputs: Iterable[Input], workers: int,
                      already_done: AlreadyDone | None = None,
                      time_limit: TimeLimit | None = None, stop: StopSignals | None = None) -> Iterator[Outcome]:
    """Outcomes of every input, in input order, from `workers` worker processes; a document over
    `time_limit` becomes an error record and its worker is replaced; a `stop` request raises
    RunInterrupted within a tenth of a second."""
    chunks = _chunks(inputs if stop is None else stop.until_stopped(inputs), already_done)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    limited = time_limit is not None and time_limit.applies_to_any(first[0])
    if second is None and not limited:
        # Too few documents to be worth starting processes for, and none needs a time limit:
        # clean them here.
        items, plan = first
        if stop is None:
            yield from _outcomes(items, plan, process_many(cleaner, items))
            return
        todo = iter(items)
        for size in plan:  # one at a time, so that a stop cuts in between (as with one worker)
            if size is not None:
                yield Outcome(None, None, size, True)
                continue
            item = next(todo)
            stop.check()
            with stop.interruptible():
                record, error = process(cleaner, item)
            yield Outcome(record, error, item.size)
        return

    context = pool_context()
    shared = context.get_start_method() == "fork"
    if shared:
        with maybe_interruptible(stop):  # seconds of loading: a stop may cut them short
            _share_before_fork()
    pool: list[_Worker] = []
    try:
        pool = [_Worker(context, cleaner) for _ in range(workers)]
        yield from _run(context, cleaner, pool, chunks, [first] + ([second] if second else []),
                        workers * CHUNKS_PER_WORKER, time_limit, stop)
        for worker in pool:
            worker.stop()
    finally:
        # On an error or interruption, the work in flight is dropped: the workers are killed.
        for worker in pool:
            if worker.process.is_alive():
                worker.kill()
        if shared:
            import gc

            gc.unfreeze()  # the parent (maybe a long-lived program using the API) collects as before


def _run(context, cleaner: Cleaner, pool: list[_Worker], chunks, read: list, read_ahead: int,
         time_limit: TimeLimit | None, stop: StopSignals | None) -> Iterator[Outcome]:
    pending: deque[_Chunk] = deque()  # read, not yet yielded, in input order
    waiting: deque[_Chunk] = deque()  # read, not yet given to a worker
    source = iter(read)

    def read_more() -> None:
        while len(pending) < read_ahead:
            chunk = next(source, None) or next(chunks, None)
            if chunk is None:
                return
            entry = _Chunk(*chunk)
            pending.append(entry)
            if entry.items:
                waiting.append(entry)

    def replace(worker: _Worker, reason: str) -> None:
        """The worker's current document fails with `reason`; a new worker takes the rest."""
        chunk = worker.chunk
        assert chunk is not None
        chunk.results.append((None, error_record(worker.current(), reason)))
        worker.kill()
        fresh = _Worker(context, cleaner)
        pool[pool.index(worker)] = fresh
        if not chunk.done:
            fresh.give(chunk)

    while True:
        read_more()
        for index, worker in enumerate(pool):
            if worker.chunk is None and waiting:
                chunk = waiting.popleft()
                try:
                    worker.give(chunk)
                except OSError:  # the idle worker is gone (killed from outside): a new one takes the chunk
                    worker.kill()
                    pool[index] = _Worker(context, cleaner)
                    pool[index].give(chunk)
        while pending and pending[0].done:
            finished = pending.popleft()
            yield from _outcomes(finished.items, finished.plan, finished.results)
        if not pending:
            read_more()
            if not pending:
                return
            continue
        busy = [worker for worker in pool if worker.chunk is not None]
        now = time.monotonic()
        deadlines = []
        for worker in busy:
            seconds = time_limit.for_item(worker.current()) if time_limit is not None else None
            if seconds is not None:
                deadlines.append(worker.since + seconds)
        timeout = max(min(deadlines) - now, 0.0) if deadlines else None
        if stop is not None:
            stop.check()
            timeout = STOP_POLL if timeout is None else min(timeout, STOP_POLL)
        for conn in wait([worker.conn for worker in busy], timeout):
            worker = next(w for w in pool if w.conn is conn)
            try:
                result = conn.recv()
            except (EOFError, OSError):
                code = worker.process.exitcode if worker.process.exitcode is not None else "unknown"
                replace(worker, f"the worker process died while cleaning this document (exit code {code}; "
                                "a crash or out of memory); document skipped")
                continue
            worker.chunk.results.append(result)
            worker.since = time.monotonic()
            if worker.chunk.done:
                worker.chunk = None
        now = time.monotonic()
        for worker in list(pool):
            if worker.chunk is None or time_limit is None:
                continue
            seconds = time_limit.for_item(worker.current())
            if seconds is not None and now - worker.since > seconds:
                replace(worker, time_limit.reason(seconds))
