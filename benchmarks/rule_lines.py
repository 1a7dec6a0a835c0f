#!/usr/bin/env python3
"""What the rules do to an extractor's output, line by line, on both development sets.

    python benchmarks/rule_lines.py [--sets wcxb,devset] [--cleaner PATH] [--limit N] [--type TYPE]
                                    [--show N] [--rule RULE] [--workers N] [--cache DIR]

Each page is extracted with `trafilatura.extract` (its defaults; the page's URL on WCXB, none on
the 990 pages, as ../shared/tools/wcxb.py and devset.py call it), the outputs are cleaned as text by
the real command line (`cleaner clean FILE --format jsonl`, each record with the page's URL), and
every output line of two words or more is labelled and followed:

- WCXB development split (1,497 pages): the labelling of `wcxb.py lines`, unchanged: a line of 3+
  words is content when at least half of its word 3-grams occur in the page's hand-written main
  content, a line of 2 words when it occurs there whole; every other line is boilerplate. The
  overall row agrees with `wcxb.py lines` (same pages, same cleaner: same counts).
- The 990 pages of the development set (../shared/data/devset): they carry short annotated
  segments, not a full reference, so a line is labelled by the segments it matches (a segment
  matches a line when, whitespace normalised, the segment occurs in the line or the line in the
  segment, as devset.py finds segments in an output): content when it matches a `with` segment,
  boilerplate when it matches a `without` segment and no `with` one. A line that matches no
  segment is unlabelled and left out of every figure (most lines of an article: the set checks a
  few segments per page, and guessing the rest would put our guess in the measure).

A line counts as removed when the cleaner's record lists it among its removed lines (compared on
the benchmark's tokens, lowercase \\w+ runs, as wcxb.py compares them). Printed per set: recall
(share of boilerplate lines removed, by lines and by words), precision (share of removed lines
that are boilerplate), per page type on WCXB, and per rule: lines it removed, how many of them
were content, its precision, its recall (the share of all boilerplate lines it removed), the
page types of the content it removed, and "cuts" (removals that were only part of a line, which
the line measure does not count). --show N prints N removed content lines and N kept boilerplate lines per
set (--rule RULE: only that rule's mistakes).

trafilatura's outputs are cached (by trafilatura's version) under ~/.cache/cleaner-benchmarks/, so
a rerun only cleans and scores.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import wcxb_data  # noqa: E402
from devset_data import load_html as load_devset_html  # noqa: E402
from devset_data import norm  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CACHE = Path.home() / ".cache" / "cleaner-benchmarks"
TYPES = wcxb_data.TYPES


@dataclass
class Page:
    id: str
    url: str
    page_type: str
    text: str                          # the extractor's output
    label: object = None               # callable: line -> True (content), False (boilerplate), None (unlabelled)


# --- labelling ----------------------------------------------------------------------------------

def _grams(words: list[str], n: int = 3) -> list[str]:
    return [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]


def wcxb_labeller(main_content: str):
    """wcxb.py's is_content: half the line's word 3-grams in the reference (2 words: the line whole)."""
    ref = wcxb_data.tokens(main_content)
    ref_grams, ref_text = set(_grams(ref)), " ".join(ref)

    def label(line: str) -> bool:
        words = wcxb_data.tokens(line)
        if len(words) < 3:
            return " ".join(words) in ref_text
        grams = _grams(words)
        return sum(g in ref_grams for g in grams) >= 0.5 * len(grams)
    return label


def devset_labeller(with_segments: list[str], without_segments: list[str]):
    """Content when the line matches a `with` segment, boilerplate when it matches only `without` ones."""
    keep = [norm(s) for s in with_segments if norm(s)]
    drop = [norm(s) for s in without_segments if norm(s)]

    def matches(line: str, segments: list[str]) -> bool:
        return any(s in line or line in s for s in segments)

    def label(line: str):
        line = norm(line)
        if matches(line, keep):
            return True
        if matches(line, drop):
            return False
        return None
    return label


# --- extraction, cached -------------------------------------------------------------------------

def extracted(name: str, pages: dict[str, tuple[object, str | None]], cache: Path) -> dict[str, str]:
    """trafilatura.extract's output of each page, from the cache file when it holds them all."""
    import trafilatura
    path = cache / f"{name}-trafilatura-{trafilatura.__version__}.jsonl"
    texts: dict[str, str] = {}
    if path.exists():
        texts = {r["id"]: r["text"] for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    missing = [k for k in sorted(pages) if k not in texts]
    if missing:
        print(f"{name}: extracting {len(missing)} pages with trafilatura {trafilatura.__version__} "
              f"(cached in {path})", file=sys.stderr)
        for k in missing:
            html, url = pages[k]
            texts[k] = trafilatura.extract(html, url=url) or ""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps({"id": k, "text": texts[k]}, ensure_ascii=False) + "\n"
                                for k in sorted(texts)), encoding="utf-8")
    return {k: texts[k] for k in pages}


