"""Size and time of a review page for N documents: `cleaner review` on a JSONL file, or on N
documents made from the bundled fixtures (tools/review_corpus.py) when none is given.

    python benchmarks/review_page.py                                 # 1,000 documents from the fixtures
    python benchmarks/review_page.py --input pages.jsonl --limit 1000  # the first 1,000 of a real corpus

Prints the input's text size, the page's size (the target: under 5 MB for 1,000 documents), how
many documents the page shows, how its lines were shortened, and the run's time.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus(count: int) -> list[dict]:
    spec = importlib.util.spec_from_file_location("review_corpus", ROOT / "tools" / "review_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_corpus(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, help="A JSONL file of documents ({id, text or html, url?}).")
    parser.add_argument("--limit", type=int, default=1000, help="How many documents (default 1000).")
    parser.add_argument("--workers", type=int, default=2, help="Worker processes (default 2).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "documents.jsonl"
        if args.input:
            with open(args.input, encoding="utf-8") as f, open(source, "w", encoding="utf-8") as out:
                for n, line in enumerate(f):
                    if n >= args.limit:
                        break
                    out.write(line)
        else:
            with open(source, "w", encoding="utf-8") as out:
                for document in corpus(args.limit):
                    out.write(json.dumps(document, ensure_ascii=False) + "\n")
        text_bytes = sum(len((json.loads(line).get("text") or json.loads(line).get("html") or "").encode("utf-8"))
                         for line in open(source, encoding="utf-8"))
        page = Path(tmp) / "review.html"
        exe = Path(sys.executable).with_name("cleaner")
        started = time.perf_counter()
        run = subprocess.run([str(exe), "review", str(source), "-o", str(page), "-w", str(args.workers)],
                             capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if run.returncode not in (0, 1):
            sys.exit(run.stderr)
        html = page.read_text(encoding="utf-8")
        note = re.search(r'id="sample-note">([^<]*)<', html).group(1)
        size = page.stat().st_size
        print(f"input: {args.input or 'documents made from the fixtures'}, {args.limit} documents, "
              f"{text_bytes / 1e6:.1f} MB of text")
        print(f"page: {size / 1e6:.2f} MB ({size / 5e6:.0%} of the 5 MB target), {seconds:.0f} s with "
              f"{args.workers} workers")
        print(f"page says: {note}")


if __name__ == "__main__":
    main()
