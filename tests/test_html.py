"""HTML input: encodings found from the page itself, page metadata, site prune rules, explain."""
import json

import pytest

from cleaner import Cleaner, RuleError
from conftest import FIXTURES, run_cli

HTML = FIXTURES / "html"
SITE_RULES = HTML / "rules"


@pytest.mark.parametrize("name, start", [
    ("ru-cp1251-undeclared.html", "Президент готов к переговорам\nПрезидент России заявил в четверг"),
    ("ru-cp1251-declared-latin1.html", "Президент готов к переговорам\nПрезидент России заявил в четверг"),
    ("fr-latin1-declared.html", "La réunion aura lieu à Genève\nLe président a déclaré jeudi"),
    ("de-cp1252-declared-utf8.html", "Gespräche über die Stadtbahn\nDie Gespräche über die Zukunft"),
    ("de-utf8-stray-latin1-byte.html", "Gespräche über die Stadtbahn\nDie Gespräche über die Zukunft"),
    ("ja-shiftjis-declared.html", "新しい経済対策を発表\n首相は月曜日に記者会見を開き、"),
    ("ja-shiftjis-undeclared.html", "新しい経済対策を発表\n首相は月曜日に記者会見を開き、"),
])
def test_encodings_come_out_as_correct_text(cleaner, name, start):
    result = cleaner.clean_html((HTML / name).read_bytes())
    assert result.text.startswith(start)
    assert result.metadata["language"] == {"ru": "ru", "fr": "fr", "de": "de", "ja": "ja"}[name[:2]]


def test_page_metadata_and_text_language_wins(cleaner):
    result = cleaner.clean_html((HTML / "metadata.html").read_bytes())
    meta = result.metadata
    assert meta["title"] == "Council approves harbour budget"
    assert meta["date"] == "2021-03-19"
    assert meta["author"] == "Jane Doe"
    assert meta["sitename"] == "Harbour Daily"
    assert meta["url"] == "https://www.harbour-daily.example/news/harbour-budget"
    assert meta["page_language"] == "de" and meta["language"] == "en"  # the text is English
    assert meta["site"] == "harbour-daily.example"


def test_no_date_is_made_up_from_the_copyright_year(cleaner):
    assert cleaner.clean_html((HTML / "fr-latin1-declared.html").read_bytes()).metadata["date"] is None


def test_site_html_prune_cuts_widgets_before_extraction():
    page = (HTML / "site-widgets.html").read_bytes()
    plain = Cleaner().clean_html(page).text
    pruned = Cleaner(rules=[SITE_RULES]).clean_html(page).text
    assert "Ferry timetable changes" in plain and "Great news for the harbour" in plain
    assert "Ferry timetable changes" not in pruned and "Great news for the harbour" not in pruned
    assert pruned.startswith("Council approves harbour budget\nThe city council approved")


def test_prune_applies_only_to_its_site(tmp_path):
    page = (HTML / "site-widgets.html").read_text(encoding="utf-8").replace(
        "https://www.harbour-daily.example/news/harbour-budget", "https://other.example/x")
    assert "Ferry timetable changes" in Cleaner(rules=[SITE_RULES]).clean_html(page).text


def test_bad_xpath_is_refused_with_file_and_line(tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text("name: s\ndescription: d\nmatch: {domains: [s.example]}\nhtml:\n  prune: ['//div[@class=']\n"
                    "rules: []\n", encoding="utf-8")
    with pytest.raises(RuleError) as err:
        Cleaner(rules=[path], use_default_rules=False)
    assert str(err.value.problems[0]).startswith(f"{path}:5: -: html.prune: '//div[@class=' is not a valid XPath")


def test_html_in_jsonl_and_html_files_through_the_cli(tmp_path):
    page = (HTML / "metadata.html").read_text(encoding="utf-8")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "p1", "html": page, "crawl": 7}) + "\n", encoding="utf-8")
    proc = run_cli("clean", str(source), str(HTML / "ru-cp1251-undeclared.html"), "-f", "jsonl", "-q")
    assert proc.returncode == 0, proc.stderr
    first, second = [json.loads(l) for l in proc.stdout.decode().splitlines()]
    assert first["id"] == "p1" and first["crawl"] == 7 and first["metadata"]["author"] == "Jane Doe"
    assert first["text"].startswith("Council approves harbour budget")
    assert second["id"] == "ru-cp1251-undeclared.html" and second["metadata"]["language"] == "ru"