def wcxb_pages(args) -> list[Page]:
    folder = args.data / "wcxb-dev"
    truth = [p for p in wcxb_data.load_pages(folder) if not args.type or p.page_type == args.type]
    if args.limit:
        truth = truth[:args.limit]
    html = wcxb_data.load_html(folder)
    texts = extracted("wcxb", {p.id: (html[p.id], p.url or None) for p in truth if p.id in html}, args.cache)
    return [Page(p.id, p.url, p.page_type, texts.get(p.id, ""), wcxb_labeller(p.main_content)) for p in truth]


def devset_pages(args) -> list[Page]:
    folder = args.data / "devset"
    evaldata = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    urls = sorted(evaldata)
    if args.limit:
        urls = urls[:args.limit]
    html = load_devset_html(folder)
    texts = extracted("devset", {u: (html[evaldata[u]["file"]], None) for u in urls if evaldata[u]["file"] in html},
                      args.cache)
    return [Page(u, u, "page", texts.get(u, ""), devset_labeller(evaldata[u]["with"], evaldata[u]["without"]))
            for u in urls]


# --- cleaning -----------------------------------------------------------------------------------

def removed_lines(cleaner: str, pages: list[Page], folder: Path, name: str, workers: int) -> dict[str, list[dict]]:
    """Each document's removed lines ({"rule", "text", ...}) as the real command line reports them."""
    source, output = folder / f"{name}.jsonl", folder / f"{name}.out.jsonl"
    with source.open("w", encoding="utf-8") as f:
        for p in pages:
            f.write(json.dumps({"id": p.id, "url": p.url, "text": p.text}, ensure_ascii=False) + "\n")
    done = subprocess.run([cleaner, "clean", str(source), "--format", "jsonl", "--output", str(output),
                           "--workers", str(workers), "-q"], capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"cleaner exited {done.returncode}: {done.stderr[-500:]}")
    records = [json.loads(line) for line in output.open(encoding="utf-8") if line.strip()]
    return {str(r.get("id")): r.get("removed") or [] for r in records}


# --- scoring ------------------------------------------------------------------------------------

@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    by_type: dict = field(default_factory=lambda: defaultdict(Counter))
    by_rule: dict = field(default_factory=lambda: defaultdict(Counter))
    wrong: list = field(default_factory=list)      # (type, id, rule, line): content removed
    missed: list = field(default_factory=list)     # (type, id, line): boilerplate kept


def score(pages: list[Page], removed: dict[str, list[dict]]) -> Tally:
    tally = Tally()
    for p in pages:
        # The removed lines by their tokens, each with the rules that removed a line of that text, in order.
        gone: dict[str, list[str]] = defaultdict(list)
        for r in removed.get(p.id, []):
            gone[" ".join(wcxb_data.tokens(r.get("text", "")))].append(r.get("rule") or "?")
        line_keys = Counter()
        for line in p.text.split("\n"):
            words = wcxb_data.tokens(line)
            key = " ".join(words)
            line_keys[key] += 1
            if len(words) < 2:
                continue
            content = p.label(line)
            rule = gone[key].pop(0) if gone.get(key) else None
            if content is None:
                if rule:
                    tally.by_rule[rule]["unlabelled"] += 1
                continue
            c = Counter(lines=1, words=len(words))
            if not content:
                c.update(bp=1, bp_w=len(words))
            if rule and content:
                c.update(rm=1, rm_content=1)
                tally.by_rule[rule].update({"rm": 1, "rm_content": 1, f"content:{p.page_type}": 1})
                tally.wrong.append((p.page_type, p.id, rule, line))
            elif rule:
                c.update(rm=1, rm_bp=1, rm_bp_w=len(words))
                tally.by_rule[rule].update(rm=1, rm_bp=1)
            elif not content:
                tally.missed.append((p.page_type, p.id, line))
            tally.counts.update(c)
            tally.by_type[p.page_type].update(c)
        # Removals that are no whole line of the output: part of a line cut (strip, a sentence).
        for key, rules in gone.items():
            if key and key not in line_keys:
                for rule in rules:
                    tally.by_rule[rule]["cuts"] += 1
    return tally


