#!/usr/bin/env python3
"""Start-up: whole-process time of `cleaner --help`, and of `cleaner clean` on one small text file
and on one small HTML page (what a pipeline that calls the command per file pays each time).

    python benchmarks/startup_speed.py [--repeat 5]

Prints, for each command, the median wall time and the median CPU time (user + system of the
process and its children) over the repeats, with the load average: on a shared machine the wall
time grows with other jobs' load, the CPU time much less. Targets (wall, idle machine): --help
under 0.3 s, a text file under 1.0 s, an HTML file under 1.3 s. Python's bytecode cache is on for
these runs (as for an installed package) whatever PYTHONDONTWRITEBYTECODE says, and one untimed
run of each command fills it first.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL_TEXT = "A small file.\nThe council approved the new budget on Tuesday after a long debate.\n"
SMALL_HTML = ROOT / "fixtures" / "html" / "metadata.html"


def cleaner_command() -> list[str]:
    exe = Path(sys.executable).with_name("cleaner")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cleaner.cli"]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of the command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each command (the median is printed)")
    args = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory(prefix="cleaner-startup-") as tmp:
        text = Path(tmp) / "small.txt"
        text.write_text(SMALL_TEXT, encoding="utf-8")
        cleaner = cleaner_command()
        commands = {
            "cleaner --help": (cleaner + ["--help"], 0.3),
            "cleaner clean, one small text file": (
                cleaner + ["clean", str(text), "-f", "jsonl", "-o", str(Path(tmp) / "text.jsonl"), "-q"], 1.0),
            "cleaner clean, one small HTML file": (
                cleaner + ["clean", str(SMALL_HTML), "-f", "jsonl", "-o", str(Path(tmp) / "html.jsonl"), "-q"], 1.3),
        }
        print(f"load average {os.getloadavg()[0]:.2f} at start; {args.repeat} runs each (median)")
        for name, (command, target) in commands.items():
            timed(command, env)  # untimed: fills the bytecode cache
            runs = [timed(command, env) for _ in range(args.repeat)]
            wall = statistics.median(run[0] for run in runs)
            cpu = statistics.median(run[1] for run in runs)
            print(f"{name:38s} wall {wall:5.2f} s, CPU {cpu:5.2f} s (target: under {target} s wall; "
                  f"load {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
