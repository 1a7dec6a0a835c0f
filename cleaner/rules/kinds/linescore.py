"""A learned boilerplate-line scorer for text an extractor left: rule kind `score-lines`.

An HTML extractor (trafilatura) keeps the article but also some of what surrounds it: share and
print bars, author bios, "listen to the podcast" promos, newsletter pitches, teaser titles under
headings no rule knows. The phrase rules catch the wordings they list; this kind judges every
line that is left by what it looks like, with boosted trees (cleaner/trees.py's JSON, trained by
tools/train_boilerplate_lines.py on both development sets, cross-validated by site) reading:

- the line itself: length, stopword share, how it ends (a sentence, a colon, an ellipsis, a
  question), separators ("a | b | c"), links, digits, capitals, a label ("Tags: ..."), a price,
  a date; and its words, through a table of word evidence learned with the trees (each word's
  log-odds of standing in a boilerplate line: "subscribe", "share", "podcast" high; "however"
  low), counted only for words that many sites use;
- its neighbours (two each side): their length, stopwords, sentence ending and word evidence;
- its place in the document: how far it is from the start and the end, from the nearest line of
  prose before and after it, whether it lies after the last prose line (where bios, share bars
  and related lists sit), how long a run of short lines it is part of, how often the document
  prints it;
- the document's page type when the pipeline trusts it (an article's short lines are mostly
  chrome, a listing's are its items).

A line is dropped when the trees' probability that it is boilerplate is at least the rule's
`threshold`. The scorer runs after every other kind, on the lines they left, and again on what
is left after its own removals until nothing changes (features read the neighbours, which move
up when a line goes): so cleaning the output again removes nothing more. It never judges a line
longer than `max_words` (a paragraph of prose is the article's, whatever its words), never
empties a document, and leaves full-page dumps to main-content, whose trees judged their lines.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, Sequence

import regex

from cleaner.document import PAGE_TYPES, Line
from cleaner.fullpage.features import flag_distances
from cleaner.fullpage.maincontent import MEMO_KEY as DUMP_MEMO_KEY  # main-content's verdict on the document
from cleaner.rules.kinds.base import Context, Rule, RuleDataError, Settings, kept_lines, setting
from cleaner.text.stats import ends_like_sentence, word_count
from cleaner.text.stoplists import text_stoplist
from cleaner.trees import BoostedTrees, ModelError

_TOKEN = regex.compile(r"\w+")
_LETTERS = regex.compile(r"\p{L}+")
_UPPER = regex.compile(r"\p{Lu}")
_LETTER = regex.compile(r"\p{L}")
_DIGIT = regex.compile(r"\d")
_PIPE = regex.compile(r"\s\|\s|\|")
_SEPARATOR = regex.compile(r"\s[•·»›/>–-]\s")
_LINK = regex.compile(r"https?://|www\.\S+|\S+@\S+\.\w{2,}|\b[\w-]+\.(?:com|org|net|co|io|info)\b", regex.IGNORECASE)
_BULLET = regex.compile(r"^\s*[-–•*·▪►]\s")
_LABEL = regex.compile(r"^[^:.!?]{1,30}:\s*\S")
_COPYRIGHT = regex.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b", regex.IGNORECASE)
_TIME_OR_DATE = regex.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|\b(?:19|20)\d{2}\b")
_PRICE = regex.compile(r"[$€£¥₹]\s?\d|\d[\d.,]*\s?[$€£¥₹]")
_QUOTE_START = regex.compile(r"^\s*[\"“”„«»']")
_DIGIT_RUN = regex.compile(r"\d+")

_FAR = 30  # distances (in lines) beyond this count as this
_SHORT_TOKENS = 8  # a line of at most this many tokens is short (a title, a label, a link)
_STRONG = 1.5  # word evidence this high (log-odds) is a strong sign of boilerplate
_STEPS = (-2, -1, 1, 2)
_NEIGHBOUR = ("len", "sw", "sent", "ev")

# The feature names, in the order rows hold them; a model names the ones it reads (any of these).
FEATURES: tuple[str, ...] = (
    "len", "tokens", "word_len", "sw", "sent", "colon", "ellipsis", "question", "pipes", "seps", "link",
    "digits", "upper", "capitalised", "bullet", "label", "copyright", "date", "price", "quote", "paren",
    "ev_max", "ev_min", "ev_mean", "ev_first", "ev_last", "ev_known", "ev_strong",
    "repeat", "shape_repeat",
    *(f"{name}{step:+d}" for step in _STEPS for name in _NEIGHBOUR),
    "rel", "from_start", "from_end", "n_lines", "prose_back", "prose_ahead", "before_prose", "after_prose",
    "words_before", "short_run", "doc_tokens", "doc_prose", "doc_mean_tokens",
    *(f"type_{name}" for name in PAGE_TYPES),
)
_INDEX = {name: i for i, name in enumerate(FEATURES)}


def _clip(value: int) -> float:
    return min(_FAR, max(0, value)) / _FAR


def evidence_words(text: str) -> list[str]:
    """The words of a line as the word-evidence table knows them (casefolded letter runs), in order."""
    return [word.casefold() for word in _LETTERS.findall(text)]


@dataclass
class _Basic:
    """What each line's neighbours need of it (computed for every kept line)."""

    length: float  # log of characters
    tokens: int
    stopwords: float
    sentence: bool
    evidence: float  # mean word evidence
    prose: bool


