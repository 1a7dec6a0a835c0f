"""Markdown output on the WCXB development pages: does it keep the words, and the headings?

    python benchmarks/markdown_wcxb.py [--data ../shared/data/wcxb-dev] [--scorer ../shared/tools/wcxb.py]
                                       [--cache DIR] [--cleaner cleaner] [--limit N] [--trafilatura]

Runs `cleaner clean` on the 1,497 pages twice, as wcxb.py does (JSONL in, one worker): once plain,
once with --markup markdown. Outputs are kept in --cache (reused when there; delete to rerun).

1. Words: the Markdown is read back to the text a reader sees (markdown-it-py, CommonMark with
   GFM tables: markers, escapes and link targets gone) and scored with wcxb.py's own word F1
   (its `prf`: lowercase \\w+ tokens, bag-of-words P/R/F1 per page, averaged), beside the plain
   output. The issue's target: within 0.002.
2. Headings: the annotated content in Markdown (ground truth `main_content_markdown`) has
   16,756 heading lines (# ...). Share of them (compared by their words) that
   come out as Markdown headings; also among those whose text is in the output at all, and how
   many of the output's headings are annotated ones. With --trafilatura, the same figures for
   trafilatura.extract(output_format="markdown") as a reference.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import tarfile
import time
from collections import Counter
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
HEADING_LINE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("wcxb_scorer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def reader_text(markdown: str, md: MarkdownIt) -> str:
    """The text a reader of the rendered Markdown sees, one block a line."""
    out: list[str] = []
    for token in md.parse(markdown):
        if token.type == "inline":
            out.append("".join(child.content if child.type in ("text", "code_inline", "html_inline") else
                               "\n" if child.type in ("softbreak", "hardbreak") else "" for child in token.children))
        elif token.type in ("fence", "code_block", "html_block"):
            out.append(token.content)
    return "\n".join(out)


def rendered_headings(markdown: str, md: MarkdownIt) -> list[str]:
    tokens = md.parse(markdown)
    return [tokens[i + 1].content for i, token in enumerate(tokens) if token.type == "heading_open"]


def annotated_headings(markdown: str) -> list[str]:
    """The annotation's heading lines (outside its code blocks)."""
    found, fenced = [], False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (match := HEADING_LINE.match(line)):
            found.append(match.group(2))
    return found


def run_cleaner(cleaner: str, pages: Path, out: Path, extra: list[str]) -> float:
    if out.exists():
        return 0.0
    start = time.perf_counter()
    # the cleaner writes OUT.partial and renames it to OUT once the run is complete
    subprocess.run([cleaner, "clean", str(pages), "-f", "jsonl", "-o", str(out), "-w", "1", "-q", *extra],
                   check=False)
    return time.perf_counter() - start