def test_explain_on_html_shows_extracted_lines_with_rule_ids():
    proc = run_cli("explain", str(HTML / "metadata.html"))
    lines = proc.stdout.decode().splitlines()
    # First what was decided about the page as a whole (its type, the extraction kept), then its lines.
    assert lines[0].startswith("page type: ")
    assert lines[1].startswith("extraction: ")
    assert lines[2].startswith("  keep") and lines[2].endswith("Council approves harbour budget")
    assert all("<p>" not in l for l in lines)


def test_html_without_main_text_is_an_error_record(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>Nothing</title></head><body><script>var x = 1;</script></body></html>", encoding="utf-8")
    proc = run_cli("clean", str(page))
    assert proc.returncode == 1 and b"no main text found in the HTML page" in proc.stderr


# ---- page metadata: title and date policies (cleaner/html/pagemeta.py) ----

def _tree(html):
    from trafilatura.utils import load_html
    return load_html(html)


@pytest.mark.parametrize("head, body, url, title", [
    # the <h1> that <title> confirms, not the title's site part
    ('<title>Harbour budget approved by council | Harbour Daily</title>', '<h1>Harbour budget approved by council</h1>',
     None, "Harbour budget approved by council"),
    # og:title confirms it too; the first <h1> is the one asked
    ('<title>Harbour Daily</title><meta property="og:title" content="Budget approved: what changes">',
     '<h1>Budget approved: what changes</h1><h1>Most read</h1>', None, "Budget approved: what changes"),
    # an <h1> that the title does not contain (a section name) is not the title; the site's name,
    # found in the domain, leaves the title trafilatura found (here og:title)
    ('<meta property="og:title" content="Budget approved by council - Harbour Daily">', '<h1>Local news today</h1>',
     "https://www.harbour-daily.example/news/1", "Budget approved by council"),
    # the site part is found by og:site_name when the domain does not name it
    ('<meta property="og:title" content="Harbour Daily » Budget approved by council">'
     '<meta property="og:site_name" content="Harbour Daily">', '<p>Text.</p>', "https://hd.example/a",
     "Budget approved by council"),
    # a part that names nothing of the site stays
    ('<meta property="og:title" content="Budget approved - Vienna">', '<p>Text.</p>', "https://hd.example/a",
     "Budget approved - Vienna"),
])
def test_page_title_prefers_the_confirmed_headline_and_drops_the_site_name(head, body, url, title):
    from cleaner.html.pagemeta import page_metadata
    page = f"<html><head>{head}</head><body>{body}<p>Some text of the page.</p></body></html>"
    assert page_metadata(_tree(page), url)["title"] == title


DATED_IN_TEXT = ("<html><head><title>Boot hangs after update</title></head><body>"
                 "<h1>Boot hangs after update</h1><div class='post'><p>Posted on 14 March 2023 by kim</p>"
                 "<p>My laptop hangs at the logo since the update. What can I do about it?</p></div></body></html>")


@pytest.mark.parametrize("page_type, date", [
    ("article", "2023-03-14"), ("forum", "2023-03-14"), ("product", None), ("service", None), ("listing", None),
    (None, "2023-03-14")])  # a page of unknown type is searched like an article
def test_the_text_is_searched_for_a_date_only_on_articles_forums_and_unknown_pages(page_type, date):
    from cleaner.html.pagemeta import page_metadata
    assert page_metadata(_tree(DATED_IN_TEXT), None, page_type).get("date") == date


def test_a_date_in_the_metadata_serves_every_page_type():
    from cleaner.html.pagemeta import page_metadata
    page = (HTML / "metadata.html").read_text(encoding="utf-8")
    for page_type in ("article", "product", None):
        assert page_metadata(_tree(page), None, page_type)["date"] == "2021-03-19"


@pytest.mark.parametrize("page_type", ["article", "forum", None])
def test_the_text_search_makes_no_date_of_the_copyright_year(page_type):
    from cleaner.html.pagemeta import page_metadata
    page = (HTML / "fr-latin1-declared.html").read_bytes().decode("latin-1")
    assert "2021" in page  # the footer's copyright year
    assert page_metadata(_tree(page), None, page_type).get("date") is None
