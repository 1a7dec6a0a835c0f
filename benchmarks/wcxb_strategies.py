"""Per-page-type word F1 of the extraction strategies (cleaner/html/strategies/) on the WCXB
development pages, with each page's type the one the page-type model gave when trained without
the page's site (tools/train_page_type.py --probabilities), beside trafilatura.extract and the
main extraction alone; both cleaner columns then go through the bundled rules as shipped.

    python tools/train_page_type.py --cache DIR --probabilities types.json
    python benchmarks/wcxb_strategies.py --cache DIR --types types.json [--type forum] [--show 5]

The strategies are written by hand (no learned part of their own); the page type that decides
which one runs is out-of-fold, so the figure is the one a page of an unseen site gets, up to what
their thresholds owe to these pages. --show N lists, per page type, the N pages where the strategy
column loses most and gains most against the main extraction.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from trafilatura.utils import load_html  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.document import PAGE_TYPES  # noqa: E402
from cleaner.html import strategies  # noqa: E402
from cleaner.html.extract import main_extraction  # noqa: E402
from train_output_selector import DEFAULT_DATA, scorer  # noqa: E402
from train_page_type import read_pages  # noqa: E402
from wcxb_crossvalidated import mean, page_type, print_table, trafilatura_outputs  # noqa: E402


def parse(html: str):
    """The page's tree as extract_html builds it (a fragment is read as a page's body)."""
    tree = load_html(html)
    return tree if tree is not None else load_html(f"<html><body>{html}</body></html>")


def main_outputs(pages: dict[str, dict], cache: Path) -> dict[str, str]:
    """trafilatura's main extraction of each page as extract_html makes it, cached by id."""
    path = cache / "main-extraction.jsonl"
    outputs = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            outputs[record["id"]] = record["text"]
    todo = [k for k in pages if k not in outputs]
    cache.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as out:
        for k in todo:
            tree = parse(pages[k]["html"])
            outputs[k] = main_extraction(tree, pages[k]["url"] or None) if tree is not None else ""
            out.write(json.dumps({"id": k, "text": outputs[k]}, ensure_ascii=False) + "\n")
    return outputs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the WCXB development split's folder")
    parser.add_argument("--cache", type=Path, required=True, help="a folder for the extractions (reused by later runs)")
    parser.add_argument("--types", type=Path, required=True, help="train_page_type.py --probabilities FILE")
    parser.add_argument("--type", choices=PAGE_TYPES, help="only the pages annotated with this type")
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args(argv)

    f1 = scorer()
    pages = read_pages(args.data)
    if args.type:
        pages = {k: page for k, page in pages.items() if page["type"] == args.type}
    probabilities = json.loads(args.types.read_text(encoding="utf-8"))["html: HTML, URL"]
    extracted, main = trafilatura_outputs(pages, args.cache), main_outputs(pages, args.cache)
    cleaner = Cleaner()
    types = {k: page["type"] for k, page in pages.items()}

    def cleaned(text: str, page: dict, detected) -> str:
        if not text.strip():
            return ""  # the pipeline gives an error record: no text, F1 0 against a non-empty reference
        return cleaner.clean_text(text, url=page["url"] or None, from_html=True, page_type=detected).text

    raw, main_only, chosen, kept, spent = {}, {}, {}, {}, 0.0
    for k, page in pages.items():
        detected = page_type(probabilities[k])
        raw[k] = f1(extracted[k], page["reference"])
        main_only[k] = f1(cleaned(main[k], page, detected), page["reference"])
        tree = parse(page["html"])
        started = time.process_time()
        choice = strategies.choose(tree, page["url"] or None, main[k], detected.name,
                                   detected.probabilities["article"]) if tree is not None else None
        spent += time.process_time() - started
        kept[k] = choice.describe() if choice is not None else "no tree"
        same = choice is None or choice.text == main[k]
        chosen[k] = main_only[k] if same else f1(cleaned(choice.text, page, detected), page["reference"])
    print_table([("trafilatura.extract as it is", raw),
                 ("main extraction, then the rules (page types CV)", main_only),
                 ("**strategies, then the rules (page types CV)**", chosen)], types)
    switched = sum(1 for k in pages if chosen[k] != main_only[k] or not kept[k].startswith(strategies.MAIN))
    print(f"\n{switched} of {len(pages)} pages kept a strategy's text; strategies cost "
          f"{1000 * spent / max(1, len(pages)):.1f} ms a page (CPU, the choice alone)")
    for t in PAGE_TYPES if args.show else ():
        ks = sorted((k for k in pages if types[k] == t), key=lambda k: chosen[k] - main_only[k])
        for k in ks[:args.show] + ks[-args.show:]:
            if abs(chosen[k] - main_only[k]) > 0.001:
                print(f"  {t:13} {k} {main_only[k]:.3f} -> {chosen[k]:.3f}  {kept[k][:70]}  {pages[k]['url'][:60]}")
    print(f"\nmean over {len(pages)} pages: main {mean(list(main_only.values())):.4f}, "
          f"strategies {mean(list(chosen.values())):.4f}")


if __name__ == "__main__":
    main()
