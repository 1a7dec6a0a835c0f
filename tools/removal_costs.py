#!/usr/bin/env python3
"""What each rule's removals cost or gain on the WCXB pages, per page type, read from a cleaner's JSONL output.

    cleaner clean ../shared/data/wcxb-traf.jsonl -f jsonl -o post.jsonl -w 1   # trafilatura's output, cleaned
    python tools/removal_costs.py post.jsonl [--data ../shared/data] [--min-change 0.001]

For every record (its id a WCXB page's), each rule's removed lines are put back into the output
text and the page scored again (mean word F1 against the page's hand-written main content, as
../shared/tools/wcxb.py scores it; see wcxb_data.py): the difference, summed over a page type's
pages and divided by their number, is what the rule changes in that type's mean F1 (negative: it
removed main content). Lines put back go at the end of the text: the score is a bag of words, so
where they go does not matter.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import wcxb_data  # noqa: E402


def removal_costs(records: list[dict], pages: dict[str, wcxb_data.WcxbPage]) -> tuple[dict, Counter, Counter]:
    """(page type, rule) -> summed change of F1 when the rule's lines are put back (negated: what
    the rule did), how many pages of each type, and on how many pages each rule removed lines."""
    change: dict[tuple[str, str], float] = defaultdict(float)
    fired: Counter = Counter()
    types: Counter = Counter()
    for record in records:
        page = pages.get(str(record.get("id")))
        if page is None:
            continue
        types[page.page_type] += 1
        reference = Counter(wcxb_data.tokens(page.main_content))
        text = record.get("text") or ""
        score = wcxb_data.prf(Counter(wcxb_data.tokens(text)), reference)[2]
        removed: dict[str, list[str]] = defaultdict(list)
        for item in record.get("removed") or []:
            removed[item["rule"]].append(item["text"])
        for rule, lines in sorted(removed.items()):
            restored = wcxb_data.prf(Counter(wcxb_data.tokens(text + "\n" + "\n".join(lines))), reference)[2]
            change[(page.page_type, rule)] += score - restored
            fired[(page.page_type, rule)] += 1
    return change, types, fired


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("output", type=Path, help="the cleaner's JSONL output (records with id, text and removed)")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                    help="the folder holding wcxb-dev/ (default ../shared/data beside the repository)")
    ap.add_argument("--min-change", type=float, default=0.001,
                    help="list a rule for a page type when it changes the type's mean F1 by at least this much")
    args = ap.parse_args()
    pages = {page.id: page for page in wcxb_data.load_pages(args.data / "wcxb-dev")}
    with args.output.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    change, types, fired = removal_costs(records, pages)
    print(f"{sum(types.values())} records of WCXB pages; each rule's change of its page type's mean F1:")
    for (kind, rule), total in sorted(change.items(), key=lambda item: (item[1], item[0])):
        if abs(total / types[kind]) >= args.min_change:
            print(f"  {kind:14} {rule:24} on {fired[(kind, rule)]:4} of {types[kind]:4} pages  {total / types[kind]:+.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
