"""Each line of a full-page dump described by numbers, for the learned line scorer (linemodel.py).

Main-content detection (maincontent.py) judges lines one by one (length, stopwords, sentence
ending, link-like...), then by their neighbours, then finds the article's span. These features
put all of that side by side for each line, together with what only the whole page shows: where
the line sits relative to the heading and the span, whether its block (lines between blank lines)
is one line or a list, whether its words recur in the article's core, whether it repeats the page
title. Every feature is a plain number; none names a site or a language.

One family reads the words themselves: a table of word evidence (learned across sites with the
trees and stored in the same model file, see linemodel.py) gives each word the log-odds that a
line holding it is boilerplate rather than article ("newsletter", "kommentare" high; "dass",
"however" low). A line's evidence features are the strongest, weakest and mean evidence of its
words, and its neighbours' means: the words that open a comment section or a teaser box.

The names are the model's interface: tools/train_line_model.py writes them into the model file,
and a model trained on other names is refused when it is loaded.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import regex

if TYPE_CHECKING:
    from cleaner.fullpage.lines import LineFeatures

_CAPITAL = regex.compile(r"\b\p{Lu}")
_BULLET = regex.compile(r"^\s*[-–•*·▪►]\s")
_DIGIT = regex.compile(r"\d")
_LETTERS = regex.compile(r"\p{L}+")
_TIME_OR_DATE = regex.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
_NEAR = 5  # lines each side that make a line's neighbourhood
_NEIGHBOUR_FEATURES = ("len", "sw", "good", "sent", "menu")
_NEIGHBOUR_STEPS = (-2, -1, 1, 2)
_FAR = 30  # distances (in lines) beyond this count as this
_STRONG_EVIDENCE = 1.5  # a word this much likelier in boilerplate (log-odds) counts as a strong sign
_EVIDENCE_STEPS = (-2, -1, 1, 2)
_WIDE = 12  # lines each side that make a line's wider surroundings (a section of the page)
# A price: a currency sign or code beside a number ("$37.00", "19,99 €", "EUR 120", "£5").
_PRICE = regex.compile(r"[$€£¥₹]\s?\d|\d[\d.,]*\s?(?:[$€£¥₹]|\b(?:USD|EUR|GBP|CHF|CAD|AUD)\b)|\b(?:USD|EUR|GBP|CHF)\s?\d")
# Code: brackets, operators and the punctuation of program text.
_CODE_CHARS = regex.compile(r"[{}()\[\];=<>_/\\#$`|&*+]")
_CODE_LINE = regex.compile(r"[{};]\s*$|^\s*(?:[$>#]\s|//|/\*|\w+\s*=[^=]|\w+(?:\.\w+)*\(.*\)\s*[;:]?\s*$)")
# A specification or form row: a short label, a colon, a value ("Weight: 2.4 kg", "Posted: 3 May").
_KEY_VALUE = regex.compile(r"^[^:.!?]{1,30}:\s+\S")
_UPPER = regex.compile(r"\p{Lu}")
_LETTER = regex.compile(r"\p{L}")
_PUNCT = regex.compile(r"[^\p{L}\p{N}\s]")
_DIGIT_RUN = regex.compile(r"\d+")


@dataclass
class PageLines:
    """What main-content detection worked out for a page's lines, as the context features need them."""

    texts: list[str]
    features: list["LineFeatures"]
    good: list[bool]  # judged article text after the neighbour revision
    bad: list[bool]  # judged boilerplate
    menu: list[bool]  # menu-item shaped
    repeated: list[bool]  # the page prints this line more than once
    heading: int | None  # the line repeating the page title, if one anchors the article
    span: tuple[int, int]  # [start, end) of the article's span
    gaps: list[bool]  # a blank line (or removed lines) stands before the line
    stopwords: frozenset[str]
    cjk: bool


def _clip(value: int) -> float:
    return max(-_FAR, min(_FAR, value)) / _FAR


def evidence_words(text: str) -> set[str]:
    """The words of a line as the word-evidence table knows them (casefolded letter runs)."""
    return {word.casefold() for word in _LETTERS.findall(text)}


def evidence_rows(texts: list[str], evidence: Mapping[str, float]) -> list[dict[str, float]]:
    """Each line's word-evidence features (all 0 for a line with no word in the table)."""
    own = []
    for text in texts:
        words = evidence_words(text)
        # Sorted, and summed with fsum: a set's order changes from one process to the next, and the
        # mean must not change with it (the output must be the same bytes on every run).
        values = sorted(evidence[w] for w in words if w in evidence)
        own.append({
            "ev_max": max(values, default=0.0), "ev_min": min(values, default=0.0),
            "ev_mean": math.fsum(values) / len(values) if values else 0.0,
            "ev_known": len(values) / len(words) if words else 0.0,
            "ev_strong": float(sum(v >= _STRONG_EVIDENCE for v in values)),
        })
    for i, row in enumerate(own):
        for step in _EVIDENCE_STEPS:
            j = i + step
            row[f"ev_mean{step:+d}"] = own[j]["ev_mean"] if 0 <= j < len(own) else 0.0
    return own


