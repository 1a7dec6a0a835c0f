"""A one-line progress display on stderr: documents, documents/s, MB/s and, when the input's
size is known, a bar and an ETA. Only drawn on a terminal; redrawn a few times a second at most."""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from cleaner.io.formats import is_walked


def input_size(paths: list[str]) -> int | None:
    """Total bytes of the inputs (compressed size for .gz), or None for stdin."""
    total = 0
    for raw in paths:
        if raw == "-":
            return None
        path = Path(raw)
        try:
            if path.is_dir():
                for root, _dirs, files in os.walk(path):
                    for name in files:
                        file = Path(root, name)
                        if is_walked(file):
                            total += file.stat().st_size
            else:
                total += path.stat().st_size
        except OSError:
            continue
    return total


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Progress:
    """Feed it (documents done, bytes done); it draws. The input size is measured in a
    background thread so a huge folder does not delay the start."""

    def __init__(self, paths: list[str], stream: TextIO | None = None, interval: float = 0.2,
                 skipped_bytes: int = 0, skipped_documents: int = 0):
        self.stream = stream or sys.stderr
        self.interval = interval
        self.started = time.perf_counter()
        self.total: int | None = None
        # Done by an earlier run: part of the counts, not of this run's rates.
        self.skipped_bytes = skipped_bytes
        self.skipped_documents = skipped_documents
        self._last = 0.0
        self._drawn = False
        threading.Thread(target=self._measure, args=(paths,), daemon=True).start()

    def _measure(self, paths: list[str]) -> None:
        self.total = input_size(paths)

    def update(self, documents: int, failed: int, done_bytes: int, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        elapsed = max(now - self.started, 1e-9)
        run_bytes = max(done_bytes - self.skipped_bytes, 0)
        rate_bytes = run_bytes / elapsed
        text = f"{documents} documents"
        if failed:
            text += f" ({failed} failed)"
        text += f" | {(documents - self.skipped_documents) / elapsed:.1f} docs/s {rate_bytes / 1e6:.2f} MB/s"
        total = self.total
        if total:
            share = min(done_bytes / total, 1.0)
            filled = int(share * 20)
            text = f"[{'#' * filled}{'.' * (20 - filled)}] {share * 100:3.0f}% " + text
            if rate_bytes > 0 and share < 1.0:
                text += f" | ETA {_clock((total - done_bytes) / rate_bytes)}"
        text += f" | {_clock(elapsed)}"
        self.stream.write("\r" + text + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def clear(self) -> None:
        """Wipe the line (before a message is printed, and at the end)."""
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False
