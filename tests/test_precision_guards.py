"""The rules on an extractor's output take what the extractor left and never the article (issue 27).

Each fixture is realistic text written for these tests (no benchmark page): what the rules must
keep, beside boilerplate of the same kind they must still drop. They run through the real
Cleaner with the bundled rules, cleaned as text the way an extractor's output is.
"""
from __future__ import annotations

from cleaner import Cleaner

# --- content class 6: main-content's full-page detector on an extractor's output -----------------

# An extractor's output of a shop's category page: the page's main text is a list of categories,
# with a few account and help links the extractor left above it. No article prose: not a dump.
CATALOGUE = """Sign in
Register
Contact
About us
Fasteners & Fixings
Browse every fixing we stock, with drawings and load tables for each item.
Anchors
Bolts
Brackets
Cable ties
Clamps
Clips
Dowels
Eye bolts
Hinges
Hooks
Nails
Nuts
Pins
Rivets
Screws
Shackles
Spacers
Staples
Studs
Threaded rods
Turnbuckles
Washers
Wall plugs
Wing nuts
Help centre
Delivery & returns
Trade accounts
Gift cards"""

CATEGORY_ITEMS = ["Anchors", "Brackets", "Cable ties", "Eye bolts", "Threaded rods", "Turnbuckles",
                  "Washers", "Wall plugs", "Wing nuts", "Fasteners & Fixings"]

# A full-page text dump of a news article: the page's <title> first, the site's menus, the
# article, a related list and the footer. The detector must still find the article.
DUMP = """Harbour reopens after three days of storm damage repairs | Coastline Herald

Skip to main content
Menu
Search
Sign in

News
Local
Business
Sport
Weather
Opinion
Culture
Travel
Podcasts
Newsletters

Harbour reopens after three days of storm damage repairs

The harbour reopened to fishing boats on Thursday morning after crews spent three days clearing debris and repairing the damaged north pier, the port authority said.
Engineers found that the storm had shifted two of the concrete blocks that protect the entrance, and divers worked through the night to secure them before the first boats went out.
The ferry service to the islands is expected to resume on Saturday, once the last of the floating pontoons has been checked and the harbour master has signed off the repairs.
Local traders said the closure had cost them most of a week's takings, and the council has promised to look at a support fund for the businesses worst affected.

Most read
Council votes on new parking charges
School wins national robotics prize
Road closures for the summer festival
Storm warning for the weekend
Bakery celebrates fifty years

About us
Contact us
Advertise
Jobs
Privacy policy
Cookie settings
Terms of use
© 2026 Coastline Herald"""

ARTICLE = [line for line in DUMP.split("\n\n")[3].split("\n")]


def removed_by(result, rule: str) -> list[str]:
    return [line.text for line in result.lines if line.removed_by == rule]


def kept(result) -> set[str]:
    return set(result.text.split("\n"))


def test_a_catalogue_an_extractor_left_is_no_dump():
    result = Cleaner().clean_text(CATALOGUE, url="https://shop.example.com/fasteners/")
    assert removed_by(result, "main-content") == []
    assert set(CATEGORY_ITEMS) <= kept(result)


def test_a_full_page_dump_still_loses_its_menus_and_footer():
    result = Cleaner().clean_text(DUMP, url="https://news.example.org/local/harbour-reopens")
    text = kept(result)
    assert set(ARTICLE) <= text
    for chrome in ("Skip to main content", "Weather", "Podcasts", "Advertise", "Jobs", "Cookie settings"):
        assert chrome not in text
    assert "main-content" in {line.removed_by for line in result.lines}


def test_a_dump_is_recognised_by_chrome_that_earlier_rules_already_took():
    """The account link and the copyright line go to rules that run before main-content; the
    evidence that the text is a whole page still counts them."""
    untitled = DUMP.split("\n", 1)[1].lstrip("\n")  # no "Title | Site" first line
    result = Cleaner().clean_text(untitled, url="https://news.example.org/local/harbour-reopens")
    assert "main-content" in {line.removed_by for line in result.lines}
    assert set(ARTICLE) <= kept(result)


# --- content class 2: lines a page really repeats ------------------------------------------------

# An extractor's output of a forum thread: the second post quotes the first, the third quotes a
# short line of the second.
THREAD = """Best way to store winter tyres?
riverside_mike
March 3, 2026
I have a set of winter tyres on rims and nowhere indoors to keep them over the summer. Is a garden shed good enough, or will the heat ruin them?
Quote
I have a set of winter tyres on rims and nowhere indoors to keep them over the summer. Is a garden shed good enough, or will the heat ruin them?
A shed is fine if it stays dry. Stack them flat, keep them out of direct sunlight and away from the boiler or anything that makes ozone.
Keep them out of direct sun
Keep them out of direct sun
This is the important part. Mine cracked after two summers by a south-facing window.
Reply
Share"""

# A product page's text: its title printed twice (over the picture and above the text), and a
# gallery label the template repeats.
PRODUCT = """Trailhead 30L Daypack
Trailhead 30L Daypack
Picture 1 of 5
Picture 1 of 5
A light daypack with a padded back panel, two side pockets for bottles and a rain cover that packs into the lid.
Capacity: 30 litres
Weight: 780 g"""


def test_lines_a_forum_thread_repeats_are_kept():
    result = Cleaner().clean_text(THREAD, url="https://forum.example.net/threads/best-way-to-store-winter-tyres.4411/")
    assert removed_by(result, "repeated-line") == []
    text = result.text.split("\n")
    assert text.count("Keep them out of direct sun") == 2
    assert sum(line.startswith("I have a set of winter tyres") for line in text) == 2


def test_a_repeated_title_and_gallery_label_still_go():
    result = Cleaner().clean_text(PRODUCT, url="https://shop.example.com/p/trailhead-30l-daypack")
    assert sorted(removed_by(result, "repeated-line")) == ["Picture 1 of 5", "Trailhead 30L Daypack"]
    assert result.text.split("\n").count("Trailhead 30L Daypack") == 1
