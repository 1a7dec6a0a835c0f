"""The readability comparison is skipped only where it cannot change trafilatura's text
(cleaner/html/comparison_gate.py): the gated extraction equals trafilatura's full one on real
pages, and other callers of trafilatura are left with the unchanged code."""
from __future__ import annotations

import tarfile

import pytest
import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from cleaner.html import comparison_gate
from cleaner.html.extract import _main_document, _main_options
from conftest import FIXTURES, ROOT

DEVSET = ROOT.parent / "shared" / "data" / "devset" / "pages.tar.xz"


def real_pages() -> list[str]:
    pages = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(FIXTURES.rglob("*.html"))]
    if DEVSET.exists():
        with tarfile.open(DEVSET) as tar:
            for member in tar:
                if member.isfile() and member.name.endswith(".html"):
                    pages.append(tar.extractfile(member).read().decode("utf-8", "replace"))
                    if len(pages) >= 60:
                        break
    return pages


def extraction(document) -> tuple[str, bytes]:
    if document is None:
        return "", b""
    return document.text or "", etree.tostring(document.body) if document.body is not None else b""


def test_the_gated_extraction_is_trafilatura_s_full_one():
    before = dict(comparison_gate.skipped)
    for html in real_pages():
        tree = load_html(html)
        if tree is None:
            continue
        full = trafilatura.bare_extraction(tree, url=None, **_main_options(None))  # no gate open
        assert extraction(_main_document(tree, None, None)) == extraction(full)
    # Both ways were taken: the comparison skipped on some pages, run on others.
    assert comparison_gate.skipped["skipped"] > before["skipped"]
    assert comparison_gate.skipped["compared"] > before["compared"]


def test_without_a_gate_open_trafilatura_compares_as_always(monkeypatch):
    calls = []
    monkeypatch.setattr(trafilatura.core, "compare_extraction", lambda *args: calls.append(1) or args[2:4])
    html = ("<html><body><article>" + "<p>The council approved the budget after a long debate about schools.</p>" * 12
            + "</article></body></html>")
    trafilatura.bare_extraction(load_html(html), **_main_options(None))
    assert calls  # the original _extract_and_compare, which always calls it


def test_a_short_or_unclean_text_is_always_compared():
    options = trafilatura.settings.Extractor()
    body = etree.fromstring("<body><p>Short text.</p></body>")
    assert comparison_gate.comparison_needed(body, "Short text.", body, options)
    long_text = "word " * 100
    unclean = etree.fromstring(f"<body><p>{long_text}</p><nav>Home</nav></body>")
    assert comparison_gate.comparison_needed(unclean, long_text.strip(), unclean, options)
    clean = etree.fromstring(f"<body><p>{long_text}</p></body>")
    assert not comparison_gate.comparison_needed(clean, long_text.strip(), clean, options)
    # a page with more than twice the text readability might take: compared
    page = etree.fromstring(f"<html><body><p>{long_text}</p><div>{long_text * 2}</div></body></html>")
    assert comparison_gate.comparison_needed(clean, long_text.strip(), page, options)


def test_the_bound_leaves_out_what_readability_drops_first():
    page = etree.fromstring('<html><body><p>one two</p><div class="sidebar">menu words here</div>'
                            '<div class="sidebar main">kept</div><script>var x = 1;</script></body></html>')
    # "one two" (6 letters + 2 words) and "kept" (4 + 1); the sidebar and the script are dropped
    assert comparison_gate.readability_bound(page) == 13


@pytest.mark.parametrize("focus", ["recall", "precision"])
def test_other_focus_modes_are_always_compared(focus):
    options = trafilatura.settings.Extractor(recall=focus == "recall", precision=focus == "precision")
    clean = etree.fromstring(f"<body><p>{'word ' * 100}</p></body>")
    assert comparison_gate.comparison_needed(clean, ("word " * 100).strip(), clean, options)
