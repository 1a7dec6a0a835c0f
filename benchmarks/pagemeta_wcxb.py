"""Title and date accuracy of cleaner.html.pagemeta on the WCXB development split, per page type,
beside trafilatura.extract_metadata's and the previous policy's (trafilatura's title as found,
dates from the page's metadata only), the cleaner's when no page type is given (every page searched
like an article), and the date policy without its year-alone filter.

Scored as ../shared/tools/wcxb.py scores them: a title is right when its lowercase words equal the
annotated title's; a date when its first ten characters equal the annotated publish date's. Also
printed: the share of pages without an annotated date that get one anyway.

The page type that decides the date search comes from --types, a JSON file {id: type} such as the
out-of-fold predictions `tools/train_page_type.py --predictions FILE` writes (key "html: HTML,
URL"), so the figure is the one a page of an unseen site gets. Without it the bundled model
classifies the pages it was trained on (an optimistic figure); --annotated uses the annotation.

    python tools/train_page_type.py --predictions /tmp/types.json
    python benchmarks/pagemeta_wcxb.py --types /tmp/types.json
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaner.document import PAGE_TYPES  # noqa: E402
from htmldate import find_date  # noqa: E402

from cleaner.html.pagemeta import DATE_SEARCH, DATED_TYPES, EXTENSIVE_DATE_SEARCH, page_metadata  # noqa: E402
from cleaner.pagetype import classify_html  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "wcxb-dev"


def words(text: str | None) -> str:
    return " ".join(re.findall(r"\w+", (text or "").lower()))


def read_pages(data: Path):
    """(id, url, annotated type, title, date, html) for each page, in id order."""
    truth, html = {}, {}
    with tarfile.open(data / "wcxb-dev.tar.xz") as archive:
        for member in archive:
            name = Path(member.name)
            if not member.isfile():
                continue
            if name.parent.name == "ground-truth":
                record = json.loads(archive.extractfile(member).read())
                kind = ((record.get("_internal") or {}).get("page_type") or {})
                kind = kind.get("primary", "article") if isinstance(kind, dict) else (kind or "article")
                gt = record.get("ground_truth") or {}
                truth[name.stem] = (record.get("url") or "", "collection" if kind == "category" else kind,
                                    gt.get("title") or "", gt.get("publish_date") or "")
            elif name.parent.name == "html":
                html[name.stem] = archive.extractfile(member).read().decode("utf-8", "replace")
    for k in sorted(truth):
        if k in html:
            yield (k, *truth[k], html[k])


def previous_title(tree) -> str | None:
    """The title as the cleaner found it before: trafilatura's meta, JSON-LD, then extract_title."""
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title

    found = examine_meta(tree)
    try:
        found = extract_meta_json(tree, found)
    except Exception:
        pass
    return found.title or extract_title(tree)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--types", type=Path, help="JSON {id: page type} (e.g. out-of-fold predictions)")
    parser.add_argument("--annotated", action="store_true", help="use the annotated page types")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    import trafilatura
    from trafilatura.utils import load_html

    types = json.loads(args.types.read_text()) if args.types else None
    if types and "html: HTML, URL" in types:
        types = types["html: HTML, URL"]
    columns = ("previous", "cleaner", "cleaner, no page type", "cleaner, years kept", "trafilatura")
    title_ok, date_ok, dated_extra = Counter(), Counter(), Counter()
    n_title, n_date, n_undated = Counter(), Counter(), Counter()
    spent = Counter()
    for i, (k, url, kind, title, date, html) in enumerate(read_pages(args.data)):
        if args.limit and i >= args.limit:
            break
        tree = load_html(html)
        if tree is None:
            continue
        page_type = kind if args.annotated else types[k] if types else classify_html(tree, url).name
        start = time.process_time()
        new = page_metadata(tree, url, page_type)
        spent["cleaner"] += time.process_time() - start
        start = time.process_time()
        untyped = page_metadata(tree, url)
        spent["cleaner, no page type"] += time.process_time() - start
        start = time.process_time()
        old = {"title": previous_title(tree), "date": find_date(tree, url=new.get("url"), **DATE_SEARCH)}
        spent["previous"] += time.process_time() - start
        start = time.process_time()
        theirs = trafilatura.extract_metadata(html, default_url=url or None)
        spent["trafilatura"] += time.process_time() - start
        years_kept = new.get("date")
        if page_type in DATED_TYPES:  # the text search's date as it is, a year alone too
            years_kept = find_date(tree, url=new.get("url"), **EXTENSIVE_DATE_SEARCH)
        got = {"previous": (old.get("title"), old.get("date")), "cleaner": (new.get("title"), new.get("date")),
               "cleaner, no page type": (untyped.get("title"), untyped.get("date")),
               "cleaner, years kept": (new.get("title"), years_kept and str(years_kept)),
               "trafilatura": (theirs.title, theirs.date) if theirs else (None, None)}
        for group in ("all", kind):
            if title:
                n_title[group] += 1
                for c in columns:
                    title_ok[c, group] += words(got[c][0]) == words(title)
            if date:
                n_date[group] += 1
                for c in columns:
                    date_ok[c, group] += (got[c][1] or "")[:10] == date[:10]
            else:
                n_undated[group] += 1
                for c in columns:
                    dated_extra[c, group] += bool(got[c][1])
    groups = ["all", *PAGE_TYPES]
    source = "annotated types" if args.annotated else f"types from {args.types}" if types else \
        "types from the bundled model (trained on these pages: optimistic)"
    print(f"WCXB development split, {n_title['all']} pages with a title, {n_date['all']} with a date; {source}")
    for label, ok, n in (("title exact", title_ok, n_title), ("date right", date_ok, n_date),
                         ("date given, undated pages", dated_extra, n_undated)):
        print(f"\n{label:28}" + "".join(f"{g[:7]:>8}" for g in groups))
        print(f"{'pages':28}" + "".join(f"{n[g]:8d}" for g in groups))
        for c in columns:
            print(f"{c:28}" + "".join(f"{ok[c, g] / n[g]:8.3f}" if n[g] else "       -" for g in groups))
    pages = max(1, n_date["all"] + n_undated["all"])
    print("\nCPU ms a page: " + ", ".join(f"{c} {1000 * spent[c] / pages:.1f}" for c in spent))


if __name__ == "__main__":
    main()
