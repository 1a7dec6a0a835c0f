"""How often langdetect, on the first k letters of a prose passage, agrees with its verdict on the
whole page: the evidence for metadata.MIN_JUDGED_LETTERS (below it, no language and no page type).

For each of the first 400 full-page dumps over 2,000 characters of a set, the passage starts at
the first letter after the middle of the page and ends at its k-th letter.

    python benchmarks/short_text_language.py ../shared/data/devset/fullpage-text.jsonl.xz
    python benchmarks/short_text_language.py ../shared/data/wcxb-dev/fullpage-text.jsonl.xz
"""
from __future__ import annotations

import json
import lzma
import re
import sys

from cleaner.metadata import MIN_JUDGED_LETTERS, _language_sample
from cleaner.text.language import probabilities
from cleaner.metadata import LANGUAGE_SEED, LANGUAGE_TRIALS, language_profiles

LETTER = re.compile(r"[^\W\d_]")
PAGES = 400


def language(text: str) -> str | None:
    """detect_language without its length floor (which is what is measured here)."""
    guesses = probabilities(_language_sample(text), language_profiles(), trials=LANGUAGE_TRIALS, seed=LANGUAGE_SEED)
    return guesses[0][0].split("-")[0] if guesses else None


def main(path: str) -> None:
    texts = []
    with lzma.open(path, "rt", encoding="utf-8") as stream:
        for line in stream:
            text = json.loads(line).get("text") or ""
            if len(text) > 2000:
                texts.append(text)
            if len(texts) == PAGES:
                break
    print(f"{path}: {len(texts)} pages; the floor is {MIN_JUDGED_LETTERS} letters")
    for k in (1, 3, 5, 10, 15, 20, 30, 50):
        agree = counted = 0
        for text in texts:
            middle = text[len(text) // 2:]
            letters = list(itertools_first(LETTER.finditer(middle), k))
            whole = language(text)
            if len(letters) < k or whole is None:
                continue
            counted += 1
            agree += language(middle[letters[0].start():letters[-1].end()]) == whole
        print(f"{k:>3} letters: {agree / counted:.3f} agree ({counted} pages)")


def itertools_first(iterator, n):
    for i, item in enumerate(iterator):
        if i == n:
            return
        yield item


if __name__ == "__main__":
    main(sys.argv[1])
