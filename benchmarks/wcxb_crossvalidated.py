"""The cleaner's word F1 on the WCXB development pages with every learned part cross-validated by site.

`python ../shared/tools/wcxb.py html` runs the shipped models, which were trained on these very
pages: its figure is in-sample and flatters them. This script gives the figure a page of an unseen
site would get: each page's extraction is the one the selector chose when trained without the
page's site (tools/train_output_selector.py --predictions; pages taken for articles keep the main
one), and its page type the one the page-type
model gave when trained without it (tools/train_page_type.py --probabilities); the rest of the
pipeline (repair, the bundled rules with their type restrictions) runs as shipped. Scored with the
scorer's own function, per page type, beside the main extraction alone and trafilatura.extract.

    python tools/train_page_type.py --cache DIR --probabilities types.json
    python tools/train_output_selector.py --cache DIR --predictions selections.json
    python benchmarks/wcxb_crossvalidated.py --cache DIR --types types.json --selections selections.json [--post]

With --post, also trafilatura.extract's output cleaned as text (wcxb.py's post mode), its page type
the text model's out-of-fold one for trafilatura's output with the URL.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from cleaner import Cleaner  # noqa: E402
from cleaner.document import PAGE_TYPES  # noqa: E402
from cleaner.html.select import MAIN, worth_choosing  # noqa: E402
from cleaner.pagetype import PageType  # noqa: E402
from train_output_selector import DEFAULT_DATA, extractions, scorer  # noqa: E402
from train_page_type import read_pages  # noqa: E402


def page_type(probabilities: dict[str, float]) -> PageType:
    name = max(PAGE_TYPES, key=lambda t: probabilities[t])  # the first of equals, as the classifier does
    return PageType(name, probabilities[name], dict(probabilities), ())


def trafilatura_outputs(pages: dict[str, dict], cache: Path) -> dict[str, str]:
    import trafilatura

    path = cache / "trafilatura-extract.jsonl"
    outputs = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            outputs[record["id"]] = record["text"]
    todo = [k for k in pages if k not in outputs]
    with open(path, "a", encoding="utf-8") as out:
        for k in todo:
            outputs[k] = trafilatura.extract(pages[k]["html"], url=pages[k]["url"] or None) or ""
            out.write(json.dumps({"id": k, "text": outputs[k]}, ensure_ascii=False) + "\n")
    return outputs


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def print_table(rows: list[tuple[str, dict[str, float]]], types: dict[str, str]) -> None:
    print("| | all | " + " | ".join(PAGE_TYPES) + " |")
    print("|---|" + "---|" * (len(PAGE_TYPES) + 1))
    for label, scores in rows:
        cells = [f"{mean(list(scores.values())):.3f}"]
        cells += [f"{mean([f for k, f in scores.items() if types[k] == t]):.3f}" for t in PAGE_TYPES]
        print(f"| {label} | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the WCXB development split's folder")
    parser.add_argument("--cache", type=Path, required=True, help="the extraction cache of train_output_selector.py")
    parser.add_argument("--types", type=Path, required=True, help="train_page_type.py --probabilities FILE")
    parser.add_argument("--selections", type=Path, required=True, help="train_output_selector.py --predictions FILE")
    parser.add_argument("--post", action="store_true", help="also clean trafilatura.extract's output as text")
    args = parser.parse_args(argv)

    f1 = scorer()
    pages = read_pages(args.data)
    outputs = extractions(pages, args.cache)
    probabilities = json.loads(args.types.read_text(encoding="utf-8"))
    selections = json.loads(args.selections.read_text(encoding="utf-8"))
    cleaner = Cleaner()
    types = {k: page["type"] for k, page in pages.items()}

    def cleaned(text: str, page: dict, detected: PageType, from_html: bool) -> str:
        if not text.strip():
            return ""  # the pipeline gives an error record: no text, F1 0 against a non-empty reference
        return cleaner.clean_text(text, url=page["url"] or None, from_html=from_html, page_type=detected).text

    main_only, selected = {}, {}
    for n, (k, page) in enumerate(pages.items(), 1):
        detected = page_type(probabilities["html: HTML, URL"][k])
        main_only[k] = f1(cleaned(outputs[k][MAIN], page, detected, True), page["reference"])
        # Articles keep the main extraction (select.worth_choosing), by their out-of-fold type.
        choice = selections[k] if worth_choosing(None, detected.probabilities["article"]) else MAIN
        selected[k] = f1(cleaned(outputs[k][choice], page, detected, True), page["reference"])
        if n % 250 == 0:
            print(f"  {n}/{len(pages)}", file=sys.stderr, flush=True)
    rows = [("main extraction, then the rules (page types CV)", main_only),
            ("selected extraction, then the rules (selection and page types CV)", selected)]
    if args.post:
        extracted = trafilatura_outputs(pages, args.cache)
        raw, post = {}, {}
        for k, page in pages.items():
            detected = page_type(probabilities["text: trafilatura output, URL"][k])
            raw[k] = f1(extracted[k], page["reference"])
            post[k] = f1(cleaned(extracted[k], page, detected, False), page["reference"])
        rows += [("trafilatura.extract as it is", raw), ("trafilatura.extract, then cleaned as text (page types CV)", post)]
    print_table(rows, types)


if __name__ == "__main__":
    main()