def line_shape(text: str) -> str:
    """The line with its numbers blanked: a product grid's "$22.00" and "$37.00", a thread's
    "3 replies" and "12 replies" have one shape.

    >>> line_shape("Posted 3 days ago") == line_shape("Posted 12 days ago")
    True
    """
    return _DIGIT_RUN.sub("0", text.casefold())


def flag_distances(flags: list[bool], far: int) -> tuple[list[int], list[int]]:
    """For each position, how many lines back and ahead the nearest true flag is (`far` if none)."""
    n = len(flags)
    back, ahead = [far] * n, [far] * n
    last = None
    for i in range(n):
        if last is not None:
            back[i] = min(far, i - last)
        if flags[i]:
            last = i
    last = None
    for i in range(n - 1, -1, -1):
        if last is not None:
            ahead[i] = min(far, last - i)
        if flags[i]:
            last = i
    return back, ahead


def _window_sums(values: list[float], radius: int) -> list[float]:
    """For each position, the sum of values within `radius` positions either side (itself included)."""
    prefix = [0.0]
    for v in values:
        prefix.append(prefix[-1] + v)
    n = len(values)
    return [prefix[min(n, i + radius + 1)] - prefix[max(0, i - radius)] for i in range(n)]


def page_profile(page: PageLines) -> dict[str, float]:
    """What kind of page this is, from its lines alone: the same numbers for every line of it.
    An article is a block of prose; a product page has prices and specification rows; a forum
    thread dates and short replies between the prose; documentation code; a listing or a shop's
    category page the same shapes again and again."""
    lf, n = page.features, max(1, len(page.texts))
    chars = sum(f.length for f in lf) or 1
    shapes = Counter(line_shape(f.text) for f in lf)
    return {
        "pg_good": sum(f.length for f, g in zip(lf, page.good) if g) / chars,
        "pg_menu": sum(page.menu) / n,
        "pg_price": sum(bool(_PRICE.search(f.text)) for f in lf) / n,
        "pg_digits": sum(bool(_DIGIT.search(f.text)) for f in lf) / n,
        "pg_time": sum(bool(_TIME_OR_DATE.search(f.text)) for f in lf) / n,
        "pg_code": sum(bool(_CODE_LINE.search(f.text)) for f in lf) / n,
        "pg_kv": sum(bool(_KEY_VALUE.search(f.text)) for f in lf) / n,
        "pg_question": sum(f.text.endswith("?") for f in lf) / n,
        "pg_shapes": sum(count for count in shapes.values() if count > 1) / n,
        "pg_sentences": sum(f.sentence for f in lf) / n,
        "pg_span": (page.span[1] - page.span[0]) / n,
        "pg_chars": math.log1p(chars),
    }


