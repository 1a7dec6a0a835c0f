"""What classifying the page type costs, beside extraction, on the WCXB development split.

Prints CPU milliseconds a page (this process, so other jobs on the machine count little) of:
  - trafilatura's load_html (the tree extraction and classification share),
  - classify_html on that tree (features + trees), and its share of the extraction's time,
  - trafilatura.bare_extraction with the cleaner's settings, on the same tree,
  - classify_text on the page's full-page dump.

    python benchmarks/pagetype_speed.py [--limit N]
"""
from __future__ import annotations

import argparse
import json
import lzma
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaner.pagetype import classify_html, classify_text  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "wcxb-dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages of the archive")
    args = parser.parse_args()
    import trafilatura
    from trafilatura.utils import load_html

    urls, pages = {}, []
    with tarfile.open(args.data / "wcxb-dev.tar.xz") as archive:
        for member in archive:
            name = Path(member.name)
            if member.isfile() and name.parent.name == "ground-truth":
                urls[name.stem] = json.loads(archive.extractfile(member).read()).get("url") or None
            elif member.isfile() and name.parent.name == "html":
                pages.append((name.stem, archive.extractfile(member).read().decode("utf-8", "replace")))
            if args.limit and len(pages) >= args.limit:
                break
    spent = dict.fromkeys(("load_html", "classify_html", "bare_extraction", "classify_text"), 0.0)
    for k, html in pages:
        start = time.process_time()
        tree = load_html(html)
        spent["load_html"] += time.process_time() - start
        if tree is None:
            continue
        start = time.process_time()
        classify_html(tree, urls.get(k))
        spent["classify_html"] += time.process_time() - start
        start = time.process_time()
        trafilatura.bare_extraction(tree, url=urls.get(k), with_metadata=False, include_comments=False,
                                    include_tables=True)
        spent["bare_extraction"] += time.process_time() - start
    wanted = {k for k, _ in pages}
    dumps = []
    with lzma.open(args.data / "fullpage-text.jsonl.xz", "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record["id"] in wanted:
                dumps.append((record["text"], record.get("url")))
    start = time.process_time()
    for text, url in dumps:
        classify_text(text, url)
    spent["classify_text"] = time.process_time() - start
    print(f"{len(pages)} pages, CPU ms a page:")
    for name, seconds in spent.items():
        print(f"  {name:16} {1000 * seconds / max(1, len(pages) if name != 'classify_text' else len(dumps)):6.1f}")
    print(f"classify_html / bare_extraction: {spent['classify_html'] / spent['bare_extraction']:.2f}")


if __name__ == "__main__":
    main()
