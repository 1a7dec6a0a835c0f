"""Issue 27's classes, on fixtures written for these tests (fixtures/content-classes/, no benchmark
page copied): text that is the article and the rules must keep whole, and boilerplate that
extractors leave and the rules must drop.

A keep fixture `NAME.txt` must come out unchanged; a drop fixture `NAME.txt` must come out as
`NAME.expected.txt`. Each is cleaned with the bundled rules, as the page type it is written as.
(r27p's tests/test_precision_guards.py covers classes 2 and 6.)
"""
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "content-classes"

# fixture stem -> the page type it is cleaned as. What each one is:
KEEP = {
    # class 1: runs of short lines that are the article, not a related-headlines run
    "class1-tour-dates": "article",       # "July 19 -- venue, city" after the article's prose
    "class1-race-calendar": "article",    # a season calendar: dates, times, circuits
    "class1-credits": "article",          # "Role: Name" lines at the end of a piece
    "class1-spec-lines": "article",       # "Battery: 360 Wh" spec lines with units and prices
    "class1-pros-cons": "article",        # Pros / Cons lists of a review
    # class 3: a long paragraph that merely holds a pitch phrase in one sentence
    "class3-one-sentence-paragraph": "article",   # "subscribe to our idea": nothing to cut
    # class 4: dates and bracketed lines where they are content
    "class4-forum-dates": "forum",        # each post's date line in a thread
    "class4-asides": "article",           # "(No, really.)", "Rye/Spelt": the text's own, no agency signature
    # class 5: lines that name an image and are no photo credit
    "class5-config-image-lines": "documentation",   # "image: nginx:1.27" in a config file
}
DROP = {
    "related-headlines": "article",       # a bare "Read more" link and a heading-less list of other stories
    "class3-pitch-in-paragraph": "article",   # only the pitch sentence leaves the paragraph
    "agency-credits": "article",          # a photo credit line and an agency signature "(dpa)"
}


def _read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8").rstrip("\n")


@pytest.mark.parametrize("stem", sorted(KEEP))
def test_content_is_kept_whole(cleaner, stem):
    text = _read(f"{stem}.txt")
    result = cleaner.clean_text(text, page_type=KEEP[stem])
    assert [(r.rule, r.text) for r in result.removed] == []
    assert result.text == text


@pytest.mark.parametrize("stem", sorted(DROP))
def test_boilerplate_is_dropped(cleaner, stem):
    result = cleaner.clean_text(_read(f"{stem}.txt"), page_type=DROP[stem])
    assert result.text == _read(f"{stem}.expected.txt")


def test_forum_date_lines_still_give_the_date(cleaner):
    result = cleaner.clean_text(_read("class4-forum-dates.txt"), page_type="forum")
    assert result.metadata.get("date") == "2026-02-14"


def test_every_fixture_is_used():
    stems = {p.name.split(".")[0] for p in FIXTURES.glob("*.txt")}
    assert stems == set(KEEP) | set(DROP)


# --- the kind settings these classes rest on, through one-rule sets ---------------------------------

def _one_rule(tmp_path, rule_yaml: str):
    import textwrap

    from cleaner import Cleaner
    (tmp_path / "r.yaml").write_text("name: t\ndescription: t\nrules:\n" + textwrap.indent(
        textwrap.dedent(rule_yaml), "  "), encoding="utf-8")
    return Cleaner(rules=[tmp_path], use_default_rules=False)


TITLE_RUN = """\
    - id: titles
      kind: drop-title-run
      description: d
      before_article: {before}
      max_records: {records}
      examples: [{{input: "Body sentence of the article here.\\nOne two three four\\nFive six seven eight\\nNine ten eleven twelve", output: "Body sentence of the article here."}}]
    """


def test_title_run_before_the_article_is_left_alone_when_asked(tmp_path):
    text = ("Guide To Mesh Networks At Home\nWhat A Mesh Network Does For You\nLearn Everything You Need To Know\n"
            "A mesh network spreads one signal over several small routers in the house.")
    assert _one_rule(tmp_path, TITLE_RUN.format(before="true", records=1)).clean_text(text).text == \
        "A mesh network spreads one signal over several small routers in the house."
    assert _one_rule(tmp_path, TITLE_RUN.format(before="false", records=1)).clean_text(text).text == text


def test_title_run_of_records_is_kept(tmp_path):
    text = ("The band will tour in July, the label said on Monday.\nJuly 19 -- Commodore Ballroom, Vancouver\n"
            "July 21 -- Showbox at the Market, Seattle\nJuly 24 -- The Fillmore, San Francisco")
    assert _one_rule(tmp_path, TITLE_RUN.format(before="true", records=1)).clean_text(text).text == \
        "The band will tour in July, the label said on Monday."
    assert _one_rule(tmp_path, TITLE_RUN.format(before="true", records=0.34)).clean_text(text).text == text


def test_block_list_of_items_ends_at_its_last_item(tmp_path):
    c = _one_rule(tmp_path, """\
        - id: block
          kind: drop-block
          description: d
          start: '^Related$'
          examples: [{input: "Related\\n- A title\\nReal sentence of the article goes here.", output: "Real sentence of the article goes here."}]
        """)
    text = "Intro sentence of the article is here.\nRelated\n- Title one\n- Title two\nNext Section Heading\nMore of the article follows here."
    assert c.clean_text(text).text == ("Intro sentence of the article is here.\nNext Section Heading\n"
                                       "More of the article follows here.")
