"""Stopping a batch run on Ctrl-C (SIGINT) or SIGTERM: promptly, at a clean boundary, never
with a document counted as failed.

Python's default turns SIGINT into a KeyboardInterrupt raised wherever the main thread happens
to be. Inside a library that catches everything (langdetect turns any exception while loading
its profiles into a LangDetectException) the interrupt becomes a "failed" document and the run
goes on; inside a destructor it is printed as "Exception ignored" and lost. So while a run is
active, `StopSignals` replaces that: a signal only *asks* the run to stop. The engine looks at
the request between documents (`check()`), and a document that was being cleaned when the
request came is not written (its result cannot be trusted: the interrupt may have landed in
it); it is cleaned again by `--resume`.

A document that takes long (a huge page) would hold the stop up, so after `grace` seconds the
request is delivered inside the document's cleaning as a `RunInterrupted` (a KeyboardInterrupt),
but only while the main thread is in an `interruptible()` block (cleaning a document, loading the
language profiles): never halfway through writing output. A second Ctrl-C does the same at once.
Whatever such a delivery turns into (langdetect makes it a LangDetectException), the run treats
an error raised once a stop was asked for as the stop.

Worker processes ignore both signals (the terminal sends Ctrl-C to every process of the group):
the parent decides, and ends them.
"""
from __future__ import annotations

import _thread
import os
import signal
import threading
from contextlib import contextmanager, nullcontext
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# The exit code of a run stopped by a signal, whichever it was (what shells report for Ctrl-C).
INTERRUPTED_EXIT = 130


class RunInterrupted(KeyboardInterrupt):
    """The run was stopped by a signal. A KeyboardInterrupt, so that `except Exception` (a bad
    document) never catches it and code that handles Ctrl-C handles it too."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class StopSignals:
    """While active (`with StopSignals(...) as stop:`, in the main thread), SIGINT and SIGTERM
    set a stop request instead of raising; `notice` is written to stderr at once.

    Outside the main thread (a signal handler cannot be installed there) it does nothing and
    `check()` never raises: the caller's own Ctrl-C handling applies.
    """

    def __init__(self, notice: str | None = "stopping...", grace: float = 1.0):
        self.notice = notice
        self.grace = grace
        self.requested: int | None = None
        self._interruptible = False
        self._owner = os.getpid()
        self._previous: dict[int, object] = {}
        self._timer: threading.Timer | None = None

    def __enter__(self) -> "StopSignals":
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *_exc) -> None:
        if self._timer is not None:
            self._timer.cancel()
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    def _handle(self, signum: int, _frame) -> None:
        if os.getpid() != self._owner:
            return  # a forked worker, before it set its own handlers: the parent decides
        if self.requested is None:
            self.requested = signum
            if self.notice:
                os.write(2, f"cleaner: {self.notice}\n".encode())  # not print(): stderr may be mid-write
            self._timer = threading.Timer(self.grace, self._deliver, args=(signum,))
            self._timer.daemon = True
            self._timer.start()
            return
        if self._interruptible:  # a second signal, or the grace period is over: stop inside the work
            raise RunInterrupted(self.requested)

    def _deliver(self, signum: int) -> None:
        if self._interruptible:
            _thread.interrupt_main(signum)  # runs _handle in the main thread, which checks again

    def check(self) -> None:
        """Raise RunInterrupted if a stop was asked for."""
        if self.requested is not None:
            raise RunInterrupted(self.requested)

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        """A stretch of work (cleaning one document, loading what workers share) that a pending
        stop may cut short; its result is not to be used if a stop was asked for meanwhile (call
        `check()` after)."""
        self._interruptible = True
        try:
            yield
        finally:
            self._interruptible = False

    def until_stopped(self, items: Iterable[T]) -> Iterator[T]:
        """The items, raising RunInterrupted before the next one once a stop is asked for (for
        passes that only read, like learning a batch's site chrome)."""
        for item in items:
            self.check()
            yield item
        self.check()


@contextmanager
def python_interrupts() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt again meanwhile (for code that handles it itself, such as a
    Dask client shutting its cluster down), whatever handler the program had set."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def maybe_interruptible(stop: StopSignals | None):
    """stop.interruptible(), or nothing to do without a StopSignals."""
    return stop.interruptible() if stop is not None else nullcontext()


def ignore_stop_signals() -> None:
    """For worker processes: Ctrl-C reaches the whole process group; the parent decides what
    happens and ends its workers itself (SIGTERM keeps its default, so they can be ended)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