def context_rows(page: PageLines, evidence: Mapping[str, float] | None = None) -> list[dict[str, float]]:
    """One row of named numbers per line (the word-evidence features too when a table is given)."""
    texts, lf, n = page.texts, page.features, len(page.texts)
    start, end = page.span
    block_of, block = [], -1
    for i in range(n):
        block += 1 if i == 0 or page.gaps[i] else 0
        block_of.append(block)
    block_size = Counter(block_of)
    good_chars = [f.length if g else 0 for f, g in zip(lf, page.good)]
    total_good = sum(good_chars) or 1
    good_before, running = [], 0
    for chars in good_chars:
        good_before.append(running / total_good)
        running += chars

    def content_words(text: str) -> set[str]:
        return {w.casefold() for w in _LETTERS.findall(text) if len(w) > 3 and w.casefold() not in page.stopwords}

    words = [content_words(t) for t in texts]
    core = Counter(w for i in range(start, end) if page.good[i] for w in words[i])
    title_words = words[0] if texts else set()
    log_len = [math.log1p(f.length) for f in lf]

    def neighbour(j: int) -> tuple[float, float, float, float, float]:
        if 0 <= j < n:
            g = lf[j]
            return log_len[j], g.stopword_density, float(page.good[j]), float(g.sentence), float(page.menu[j])
        return 0.0, 0.0, 0.0, 0.0, 0.0

    heading = page.heading
    profile = page_profile(page)
    shape_of = [line_shape(f.text) for f in lf]
    shapes = Counter(shape_of)
    good_back, good_ahead = flag_distances(page.good, _FAR)
    good_near = _window_sums([float(g) for g in page.good], _WIDE)
    good_chars_near = _window_sums([float(c) for c in good_chars], _WIDE)
    menu_near = _window_sums([float(m) for m in page.menu], _WIDE)
    sentence_near = _window_sums([float(f.sentence) for f in lf], _WIDE)
    first_good = page.good.index(True) if any(page.good) else n
    last_good = n - 1 - page.good[::-1].index(True) if any(page.good) else -1
    block_good: dict[int, float] = Counter()
    block_chars: dict[int, float] = Counter()
    for i, f in enumerate(lf):
        block_good[block_of[i]] += page.good[i]
        block_chars[block_of[i]] += f.length
    rows = []
    for i, f in enumerate(lf):
        text = f.text
        near = range(max(0, i - _NEAR), min(n, i + _NEAR + 1))
        in_core = start <= i < end and page.good[i]
        own = words[i]
        row = {
            "len": log_len[i], "words": math.log1p(f.words), "sw": f.stopword_density,
            "sent": float(f.sentence), "link": float(f.link_like), "title": float(f.title_like),
            "list": float(f.list_like), "copy": float(f.copyright), "menu": float(page.menu[i]),
            "digits": len(_DIGIT.findall(text)) / max(1, len(text)),
            "caps": len(_CAPITAL.findall(text)) / max(1, f.words),
            "bullet": float(bool(_BULLET.search(text))), "colon": float(text.endswith(":")),
            "repeat": float(page.repeated[i]),
            "gap_before": float(page.gaps[i]), "gap_after": float(page.gaps[i + 1]) if i + 1 < n else 1.0,
            "bsize": math.log1p(block_size[block_of[i]]),
            "rel": i / n, "cjk": float(page.cjk), "n": math.log1p(n),
            "has_heading": float(heading is not None),
            "after_heading": float(heading is not None and i > heading),
            "is_heading": float(heading == i),
            "dist_heading": _clip(i - heading) if heading is not None else 0.0,
            "c_good": float(page.good[i]), "c_bad": float(page.bad[i]),
            "in_span": float(start <= i < end), "before_span": float(i < start),
            "d_start": _clip(i - start), "d_end": _clip(i - end),
            "good_before": good_before[i], "good_after": 1 - good_before[i] - good_chars[i] / total_good,
            "w_good": sum(page.good[j] for j in near) / len(near),
            "w_menu": sum(page.menu[j] for j in near) / len(near),
            "w_len": sum(log_len[j] for j in near) / len(near),
            "w_sw": sum(lf[j].stopword_density for j in near) / len(near),
            "title_overlap": len(own & title_words) / max(1, len(own)) if i else 1.0,
            # Share of the line's content words found elsewhere in the article's core: the article
            # keeps to its subject, a teaser or a comment wanders off it.
            "cohesion": sum(core[w] - in_core > 0 for w in own) / len(own) if own else 0.0,
            "truncated": float(text.endswith(("...", "…"))),
            "time": float(bool(_TIME_OR_DATE.search(text))),
            "question": float(text.endswith("?")),
            "price": float(bool(_PRICE.search(text))),
            "code": float(bool(_CODE_LINE.search(text))),
            "code_chars": len(_CODE_CHARS.findall(text)) / max(1, len(text)),
            "kv": float(bool(_KEY_VALUE.search(text))),
            "upper": len(_UPPER.findall(text)) / max(1, len(_LETTER.findall(text))),
            "punct": len(_PUNCT.findall(text)) / max(1, len(text)),
            "shape_repeat": math.log(shapes[shape_of[i]]),
            "good_back": good_back[i] / _FAR, "good_ahead": good_ahead[i] / _FAR,
            "w12_good": good_near[i] / (2 * _WIDE + 1), "w12_menu": menu_near[i] / (2 * _WIDE + 1),
            "w12_sent": sentence_near[i] / (2 * _WIDE + 1),
            "w12_chars": good_chars_near[i] / total_good,
            "before_first_good": _clip(first_good - i) if i < first_good else 0.0,
            "after_last_good": _clip(i - last_good) if i > last_good else 0.0,
            "block_good": block_good[block_of[i]] / block_size[block_of[i]],
            "block_chars": math.log1p(block_chars[block_of[i]]),
            **profile,
        }
        for step in _NEIGHBOUR_STEPS:
            for name, value in zip(_NEIGHBOUR_FEATURES, neighbour(i + step)):
                row[f"{name}{step:+d}"] = value
        rows.append(row)
    if evidence is not None:
        for row, extra in zip(rows, evidence_rows(texts, evidence)):
            row.update(extra)
    return rows


# Every name context_rows gives (a model may use any of them, and no other).
FEATURES = frozenset((
    "len", "words", "sw", "sent", "link", "title", "list", "copy", "menu", "digits", "caps", "bullet", "colon",
    "repeat", "gap_before", "gap_after", "bsize", "rel", "cjk", "n", "has_heading", "after_heading",
    "is_heading", "dist_heading", "c_good", "c_bad", "in_span", "before_span", "d_start", "d_end",
    "good_before", "good_after", "w_good", "w_menu", "w_len", "w_sw", "title_overlap", "cohesion",
    "truncated", "time", "question", "price", "code", "code_chars", "kv", "upper", "punct", "shape_repeat",
    "good_back", "good_ahead", "w12_good", "w12_menu", "w12_sent", "w12_chars", "before_first_good",
    "after_last_good", "block_good", "block_chars",
    "pg_good", "pg_menu", "pg_price", "pg_digits", "pg_time", "pg_code", "pg_kv", "pg_question", "pg_shapes",
    "pg_sentences", "pg_span", "pg_chars",
    *(f"{name}{step:+d}" for step in _NEIGHBOUR_STEPS for name in _NEIGHBOUR_FEATURES),
    "ev_max", "ev_min", "ev_mean", "ev_known", "ev_strong", *(f"ev_mean{step:+d}" for step in _EVIDENCE_STEPS),
))