def _is_prose(tokens: int, sentence: bool) -> bool:
    return tokens >= 20 or (tokens >= 12 and sentence)


def line_rows(texts: Sequence[str], stopwords: frozenset[str], evidence: dict[str, float],
              page_type: str | None, wanted: Sequence[int] | None = None) -> list[list[float]]:
    """One row of FEATURES per line of `texts` (the document's kept, non-blank lines, in order), or
    only for the lines at `wanted`. `evidence` is the model's word table."""
    n = len(texts)
    basics: list[_Basic] = []
    words_of: list[list[str]] = []
    tokens_of: list[int] = []
    for text in texts:
        tokens = len(_TOKEN.findall(text))
        words = evidence_words(text)
        known = [evidence[w] for w in words if w in evidence]
        sentence = ends_like_sentence(text.strip())
        basics.append(_Basic(math.log1p(len(text)), tokens,
                             sum(w in stopwords for w in words) / len(words) if words else 0.0, sentence,
                             math.fsum(known) / len(known) if known else 0.0, _is_prose(tokens, sentence)))
        words_of.append(words)
        tokens_of.append(tokens)
    prose = [b.prose for b in basics]
    prose_back, prose_ahead = flag_distances(prose, _FAR)
    first_prose = prose.index(True) if any(prose) else n
    last_prose = n - 1 - prose[::-1].index(True) if any(prose) else -1
    short_run = [0] * n
    i = 0
    while i < n:
        if tokens_of[i] <= _SHORT_TOKENS:
            j = i
            while j < n and tokens_of[j] <= _SHORT_TOKENS:
                j += 1
            short_run[i:j] = [j - i] * (j - i)
            i = j
        else:
            i += 1
    counts = Counter(text.strip().casefold() for text in texts)
    shapes = Counter(_DIGIT_RUN.sub("0", text.strip().casefold()) for text in texts)
    total_tokens = sum(tokens_of) or 1
    tokens_before, running = [], 0
    for t in tokens_of:
        tokens_before.append(running / total_tokens)
        running += t
    doc = (math.log1p(total_tokens), sum(prose) / max(1, n), math.log1p(total_tokens / max(1, n)))
    types = [float(page_type == name) for name in PAGE_TYPES]
    rows = []
    for i in (range(n) if wanted is None else wanted):
        text = texts[i].strip()
        b, words = basics[i], words_of[i]
        known = sorted(evidence[w] for w in words if w in evidence)
        letters = len(_LETTER.findall(text))
        alpha = [w for w in _LETTERS.findall(text)]
        row = [
            b.length, math.log1p(b.tokens), sum(map(len, words)) / len(words) if words else 0.0, b.stopwords,
            float(b.sentence), float(text.endswith(":")), float(text.endswith(("...", "…"))),
            float(text.endswith("?")), float(min(5, len(_PIPE.findall(text)))),
            float(min(5, len(_SEPARATOR.findall(text)))), float(bool(_LINK.search(text))),
            len(_DIGIT.findall(text)) / max(1, len(text)), len(_UPPER.findall(text)) / max(1, letters),
            sum(w[0].isupper() for w in alpha) / len(alpha) if alpha else 0.0,
            float(bool(_BULLET.search(text))), float(bool(_LABEL.search(text))),
            float(bool(_COPYRIGHT.search(text))), float(bool(_TIME_OR_DATE.search(text))),
            float(bool(_PRICE.search(text))), float(bool(_QUOTE_START.search(text))),
            float("(" in text or "[" in text),
            known[-1] if known else 0.0, known[0] if known else 0.0, b.evidence,
            evidence.get(words[0], 0.0) if words else 0.0, evidence.get(words[-1], 0.0) if words else 0.0,
            len(known) / len(words) if words else 0.0, float(sum(v >= _STRONG for v in known)),
            math.log(counts[text.casefold()]), math.log(shapes[_DIGIT_RUN.sub("0", text.casefold())]),
        ]
        for step in _STEPS:
            j = i + step
            if 0 <= j < n:
                o = basics[j]
                row += [o.length, o.stopwords, float(o.sentence), o.evidence]
            else:
                row += [0.0, 0.0, 0.0, 0.0]
        row += [
            i / max(1, n - 1), _clip(i), _clip(n - 1 - i), math.log1p(n),
            prose_back[i] / _FAR, prose_ahead[i] / _FAR, float(i < first_prose), float(i > last_prose),
            tokens_before[i], math.log1p(short_run[i]), *doc, *types,
        ]
        rows.append(row)
    return rows


class ScorerModelError(RuleDataError):
    """The scorer's model file cannot be used; the message names the file and what is wrong."""


