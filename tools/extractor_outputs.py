#!/usr/bin/env python3
"""Does the cleaner leave other extractors' output alone? Score it on their text of both development sets.

    python tools/extractor_outputs.py [--data ../shared/data] [--cache DIR] [--cleaner cleaner] [--show N]

Pipelines often run the cleaner after an HTML extractor, on text that is already (mostly) the
article. This tool extracts the pages of both development sets (the 990 pages of devset/ and the
1,497 of wcxb-dev/) with two extractors the project depends on anyway, trafilatura
(`trafilatura.extract`, its defaults, with the page's URL where the set has one) and jusText
(paragraphs it does not call boilerplate, with the stoplist of the language whose stopwords the
page uses most), writes each extractor's texts as JSONL, runs `cleaner clean FILE --format jsonl`
on it (the real command line, as a pipeline would), and scores the texts before and after
cleaning as the sets' scorers do (segment level on the 990 pages, see devset_data.py; mean word
F1 per page on the 1,497, see wcxb_data.py).

It also reports what main-content (the full-page dump detector, which should leave such text
alone) did: in how many documents it removed anything, and what: on the 990 pages the annotated
article segments it lost and boilerplate segments it removed, on the 1,497 the removed words
that are in the page's hand-written main content (lost) or not (boilerplate).

Extracting takes a while (jusText and trafilatura on 2,487 pages); --cache keeps each
extractor's texts in a folder and reuses them.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import justext
import lxml.etree
import lxml.html
import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import wcxb_data  # noqa: E402
from devset_data import load_html, norm, segment_scores  # noqa: E402


def lost_and_removed(evaldata: dict, before: dict[str, str], after: dict[str, str]) -> tuple[list, int]:
    """Article segments present before cleaning and gone after, as (doc id, segment); and how
    many boilerplate segments went likewise."""
    lost, removed = [], 0
    for doc_id, segments in evaldata.items():
        old, new = norm(before.get(doc_id)), norm(after.get(doc_id))
        lost += [(doc_id, s) for s in segments["with"] if norm(s) in old and norm(s) not in new]
        removed += sum(norm(s) in old and norm(s) not in new for s in segments["without"])
    return lost, removed


_STOPLISTS = {name: justext.get_stoplist(name) for name in sorted(justext.get_stoplists())}


def jus_text(html: bytes | str, url: str | None = None) -> str:
    # jusText needs the page's language; take the stoplist the page's words hit most.
    try:
        text = lxml.html.fromstring(html).text_content()
    except (lxml.etree.ParserError, ValueError):
        return ""
    words = re.findall(r"\w+", text.lower())[:5000]
    stoplist = max(_STOPLISTS.values(), key=lambda s: sum(w in s for w in words))
    try:
        return "\n".join(p.text for p in justext.justext(html, stoplist) if not p.is_boilerplate)
    except (lxml.etree.ParserError, ValueError):
        return ""


EXTRACTORS = {
    "trafilatura": lambda html, url=None: trafilatura.extract(html, url=url) or "",
    "jusText": jus_text,
}


def extract_all(name: str, pages: dict[str, tuple[bytes | str, str | None]], cache: Path | None, label: str) -> dict[str, str]:
    """Each page's text as extractor `name` gives it, read from the cache folder when it is there."""
    path = cache / f"{label}-{name}.jsonl" if cache else None
    if path is not None and path.exists():
        return {r["id"]: r["text"] for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    texts = {doc_id: EXTRACTORS[name](html, url) for doc_id, (html, url) in sorted(pages.items())}
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps({"id": k, "text": v}, ensure_ascii=False) + "\n" for k, v in texts.items()),
                        encoding="utf-8")
    return texts


def clean(cleaner: str, texts: dict[str, str], urls: dict[str, str], folder: Path, name: str) -> tuple[dict[str, str], dict[str, list]]:
    """The cleaned texts, and the lines each lost with the rule that removed them."""
    source, output = folder / f"{name}.jsonl", folder / f"{name}.clean.jsonl"
    with source.open("w", encoding="utf-8") as f:
        for doc_id, text in texts.items():
            record = {"id": doc_id, "text": text}
            if urls.get(doc_id):
                record["url"] = urls[doc_id]
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    done = subprocess.run([cleaner, "clean", str(source), "--format", "jsonl", "--output", str(output), "-q"],
                          capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"cleaner exited {done.returncode}: {done.stderr[-500:]}")
    records = [json.loads(line) for line in output.open(encoding="utf-8") if line.strip()]
    return ({str(r.get("id")): r.get("text") or "" for r in records},
            {str(r.get("id")): r.get("removed") or [] for r in records})


def main_content_removals(removed: dict[str, list]) -> dict[str, list[str]]:
    """The lines main-content removed, by document."""
    found = {doc_id: [r["text"] for r in lines if r["rule"] == "main-content"] for doc_id, lines in removed.items()}
    return {doc_id: lines for doc_id, lines in found.items() if lines}


