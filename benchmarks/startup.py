"""Start-up time of the cleaner with and without the cache of passed rule examples.

Every command builds a Cleaner, which loads the bundled rules; running every rule's own examples
used to be part of that on every start. The examples of unchanged rule files now run once and
are remembered in the user's cache folder (cleaner/usercache.py, rules/examples.py). This script
prints, as medians over --runs fresh processes:

  1. a Cleaner built in a new process with an empty cache (examples run, as before the cache);
  2. the same with the cache filled by an earlier process (examples skipped);
  3. a whole command, `cleaner clean - -q` on a one-line document, cold and warm (what a user
     waits for; some of what the examples loaded, such as the stopword index, is then loaded
     by the document instead).

    python benchmarks/startup.py            # 7 runs each
    python benchmarks/startup.py --runs 15
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUILD = ("import time; t = time.perf_counter(); from cleaner import Cleaner; Cleaner(); "
         "print(time.perf_counter() - t)")


def timed_process(args: list[str], cache: str, stdin: bytes | None = None) -> float:
    env = dict(os.environ, CLEANER_CACHE_DIR=cache)
    started = time.perf_counter()
    proc = subprocess.run(args, input=stdin, capture_output=True, env=env, check=True)
    wall = time.perf_counter() - started
    return float(proc.stdout) if args[1:2] == ["-c"] else wall


def median_of(runs: int, make_cache, args: list[str], stdin: bytes | None = None) -> float:
    return statistics.median(timed_process(args, make_cache(), stdin) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="cleaner-startup-"))
    warm = str(root / "warm")
    build = [sys.executable, "-c", BUILD]
    timed_process(build, warm)  # fills the warm cache
    counter = iter(range(10**6))

    def cold() -> str:  # a new, empty cache folder each time
        return str(root / f"cold-{next(counter)}")

    command = [str(Path(sys.executable).with_name("cleaner")), "clean", "-", "-q"]
    document = b"Body of the article, one sentence.\nPhoto: AP\n"

    build_cold = median_of(args.runs, cold, build)
    build_warm = median_of(args.runs, lambda: warm, build)
    command_cold = median_of(args.runs, cold, command, document)
    command_warm = median_of(args.runs, lambda: warm, command, document)

    print(f"median of {args.runs} fresh processes, {os.cpu_count()} cores")
    print(f"Cleaner() in a new process:  cold cache {build_cold:.2f}s  warm cache {build_warm:.2f}s  "
          f"saved {build_cold - build_warm:.2f}s ({build_warm / build_cold:.2f}x the time)")
    print(f"cleaner clean - (one doc):   cold cache {command_cold:.2f}s  warm cache {command_warm:.2f}s  "
          f"saved {command_cold - command_warm:.2f}s ({command_warm / command_cold:.2f}x the time)")


if __name__ == "__main__":
    main()
