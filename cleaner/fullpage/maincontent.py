"""Find the article in a full-page text dump, from the text alone.

A scraper that saves a page's whole visible text gives menus, breadcrumbs, cookie banners,
"most read" boxes and footers around the article, one item a line. No HTML is left, so the
judgement rests on what a line's text shows:

- length: an article paragraph is long, a menu item short;
- stopword density (per language, see stoplists.py): running text is full of function words,
  headlines, tags and link labels are not;
- sentence punctuation: prose ends its sentences;
- link-like lines (URLs, e-mail addresses, phone numbers, "a | b | c" menus, copyright lines);
- neighbours: a short line between two paragraphs is part of the article, one between two menu
  items is part of the menu; a title-like line just above the text is its heading.

Each line gets a class (good, near-good, short, bad) in the manner of jusText, then a
neighbour-aware revision, then the article's span is the stretch of lines with the highest sum
of "good text minus boilerplate" (the maximum-sum run, as in body-text extraction). Lines
outside the span are dropped; inside it, lines still judged boilerplate are dropped too.

A dump usually starts with the page's <title>, and the article's heading repeats it (or its
part without the site's name). When such a line is found, the span is built around it instead:
the page's longest prose (a log-in dialog, a comment thread) is then not taken for the article.

With a learned line model (linemodel.py, features from features.py), the trees have the last
word on each line of a dump, reading the span and classes above as evidence.

The rule first decides whether the document is a full-page dump at all: only when a good deal of
the text lies outside the span (settings `min_outside_lines`, `min_outside_share`) and a menu
lies outside it (`min_menu_run`, `min_menu_lines`), or when the trees are sure of a long block
of boilerplate (`model_dump_run`), does it change anything, so already-clean article text
passes through untouched.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import regex

from cleaner.document import Line
from cleaner.fullpage.features import FEATURES, PageLines, context_rows
from cleaner.fullpage.lines import LineFeatures, line_features, longest_run, menu_like
from cleaner.fullpage.linemodel import LineModel, LineModelError, load_line_model
from cleaner.rules.kinds.base import Context, Rule, Settings, kept_lines, runs, setting
from cleaner.text.stoplists import CJK_LANGUAGE, document_stoplist
from cleaner.text.stats import normalized

GOOD, NEAR_GOOD, SHORT, BAD = "good", "near-good", "short", "bad"

def could_be_dump(texts: list[str], s: MainContentSettings) -> bool:
    """The cheap necessary conditions for a dump: enough lines, and a menu-like run somewhere.
    Most documents are articles; this spares them the stoplist guess and per-line scoring."""
    if len(texts) < s.min_outside_lines:
        return False
    menu = [menu_like(t.strip(), s.menu_line_chars) for t in texts]
    if sum(menu) < s.min_menu_lines:
        return False
    return longest_run(menu) >= min(s.min_menu_run, s.min_menu_run_titled)


def classify(f: LineFeatures, s: MainContentSettings) -> str:
    """The line's class from its own features (jusText's context-free step)."""
    if f.link_like or (f.list_like and s.lists_are_boilerplate):
        return BAD
    if f.copyright and f.length < 300:
        return BAD
    if f.length < s.length_low:
        return SHORT
    if f.stopword_density >= s.stopwords_high:
        if f.sentence or (f.length > s.length_high and not s.good_needs_sentence_end):
            return GOOD
        return NEAR_GOOD
    if f.stopword_density >= s.stopwords_low:
        return NEAR_GOOD
    return BAD


def _neighbour(classes: list[str], i: int, step: int, skip: tuple[str, ...]) -> str:
    j = i + step
    while 0 <= j < len(classes):
        if classes[j] not in skip:
            return classes[j]
        j += step
    return BAD  # the edge of the page counts as boilerplate


def revise(classes: list[str], features: list[LineFeatures], s: MainContentSettings) -> list[str]:
    """jusText's context-sensitive step: short and near-good lines take their neighbours' side;
    a title-like line shortly above good text is a heading and stays."""
    classes = list(classes)
    # A long run of short lines is a menu or a link list, whatever surrounds it: a page's text
    # never has that many headline-sized lines in a row, a menu always does.
    for start, end in runs([cls == SHORT for cls in classes]):
        if end - start >= s.max_short_run:
            classes[start:end] = [BAD] * (end - start)
    base = list(classes)
    revised = list(classes)
    for i, cls in enumerate(base):
        if cls != SHORT:
            continue
        prev, nxt = _neighbour(base, i, -1, (SHORT, NEAR_GOOD)), _neighbour(base, i, 1, (SHORT, NEAR_GOOD))
        if prev == GOOD and nxt == GOOD:
            revised[i] = GOOD
        elif prev == BAD and nxt == BAD:
            revised[i] = BAD
        elif NEAR_GOOD in (_neighbour(base, i, -1, (SHORT,)), _neighbour(base, i, 1, (SHORT,))):
            revised[i] = GOOD
        else:
            revised[i] = BAD
    base = [cls if cls != SHORT else revised[i] for i, cls in enumerate(base)]
    for i, cls in enumerate(base):
        if cls != NEAR_GOOD:
            continue
        prev, nxt = _neighbour(base, i, -1, (NEAR_GOOD,)), _neighbour(base, i, 1, (NEAR_GOOD,))
        revised[i] = BAD if prev == BAD and nxt == BAD else GOOD
    classes = revised
    # Headings: a title-like line of a few words shortly above good text (a byline or date may
    # sit between). Menus are title-like too, but their items are far from the text or one word.
    for i, f in enumerate(features):
        if classes[i] != BAD or not f.title_like or f.words < s.heading_min_words:
            continue
        distance = 0
        for j in range(i + 1, min(len(features), i + 1 + s.max_heading_lines)):
            if classes[j] == GOOD and features[j].length >= s.length_low:
                classes[i] = GOOD
                break
            distance += features[j].length
            if distance > s.max_heading_distance:
                break
    return classes


def best_span(values: list[float]) -> tuple[int, int]:
    """[start, end) of the run of values with the highest sum (Kadane); (0, 0) if none is positive.

    >>> best_span([-5, 3, 4, -1, 6, -20, 8])
    (1, 5)
    """
    best, best_span_ = 0.0, (0, 0)
    total, start = 0.0, 0
    for i, v in enumerate(values):
        if total <= 0:
            total, start = 0.0, i
        total += v
        if total > best:
            best, best_span_ = total, (start, i + 1)
    return best_span_


def _best_end(values: list[float], start: int, end: int, weight: float) -> int:
    """Re-place the span's end with boilerplate after the article's core weighing `weight` times
    more: a page's prose after the article (teasers, comments, notices) is rarely the article."""
    core_start, core_end = best_span([v * (weight if v < 0 else 1) for v in values[start:end]])
    best_end, total, best_total = start + core_end, 0.0, 0.0
    for i in range(start + core_end, end):
        v = values[i]
        total += v * weight if v < 0 else v
        if total > best_total:
            best_total, best_end = total, i + 1
    return best_end


