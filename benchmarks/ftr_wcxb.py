#!/usr/bin/env python3
"""The FiveFilters site configs on the development pages whose host has a file (WCXB dev, and the
990-page devset): mean F1 of the cleaner with the bundled snapshot, without it (the same rules
otherwise), and of trafilatura.extract; the pages that lose more than 0.05 with the directives that
acted on them; how many `body` XPaths match nothing on these pages; metadata (title, date) with and
without.

    python benchmarks/ftr_wcxb.py                       # reads ../shared/data/wcxb-dev/wcxb-dev.tar.xz
    python benchmarks/ftr_wcxb.py --folder /tmp/wcxb    # an extracted copy (html/, ground-truth/)
    python benchmarks/ftr_wcxb.py --devset-folder /tmp/devset  # an extracted ../shared/data/devset/pages.tar.xz
    python benchmarks/ftr_wcxb.py --ids-out ftr-ids.txt # also write the page ids, for
                                                        # ../shared/tools/wcxb.py html --ids ftr-ids.txt

WCXB scores are the benchmark's own (tools/wcxb_data.py: bag-of-words F1 per page, averaged);
devset scores are ../shared/tools/devset.py's (segments that must stay, "with", and must go,
"without"): F per page, averaged, and pooled over the pages as devset.py pools them. The pages
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
DEVSET = ROOT.parent / "shared" / "data" / "devset"
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


def read_devset(folder: Path | None) -> tuple[Path, list[dict]]:
    """The devset's pages: id (its URL), url, type (unknown: "devset"), with/without segments."""
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="ftr-devset-"))
        with tarfile.open(DEVSET / "pages.tar.xz") as archive:
            archive.extractall(folder, filter="data") if sys.version_info >= (3, 12) else archive.extractall(folder)
    evaldata = json.loads((DEVSET / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in evaldata.items():
        found = [folder / part / item["file"] for part in ("eval", "cache") if (folder / part / item["file"]).is_file()]
        if found:
            pages.append({"id": url, "url": url, "type": "devset", "file": found[0], "with": item["with"],
                          "without": item["without"], "title": "", "date": ""})
    return folder, pages


def f1(text: str, ref: str) -> float:
    return prf(Counter(tokens(text)), Counter(tokens(ref)))[2]


def _norm(text: str) -> str:
    return " ".join((text or "").split())


def segment_counts(text: str, page: dict) -> tuple[int, int, int]:
    """devset.py's counts for one page: (kept content segments, kept boilerplate, lost content)."""
    text = _norm(text)
    kept = sum(_norm(s) in text for s in page["with"])
    leaked = sum(_norm(s) in text for s in page["without"])
    return kept, leaked, len(page["with"]) - kept


def segment_f(tp: int, fp: int, fn: int) -> float:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def clean_both(html: str, url: str, with_files: Cleaner, without: Cleaner, spent: dict) -> dict:
    """The page cleaned with and without the files: texts, metadata, the file's decisions."""
    row: dict = {}
    for label, cleaner in (("without", without), ("with", with_files)):
        start = time.perf_counter()
        try:
            result = cleaner.clean_html(html, url=url)
            row[label], row[label + "_meta"] = result.text, result.metadata
            if label == "with":
                row["decisions"] = [d for d in result.decisions if d.startswith(("site config", "ftr:"))]
        except Exception as err:  # noqa: BLE001 - a page the cleaner cannot extract scores 0
            row[label], row[label + "_meta"] = "", {}
            if label == "with":
                row["decisions"] = [f"error: {err}"]
        spent[label] += time.perf_counter() - start
    return row


def body_matches(config, html: str) -> tuple[int, int, int]:
    """Every body XPath of the file on the page as fetched: (tried, matching nothing, under 40 words)."""
    from trafilatura.utils import load_html

    tree = load_html(html)
    tried = nothing = short = 0
    for directive in config.xpaths["body"]:
        tried += 1
        found = _elements(_evaluate(config, directive, tree)) if tree is not None else []
        if not found:
            nothing += 1
        elif sum(map(_words, found)) < 40:
            short += 1
    return tried, nothing, short


def report(name: str, rows: list[dict], bodies: list[int]) -> None:
    mean = lambda xs: sum(xs) / len(xs) if xs else 0.0  # noqa: E731
    print(f"\n{name}: {len(rows)} pages of a host with a file "
          f"({len({r['file'] for r in rows})} files)")
    print(f"{'':14} {'pages':>5}  {'trafilatura':>11}  {'without files':>13}  {'with files':>10}  gain")
    for kind in ["all"] + sorted({r["page"]["type"] for r in rows} - {"devset"}):
        sel = [r for r in rows if kind == "all" or r["page"]["type"] == kind]
        a, b, c = (mean([r["f_" + k] for r in sel]) for k in ("trafilatura", "without", "with"))
        print(f"{kind:14} {len(sel):>5}  {a:>11.3f}  {b:>13.3f}  {c:>10.3f}  {c - b:+.3f}")
    if rows and "counts_with" in rows[0]:
        pooled = {k: segment_f(*(sum(r["counts_" + k][i] for r in rows) for i in range(3)))
                  for k in ("trafilatura", "without", "with")}
        print(f"{'pooled (devset.py)':18} {pooled['trafilatura']:>7.3f}  {pooled['without']:>13.3f}  "
              f"{pooled['with']:>10.3f}  {pooled['with'] - pooled['without']:+.3f}")
    losing = sorted((r for r in rows if r["f_with"] < r["f_without"] - LOSS), key=lambda r: r["f_with"] - r["f_without"])
    gaining = [r for r in rows if r["f_with"] > r["f_without"] + LOSS]
    print(f"pages losing more than {LOSS}: {len(losing)} of {len(rows)} ({len(losing) / max(1, len(rows)):.1%}); "
          f"gaining more than {LOSS}: {len(gaining)}; unchanged text: "
          f"{sum(r['with'] == r['without'] for r in rows)}")
    for r in losing:
        page = r["page"]
        print(f"  {page['id'][-40:]} {page['type']:13} F {r['f_without']:.3f} -> {r['f_with']:.3f}  {page['url'][:80]}")
        for decision in r["decisions"]:
            print(f"      {decision[:160]}")
    tried, nothing, short = bodies
    print(f"body XPaths on these pages: {tried} evaluated, {nothing} match nothing "
          f"({nothing / max(1, tried):.0%}), {short} match under 40 words ({short / max(1, tried):.0%}); "
          f"pages where the body narrowed the text: {sum(any('words: ' in d and ': body (line' in d for d in r['decisions']) for r in rows)}")

    def metadata(label: str) -> str:
        def norm(s):
            return " ".join(tokens(s))
        titled = [r for r in rows if r["page"]["title"]]
        dated = [r for r in rows if r["page"]["date"]]
        title = sum(norm(r[label + "_meta"].get("title")) == norm(r["page"]["title"]) for r in titled)
        date = sum((r[label + "_meta"].get("date") or "")[:10] == r["page"]["date"][:10] for r in dated)
        return f"title {title}/{len(titled)}, date {date}/{len(dated)}"

    if any(r["page"]["title"] for r in rows):
        print(f"metadata without files: {metadata('without')}; with files: {metadata('with')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, help="an extracted copy of the WCXB archive (html/, ground-truth/)")
    parser.add_argument("--devset-folder", type=Path, help="an extracted copy of the devset's pages.tar.xz")
    parser.add_argument("--no-devset", action="store_true", help="WCXB pages only")
    parser.add_argument("--ids-out", type=Path, help="write the ids of the WCXB pages whose host has a file")
    parser.add_argument("--scores-out", type=Path, help="write every page's scores (JSON lines)")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    configs: SiteConfigs = bundled_configs()

    def served(pages: list[dict]) -> list[dict]:
        chosen = [p for p in pages if configs.pattern_for(urlsplit(p["url"]).hostname)]
        return chosen[:args.limit] if args.limit else chosen

    folder, pages = read_pages(args.folder)
    sets = [("WCXB dev", served(pages))]
    if args.ids_out:
        args.ids_out.write_text("".join(p["id"] + "\n" for p in sets[0][1]), encoding="utf-8")
    if not args.no_devset:
        sets.append(("devset", served(read_devset(args.devset_folder)[1])))

    import trafilatura

    with_files = Cleaner(site_configs=configs)
    without = Cleaner(rules=[default_rules_dir()], use_default_rules=False)  # the same rules, no snapshot
    spent = {"with": 0.0, "without": 0.0}
    scores = open(args.scores_out, "w", encoding="utf-8") if args.scores_out else None
    for name, chosen in sets:
        rows, bodies = [], [0, 0, 0]
        for page in chosen:
            path = page.get("file") or folder / "html" / f"{page['id']}.html"
            html = Path(path).read_bytes().decode("utf-8", "replace")
            config = configs.for_host(urlsplit(page["url"]).hostname)
            row = {"page": page, "file": config.name, **clean_both(html, page["url"], with_files, without, spent)}
            row["trafilatura"] = trafilatura.extract(html, url=page["url"]) or ""
            for key in ("with", "without", "trafilatura"):
                if "ref" in page:
                    row["f_" + key] = f1(row[key], page["ref"])
                else:
                    row["counts_" + key] = segment_counts(row[key], page)
                    row["f_" + key] = segment_f(*row["counts_" + key])
            bodies = [a + b for a, b in zip(bodies, body_matches(config, html))]
            rows.append(row)
            if scores:
                scores.write(json.dumps({"set": name, "id": page["id"], "file": row["file"], "type": page["type"],
                                         **{k: row["f_" + k] for k in ("with", "without", "trafilatura")}}) + "\n")
        report(name, rows, bodies)
    print(f"\ntime in clean_html (in one process, under load): without {spent['without']:.1f}s, with {spent['with']:.1f}s")


if __name__ == "__main__":
    main()
