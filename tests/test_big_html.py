"""Big HTML is parsed whole or the record says what was cut (issue 31 item 6): an attribute over
10 MB (an inline data: image), an 11 MB data: image before <article>, nesting deeper than 256
levels. Generated real pages, cleaned by the real `cleaner` command; html/parse.py is checked
against trafilatura's own loader on the fixture pages."""
import base64
import json
import random
from pathlib import Path

import pytest
from lxml import html as lxml_html
from trafilatura.utils import load_html

from cleaner.html.parse import parse_page, without_inline_data
from cleaner.html.strategies.render import element_text
from conftest import FIXTURES, run_cli

SENTENCES = [
    "The city council approved the new budget on Monday after a long debate about public transport.",
    "Schools in the northern district will receive money for new roofs and heating this winter.",
    "The old bridge over the river is to be repaired in spring, the mayor told reporters.",
    "Opposition members said the plan spends too little on housing for young families.",
    "A final vote on the remaining items is expected before the end of the month.",
]


def _article(paragraphs: int = 14) -> tuple[str, list[str]]:
    texts = [f"{SENTENCES[i % 5]} Paragraph {i} adds a detail of its own about item {i} of the plan."
             for i in range(paragraphs)]
    return "".join(f"<p>{t}</p>\n" for t in texts), texts


def _data_image(megabytes: int) -> str:
    payload = random.Random(7).randbytes(megabytes * 1024 * 1024 * 3 // 4)
    return "data:image/png;base64," + base64.b64encode(payload).decode()


def _page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>Budget approved</title></head><body>{body}</body></html>"


def _clean(tmp_path: Path, page: str) -> tuple[int, list[dict], str]:
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    proc = run_cli("clean", str(path), "-f", "jsonl", "-o", "-")
    return proc.returncode, [json.loads(line) for line in proc.stdout.splitlines()], proc.stderr.decode()


def test_an_attribute_over_10mb_does_not_cut_the_page(tmp_path):
    article, texts = _article()
    image = _data_image(11)
    assert len(image) > 10_000_000  # libxml2's default limit for one value
    code, [record], err = _clean(tmp_path, _page(f'<article><h1>Budget approved</h1><p><img src="{image}" '
                                                 f'alt="The bridge"></p>{article}</article>'))
    assert code == 0, err
    assert all(t in record["text"] for t in texts), record["text"][:300]
    assert not record.get("warnings")


def test_an_11mb_data_image_before_the_article_does_not_hide_it(tmp_path):
    article, texts = _article()
    code, [record], err = _clean(tmp_path, _page(f'<div class="hero"><img src="{_data_image(11)}"></div>'
                                                 f"<article><h1>Budget approved</h1>{article}</article>"))
    assert code == 0, err
    assert all(t in record["text"] for t in texts)


@pytest.mark.parametrize("depth", [300, 1500])
def test_nesting_deeper_than_256_levels_is_read_whole(tmp_path, depth):
    article, texts = _article()
    code, [record], err = _clean(tmp_path, _page("<div>" * depth + f"<article>{article}</article>" + "</div>" * depth))
    assert code == 0, err
    assert all(t in record["text"] for t in texts)
    assert not record.get("warnings")


def test_nesting_past_the_parsers_limit_is_said_in_the_record(tmp_path):
    article, texts = _article(6)
    after = "<p>The paragraph after the deep part is lost with it, and the record says so plainly.</p>"
    page = _page(f"<article><h1>Budget approved</h1>{article}" + "<div>" * 2100 + "Deep text." + "</div>" * 2100
                 + after + "</article>")
    code, [record], err = _clean(tmp_path, page)
    assert code == 0, err
    assert all(t in record["text"] for t in texts)
    assert "after the deep part" not in record["text"]  # libxml2 stops there: it is cut ...
    [warning] = record["warnings"]  # ... and not silently
    assert "deeper than 2,048 levels" in warning and "missing from the text" in warning
    assert "deeper than 2,048 levels" in err


def test_a_page_cut_before_any_text_fails_naming_the_cut(tmp_path):
    article, _ = _article()
    code, records, err = _clean(tmp_path, _page("<div>" * 2100 + f"<article>{article}</article>" + "</div>" * 2100))
    assert code == 1 and records == []
    assert "no main text found" in err and "deeper than 2,048 levels" in err


def test_text_of_a_very_deep_element_is_rendered_without_recursion():
    depth = 2000
    tree = lxml_html.fromstring("<div>" + "<div>" * depth + "<p>Deep <b>bold</b> words.</p>tail" + "</div>" * depth
                                + "</div>", parser=lxml_html.HTMLParser(huge_tree=True))
    assert element_text(tree) == "Deep bold words.\ntail"


def test_long_data_uris_are_emptied_and_nothing_else():
    svg = "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'>" + "<path d='M0 0'/>" * 400 + "</svg>"
    page = (f'<p><img src="{svg}" alt="a">Text after.</p><img src=\'data:image/png;base64,{"A" * 5000}\'>'
            f'<img src=data:image/gif;base64,{"B" * 5000}><img src="data:image/gif;base64,R0lGOD">'
            '<p>How to write one: src="data:image/png;base64,..."</p>')
    assert without_inline_data(page) == ('<p><img src="data:," alt="a">Text after.</p><img src="data:,">'
                                         '<img src="data:,"><img src="data:image/gif;base64,R0lGOD">'
                                         '<p>How to write one: src="data:image/png;base64,..."</p>')


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "html").glob("*.html")))
def test_parse_page_gives_trafilaturas_tree_on_ordinary_pages(name):
    from cleaner.io.decode import decode_bytes

    page = decode_bytes((FIXTURES / "html" / name).read_bytes(), html=True)
    tree, warnings = parse_page(page)
    assert warnings == []
    assert lxml_html.tostring(tree) == lxml_html.tostring(load_html(page))