class LineScorer:
    """The trees and word table of a model file, evaluated on rows in FEATURES order."""

    def __init__(self, trees: BoostedTrees, evidence: dict[str, float]):
        unknown = sorted(set(trees.features) - set(FEATURES))
        if unknown:
            raise ScorerModelError(f"{trees.source}: the model reads features this version does not compute: "
                                   f"{', '.join(unknown)}; retrain it with tools/train_boilerplate_lines.py")
        if len(trees.classes) != 2:
            raise ScorerModelError(f"{trees.source}: the model must have two classes (content, boilerplate)")
        self.source = trees.source
        self.evidence = evidence
        # Each node's feature index mapped onto FEATURES once, so a row needs no names.
        columns = [_INDEX[name] for name in trees.features]
        self.init = trees.init[0]
        self.trees = [[(columns[f] if f >= 0 else -1, t, left, right, value) for f, t, left, right, value in tree]
                      for (tree,) in trees.rounds]

    def probability(self, row: Sequence[float]) -> float:
        """The probability that the line of `row` is boilerplate."""
        total = self.init
        for tree in self.trees:
            node = tree[0]
            while node[0] >= 0:
                node = tree[node[2] if row[node[0]] <= node[1] else node[3]]
            total += node[4]
        return 1.0 / (1.0 + math.exp(-total)) if total > -700 else 0.0


@lru_cache(maxsize=8)
def load_scorer(path: str) -> LineScorer:
    """The model in `path` (cleaner/trees.py's format, with a "word_evidence" table), read once per process."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        trees = BoostedTrees.from_data(data, source=path)
    except OSError as err:
        raise ScorerModelError(f"{path}: cannot read the scorer's model: {err.strerror or err}") from None
    except ValueError as err:  # ModelError, and JSON that does not parse
        message = str(err) if isinstance(err, ModelError) else f"{path}: not valid JSON ({err})"
        raise ScorerModelError(f"{message}; write the model with tools/train_boilerplate_lines.py") from None
    evidence = data.get("word_evidence", {})
    if not isinstance(evidence, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in evidence.values()):
        raise ScorerModelError(f"{path}: word_evidence must map words to numbers")
    return LineScorer(trees, {str(k): float(v) for k, v in evidence.items()})


def judged_lines(texts: Sequence[str], settings: "ScoreLinesSettings") -> list[int]:
    """The positions of the lines a rule with these settings judges (the others always stay)."""
    return [i for i, text in enumerate(texts)
            if word_count(text) <= settings.max_words and len(_TOKEN.findall(text)) >= settings.min_tokens]




@dataclass(frozen=True)
class ScoreLinesSettings(Settings):
    """The settings of `score-lines` rules."""

    model: str = setting("", required=True, path=True,
                         help="The scorer's trees and word table (JSON, path relative to the rule file), written "
                              "by tools/train_boilerplate_lines.py.")
    threshold: float = setting(0.9, help="A line is dropped when the model's probability that it is boilerplate "
                                         "is at least this.")
    min_tokens: int = setting(2, help="Only lines of at least this many word tokens are judged.")
    max_words: int = setting(60, help="Lines of more words than this are never judged (prose is the article's).")
    html_input: bool = setting(True, help="Judge text extracted from an HTML page.")
    text_input: bool = setting(True, help="Judge text given as text (an extractor's output, an article).")


class ScoreLinesRule(Rule):
    kind = "score-lines"
    phase = 6
    summary = ("Drop the lines a learned scorer (boosted trees over each line's text, its neighbours and its "
               "place in the document) judges boilerplate, in text an extractor left; full-page dumps are "
               "main-content's.")
    settings_type = ScoreLinesSettings

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.scorer = load_scorer(self.settings.model)  # resolved and checked by the rule set loader

    def apply(self, lines: list[Line], ctx: Context) -> bool:
        s = self.settings
        if not (s.html_input if ctx.from_html else s.text_input):
            return False
        verdict = ctx.memo.get(DUMP_MEMO_KEY)
        if verdict is not None and verdict.is_dump:
            return False  # main-content's trees judged every line of this page
        changed = False
        while True:  # until a pass drops nothing: the neighbours of a dropped line are judged again
            candidates = kept_lines(lines)
            texts = [line.text for line in candidates]
            wanted = judged_lines(texts, s)
            if not wanted:
                return changed
            stopwords = ctx.remember("stoplist", partial(text_stoplist, "\n".join(texts)))
            rows = line_rows(texts, stopwords, self.scorer.evidence, ctx.page_type, wanted)
            drops = []
            for i, row in zip(wanted, rows):
                p = self.scorer.probability(row)
                if p >= s.threshold:
                    drops.append((candidates[i], p))
            if not drops or len(drops) == len(candidates):
                if drops:
                    ctx.warnings.append(f"rule {self.id}: judged every line boilerplate; kept them all")
                return changed
            for line, p in drops:
                # Truncated, not rounded: p=0.895 under a threshold of 0.9 must not read as 0.90.
                ctx.notes[line.number] = (self.id, f"p={math.floor(p * 100) / 100:.2f}")
                ctx.drop(line, self.id)
            changed = True
