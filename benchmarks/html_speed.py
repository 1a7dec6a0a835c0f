#!/usr/bin/env python3
"""Time HTML cleaning (the whole pipeline: decode, trafilatura extraction, page metadata, repair,
rules, language, the JSONL record) against `trafilatura.extract` with its defaults on the same
pages, interleaved in one process.

    python benchmarks/html_speed.py --folder /work/data/devset-pages        # the 990-page dev set
    python benchmarks/html_speed.py --jsonl /work/data/wcxb-pages.jsonl     # the WCXB pages
    python benchmarks/html_speed.py --pages 200 --repeat 3

Both are given the page's bytes. Each page is run by both, one right after the other (which goes
first alternates from page to page), and CPU time of this process is counted (`time.process_time`),
so other jobs on a shared machine slow both alike. Prints, for each repeat, both totals and the
ratio, then the median ratio (target: at most 1.0), with the load average beside it.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import tarfile
import time
from pathlib import Path

import trafilatura

from cleaner import Cleaner
from cleaner.engines.outcome import clean_item
from cleaner.io.inputs import InputItem
from cleaner.io.writers import dumps

DEVSET = Path(__file__).resolve().parents[2] / "shared" / "data" / "devset" / "pages.tar.xz"


def load_pages(folder: Path | None, jsonl: Path | None, limit: int) -> list[bytes]:
    if folder is not None:
        return [p.read_bytes() for p in sorted(folder.rglob("*.htm*"))[:limit]]
    if jsonl is not None:
        pages = []
        with jsonl.open(encoding="utf-8") as f:
            for line in f:
                pages.append(json.loads(line)["html"].encode("utf-8"))
                if len(pages) >= limit:
                    break
        return pages
    pages = []
    with tarfile.open(DEVSET) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".html"):
                pages.append(tar.extractfile(member).read())
                if len(pages) >= limit:
                    break
    return pages


def cpu(fn, page) -> float:
    start = time.process_time()
    try:
        fn(page)
    except Exception:  # noqa: BLE001 - a page that fails costs its time in both runs
        pass
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000, help="at most this many pages (default: all)")
    parser.add_argument("--folder", type=Path, help="a folder of .html pages")
    parser.add_argument("--jsonl", type=Path, help='a JSONL file of {"html": ...} records')
    parser.add_argument("--repeat", type=int, default=3, help="runs over the pages; the median ratio is reported")
    args = parser.parse_args()
    pages = load_pages(args.folder, args.jsonl, args.pages)
    cleaner = Cleaner()

    def whole(page: bytes) -> str:
        return dumps(clean_item(cleaner, InputItem(id="page", kind="html", content=page, source="benchmark")))

    whole(pages[0])  # warm up: rule compilation, language profiles
    trafilatura.extract(pages[0])
    megabytes = sum(map(len, pages)) / 1e6
    print(f"{len(pages)} pages, {megabytes:.1f} MB of HTML; load average {os.getloadavg()[0]:.2f} at start")
    ratios = []
    for run in range(args.repeat):
        alone = mine = 0.0
        for number, page in enumerate(pages):
            if (number + run) % 2:
                mine += cpu(whole, page)
                alone += cpu(trafilatura.extract, page)
            else:
                alone += cpu(trafilatura.extract, page)
                mine += cpu(whole, page)
        ratios.append(mine / alone)
        print(f"run {run + 1}: trafilatura.extract {1000 * alone / len(pages):6.1f} ms/page, "
              f"cleaner {1000 * mine / len(pages):6.1f} ms/page, ratio {mine / alone:.3f}  "
              f"(load {os.getloadavg()[0]:.2f})")
    print(f"median ratio cleaner / trafilatura.extract: {statistics.median(ratios):.3f}x (target <= 1.0x)")


if __name__ == "__main__":
    main()
