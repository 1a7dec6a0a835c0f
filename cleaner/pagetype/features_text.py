"""Page-type features of plain text: the shape of its lines and the words pages of each type use.

These describe a text of one paragraph or item a line, whatever produced it: a full-page dump, an
extractor's output, or the visible text of an HTML page (features_html.py reads it the same way).
Product pages show prices and cart words, forum threads reply counters and "posted by" lines,
documentation code and "parameters", service pages "request a demo", listings "read more" and
many short title-like lines, articles long paragraphs. The word lists are the generic vocabulary of
such pages, written by hand (English, as the pages the model was trained on), not learned from pages.

>>> f = text_features("Red kettle\\n$29.99\\nAdd to cart\\nIn stock", "t_")
>>> f["t_prices"] > 0, f["t_cart"] > 0, f["t_lines"] > 0
(True, True, True)
"""
from __future__ import annotations

import math
import re
from collections import Counter

PRICE_RE = re.compile(r"(?:[$€£¥₹]\s?\d[\d.,]*|\d[\d.,]*\s?(?:€|£|\$|USD|EUR|GBP|kr|zł|руб|₽|CHF)\b)")
# The words and phrases pages of a type use, by list. A single word counts as a whole word, a phrase
# wherever it occurs (case ignored); PATTERNS add what only a regex says.
TERMS = {
    "cart": "add to cart|add to bag|add to basket|add to wishlist|add to wish list|buy now|in stock|out of stock"
            "|add to trolley|checkout|quantity|qty|free shipping|sku",
    "forum": "reply|replies|replied|posted by|joined|quote|quoted|posts:|member since|registered|permalink"
             "|upvote|downvote|vote|votes|answered|asked|answer|answers|thread|moderator|like|likes|report post"
             "|helpful|solved|accepted answer|original poster|op",
    "docs": "on this page|table of contents|edit this page|parameters|return|returns|example|examples|syntax|usage"
            "|install|installation|configuration|previous|next|see also|note:|warning:|deprecated|version|api"
            "|function|method|class|argument|arguments",
    "service": "contact us|get started|request a demo|book a call|book a demo|free trial|our services|our team"
               "|pricing|get a quote|learn more|why choose|testimonial|testimonials|clients|solutions|schedule a"
               "|call us|free consultation",
    "articlew": "published|updated|min read|minute read|minutes read|written by|share this|comment|comments"
                "|related posts|related articles|related stories|read more|posted on|author",
    "listingw": "read more|continue reading|load more|view all|see all|show more|next page|older posts"
                "|newer posts|results|sort by|filter",
    "dates": "",
}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
PATTERNS = {  # matched in the lowercased text, but for the byline
    "forum": re.compile(r"#\d+"),
    "articlew": re.compile(r"By [A-Z][a-z]+ [A-Z][a-z]+"),  # a byline keeps its case
    "listingw": re.compile(r"page \d+ of \d+|showing \d+"),
    # The lookahead lets the scan skip quickly to where a date can start.
    "dates": re.compile(r"(?=[\djfmasond])\b(?:(?:19|20)\d\d[-/.]\d\d?[-/.]\d\d?|\d\d?[-/.]\d\d?[-/.](?:19|20)\d\d"
                        rf"|{_MONTH}[a-z]*\.? \d\d?,? (?:19|20)\d\d|\d\d? {_MONTH}[a-z]* (?:19|20)\d\d)\b"),
}
WORD_LISTS = {name: {t for t in terms.split("|") if t.isalpha()} for name, terms in TERMS.items()}
PHRASES = {name: [t for t in terms.split("|") if t and not t.isalpha()] for name, terms in TERMS.items()}
_TOKEN = re.compile(r"[^\W\d_]+")


def term_counts(text: str) -> dict[str, int]:
    """How often each list's words and phrases occur in the text."""
    lower = text.lower()
    tokens = Counter(_TOKEN.findall(lower))
    counts = {}
    for name in TERMS:
        n = sum(tokens[w] for w in WORD_LISTS[name] if w in tokens)
        n += sum(lower.count(phrase) for phrase in PHRASES[name])
        if name in PATTERNS:
            n += len(PATTERNS[name].findall(text if name == "articlew" else lower))
        counts[name] = n
    return counts


# A line of code ends in { } ; or =, starts with a keyword or a prompt, or ends with a call.
CODE_STARTS = {"import", "def", "class", "function", "var", "const", "let", "return", "#include", "$", ">>>",
               "pip", "npm", "sudo"}
CALL_ENDS = (")", ");", "){", ") {")
NUMERIC_LINE = re.compile(r"[\d.,:/ -]+")
ENDS_SENTENCE = (".", "!", "?", ":")


def text_features(text: str, prefix: str) -> dict[str, float]:
    """Line and word statistics of a text, each feature's name starting with `prefix`."""
    text = text or ""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    counts = [len(line.split()) for line in lines] or [0]
    n_words = sum(counts)
    per_kw = 1000 / (n_words or 1)
    n_lines = len(lines) or 1
    f = {
        "words": math.log1p(n_words),
        "lines": math.log1p(len(lines)),
        "avg_line_words": n_words / len(counts),
        "frac_short_lines": sum(w <= 4 for w in counts) / len(counts),
        "frac_long_lines": sum(w >= 30 for w in counts) / len(counts),
        "max_line_words": math.log1p(max(counts)),
        "frac_words_long_lines": sum(w for w in counts if w >= 30) / (n_words or 1),
        "frac_period_end": sum(line.endswith(ENDS_SENTENCE) for line in lines) / n_lines,
        "frac_titlelike": sum(3 <= w <= 14 and not line.endswith((".", ":")) and line[:1].isupper()
                              for line, w in zip(lines, counts)) / n_lines,
    }
    prices = len(PRICE_RE.findall(text))
    f["prices"] = math.log1p(prices)
    f["price_per_kw"] = prices * per_kw
    found = term_counts(text)
    for name in TERMS:
        f[name] = math.log1p(found[name])
        f[name + "_per_kw"] = found[name] * per_kw
    f["code_lines"] = sum(line[-1] in "{};=" or line.split(None, 1)[0] in CODE_STARTS
                          or (line.endswith(CALL_ENDS) and "(" in line) for line in lines) / n_lines
    repeats = Counter(lines)
    f["dup_lines"] = sum(n for n in repeats.values() if n > 1) / n_lines
    f["numeric_lines"] = sum(bool(NUMERIC_LINE.fullmatch(line)) for line in lines) / n_lines
    return {prefix + name: value for name, value in f.items()}


def text_signals(features: dict[str, float], prefix: str) -> list[str]:
    """The explicit evidence in a text's features, in words ("12 prices", "3 cart words")."""
    def count(name: str) -> int:
        return round(math.expm1(features.get(prefix + name, 0.0)))
    found = []
    for name, label in (("prices", "prices"), ("cart", "shopping words (add to cart, in stock...)"),
                        ("forum", "thread words (reply, posted by, votes...)"),
                        ("docs", "documentation words (parameters, returns, syntax...)"),
                        ("service", "service words (contact us, request a demo, pricing...)"),
                        ("listingw", "index words (read more, view all, page 2 of...)"),
                        ("dates", "dates")):
        n = count(name)
        if n >= 3:
            found.append(f"{n} {label}")
    if features.get(prefix + "code_lines", 0.0) >= 0.2:
        found.append(f"{features[prefix + 'code_lines']:.0%} code-like lines")
    if features.get(prefix + "frac_long_lines", 0.0) >= 0.2:
        found.append(f"{features[prefix + 'frac_long_lines']:.0%} lines of 30+ words (prose)")
    return found
