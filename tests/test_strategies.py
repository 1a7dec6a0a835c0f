"""Extraction per page type (cleaner/html/strategies/): each strategy on a page of its own type
(fixtures/strategies/, pages written for these tests), the choice that leaves articles alone, and
the fallback for pages trafilatura cannot read."""
from __future__ import annotations

from pathlib import Path

import pytest
from trafilatura.utils import load_html

from cleaner import Cleaner
from cleaner.html import strategies
from cleaner.html.extract import ExtractionError, extract_html
from cleaner.html.strategies import fallback

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "strategies"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


def test_forum_keeps_every_post_without_quotes_and_signatures(cleaner):
    result = cleaner.clean_html(page("forum-xenforo.html"), page_type="forum")
    assert result.metadata["extraction"] == "forum-posts"
    text = result.text
    for words in ("smells sharply of acetone", "It is hungry, not dying", "smells of yoghurt and apples"):
        assert words in text
    assert "crumb_queen Feb 11, 2024" in text  # each post's author and date line
    assert "Instagram" not in text  # signatures
    assert text.count("Is it dying, or is this normal") == 1  # the quote in the reply is not repeated
    assert "Similar threads" not in text and "Terms and rules" not in text
    assert any("forum-posts (3 posts in XenForo markup)" in d for d in result.decisions)


def test_main_extraction_alone_loses_the_replies():
    """What the strategy is for: trafilatura's main extraction (comments off) of the same thread."""
    main = extract_html(page("forum-xenforo.html"), page_type="forum", strategies=False).text
    assert "smells sharply of acetone" in main
    assert "smells of yoghurt and apples" not in main and "It is hungry, not dying" not in main


def test_a_page_taken_for_an_article_keeps_the_main_extraction(cleaner):
    result = cleaner.clean_html(page("forum-xenforo.html"), page_type="article")
    assert result.metadata["extraction"] == "main"
    assert any("an article" in d for d in result.decisions)


def test_a_high_article_probability_keeps_the_main_extraction():
    tree = load_html(page("forum-xenforo.html"))
    choice = strategies.choose(tree, None, "the main text", "forum", article_probability=0.6)
    assert (choice.name, choice.text) == ("main", "the main text")
    assert "article probability 0.60" in choice.describe()


def test_a_strategy_that_finds_no_markup_leaves_the_main_extraction():
    tree = load_html("<html><body><article><p>" + "A plain page about nothing in particular. " * 20
                     + "</p></article></body></html>")
    choice = strategies.choose(tree, None, "the main text", "forum")
    assert choice.name == "main" and "found nothing better" in choice.reason


def test_a_fragment_without_html_or_body_is_read(cleaner):
    result = cleaner.clean_html(page("fragment.html"))
    assert "drop box by the main door" in result.text


def test_bare_text_is_read_as_a_fragment(cleaner):
    result = cleaner.clean_html("The meeting moves to Thursday at ten, in the small room on the second floor.")
    assert result.text == "The meeting moves to Thursday at ten, in the small room on the second floor."


def test_empty_main_extraction_goes_to_the_paragraph_scorer():
    html = ("<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav><div id='x'>"
            "<div><p>First paragraph of the notice, with a comma, and another one, long enough to score.</p>"
            "<p>Second paragraph: the office moves to the harbour building, floor three, in May.</p></div>"
            "</div><footer><p>Copyright, all rights reserved, by the company, since forever and a day.</p></footer></body></html>")
    choice = strategies.choose(load_html(html), None, "", "article")
    assert choice.name == "fallback-paragraphs"
    assert "office moves to the harbour building" in choice.text and "First paragraph" in choice.text
    assert "Home" not in choice.text and "Copyright" not in choice.text


def test_paragraph_scorer_reads_bare_lines_when_there_are_no_paragraphs():
    candidate = fallback.extract(load_html("<html><body><div><span>Gate B12</span><br><span>Boarding 14:05</span></div>"
                                           "<nav><a href='/'>Home</a></nav></body></html>"))
    assert candidate.name == "fallback-text" and candidate.text == "Gate B12\nBoarding 14:05"


def test_a_page_with_no_text_at_all_fails_with_a_clear_error():
    with pytest.raises(ExtractionError, match="no main text found"):
        extract_html("<html><body><div class='app'></div><script>var x = 1;</script></body></html>")


def test_collection_adds_the_grid_cards_to_the_category_text(cleaner):
    html = page("collection-grid.html")
    main = extract_html(html, page_type="collection", strategies=False, select=False).text
    assert "Tideline Recycled No-Show Sock" not in main  # trafilatura keeps three cards of six
    result = cleaner.clean_html(html, page_type="collection")
    assert result.metadata["extraction"] == "collection-grid"
    text = result.text
    assert "Knitted on our own machines in West Yorkshire" in text  # the category description stays
    for card in ("Harbour Merino Crew Sock £14.00 4.8 out of 5 (212 reviews)", "Tideline Recycled No-Show Sock £9.00"):
        assert card in text
    assert text.count("Harbour Merino Crew Sock") == 1  # the main extraction's copy made way for the card
    for chrome in ("Free UK delivery", "Merino (12)", "Add to basket", "Sort by", "Registered in England", "Next"):
        assert chrome not in text
    assert any("6 <li> cards added to 17 words of prose" in d for d in result.decisions)


def test_collection_with_long_prose_keeps_the_prose_alone():
    """Annotators keep only a category's long text (intro, SEO text): with 200 words of prose or
    more, the grid is not added."""
    story = "".join(f"<p>Our {step} step: every pair is linked by hand at the toe, washed in soft Pennine "
                    f"water and left to dry slowly for {hours} hours, so the yarn keeps its spring.</p>"
                    for step, hours in zip(("first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                                            "eighth", "ninth", "tenth"), range(10, 20)))
    html = page("collection-grid.html").replace("built for boots and long days.</p>",
                                                "built for boots and long days.</p>" + story)
    tree = load_html(html)
    main = extract_html(html, page_type="collection", strategies=False, select=False).text
    choice = strategies.choose(tree, None, main, "collection")
    assert choice.name == "main" and choice.text == main


def test_item_groups_leave_menus_and_footers_out():
    from cleaner.html.strategies import items

    tree = load_html(page("collection-grid.html"))
    group = items.dominant_group(tree)
    assert group.parent.get("class") == "product-grid" and len(group.items) == 6
    assert all("main-nav" not in (g.parent.getparent().get("class") or "") for g in items.groups(tree))