def best_span_within_breaks(values: list[float], bad: list[bool], max_gap: int) -> tuple[int, int]:
    """The best span that does not cross a run of `max_gap` or more boilerplate lines: such a run
    (share buttons, an author box, a related list) is where an article ends, however much prose
    (comments, teasers, a cookie notice) follows it.

    >>> best_span_within_breaks([5, -1, 5, -1, -1, -1, 20], [False, True, False, True, True, True, False], 3)
    (6, 7)
    >>> best_span_within_breaks([5, -1, 5, -1, -1, -1, 20], [False, True, False, True, True, True, False], 4)
    (0, 7)
    """
    if max_gap <= 0:
        return best_span(values)
    pieces: list[tuple[int, int]] = []
    start = 0
    for gap_start, gap_end in runs(bad):
        if gap_end - gap_start >= max_gap:
            pieces.append((start, gap_start))
            start = gap_end
    pieces.append((start, len(values)))
    best, best_total = (0, 0), 0.0
    for lo, hi in pieces:
        a, b = best_span(values[lo:hi])
        total = sum(values[lo + a: lo + b])
        if b > a and total > best_total:
            best, best_total = (lo + a, lo + b), total
    return best


# How page titles join the article's title and the site's name: "Title | Site", "Site - Title", "Section: Title".
_TITLE_SEPARATORS = regex.compile(r"\s+(?:\||-|–|—|::|·|•|»|/|:)\s+|(?<=\w):\s+")


