"""One run at a time per output: a lock held for the whole run on OUT.lock (an output folder:
FOLDER/.cleaner-lock), which also covers the output's checkpoint and partial file.

Two runs writing the same output at once would share OUT.partial and its checkpoint and leave a
mix of both. The lock is an advisory POSIX record lock (`lockf`) on a small file holding the
holder's process id and command line, so that the run refused can name the one that holds it.
The kernel drops the lock when its holder exits, however it exits (a SIGKILL too): a lock file
left behind by a killed run locks nothing, and the next run takes it over. A POSIX lock, not
`flock`: worker processes forked from the run do not inherit it, so workers that outlive a killed
run (for a moment) do not keep its output locked.
"""
from __future__ import annotations

import errno
import fcntl
import os
import sys
import time
from pathlib import Path

FOLDER_LOCK_NAME = ".cleaner-lock"


class OutputLocked(RuntimeError):
    """Another run holds the output's lock; the message names it."""


def lock_path(output: Path, is_folder: bool) -> Path:
    return output / FOLDER_LOCK_NAME if is_folder else output.with_name(output.name + ".lock")


class OutputLock:
    """Held from `acquire()` to `release()` (or the end of the process)."""

    def __init__(self, output: Path, is_folder: bool = False):
        self.output = output
        self.path = lock_path(output, is_folder)
        self._fd: int | None = None

    def acquire(self) -> "OutputLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                if err.errno not in (errno.EACCES, errno.EAGAIN):
                    os.close(fd)
                    raise
                holder = _read_holder(fd)
                os.close(fd)
                raise OutputLocked(f"{self.output} is being written by another run ({holder}); wait for it to "
                                   f"end or stop it (its lock: {self.path})") from None
            # The holder before us may have removed the file between our open and our lock: then
            # we locked a file nobody else can see. Lock the file that is there now instead.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}: "
                     f"{' '.join(sys.argv)}\n".encode("utf-8", "backslashreplace"))
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)  # while still holding it: a waiting run then re-checks
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "a process that has not written its name yet"