def report_devset(args, tmp: Path) -> None:
    folder = args.data / "devset"
    evaldata = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    html = load_html(folder)
    pages = {doc_id: (html[segments["file"]], None) for doc_id, segments in evaldata.items() if segments["file"] in html}
    del html
    print(f"devset: {len(pages)} pages; segment scores of each extractor's text before and after `cleaner clean`:")
    print(f"{'':<28} {'precision':>9} {'recall':>7} {'F':>6}   article segments lost / boilerplate removed")
    for name in EXTRACTORS:
        texts = extract_all(name, pages, args.cache, "devset")
        cleaned, removed_lines = clean(args.cleaner, texts, {}, tmp, f"devset-{name}")
        lost, removed = lost_and_removed(evaldata, texts, cleaned)
        for label, outputs, extra in ((name, texts, ""), (f"{name}, then cleaner", cleaned, f"   {len(lost)} / {removed}")):
            p, r, f = segment_scores(evaldata, outputs)
            print(f"{label:<28} {p:>9.3f} {r:>7.3f} {f:>6.3f}{extra}")
        by_main = main_content_removals(removed_lines)
        mc_lost = [(d, s) for d, s in lost if d in by_main and any(norm(line) and norm(line) in norm(s) or norm(s) in norm(line)
                                                                   for line in by_main[d])]
        print(f"    main-content changed {len(by_main)} of {len(texts)} documents ({sum(map(len, by_main.values()))} lines); "
              f"article segments it lost: {len(mc_lost)}")
        for doc_id, segment in lost[:args.show]:
            rules = sorted({r["rule"] for r in removed_lines[doc_id] if norm(r["text"]) and
                            (norm(r["text"]) in norm(segment) or norm(segment) in norm(r["text"]))})
            print(f"    lost {doc_id[:60]}  {segment[:70]!r}  by {', '.join(rules) or '?'}")


def report_wcxb(args, tmp: Path) -> None:
    folder = args.data / "wcxb-dev"
    truth = {p.id: p for p in wcxb_data.load_pages(folder)}
    html = wcxb_data.load_html(folder)
    pages = {page_id: (html[page_id], truth[page_id].url or None) for page_id in truth if page_id in html}
    del html
    urls = {page_id: p.url for page_id, p in truth.items()}
    print(f"\nwcxb: {len(pages)} pages; mean word F1 of each extractor's text before and after `cleaner clean`:")
    print(f"{'':<28} {'all':>6} " + " ".join(f"{t[:6]:>6}" for t in wcxb_data.TYPES))
    for name in EXTRACTORS:
        texts = extract_all(name, pages, args.cache, "wcxb")
        cleaned, removed_lines = clean(args.cleaner, texts, urls, tmp, f"wcxb-{name}")
        for label, outputs in ((name, texts), (f"{name}, then cleaner", cleaned)):
            f1 = {page_id: wcxb_data.prf(Counter(wcxb_data.tokens(outputs.get(page_id))),
                                         Counter(wcxb_data.tokens(p.main_content)))[2] for page_id, p in truth.items()}
            means = [sum(f1[k] for k in truth if kind in ("all", truth[k].page_type)) /
                     max(1, sum(kind in ("all", truth[k].page_type) for k in truth)) for kind in ("all", *wcxb_data.TYPES)]
            print(f"{label:<28} " + " ".join(f"{m:>6.3f}" for m in means))
        by_main = main_content_removals(removed_lines)
        lost = boilerplate = 0
        for doc_id, lines in by_main.items():
            reference = Counter(wcxb_data.tokens(truth[doc_id].main_content))
            removed = Counter(w for line in lines for w in wcxb_data.tokens(line))
            in_content = sum((removed & reference).values())
            lost += in_content
            boilerplate += sum(removed.values()) - in_content
        print(f"    main-content changed {len(by_main)} of {len(texts)} documents ({sum(map(len, by_main.values()))} lines; "
              f"words removed: {boilerplate} not in the main content, {lost} in it)")
        for doc_id in sorted(by_main)[:args.show]:
            print(f"    {doc_id} ({truth[doc_id].page_type}): {len(by_main[doc_id])} lines, e.g. {by_main[doc_id][0][:70]!r}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                    help="the folder holding devset/ and wcxb-dev/ (default ../shared/data beside the repository)")
    ap.add_argument("--sets", default="devset,wcxb", help="which sets to score (default: devset,wcxb)")
    ap.add_argument("--cache", type=Path, default=None, help="a folder to keep the extractors' texts in and reuse")
    ap.add_argument("--cleaner", default=shutil.which("cleaner") or "cleaner")
    ap.add_argument("--show", type=int, default=0, help="list this many lost article segments (devset) and documents "
                                                          "main-content changed (wcxb) per extractor")
    args = ap.parse_args()
    sets = [s for s in args.sets.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="extractor-outputs-") as tmp:
        if "devset" in sets:
            report_devset(args, Path(tmp))
        if "wcxb" in sets:
            report_wcxb(args, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