def title_parts(title: str, min_chars: int) -> set[str]:
    """The title and every run of its separator-joined pieces (normalized), at least `min_chars` long:
    the site's name may stand first or last, and the article's title may itself hold a separator.

    >>> sorted(title_parts("Storm - the harbour reopens | City News", 8))
    ['city news', 'storm - the harbour reopens', 'storm - the harbour reopens | city news', 'the harbour reopens', 'the harbour reopens | city news']
    """
    cuts = [(m.start(), m.end()) for m in _TITLE_SEPARATORS.finditer(title)][:8]
    starts = [0] + [end for _, end in cuts]
    ends = [start for start, _ in cuts] + [len(title)]
    return {normalized(title[a:b]) for a in starts for b in ends if b - a >= min_chars}


def title_repeats(texts: list[str], min_chars: int) -> list[int]:
    """The lines after the first that repeat the page title, or the part of it that names the article.

    A page dump starts with the page's <title> ("Council approves budget | City News"); the
    article's own heading repeats it, or its part without the site's name; so may a menu teaser
    or a breadcrumb. Only the longest repeated part counts (a site's name recurs everywhere).

    >>> title_repeats(["Budget approved | City News", "City News", "Budget approved", "Text.", "Budget approved"], 8)
    [2, 4]
    """
    if len(texts) < 2:
        return []
    parts = title_parts(texts[0].strip(), min_chars)
    found = [(len(normalized(t)), i) for i, t in enumerate(texts[1:], 1) if normalized(t) in parts]
    longest = max((n for n, _ in found), default=0)
    return [i for n, i in found if n == longest]


def title_heading(texts: list[str], classes: list[str], features: list["LineFeatures"], s: MainContentSettings) -> int | None:
    """Of the lines repeating the page title, the one with the most article text just below it
    (up to the next repeat): the article's heading, where a teaser in a menu has more menu below
    it. None if no repeat has any article text below it."""
    repeats = title_repeats(texts, s.title_min_chars)
    best, best_text = None, 0
    for n, i in enumerate(repeats):
        stop = min(i + 1 + s.title_lookahead, repeats[n + 1] if n + 1 < len(repeats) else len(texts))
        below = sum(features[j].length for j in range(i + 1, stop) if classes[j] == GOOD)
        if below > best_text:
            best, best_text = i, below
    return best


def span_around(values: list[float], anchor: int, after_weight: float, lookahead: int) -> tuple[int, int]:
    """The best span that contains line `anchor` (the article's heading).

    It reaches back as far as the lines before the anchor add up to more. Forward, its core is
    the best run of lines starting within `lookahead` lines of the anchor, with boilerplate
    weighing `after_weight` times (a run starting further down is other prose on the page: a
    dialog, comments); past the core, it goes on as far as the lines add up to more, boilerplate
    still weighing `after_weight` times.

    >>> span_around([50, -100, 5, -20, 60, -3, 40, -200, 300], 2, 4.0, 3)
    (2, 7)
    >>> span_around([50, -100, 5, -20, 60, -3, 40, -200, 300], 2, 1.0, 3)
    (2, 9)
    """
    best_start, total, best_total = anchor, 0.0, 0.0
    for i in range(anchor - 1, -1, -1):
        total += values[i]
        if total > best_total:
            best_start, best_total = i, total
    weighted = [v * after_weight if v < 0 else v for v in values]
    best_end, best_total = anchor + 1, 0.0
    for first in range(anchor + 1, min(len(values), anchor + 1 + lookahead)):
        total = 0.0
        for i in range(first, len(values)):
            total += weighted[i]
            if total > best_total:
                best_end, best_total = i + 1, total
    return best_start, best_end


