"""The `cleaner` command line (entry point `cleaner.cli:main`; the commands are in app.py)."""
from __future__ import annotations

import gc
import os
import signal


def _interrupted_while_starting(_signum, _frame) -> None:
    os.write(2, b"cleaner: interrupted\n")
    os._exit(130)  # nothing has been written yet; a KeyboardInterrupt here would print a traceback


def main() -> None:
    # Importing the commands' libraries takes a moment: Ctrl-C meanwhile just ends the program.
    # Then the usual KeyboardInterrupt applies (Typer turns it into exit code 130), and
    # `cleaner clean` installs its own handling for the run itself (engines/stopping.py).
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    from cleaner.cli.app import main as run_app

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        run_app()
    finally:
        # The objects left (language profiles, compiled rules: millions of them) need no cyclic
        # collection on the way out; without one, exiting takes a tenth of the time (0.45 s less,
        # which is most of what Ctrl-C waits for).
        gc.freeze()


__all__ = ["main"]
