#!/usr/bin/env python3
"""The FiveFilters site configs on the WCXB development pages whose host has a file: mean F1 of the
cleaner with the bundled snapshot, without it (the same rules otherwise), and of trafilatura.extract;
the pages that lose more than 0.05 with the directives that acted on them; how many `body` XPaths
match nothing on these pages; metadata (title, date) with and without.

    python benchmarks/ftr_wcxb.py                       # reads ../shared/data/wcxb-dev/wcxb-dev.tar.xz
    python benchmarks/ftr_wcxb.py --folder /tmp/wcxb    # an extracted copy (html/, ground-truth/)
    python benchmarks/ftr_wcxb.py --ids-out ftr-ids.txt # also write the page ids, for
                                                        # ../shared/tools/wcxb.py html --ids ftr-ids.txt

Scores are the benchmark's own (tools/wcxb_data.py: bag-of-words F1 per page, averaged). The pages
are chosen by host, as the configs are: figures on them are in-sample only in that the files were
written for these sites (by FiveFilters' contributors, not tuned here); pages of other hosts with a
file (the held-out test split) judge the result.
"""
from __future__ import annotations

import argparse
import json
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from wcxb_data import prf, tokens  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.ftr.apply import _elements, _evaluate, _words  # noqa: E402
from cleaner.ftr.collection import SiteConfigs, bundled_configs  # noqa: E402
from cleaner.rules.load import default_rules_dir  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "wcxb-dev"
LOSS = 0.05


def read_pages(folder: Path | None) -> tuple[Path, list[dict]]:
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="ftr-wcxb-"))
        with tarfile.open(DATA / "wcxb-dev.tar.xz") as archive:
            archive.extractall(folder, filter="data") if sys.version_info >= (3, 12) else archive.extractall(folder)
    pages = []
    for path in sorted((folder / "ground-truth").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        kind = (data.get("_internal") or {}).get("page_type") or {}
        kind = kind.get("primary", "article") if isinstance(kind, dict) else (kind or "article")
        truth = data.get("ground_truth") or {}
        pages.append({"id": path.stem, "url": data.get("url") or "", "type": "collection" if kind == "category" else kind,
                      "ref": truth.get("main_content") or "", "title": truth.get("title") or "",
                      "date": truth.get("publish_date") or ""})
    return folder, pages


def f1(text: str, ref: str) -> float:
    return prf(Counter(tokens(text)), Counter(tokens(ref)))[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, help="an extracted copy of the archive (html/, ground-truth/)")
    parser.add_argument("--ids-out", type=Path, help="write the ids of the pages whose host has a file")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    folder, pages = read_pages(args.folder)
    configs: SiteConfigs = bundled_configs()
    chosen = [p for p in pages if configs.pattern_for(urlsplit(p["url"]).hostname)]
    if args.limit:
        chosen = chosen[:args.limit]
    if args.ids_out:
        args.ids_out.write_text("".join(p["id"] + "\n" for p in chosen), encoding="utf-8")
    print(f"WCXB development split: {len(pages)} pages, {len(chosen)} of them of a host with a file "
          f"({len({configs.pattern_for(urlsplit(p['url']).hostname) for p in chosen})} files)")

    import trafilatura

    with_files = Cleaner(site_configs=configs)
    without = Cleaner(rules=[default_rules_dir()], use_default_rules=False)  # the same rules, no snapshot
    rows = []
    body_tried = body_nothing = body_short = 0
    spent = {"with": 0.0, "without": 0.0}
    for page in chosen:
        html = (folder / "html" / f"{page['id']}.html").read_bytes().decode("utf-8", "replace")
        row = {"page": page}
        for label, cleaner in (("without", without), ("with", with_files)):
            start = time.perf_counter()
            try:
                result = cleaner.clean_html(html, url=page["url"])
                row[label], row[label + "_meta"] = result.text, result.metadata
                if label == "with":
                    row["decisions"] = [d for d in result.decisions if d.startswith(("site config", "ftr:"))]
            except Exception as err:  # noqa: BLE001 - a page the cleaner cannot extract scores 0
                row[label], row[label + "_meta"] = "", {}
                if label == "with":
                    row["decisions"] = [f"error: {err}"]
            spent[label] += time.perf_counter() - start
        row["trafilatura"] = trafilatura.extract(html, url=page["url"]) or ""
        for key in ("with", "without", "trafilatura"):
            row["f_" + key] = f1(row[key], page["ref"])
        # Every body XPath of the file, on the page as fetched: what it matches.
        config = configs.for_host(urlsplit(page["url"]).hostname)
        tree = __import__("trafilatura").utils.load_html(html)
        for directive in config.xpaths["body"]:
            body_tried += 1
            found = _elements(_evaluate(config, directive, tree)) if tree is not None else []
            if not found:
                body_nothing += 1
            elif sum(map(_words, found)) < 40:
                body_short += 1
        rows.append(row)

    mean = lambda xs: sum(xs) / len(xs) if xs else 0.0  # noqa: E731
    print(f"\n{'':14} {'pages':>5}  {'trafilatura':>11}  {'without files':>13}  {'with files':>10}  gain")
    for kind in ["all"] + sorted({r["page"]["type"] for r in rows}):
        sel = [r for r in rows if kind == "all" or r["page"]["type"] == kind]
        a, b, c = (mean([r["f_" + k] for r in sel]) for k in ("trafilatura", "without", "with"))
        print(f"{kind:14} {len(sel):>5}  {a:>11.3f}  {b:>13.3f}  {c:>10.3f}  {c - b:+.3f}")
    losing = sorted((r for r in rows if r["f_with"] < r["f_without"] - LOSS), key=lambda r: r["f_with"] - r["f_without"])
    gaining = [r for r in rows if r["f_with"] > r["f_without"] + LOSS]
    print(f"\npages losing more than {LOSS}: {len(losing)} of {len(rows)} ({len(losing) / max(1, len(rows)):.1%}); "
          f"gaining more than {LOSS}: {len(gaining)}; unchanged text: "
          f"{sum(r['with'] == r['without'] for r in rows)}")
    for r in losing:
        page = r["page"]
        print(f"  {page['id']} {page['type']:13} F {r['f_without']:.3f} -> {r['f_with']:.3f}  {page['url'][:80]}")
        for decision in r["decisions"]:
            print(f"      {decision[:160]}")
    print(f"\nbody XPaths on these pages: {body_tried} evaluated, {body_nothing} match nothing "
          f"({body_nothing / max(1, body_tried):.0%}), {body_short} match under 40 words "
          f"({body_short / max(1, body_tried):.0%}); pages where a body was taken: "
          f"{sum(any(': body (line' in d for d in r['decisions']) for r in rows)} of {len(rows)}")

    def metadata(label: str) -> str:
        def norm(s):
            return " ".join(tokens(s))
        titled = [r for r in rows if r["page"]["title"]]
        dated = [r for r in rows if r["page"]["date"]]
        title = sum(norm(r[label + "_meta"].get("title")) == norm(r["page"]["title"]) for r in titled)
        date = sum((r[label + "_meta"].get("date") or "")[:10] == r["page"]["date"][:10] for r in dated)
        return f"title {title}/{len(titled)}, date {date}/{len(dated)}"

    print(f"metadata without files: {metadata('without')}; with files: {metadata('with')}")
    print(f"time in clean_html (in one process, under load): without {spent['without']:.1f}s, with {spent['with']:.1f}s")


if __name__ == "__main__":
    main()