@dataclass
class Verdict:
    """What main-content detection decided for a list of lines."""

    is_dump: bool
    keep: list[bool]
    language: str | None
    span: tuple[int, int]
    classes: list[str]  # each line's class after revision (for explain and tuning)
    page: PageLines | None = None  # what the line model reads
    probabilities: list[float] | None = None  # the line model's, when it decided


# How a page's <title> joins the article's title and the site's name, as the first line of a dump
# shows it ("Council approves budget | City News", "Penny - Stardew Valley Wiki").
_SITE_TITLE = regex.compile(r"\S\s+(?:\||-|–|—|•|»|::|·)\s+\S")


def has_dump_evidence(texts: list[str], chrome_line: regex.Pattern[str] | None, min_chrome_lines: int) -> bool:
    """Whether the lines carry what only a whole page's text has: the page's <title> as the first
    line (the site's name after a separator: "Council approves budget | City News"), or at least
    `min_chrome_lines` lines that are a site's navigation or legal items whole ("Skip to main
    content", "Sign in", "Privacy policy", "© 2024 ..."). An extractor's output of a listing, a
    shop's grid or a manual has runs of short lines too, but rarely either of these: extractors
    leave the <title> out of the text and cut the header and footer bars. `texts` are all the
    document's lines, those earlier rules took too (an account link, a copyright line are
    evidence even once gone). No `chrome_line` pattern: the menu conditions alone decide.

    >>> chrome = regex.compile(r"^(?:sign in|privacy policy)$", regex.IGNORECASE)
    >>> has_dump_evidence(["Budget | City News", "Budget", "Text."], chrome, 2)
    True
    >>> has_dump_evidence(["Shoes", "Boots", "Sign in", "Sandals"], chrome, 2)
    False
    """
    if chrome_line is None:
        return True
    if texts and _SITE_TITLE.search(texts[0]):
        return True
    found = 0
    for text in texts:
        if chrome_line.search(text.strip()):
            found += 1
            if found >= min_chrome_lines:
                return True
    return False


def article_prose(texts: list[str], keep: list[bool], classes: list[str]) -> int:
    """Characters of prose (lines of class good) among the lines kept as the article."""
    return sum(len(t) for t, k, c in zip(texts, keep, classes) if k and c == GOOD)


