"""Page types and the extraction kept, through the whole pipeline: every record says what kind of page
it is and (HTML) which extraction it kept; explain and --report show them; the per-page selector
(cleaner/html/select.py) keeps an alternative only when its model predicts a gain above the margin."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.document import PAGE_TYPES
from cleaner.html.select import ALTERNATIVES, MAIN, FORMAT, OutputSelector, output_selector, selector_features
from cleaner.trees import BoostedTrees, ModelError, dump_model

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "fixtures" / "pagetypes"
DATA = ROOT.parent / "shared" / "data" / "wcxb-dev"


def cleaner_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "cleaner", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def constant_selector(gains: dict[str, float], margin: float = 0.02) -> OutputSelector:
    """A selector whose models predict a fixed gain per alternative (one leaf each)."""
    names = sorted(selector_features("a b", {name: "a b" for name in ALTERNATIVES}))
    models = {name: json.loads(dump_model(["gain"], names, [gain], [[[[-1, 0.0, 0, 0, 0.0]]]]))
              for name, gain in gains.items()}
    return OutputSelector.from_data({"format": FORMAT, "margin": margin, "models": models})


def test_every_record_has_a_page_type_and_html_records_their_extraction(tmp_path):
    out = tmp_path / "out.jsonl"
    run = cleaner_cli("clean", str(PAGES), "-f", "jsonl", "-o", str(out), "--select-extraction")
    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(list(PAGES.glob("*.html"))) + len(list(PAGES.glob("*.txt")))
    for record in records:
        assert record["metadata"]["page_type"] in PAGE_TYPES, record["id"]
        is_html = record["id"].endswith(".html")
        assert ("extraction" in record["metadata"]) == is_html, record["id"]
        if is_html:
            assert record["metadata"]["extraction"] in (MAIN, *ALTERNATIVES)
            # The HTML fixtures show their type plainly (schema.org types, markup): each gets its own.
            assert record["metadata"]["page_type"] == Path(record["id"]).stem


def test_report_counts_documents_per_page_type(tmp_path):
    report = tmp_path / "report.json"
    run = cleaner_cli("clean", str(PAGES), "-f", "jsonl", "-o", str(tmp_path / "out.jsonl"), "--report", str(report))
    assert run.returncode == 0, run.stderr
    counts = json.loads(report.read_text(encoding="utf-8"))["page_types"]
    assert set(counts) <= set(PAGE_TYPES) and sum(counts.values()) == 14
    assert all(counts[name] >= 1 for name in PAGE_TYPES)  # each HTML fixture is of its own type


def test_explain_says_the_page_type_and_why_first():
    run = cleaner_cli("explain", str(PAGES / "product.html"))
    assert run.returncode == 0, run.stderr
    first, second = run.stdout.splitlines()[:2]
    assert first.startswith("page type: product (") and "JSON-LD Product" in first
    # Then the extraction kept: no alternative is chosen by default, and the product strategy answers
    # or leaves the main extraction; explain says which.
    assert second.startswith("extraction: ")


def test_with_selection_a_page_that_is_not_an_article_gets_predicted_gains():
    result = Cleaner(select_extraction=True).clean_html((PAGES / "product.html").read_text(encoding="utf-8"))
    assert result.metadata["extraction"] in (MAIN, *ALTERNATIVES)
    assert result.decisions[1].startswith("extraction: ") and "predicted gain over main" in result.decisions[1]


def test_with_selection_an_article_keeps_the_main_extraction():
    result = Cleaner(select_extraction=True).clean_html((PAGES / "article.html").read_text(encoding="utf-8"))
    assert result.metadata["page_type"] == "article" and result.metadata["extraction"] == MAIN
    assert result.decisions[1] == "extraction: main (an article: no alternative tried)"


def test_a_given_page_type_is_kept_and_not_detected():
    result = Cleaner().clean_html((PAGES / "product.html").read_text(encoding="utf-8"), page_type="forum")
    assert result.metadata["page_type"] == "forum"
    assert not any(d.startswith("page type:") for d in result.decisions)


def test_by_default_no_alternative_is_tried():
    html = (PAGES / "listing.html").read_text(encoding="utf-8")
    default = Cleaner().clean_html(html)
    assert default.metadata["page_type"] == "listing"
    # The extraction kept is the main one or the listing strategy's (html/strategies/), never select.py's.
    assert default.metadata["extraction"] not in ALTERNATIVES
    assert len(default.decisions) == 2 and "predicted gain" not in default.decisions[1]


def test_the_selector_keeps_the_alternative_with_the_largest_gain_above_the_margin():
    outputs = {"recall": "recall text", "baseline": "baseline text", "html2txt": "html2txt text"}
    chosen = constant_selector({"recall": 0.01, "baseline": 0.2, "html2txt": 0.1}).choose("main text", outputs)
    assert (chosen.name, chosen.text) == ("baseline", "baseline text")
    assert chosen.gains == {"recall": 0.01, "baseline": 0.2, "html2txt": 0.1}
    below = constant_selector({"recall": 0.01, "baseline": 0.015, "html2txt": -0.3}).choose("main text", outputs)
    assert (below.name, below.text) == (MAIN, "main text")


def test_an_empty_alternative_is_never_kept():
    selector = constant_selector({"recall": 0.5, "baseline": 0.0, "html2txt": 0.0})
    assert selector.choose("main text", {"recall": "  ", "baseline": "b", "html2txt": "h"}).name == MAIN


def test_a_selector_without_a_model_for_an_alternative_is_refused():
    selector = constant_selector({"recall": 0.5, "baseline": 0.0, "html2txt": 0.0})
    data = {"format": FORMAT, "margin": 0.0, "models": {"recall": {"format": "cleaner-boosted-trees/1",
            "classes": ["gain"], "features": selector.models["recall"].features, "init": [0.0],
            "trees": [[[[-1, 0.0, 0, 0, 0.0]]]]}}}
    with pytest.raises(ModelError, match="no model for the alternative"):
        OutputSelector.from_data(data, source="sel.json")
    with pytest.raises(ModelError, match="not a selector model"):
        OutputSelector.from_data({"models": {}}, source="sel.json")


def test_a_regression_model_gives_a_value_and_refuses_probabilities():
    tree = [[0, 0.5, 1, 2, 0.0], [-1, 0.0, 0, 0, -1.0], [-1, 0.0, 0, 0, 2.0]]
    model = BoostedTrees.from_data(json.loads(dump_model(["gain"], ["x"], [0.25], [[tree]])))
    assert model.value({"x": 0.0}) == -0.75 and model.value({"x": 1.0}) == 2.25
    with pytest.raises(ModelError, match="regression"):
        model.probabilities({"x": 0.0})


def test_the_bundled_selector_loads_with_a_model_per_alternative():
    selector = output_selector()
    assert sorted(selector.models) == sorted(ALTERNATIVES) and 0 <= selector.margin < 0.2


@pytest.mark.skipif(not (DATA / "wcxb-dev.tar.xz").exists(), reason="the WCXB archive is not beside the repository")
def test_selector_training_gives_the_same_bytes_from_the_same_data(tmp_path):
    pytest.importorskip("sklearn")
    spec = importlib.util.spec_from_file_location("train_output_selector", ROOT / "tools" / "train_output_selector.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    written = []
    for run in ("a", "b"):
        out = tmp_path / f"{run}.json"
        tool.main(["--limit", "3", "--no-cv", "--cache", str(tmp_path / "cache"), "--output", str(out)])
        written.append(out.read_bytes())
    assert written[0] == written[1]
    assert sorted(OutputSelector.from_file(tmp_path / "a.json").models) == sorted(ALTERNATIVES)
