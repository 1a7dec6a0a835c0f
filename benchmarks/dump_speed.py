#!/usr/bin/env python3
"""What main-content's learned trees cost: time per full-page dump with and without them.

    python benchmarks/dump_speed.py [--devset ../shared/data/devset] [--docs 990]

Cleans the development set's full-page text dumps in this process, alternating runs with the
trees on and off (after a warm-up run, so caches are equally warm), and prints milliseconds per
dump for each and the ratio.
"""
from __future__ import annotations

import argparse
import json
import lzma
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "data" / "devset")
    ap.add_argument("--docs", type=int, default=990)
    args = ap.parse_args()
    with lzma.open(args.devset / "fullpage-text.jsonl.xz", "rt", encoding="utf-8") as f:
        dumps = [json.loads(line)["text"] for line in f if line.strip()][:args.docs]
    cleaner = Cleaner()
    rule = next(r for rs in cleaner.rulesets for r in rs.rules if r.kind == "main-content")
    trees = rule.model
    for text in dumps[:100]:  # warm-up
        cleaner.clean_text(text)
    timings: dict[str, list[float]] = {"without trees": [], "with trees": []}
    for _ in range(2):
        for label, model in (("without trees", None), ("with trees", trees)):
            rule.model = model
            started = time.perf_counter()
            for text in dumps:
                cleaner.clean_text(text)
            timings[label].append((time.perf_counter() - started) / len(dumps) * 1000)
    without, with_trees = min(timings["without trees"]), min(timings["with trees"])
    print(f"{len(dumps)} dumps, best of 2 runs each")
    print(f"  without trees  {without:6.1f} ms per dump")
    print(f"  with trees     {with_trees:6.1f} ms per dump   ({with_trees / without:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