def judge(texts: list[str], s: MainContentSettings, gaps: list[bool] | None = None,
          model: LineModel | None = None, chrome_line: regex.Pattern[str] | None = None,
          whole: list[str] | None = None) -> Verdict:
    """Decide which of `texts` (non-blank lines, in order) belong to the article.

    `gaps[i]` says a blank line stands before line i (blocks of lines are a page's boxes). With
    a `model`, a dump's lines are kept by the model's probability instead of by the span and
    the line classes (which become the model's features). With a `chrome_line` pattern, a
    document is a dump only with the evidence `has_dump_evidence` asks for, read on `whole` (the
    document's every non-blank line, removed ones too; default `texts`). And a dump's article
    holds at least `min_article_prose` characters of prose: a span without a paragraph is no
    article found (the page's main text is a list: a shop's grid, a catalogue, a directory),
    and the page is left alone.

    >>> menu = ["Home", "News", "Sport", "Weather", "Culture", "Travel", "Opinion", "Podcasts",
    ...         "Contact", "About us", "Login", "Search"]
    >>> article = [f"The council met on {day} to discuss the new budget, which had been delayed "
    ...            "for months because of a dispute over school funding in the city." for day in ("Monday", "Tuesday", "Friday")]
    >>> footer = ["Imprint", "Privacy", "Cookies", "Jobs", "Advertise"]
    >>> verdict = judge(menu + article + footer, MainContentSettings())
    >>> verdict.is_dump, verdict.keep.count(True)
    (True, 3)
    >>> judge(article, MainContentSettings()).is_dump
    False
    """
    language, stopwords = document_stoplist("\n".join(texts))
    cjk = language == CJK_LANGUAGE
    features = [line_features(t, stopwords, cjk) for t in texts]
    classes = [classify(f, s) for f in features]
    # A line printed several times on one page is a template's ("Reply", "Photo: AP", a gallery
    # label), never the article's.
    counts = Counter(normalized(t) for t in texts)
    repeats = [counts[normalized(t)] for t in texts]
    for i, times in enumerate(repeats):
        if times >= s.max_repeats > 0:
            classes[i] = BAD
    classes = revise(classes, features, s)
    heading = title_heading(texts, classes, features, s) if s.title_anchor else None
    if heading is not None:
        classes[heading] = GOOD
    values = [f.length if cls == GOOD else -min(max(f.length, s.min_penalty), s.max_penalty) * s.boilerplate_weight
              for f, cls in zip(features, classes)]
    if heading is not None:
        start, end = span_around(values, heading, s.after_weight, s.title_lookahead)
    else:
        start, end = best_span_within_breaks(values, [cls == BAD for cls in classes], s.max_gap_lines)
        if s.after_weight != 1 and end > start:
            end = _best_end(values, start, end, s.after_weight)
    keep = [start <= i < end and (classes[i] == GOOD or not s.drop_inside) for i in range(len(texts))]
    outside = len(texts) - sum(keep)
    # A dump has a menu outside the article: an article's own lists (ingredients, code) do not count.
    menu = [menu_like(f.text, s.menu_line_chars) for f in features]
    menu_run = longest_run(menu[:start])
    # A page title repeated as a heading is a page's, not an article's: less menu is enough then.
    min_menu_run = s.min_menu_run if heading is None else min(s.min_menu_run, s.min_menu_run_titled)
    if not s.menu_before_only:
        menu_run = max(menu_run, longest_run(menu[end:]))
    # Menus come in pieces (a header bar, a sidebar, footer columns): their items add up.
    menu_lines = sum(menu[:start]) + sum(menu[end:])
    is_dump = (end > start and outside >= s.min_outside_lines
               and outside >= s.min_outside_share * len(texts) and menu_run >= min_menu_run
               and menu_lines >= s.min_menu_lines)
    page = PageLines(texts, features, [c == GOOD for c in classes], [c == BAD for c in classes], menu,
                     [times >= 2 for times in repeats], heading, (start, end),
                     gaps if gaps is not None else [True] * len(texts), stopwords, cjk)
    evidence = has_dump_evidence(whole if whole is not None else texts, chrome_line, s.min_chrome_lines)
    is_dump = is_dump and evidence
    probabilities = None
    if model is not None and evidence and (is_dump or s.model_dump_run):
        probabilities = [model.probability(row) for row in context_rows(page, model.word_evidence)]
        is_dump = is_dump or model_says_dump(probabilities, s)
    if not is_dump:
        return Verdict(False, [True] * len(texts), language, (start, end), classes, page)
    verdict = Verdict(True, keep, language, (start, end), classes, page)
    if probabilities is not None:
        verdict.probabilities = probabilities
        # The heading that repeats the page title is the article's title: annotated pages rarely
        # say either way, so the trees learned nothing about it; a reader wants it.
        verdict.keep = [p >= s.keep_probability or i == heading for i, p in enumerate(probabilities)]
    if article_prose(texts, verdict.keep, classes) < s.min_article_prose:
        return Verdict(False, [True] * len(texts), language, (start, end), classes, page, probabilities)
    return verdict


