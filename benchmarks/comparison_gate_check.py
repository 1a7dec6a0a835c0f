#!/usr/bin/env python3
"""Check that the readability comparison gate (cleaner/html/comparison_gate.py) never changes the
main extraction: every WCXB development page and every dev-set page through trafilatura's full
extraction and through the gated one (in turn, which goes first alternating), text and kept tree
compared; prints the pages that differ, CPU ms a page of each, and how often the gate skipped.

    python benchmarks/comparison_gate_check.py [--limit N]
"""
from __future__ import annotations

import argparse
import tarfile
import time
from pathlib import Path

import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from cleaner.html import comparison_gate
from cleaner.html.extract import _main_document, _main_options

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ARCHIVES = {"wcxb": DATA / "wcxb-dev" / "wcxb-dev.tar.xz", "dev": DATA / "devset" / "pages.tar.xz"}


def pages(limit: int):
    for name, archive in ARCHIVES.items():
        count = 0
        with tarfile.open(archive) as tar:
            for member in tar:
                if member.isfile() and member.name.endswith(".html"):
                    yield name, member.name, tar.extractfile(member).read().decode("utf-8", "replace")
                    count += 1
                    if limit and count >= limit:
                        break


def extraction(document) -> tuple[str, bytes]:
    if document is None:
        return "", b""
    return document.text or "", etree.tostring(document.body) if document.body is not None else b""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="at most this many pages of each archive")
    args = parser.parse_args()
    spent = {"full": 0.0, "gated": 0.0}
    seen, differ = {name: 0 for name in ARCHIVES}, []
    for number, (archive, name, html) in enumerate(pages(args.limit)):
        tree = load_html(html)
        if tree is None:
            continue
        seen[archive] += 1
        out = {}
        for mode in (("full", "gated") if number % 2 else ("gated", "full")):
            start = time.process_time()
            if mode == "gated":
                document = _main_document(tree, None, None)
            else:
                document = trafilatura.bare_extraction(tree, url=None, **_main_options(None))
            spent[mode] += time.process_time() - start
            out[mode] = extraction(document)
        if out["full"] != out["gated"]:
            differ.append(name)
            print("differs:", archive, name, flush=True)
    total = sum(seen.values())
    print(f"pages {seen}; differ: {len(differ)}; CPU ms a page: full {1000 * spent['full'] / total:.1f}, "
          f"gated {1000 * spent['gated'] / total:.1f}; comparison {comparison_gate.skipped}")


if __name__ == "__main__":
    main()
