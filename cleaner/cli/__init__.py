"""The `cleaner` command line (entry point `cleaner.cli:main`; the commands are in app.py)."""
from __future__ import annotations

import gc
import os
import signal


def _interrupted(_signum, _frame) -> None:
    os.write(2, b"cleaner: interrupted\n")
    os._exit(130)


def main() -> None:
    # Ctrl-C ends the program at once, quietly, with exit code 130: while it starts, loads rules,
    # explains a document. A KeyboardInterrupt instead would print a traceback when it lands in an
    # import, or be taken for an error by a library that catches everything (langdetect) and let
    # the program go on. `cleaner clean` replaces this while it cleans, to stop at a document
    # boundary and keep what is done (engines/stopping.py).
    signal.signal(signal.SIGINT, _interrupted)
    from cleaner.cli.app import main as run_app

    try:
        run_app()
    finally:
        # The objects left (language profiles, compiled rules: millions of them) need no cyclic
        # collection on the way out; without one, exiting takes a tenth of the time (0.45 s less,
        # which is most of what Ctrl-C waits for).
        gc.freeze()


__all__ = ["main"]