def model_says_dump(probabilities: list[float], s: MainContentSettings) -> bool:
    """A page the menu rules above let pass is still a dump when the line model finds a block of
    lines it is sure are boilerplate (a menu of long labels, a footer, a teaser list) that makes
    up a good share of the page. An article's own odd lines (a caption, a byline) come one or
    two at a time.

    >>> s = MainContentSettings(model_dump_run=3, model_dump_probability=0.1, model_dump_share=0.3)
    >>> model_says_dump([0.9, 0.05, 0.02, 0.01, 0.8, 0.9, 0.9], s)
    True
    >>> model_says_dump([0.9, 0.05, 0.8, 0.02, 0.01, 0.9, 0.9], s)
    False
    """
    if not s.model_dump_run:
        return False
    sure = [p < s.model_dump_probability for p in probabilities]
    return longest_run(sure) >= s.model_dump_run and sum(sure) >= s.model_dump_share * len(sure)


MEMO_KEY = "main-content:verdict"  # where a document's verdict is kept (tools/train_line_model.py reads it)


@dataclass(frozen=True)
class MainContentSettings(Settings):
    """The settings of `main-content` rules."""

    html_input: bool = setting(
        False, help="Also judge text extracted from an HTML page (off: the extractor already cut the page "
                    "down to its article).")
    min_outside_lines: int = setting(
        12, help="A document is a full-page dump only when at least this many lines lie outside the "
                 "article.")
    min_outside_share: float = setting(0.3, help="... and at least this share of its lines.")
    min_menu_run: int = setting(8, help="... and has at least this many short lines in a row (a menu).")
    min_menu_run_titled: int = setting(
        3, help="... or this many when a line repeats the page title (a dump's first line, see "
                "title_anchor).")
    min_menu_lines: int = setting(
        10, help="... and at least this many menu-like lines outside the article, in runs of any length.")
    menu_before_only: bool = setting(
        False, help="Only a menu above the article counts (a page's navigation comes first; a list after "
                    "an article may be its own).")
    menu_line_chars: int = setting(30, help="A menu item is shorter than this many characters.")
    length_low: int = setting(70, help="Lines shorter than this (characters) are judged by their neighbours.")
    length_high: int = setting(200, help="Lines longer than this with enough stopwords are article text.")
    stopwords_low: float = setting(0.30, help="Below this stopword density a long line is boilerplate.")
    stopwords_high: float = setting(0.32, help="From this stopword density on a line reads as prose.")
    max_heading_distance: int = setting(
        200, help="A title-like line at most this many characters above article text is its heading.")
    max_short_run: int = setting(3, help="This many short lines in a row are a menu or link list.")
    good_needs_sentence_end: bool = setting(
        False, help="Only a line ending like a sentence is surely article text (a long caption or teaser "
                    "without a full stop is not).")
    max_repeats: int = setting(2, help="A line that occurs this many times in the document is boilerplate (0: off).")
    after_weight: float = setting(
        4.0, help="How much more boilerplate weighs after the article's core than before it.")
    max_gap_lines: int = setting(0, help="A run of this many boilerplate lines ends the article (0: no limit).")
    heading_min_words: int = setting(3, help="A heading has at least this many words.")
    max_heading_lines: int = setting(3, help="... and at most this many lines above the article text.")
    min_penalty: int = setting(20, help="A boilerplate line weighs at least this many characters against the span.")
    max_penalty: int = setting(10_000, help="... and at most this many.")
    title_anchor: bool = setting(
        True, help="The line that repeats the page title (a dump's first line) is the article's heading: "
                   "the article's span is the best one around it.")
    title_lookahead: int = setting(
        10, help="The heading is the title repeat with the most article text in this many lines below it.")
    title_min_chars: int = setting(
        8, help="A part of the page title that names the article has at least this many characters.")
    lists_are_boilerplate: bool = setting(
        True, help="A long line that repeats its words or is mostly numbers (an archive menu, a tag "
                   "cloud) is boilerplate.")
    boilerplate_weight: float = setting(1.0, help="How much boilerplate characters weigh against article characters.")
    drop_inside: bool = setting(True, help="Also drop boilerplate-looking lines inside the article's span.")
    line_model: str = setting(
        "main-content.model.json", path=True, help="A learned line scorer (JSON, path relative to the "
                                                   "rule file; see cleaner/fullpage/linemodel.py): in a "
                                                   "dump, it keeps the lines it judges article text, "
                                                   "reading the span and classes above as evidence. "
                                                   "Empty: off.")
    keep_probability: float = setting(0.4, help="With a line_model, a line is kept from this probability on.")
    model_dump_run: int = setting(
        6, help="With a line_model, a document the menu conditions above let pass is a dump all the same "
                "when this many lines in a row are surely boilerplate (0: off) ...")
    model_dump_probability: float = setting(
        0.1, help="... a line being surely boilerplate below this probability ...")
    model_dump_share: float = setting(0.3, help="... and such lines making up at least this share of the document.")
    chrome_line: str | None = setting(
        None, pattern=True, help="Regex for a line that is a site's navigation or legal item whole (\"Sign in\", "
                                 "\"Privacy policy\"). Set, a document is a dump only when it has min_chrome_lines "
                                 "such lines or a first line that is a page title (\"Title | Site\"), counting "
                                 "lines earlier rules removed: an extractor's output of a listing or a manual "
                                 "has menus' short lines but rarely either. Unset: the menu conditions alone decide.")
    min_chrome_lines: int = setting(2, help="How many chrome_line lines make a dump (with chrome_line set).")
    min_article_prose: int = setting(
        0, help="A dump's article holds at least this many characters of prose (good lines): a span "
                "without a paragraph is no article found (the page's main text is a list), and the "
                "page is left alone (0: no minimum).")


