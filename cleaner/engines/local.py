"""The local engine: clean a stream of documents in this process or on a pool of worker
processes (pool.py), output in input order, with a callback per output record for observers
(statistics, reports) and one per outcome (progress, checkpoints). Given a `StopSignals`
(stopping.py), Ctrl-C or SIGTERM stops it between two documents: everything written so far is
complete, nothing after it is half done."""
from __future__ import annotations

import time
from typing import Callable, Iterable, Iterator, Sequence

from cleaner.engines.outcome import AlreadyDone, Observer, Outcome, Record, Summary, TimeLimit, process
from cleaner.engines.stopping import StopSignals
from cleaner.io.inputs import Input, InputItem
from cleaner.pipeline import Cleaner


def clean_stream(cleaner: Cleaner, inputs: Iterable[Input], workers: int = 1,
                 already_done: AlreadyDone | None = None, time_limit: TimeLimit | None = None,
                 stop: StopSignals | None = None) -> Iterator[Outcome]:
    """Outcomes of every input, in input order, cleaned in this process (workers=1) or by a pool
    of `workers` processes with a bounded number of documents in flight. A document with a time
    limit needs a worker process even for one worker: it is stopped by replacing the process
    that cleans it (pool.py)."""
    if workers <= 1 and (time_limit is None or not time_limit.active):
        for item in inputs:
            if stop is not None:
                stop.check()  # before starting a document, not only after one
            if already_done is not None and isinstance(item, InputItem) and already_done(item):
                yield Outcome(None, None, item.size, True)
                continue
            if stop is None:
                record, error = process(cleaner, item)
            else:
                with stop.interruptible():  # a stop may cut this document short: run_batch then drops it
                    record, error = process(cleaner, item)
            yield Outcome(record, error, item.size)
        return
    from cleaner.engines.pool import parallel_outcomes, sequential_outcomes  # processes only when asked for

    if workers <= 1:
        yield from sequential_outcomes(cleaner, inputs, already_done, time_limit, stop)
    else:
        yield from parallel_outcomes(cleaner, inputs, workers, already_done, time_limit, stop)


def run_batch(cleaner: Cleaner, inputs: Iterable[Input], write: Callable[[Record], None],
              on_error: Callable[[Record], None], *, workers: int = 1,
              observers: Sequence[Observer] = (), already_done: AlreadyDone | None = None,
              on_outcome: Callable[[Outcome, Summary], None] | None = None,
              summary: Summary | None = None, time_limit: TimeLimit | None = None,
              stop: StopSignals | None = None) -> Summary:
    """Clean every input; each becomes exactly one `write(record)` or one `on_error(error)`
    (or is counted as skipped when `already_done` says its output exists).

    `observers` are called with each output record after it is written (rule statistics, a
    report); `on_outcome` after every input with the running summary (progress, checkpoints).
    `summary` carries counts over from an earlier, interrupted run. `time_limit`: how long one
    document may take (None: no limit).

    With `stop`, a stop request raises RunInterrupted before the next outcome is handled: the
    outcomes handled so far (and counted in `summary`) are exactly those written. The document
    in hand when the request came is not written, even if its cleaning finished: the interrupt
    may have landed inside it.
    """
    summary = summary if summary is not None else Summary()
    started = time.perf_counter()
    try:
        for outcome in clean_stream(cleaner, inputs, workers, already_done, time_limit, stop):
            if stop is not None:
                stop.check()
            if outcome.record is not None:
                write(outcome.record)
                for observe in observers:
                    observe(outcome.record)
            elif outcome.error is not None:
                on_error(outcome.error)
            summary.add(outcome.record, outcome.error, outcome.size, outcome.skipped)
            if on_outcome is not None:
                on_outcome(outcome, summary)
    finally:
        summary.seconds = time.perf_counter() - started
    return summary
