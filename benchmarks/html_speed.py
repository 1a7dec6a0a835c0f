#!/usr/bin/env python3
"""Time HTML cleaning (the whole pipeline: decode, trafilatura extraction with metadata, repair,
rules, language) against trafilatura.extract alone on the same pages, in one run.

    python benchmarks/html_speed.py [--pages N] [--folder DIR]

Default input: the development set's pages (../shared/data/devset/pages.tar.xz). Prints both
times, pages/s and the ratio (target: at most 1.2).
"""
from __future__ import annotations

import argparse
import tarfile
import time
from pathlib import Path

import trafilatura

from cleaner import Cleaner

DEVSET = Path(__file__).resolve().parents[2] / "shared" / "data" / "devset" / "pages.tar.xz"


def load_pages(folder: Path | None, limit: int) -> list[bytes]:
    if folder is not None:
        return [p.read_bytes() for p in sorted(folder.rglob("*.htm*"))[:limit]]
    pages = []
    with tarfile.open(DEVSET) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".html"):
                pages.append(tar.extractfile(member).read())
                if len(pages) >= limit:
                    break
    return pages


def timed(fn, pages) -> float:
    start = time.perf_counter()
    for page in pages:
        try:
            fn(page)
        except Exception:
            pass  # a page that fails costs its time in both runs
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    pages = load_pages(args.folder, args.pages)
    cleaner = Cleaner()
    cleaner.clean_html(pages[0])  # warm up: rule compilation, language profiles
    trafilatura.extract(pages[0])
    alone = timed(trafilatura.extract, pages)
    whole = timed(cleaner.clean_html, pages)
    megabytes = sum(map(len, pages)) / 1e6
    print(f"{len(pages)} pages, {megabytes:.1f} MB of HTML")
    print(f"trafilatura.extract alone : {alone:7.2f} s  {len(pages) / alone:6.1f} pages/s")
    print(f"cleaner, whole pipeline   : {whole:7.2f} s  {len(pages) / whole:6.1f} pages/s")
    print(f"ratio cleaner / trafilatura: {whole / alone:.2f}x (target <= 1.2x)")


if __name__ == "__main__":
    main()