class MainContent(Rule):
    kind = "main-content"
    phase = 5
    summary = ("In a full-page text dump (menus, footers and related lists around the article), keep the "
               "article's span and drop the rest; leave text that is already an article untouched.")
    settings_type = MainContentSettings

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Resolved by the rule set loader against the rule file's folder, and checked there.
        self.model = load_line_model(self.settings.line_model) if self.settings.line_model else None
        unknown = sorted(set(self.model.features) - FEATURES) if self.model else []
        if unknown:
            raise LineModelError(f"{self.model.source}: the model reads features this version does not compute: "
                                 f"{', '.join(unknown)}; retrain it with tools/train_line_model.py")

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        if ctx.from_html and not self.settings.html_input:
            return False
        # A page is judged once: after its menus and footers are gone, what is left is an
        # article, and judging that again could only eat into it.
        if MEMO_KEY in ctx.memo:
            return False
        candidates = kept_lines(lines)
        texts = [line.text for line in candidates]
        if not could_be_dump(texts, self.settings):
            return False
        gaps = [i == 0 or line.number != candidates[i - 1].number + 1 for i, line in enumerate(candidates)]
        # The evidence of a whole page is read on every line, those earlier rules took too.
        whole = [line.text for line in lines if not line.blank]
        verdict = ctx.memo[MEMO_KEY] = judge(texts, self.settings, gaps, self.model,
                                             self.patterns.get("chrome_line"), whole)
        if not verdict.is_dump:
            return False
        for n, (line, keep) in enumerate(zip(candidates, verdict.keep)):
            if verdict.probabilities is not None:
                # Truncated, not rounded: a line dropped at keep_probability 0.4 with p=0.395 must
                # not show as "p=0.40", which reads as kept.
                ctx.notes[line.number] = (self.id, f"p={math.floor(verdict.probabilities[n] * 100) / 100:.2f}")
            if not keep:
                ctx.drop(line, self.id)
        return True
