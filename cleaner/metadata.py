"""Metadata detected from the clean text: language, title, word count."""
from __future__ import annotations

import itertools
import re

from cleaner.document import Line
from cleaner.text.language import LanguageProfiles, default_profiles, probabilities
from cleaner.text.stats import word_count

# langdetect samples at random; a fixed seed makes the same text give the same answer every run.
LANGUAGE_SEED = 0
# langdetect averages several random trials (7 by default). On the 990 trafilatura-extracted
# dev-set pages, 5 trials on the sample below agree with the default detection on the whole
# text exactly as often as 7 trials do (984 of 986 pages with text) at 3/4 of the cost.
LANGUAGE_TRIALS = 5

# langdetect reads this many characters at most; a sample from the start, middle and end of a
# long document gives the same answer at a fraction of the cost. On the 986 dev-set pages with
# text (trafilatura's extraction), 800 characters agree with detection on the whole text on 984
# (1500 characters: 985; the rest are mixed-language pages) at 3/4 of the cost of 1500.
LANGUAGE_SAMPLE_CHARS = 800


# Below this many letters a document is too short to judge: it gets no language and no page type
# (null). langdetect on the first k letters of a prose passage agrees with its verdict on the
# whole page this often (400 pages each:
# python benchmarks/short_text_language.py):
#   letters        1     5    10    15    20    30    50
#   dev set      0.09  0.38  0.61  0.73  0.82  0.91  0.93
#   WCXB dev     0.07  0.28  0.51  0.70  0.82  0.93  0.99
# 20 letters (a four-word title) is where four guesses in five are right on both sets, which hold
# pages of different sites (news sites; 1,296 sites of every kind): a property of the detector, not
# of any page. The page type has the same floor: a type needs text to be read from.
MIN_JUDGED_LETTERS = 20
_LETTER = re.compile(r"[^\W\d_]")


def too_short_to_judge(text: str) -> bool:
    """True when `text` has fewer than MIN_JUDGED_LETTERS letters (the scan stops at that many).

    >>> too_short_to_judge("x"), too_short_to_judge("12345 67890 !!!"), too_short_to_judge("Biden called Putin today")
    (True, True, False)
    """
    return sum(1 for _ in itertools.islice(_LETTER.finditer(text), MIN_JUDGED_LETTERS)) < MIN_JUDGED_LETTERS


def _language_sample(text: str) -> str:
    if len(text) <= LANGUAGE_SAMPLE_CHARS:
        return text
    third = LANGUAGE_SAMPLE_CHARS // 3
    middle = len(text) // 2
    return " ".join((text[:third], text[middle - third // 2: middle + third // 2], text[-third:]))


def language_profiles() -> LanguageProfiles:
    """langdetect's language profiles, loaded once per process (text/language.py)."""
    return default_profiles()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text to tell
    (fewer than MIN_JUDGED_LETTERS letters).

    >>> detect_language("Putin said he would like to invite his counterpart to an online meeting.")
    'en'
    >>> detect_language("12345 --- !!!") is None, detect_language("x") is None
    (True, True)
    """
    if too_short_to_judge(text):
        return None
    guesses = probabilities(_language_sample(text), language_profiles(), trials=LANGUAGE_TRIALS, seed=LANGUAGE_SEED)
    if not guesses:
        return None  # no n-gram of any language in the text
    return guesses[0][0].split("-")[0]


def first_line_title(lines: list[Line], max_words: int = 20) -> str | None:
    """The first kept line, when it is short enough to be a headline."""
    for line in lines:
        if line.kept and not line.blank:
            n = word_count(line.text)
            return line.text.strip() if 1 <= n <= max_words else None
    return None
