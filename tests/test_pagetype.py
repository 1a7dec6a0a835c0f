"""Page types (cleaner/pagetype): the bundled models classify hand-written pages of each type, name
the evidence they found, leave the HTML tree as it was, and refuse a broken model file by name."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from lxml import etree
from trafilatura.utils import load_html

from cleaner.document import PAGE_TYPES
from cleaner.pagetype import HTML_MODEL, TEXT_MODEL, PageType, classify_html, classify_text, html_model, text_model
from cleaner.trees import BoostedTrees, ModelError, dump_model
from conftest import FIXTURES, ROOT

PAGES = FIXTURES / "pagetypes"
MANIFEST = json.loads((PAGES / "pages.json").read_text(encoding="utf-8"))


def fixture(name: str) -> tuple[str, str, str]:
    """(content, url, annotated type) of a fixture page."""
    entry = MANIFEST[name]
    return (PAGES / name).read_text(encoding="utf-8"), entry["url"], entry["type"]


def test_every_type_has_html_and_text_fixtures():
    for suffix in (".html", ".txt"):
        assert sorted(e["type"] for n, e in MANIFEST.items() if n.endswith(suffix)) == sorted(PAGE_TYPES)
    assert sorted(MANIFEST) == sorted(p.name for p in PAGES.iterdir() if p.suffix in (".html", ".txt"))


@pytest.mark.parametrize("name", sorted(n for n in MANIFEST if n.endswith(".html")))
def test_html_pages_get_their_type(name):
    html, url, kind = fixture(name)
    page = classify_html(load_html(html), url)
    assert isinstance(page, PageType)
    assert page.name == kind, page
    assert page.probability == max(page.probabilities.values()) > 0.4
    assert list(page.probabilities) == list(PAGE_TYPES)
    assert abs(sum(page.probabilities.values()) - 1) < 1e-3


@pytest.mark.parametrize("name", sorted(n for n in MANIFEST if n.endswith(".txt")))
def test_texts_get_their_type(name):
    text, url, kind = fixture(name)
    page = classify_text(text, url)
    assert page.name == kind, page


def test_classifying_leaves_the_tree_as_it_was():
    html, url, _ = fixture("product.html")
    tree = load_html(html)
    before = etree.tostring(tree, encoding="unicode")
    classify_html(tree, url)
    assert etree.tostring(tree, encoding="unicode") == before


@pytest.mark.parametrize("name, expected", [
    ("product.html", ["JSON-LD Product", "microdata Product", "og:type product", "price in meta tags",
                      "itemprop price (1)", "shopping buttons (add to cart, buy now...)"]),
    ("forum.html", ["JSON-LD DiscussionForumPosting", "URL host forum.", "URL path /t/",
                    "4 repeated blocks of prose (posts)"]),
    ("article.html", ["JSON-LD NewsArticle", "og:type article", "publication date in meta tags",
                      "date in the URL path"]),
    ("documentation.html", ["2 code blocks (<pre>)", "URL path /docs/"]),
    ("collection.html", ["JSON-LD CollectionPage", "JSON-LD ItemList", "URL path /collections/kettles",
                         "grid of 12 cards (repeated items with links and pictures or headings)", "12 prices"]),
    ("listing.html", ["URL path /blog/", "grid of 8 cards (repeated items with links and pictures or headings)"]),
    ("service.html", ["service words (contact us, request a demo, pricing...)"]),
])
def test_html_signals_name_the_evidence(name, expected):
    html, url, _ = fixture(name)
    signals = classify_html(load_html(html), url).signals
    for signal in expected:
        # a count of words stands at the front of the signal ("7 service words (...)")
        assert signal in signals or any(s.split(" ", 1)[-1] == signal for s in signals), signals
    # Organization is on every kind of site: no evidence of a type
    assert not any("Organization" in s for s in signals)


def test_text_signals_and_an_unknown_url():
    text, url, _ = fixture("product.txt")
    page = classify_text(text, url)
    assert "URL path /p/" in page.signals and any(s.endswith(" prices") for s in page.signals)
    assert any("shopping words" in s for s in page.signals)
    no_url = classify_text(text, None)
    assert not any(s.startswith("URL") for s in no_url.signals)
    assert no_url.name in PAGE_TYPES
    assert "product (" in page.describe()


def test_empty_input_still_gets_a_type():
    assert classify_text("", None).name in PAGE_TYPES
    assert classify_html(load_html("<html><body></body></html>"), None).name in PAGE_TYPES


def test_bundled_models_load_with_the_page_types():
    for model in (html_model(), text_model()):
        assert tuple(model.classes) == PAGE_TYPES
        assert len(model.rounds) >= 50 and model.features


def test_models_are_in_the_package_and_written_by_the_tool():
    for path in (HTML_MODEL, TEXT_MODEL):
        assert path.parent == ROOT / "cleaner" / "pagetype"
        assert "tools/train_page_type.py" in json.loads(path.read_text(encoding="utf-8"))["trained"]


@pytest.mark.parametrize("content, message", [
    ('{"format": "cleaner-boosted-trees/1", "classes": ["a", "b"', "not valid JSON"),
    ('{"classes": ["a", "b"]}', "not a boosted-trees model"),
    ('{"format": "cleaner-boosted-trees/1", "classes": ["a", "b"], "features": ["x"], "init": [0]}',
     "has no 'trees'"),
    ('{"format": "cleaner-boosted-trees/1", "classes": ["a", "b"], "features": ["x"], "init": [0],'
     ' "trees": [[[[0, 1.0, 5, 6, 0.0]]]]}', "points outside its tree"),
    ('{"format": "cleaner-boosted-trees/1", "classes": ["a", "b", "c"], "features": ["x"], "init": [0],'
     ' "trees": []}', "'init' must hold 3"),
])
def test_a_broken_model_file_is_refused_by_name(tmp_path, content, message):
    path = tmp_path / "broken.model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError) as err:
        BoostedTrees.from_file(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_a_missing_model_file_is_named(tmp_path):
    with pytest.raises(ModelError, match="missing.model.json: cannot read"):
        BoostedTrees.from_file(tmp_path / "missing.model.json")


def test_a_row_without_a_models_feature_is_an_error_naming_the_model():
    model = BoostedTrees(["a", "b"], ["x"], [0.0], [[[[-1, 0.0, 0, 0, 1.0]]]], source="m.json")
    with pytest.raises(ModelError, match="m.json: the row has no feature 'x'"):
        model.probabilities({"y": 1.0})


def test_dumped_models_read_back_the_same():
    leaf = lambda v: [-1, 0.0, 0, 0, v]  # noqa: E731
    trees = [[[[0, 0.5, 1, 2, 0.0], leaf(1.0), leaf(-1.0)], [leaf(0.2)], [leaf(-0.2)]]]
    text = dump_model(["a", "b", "c"], ["x"], [0.0, 0.1, -0.1], trees, trained="test")
    assert dump_model(["a", "b", "c"], ["x"], [0.0, 0.1, -0.1], trees, trained="test") == text
    model = BoostedTrees.from_data(json.loads(text))
    assert model.predict({"x": 0.0}) == "a" and model.predict({"x": 1.0}) != "a"


DATA = ROOT.parent / "shared" / "data" / "wcxb-dev"


@pytest.mark.skipif(not (DATA / "wcxb-dev.tar.xz").exists(), reason="the WCXB archive is not beside the repository")
def test_training_gives_the_same_bytes_from_the_same_data(tmp_path):
    pytest.importorskip("sklearn")
    spec = importlib.util.spec_from_file_location("train_page_type", ROOT / "tools" / "train_page_type.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        tool.main(["--limit", "6", "--no-cv", "--cache", str(tmp_path / "cache"), "--output-dir", str(out)])
        outputs.append({p.name: p.read_bytes() for p in sorted(Path(out).glob("*.model.json"))})
    assert sorted(outputs[0]) == ["html.model.json", "text.model.json"]
    assert outputs[0] == outputs[1]
    model = BoostedTrees.from_data(json.loads(outputs[0]["html.model.json"]))
    assert tuple(model.classes) == PAGE_TYPES