def read_texts(path: Path) -> dict[str, str]:
    texts = {}
    for line in path.open(encoding="utf-8"):
        if line.strip():
            record = json.loads(line)
            texts[str(record["id"])] = record.get("text") or ""
    return texts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "wcxb-dev")
    ap.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "tools" / "wcxb.py")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/cleaner-markdown-wcxb"))
    ap.add_argument("--cleaner", default="cleaner")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--trafilatura", action="store_true", help="also score trafilatura's own Markdown output")
    args = ap.parse_args()
    scorer = load_scorer(args.scorer)
    cache = args.cache
    cache.mkdir(parents=True, exist_ok=True)
    unpacked = cache / "wcxb"
    if not (unpacked / "ground-truth").is_dir():
        with tarfile.open(args.data / "wcxb-dev.tar.xz") as archive:
            archive.extractall(unpacked, **({"filter": "data"} if sys.version_info >= (3, 12) else {}))
    pages: dict[str, dict] = {}
    for path in sorted((unpacked / "ground-truth").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        truth = data.get("ground_truth") or {}
        kind = ((data.get("_internal") or {}).get("page_type") or {})
        kind = kind.get("primary", "article") if isinstance(kind, dict) else (kind or "article")
        pages[path.stem] = {"url": data.get("url") or "", "ref": truth.get("main_content") or "",
                            "ref_md": truth.get("main_content_markdown") or "",
                            "type": "collection" if kind == "category" else kind}
    if args.limit:
        pages = dict(list(pages.items())[:args.limit])
    source = cache / f"pages-{len(pages)}.jsonl"
    if not source.exists():
        with source.open("w", encoding="utf-8") as out:
            for key, page in pages.items():
                html = (unpacked / "html" / f"{key}.html").read_bytes().decode("utf-8", "replace")
                out.write(json.dumps({"id": key, "url": page["url"], "html": html}, ensure_ascii=False) + "\n")
    plain_out, markdown_out = cache / f"plain-{len(pages)}.jsonl", cache / f"markdown-{len(pages)}.jsonl"
    seconds_plain = run_cleaner(args.cleaner, source, plain_out, [])
    seconds_markdown = run_cleaner(args.cleaner, source, markdown_out, ["--markup", "markdown"])
    if seconds_plain and seconds_markdown:
        print(f"time (whole process, 1 worker): plain {seconds_plain:.0f} s, markdown {seconds_markdown:.0f} s")
    plain, markdown = read_texts(plain_out), read_texts(markdown_out)
    md = parser()
    read_back = {key: reader_text(text, md) for key, text in markdown.items()}

    print(f"WCXB development pages: {len(pages)}; records: plain {len(plain)}, markdown {len(markdown)}")
    print("\n1. word F1 (wcxb.py's prf), plain output vs the Markdown output read back as text")
    scorer.table(pages, [("plain", plain), ("markdown read back", read_back)])
    same = sum(Counter(scorer.tokens(plain.get(k, ""))) == Counter(scorer.tokens(read_back.get(k, ""))) for k in pages)
    f_plain, f_markdown = (sum(scorer.prf(out.get(k, ""), pages[k]["ref"])[2] for k in pages) / len(pages)
                           for out in (plain, read_back))
    print(f"pages whose word bags are identical: {same}/{len(pages)}; mean F1 plain {f_plain:.5f}, markdown read "
          f"back {f_markdown:.5f}, difference {f_markdown - f_plain:+.5f}")

    columns = [("cleaner --markup markdown", markdown)]
    if args.trafilatura:
        import trafilatura

        reference = {}
        for line in source.open(encoding="utf-8"):
            record = json.loads(line)
            reference[record["id"]] = trafilatura.extract(record["html"], url=record["url"] or None,
                                                          output_format="markdown", include_tables=True) or ""
        columns.append(("trafilatura.extract markdown", reference))
    print("\n2. annotated heading lines that come out as Markdown headings (words compared, lowercase \\w+)")

    def norm(text: str) -> str:
        return " ".join(scorer.tokens(text))

    for label, outputs in columns:
        annotated = found = in_text = found_in_text = ours = ours_annotated = 0
        for key, page in pages.items():
            wanted = Counter(h for h in map(norm, annotated_headings(page["ref_md"])) if h)
            text = outputs.get(key, "")
            headings = Counter(h for h in map(norm, rendered_headings(text, md)) if h)
            lines = {norm(line) for line in reader_text(text, md).split("\n")}
            annotated += sum(wanted.values())
            hit = sum((wanted & headings).values())
            found += hit
            present = sum(n for h, n in wanted.items() if h in lines)
            in_text += present
            found_in_text += min(hit, present)
            ours += sum(headings.values())
            ours_annotated += hit
        print(f"{label}: {found}/{annotated} = {found / annotated:.3f} of annotated headings are headings; "
              f"{in_text} have their text as a line of the output, of which {found_in_text / max(in_text, 1):.3f} "
              f"are headings; {ours_annotated}/{ours} = {ours_annotated / max(ours, 1):.3f} of the output's "
              "headings are annotated ones")


if __name__ == "__main__":
    main()
