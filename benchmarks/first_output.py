#!/usr/bin/env python3
"""Time to the first output record, and total time, of `cleaner clean` on a folder of real pages.

    python benchmarks/first_output.py [--pages 500] [--runs 3] [--workers 1] [--layout flat|per-host]
                                      [--copies K] [--first-only]
                                      [--cleaner PATH ...] [--learn-chrome/--no-learn-chrome]

The folder holds the first --pages WCXB development pages as a naive scraper dumps them
(../shared/data/wcxb-dev/fullpage-text.jsonl.xz: the page's whole visible text, menus and footers
included), one .txt file each: all in one folder (--layout flat, a scraper's dump: one site for
chrome learning, which goes by folder) or in a folder per host (per-host: nearly every page a site
of its own, so every sample waits for its window to close). --copies K writes each page K times
(a bigger batch; no line becomes chrome by it, each copy is 1 page in hundreds); --first-only
stops each run once its first record is out (the total is then not measured).
Each --cleaner (default: this checkout's) runs `clean FOLDER -f jsonl -o -` --runs times,
interleaved with the others so that load on the machine falls on all of them alike; printed per
cleaner: the median and worst seconds from start to the first record on stdout, and to the end.
Give an older checkout's `cleaner` as a second --cleaner to compare (the first record came only
after the whole batch was read, when chrome was learned in a first pass).
"""
from __future__ import annotations

import argparse
import json
import lzma
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
FULLPAGE = ROOT.parent / "shared" / "data" / "wcxb-dev" / "fullpage-text.jsonl.xz"
CLEANER = str(Path(sys.executable).with_name("cleaner"))


def write_folder(folder: Path, pages: int, per_host: bool, copies: int = 1) -> int:
    written = 0
    with lzma.open(FULLPAGE, "rt", encoding="utf-8") as f:
        for line in f:
            if written >= pages * copies:
                break
            page = json.loads(line)
            host = (urlsplit(page["url"]).hostname or "no-host").removeprefix("www.")
            site = folder / host if per_host else folder
            site.mkdir(exist_ok=True)
            for copy in range(copies):
                (site / f"{page['id']}-{copy}.txt").write_text(page["text"], encoding="utf-8")
            written += copies
    return written


def one_run(cleaner: str, folder: Path, workers: int, learn: bool, first_only: bool = False) -> tuple[float, float, int]:
    """(seconds to the first record, seconds to the end, records)."""
    command = [cleaner, "clean", str(folder), "-f", "jsonl", "-o", "-", "-q", "-w", str(workers),
               "--learn-chrome" if learn else "--no-learn-chrome"]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first = proc.stdout.readline()
    to_first = time.perf_counter() - started
    if first_only:
        proc.kill()
        proc.wait()
        return to_first, float("nan"), 1 if first else 0
    records = (1 if first else 0) + sum(1 for _ in proc.stdout)
    proc.wait()
    return to_first, time.perf_counter() - started, records


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--cleaner", action="append", help=f"a cleaner command to time (repeatable; default {CLEANER})")
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--first-only", action="store_true")
    ap.add_argument("--layout", choices=["flat", "per-host"], default="flat")
    ap.add_argument("--learn-chrome", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args()
    cleaners = args.cleaner or [CLEANER]
    with tempfile.TemporaryDirectory(prefix="first-output-") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        pages = write_folder(folder, args.pages, args.layout == "per-host", args.copies)
        times: dict[str, list[tuple[float, float, int]]] = {c: [] for c in cleaners}
        for _ in range(args.runs):
            for cleaner in cleaners:  # interleaved: the same load on each
                times[cleaner].append(one_run(cleaner, folder, args.workers, args.learn_chrome, args.first_only))
    print(f"{pages} WCXB pages (full-page text, {'one folder' if args.layout == 'flat' else 'a folder per host'}), "
          f"-w {args.workers}, "
          f"{'--learn-chrome' if args.learn_chrome else '--no-learn-chrome'}, {args.runs} runs each")
    for cleaner, runs in times.items():
        firsts, totals = [r[0] for r in runs], [r[1] for r in runs]
        print(f"  {cleaner}\n    first record: median {statistics.median(firsts):.2f} s, worst {max(firsts):.2f} s;"
              f"  total: median {statistics.median(totals):.2f} s, worst {max(totals):.2f} s;  records {runs[0][2]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