def row(label: str, c: Counter) -> str:
    return (f"{label:14} lines {c['lines']:>6}  boilerplate {c['bp']:>5} ({c['bp'] / max(1, c['lines']):.0%})  "
            f"removed {c['rm']:>5} (boilerplate {c['rm_bp']}, content {c['rm_content']})  "
            f"recall {c['rm_bp'] / max(1, c['bp']):.2f} (words {c['rm_bp_w'] / max(1, c['bp_w']):.2f})  "
            f"precision {c['rm_bp'] / c['rm'] if c['rm'] else 1:.2f}")


def report(name: str, tally: Tally, args, types: bool) -> None:
    print(f"\n{name}: the rules on trafilatura's output, line by line")
    print(row("all", tally.counts))
    if types:
        for t in TYPES:
            if t in tally.by_type:
                print(row(t, tally.by_type[t]))
    # recall: the share of all boilerplate lines this rule removed; "content in": the page types
    # of the content lines it removed (WCXB), most first.
    print(f"  {'rule':32} {'removed':>7} {'content':>7} {'precision':>9} {'recall':>6} {'unlabelled':>10} "
          f"{'cuts':>5}  content in")
    for rule, c in sorted(tally.by_rule.items(), key=lambda kv: (-kv[1]["rm"], -kv[1]["cuts"], kv[0])):
        precision = f"{c['rm_bp'] / c['rm']:.2f}" if c["rm"] else "-"
        recall = c["rm_bp"] / max(1, tally.counts["bp"])
        where = ", ".join(f"{k.split(':', 1)[1]} {n}" for k, n in c.most_common() if k.startswith("content:")) if types else ""
        flag = "<-- below 0.95  " if c["rm"] and c["rm_content"] * 20 > c["rm"] else ""
        print(f"  {rule:32} {c['rm']:>7} {c['rm_content']:>7} {precision:>9} {recall:>6.3f} {c['unlabelled']:>10} "
              f"{c['cuts']:>5}  {flag}{where}".rstrip())
    if args.show:
        rng = random.Random(0)
        wrong = [w for w in tally.wrong if not args.rule or w[2] == args.rule]
        print(f"\n  {min(args.show, len(wrong))} content lines removed (type, id, rule, line):")
        for t, k, r, line in rng.sample(wrong, min(args.show, len(wrong))):
            print(f"    {t:13} {k[:60]} {r}: {line[:140]}")
        if not args.rule:
            print(f"\n  {min(args.show, len(tally.missed))} boilerplate lines kept (type, id, line):")
            for t, k, line in rng.sample(tally.missed, min(args.show, len(tally.missed))):
                print(f"    {t:13} {k[:60]}: {line[:140]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="wcxb,devset", help="which sets (default: wcxb,devset)")
    ap.add_argument("--cleaner", default=shutil.which("cleaner") or "cleaner")
    ap.add_argument("--data", type=Path, default=DATA, help="folder with wcxb-dev/ and devset/ (default ../shared/data)")
    ap.add_argument("--cache", type=Path, default=CACHE, help=f"where trafilatura's outputs are kept (default {CACHE})")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages of each set")
    ap.add_argument("--type", choices=TYPES, help="WCXB: only pages of this type")
    ap.add_argument("--show", type=int, default=0, help="print N removed content lines and N kept boilerplate lines")
    ap.add_argument("--rule", help="with --show: only this rule's removed content lines")
    ap.add_argument("--workers", type=int, default=1, help="cleaner workers (output is the same for any number)")
    args = ap.parse_args()
    sets = [s for s in args.sets.split(",") if s]
    unknown = set(sets) - {"wcxb", "devset"}
    if unknown:
        ap.error(f"unknown set(s) {', '.join(sorted(unknown))}: choose among wcxb, devset")
    with tempfile.TemporaryDirectory(prefix="rule-lines-") as tmp:
        for name in sets:
            pages = wcxb_pages(args) if name == "wcxb" else devset_pages(args)
            removed = removed_lines(args.cleaner, pages, Path(tmp), name, args.workers)
            label = (f"WCXB dev ({len(pages)} pages)" if name == "wcxb"
                     else f"devset ({len(pages)} pages; lines matching no segment left out)")
            report(label, score(pages, removed), args, types=name == "wcxb")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
