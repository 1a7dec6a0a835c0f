#!/usr/bin/env python3
"""Does the cleaner leave other extractors' output alone? Score it on their text of the development set.

    python tools/extractor_outputs.py [--devset ../shared/data/devset] [--cleaner cleaner]

Pipelines often run the cleaner after an HTML extractor, on text that is already (mostly) the
article. This tool extracts the development set's 990 HTML pages with two extractors the project
depends on anyway, trafilatura (`trafilatura.extract`, its defaults) and jusText (paragraphs it
does not call boilerplate, with the stoplist of the language whose stopwords the page uses most),
writes each extractor's texts as JSONL, runs `cleaner clean FILE --format jsonl` on it (the real
command line, as a pipeline would), and scores the texts before and after cleaning like
../shared/tools/devset.py (segment level, see devset_data.py). It also counts the article
segments the cleaner removed: the content it lost.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import justext
import lxml.etree
import lxml.html
import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

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


def jus_text(html: bytes) -> str:
    # jusText needs the page's language; take the stoplist the page's words hit most.
    try:
        text = lxml.html.fromstring(html).text_content()
    except (lxml.etree.ParserError, ValueError):
        return ""
    words = re.findall(r"\w+", text.lower())[:5000]
    stoplist = max(_STOPLISTS.values(), key=lambda s: sum(w in s for w in words))
    return "\n".join(p.text for p in justext.justext(html, stoplist) if not p.is_boilerplate)


EXTRACTORS = {
    "trafilatura": lambda html: trafilatura.extract(html) or "",
    "jusText": jus_text,
}


def clean(cleaner: str, texts: dict[str, str], folder: Path, name: str) -> tuple[dict[str, str], dict[str, list]]:
    """The cleaned texts, and the lines each lost with the rule that removed them."""
    source, output = folder / f"{name}.jsonl", folder / f"{name}.clean.jsonl"
    with source.open("w", encoding="utf-8") as f:
        for doc_id, text in texts.items():
            f.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    done = subprocess.run([cleaner, "clean", str(source), "--format", "jsonl", "--output", str(output)],
                          capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"cleaner exited {done.returncode}: {done.stderr[-500:]}")
    records = [json.loads(line) for line in output.open(encoding="utf-8") if line.strip()]
    return ({str(r.get("id")): r.get("text") or "" for r in records},
            {str(r.get("id")): r.get("removed") or [] for r in records})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "data" / "devset")
    ap.add_argument("--cleaner", default=shutil.which("cleaner") or "cleaner")
    ap.add_argument("--show", type=int, default=0, help="list this many lost article segments per extractor, "
                                                          "with the rules that removed their lines")
    args = ap.parse_args()
    evaldata = json.loads((args.devset / "evaldata.json").read_text(encoding="utf-8"))
    html = load_html(args.devset)
    pages = {doc_id: html[segments["file"]] for doc_id, segments in evaldata.items() if segments["file"] in html}
    print(f"{len(pages)} pages; segment scores of each extractor's text before and after `cleaner clean`:")
    print(f"{'':<28} {'precision':>9} {'recall':>7} {'F':>6}   article segments lost / boilerplate removed")
    with tempfile.TemporaryDirectory(prefix="extractor-outputs-") as tmp:
        for name, extract in EXTRACTORS.items():
            texts = {doc_id: extract(html) for doc_id, html in sorted(pages.items())}
            cleaned, removed_lines = clean(args.cleaner, texts, Path(tmp), name)
            lost, removed = lost_and_removed(evaldata, texts, cleaned)
            for label, outputs, extra in ((name, texts, ""), (f"{name}, then cleaner", cleaned, f"   {len(lost)} / {removed}")):
                p, r, f = segment_scores(evaldata, outputs)
                print(f"{label:<28} {p:>9.3f} {r:>7.3f} {f:>6.3f}{extra}")
            for doc_id, segment in lost[:args.show]:
                rules = sorted({r["rule"] for r in removed_lines[doc_id] if norm(r["text"]) and
                                (norm(r["text"]) in norm(segment) or norm(segment) in norm(r["text"]))})
                print(f"    lost {doc_id[:60]}  {segment[:70]!r}  by {', '.join(rules) or '?'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
