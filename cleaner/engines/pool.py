"""Clean documents on a pool of worker processes, in input order, with bounded work in flight.

Each worker gets the Cleaner once, when it starts (its rule sets already compiled, inherited
through fork, or unpickled and compiled once per worker where processes are spawned), then
receives chunks of documents. The parent reads inputs, sends chunks and writes outcomes; it
keeps at most `chunks_per_worker` chunks per worker in flight, so memory stays flat however
long the input is, and it yields outcomes strictly in input order, so N workers write the same
bytes as one.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Iterable, Iterator

from cleaner.engines.outcome import AlreadyDone, Outcome, process_many
from cleaner.pipeline import Cleaner
from cleaner.io.sources import Input, InputItem

# A chunk closes at this many documents or this many bytes of input, whichever comes first:
# enough documents to make a round trip cheap, few enough bytes to keep memory small.
CHUNK_DOCUMENTS = 16
CHUNK_BYTES = 1 << 20
CHUNKS_PER_WORKER = 4

_worker_cleaner: Cleaner | None = None


def _watch_parent(parent: int) -> None:
    # A parent killed with SIGKILL cannot tell its workers to stop; they notice it is gone here.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(cleaner: Cleaner, parent: int) -> None:
    global _worker_cleaner
    _worker_cleaner = cleaner
    # Ctrl-C reaches the whole process group: the parent decides what happens, workers just stop
    # when told to.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _clean_chunk(items: list[Input]):
    assert _worker_cleaner is not None, "worker started without a cleaner"
    return process_many(_worker_cleaner, items)


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


def _share_before_fork() -> None:
    """Load what every worker needs (langdetect's language profiles, tens of MB) once in the
    parent, so forked workers share those pages instead of each loading its own copy, and move
    everything loaded so far out of the garbage collector's sight, so that collections in the
    workers do not touch (and so copy) the shared pages."""
    import gc

    from cleaner.metadata import language_profiles
    from cleaner.text.stoplists import _languages_by_word

    language_profiles()
    _languages_by_word()  # the stopword index main-content and the off-topic rule guess languages with
    gc.freeze()


def pool_context() -> multiprocessing.context.BaseContext:
    """fork where the platform has it: workers start at once and share the parent's compiled
    rules; elsewhere spawn (the Cleaner is pickled to each worker and its rules compiled there)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def parallel_outcomes(cleaner: Cleaner, inputs: Iterable[Input], workers: int,
                      already_done: AlreadyDone | None = None) -> Iterator[Outcome]:
    chunks = _chunks(inputs, already_done)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if second is None:
        # Too few documents to be worth starting processes for: clean them here.
        items, plan = first
        yield from _outcomes(items, plan, process_many(cleaner, items))
        return

    context = pool_context()
    shared = context.get_start_method() == "fork"
    if shared:
        _share_before_fork()
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                               initargs=(cleaner, os.getpid()))
    pending: deque[tuple[list[Input], list[int | None], Future]] = deque()
    limit = workers * CHUNKS_PER_WORKER

    def submit(chunk: tuple[list[Input], list[int | None]]) -> None:
        items, plan = chunk
        pending.append((items, plan, pool.submit(_clean_chunk, items) if items else None))

    try:
        submit(first)
        submit(second)
        for chunk in chunks:
            while len(pending) >= limit:
                yield from _finish(pending.popleft())
            submit(chunk)
        while pending:
            yield from _finish(pending.popleft())
    finally:
        # On an error or interruption, drop what is queued and let running chunks end.
        pool.shutdown(wait=True, cancel_futures=True)
        if shared:
            import gc

            gc.unfreeze()  # the parent (maybe a long-lived program using the API) collects as before


def _finish(entry: tuple[list[Input], list[int | None], Future | None]) -> Iterator[Outcome]:
    items, plan, future = entry
    results = future.result() if future is not None else []
    yield from _outcomes(items, plan, results)
