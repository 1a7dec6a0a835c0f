"""Make a corpus of N documents from the bundled fixtures, for trying review pages (and anything
else that wants many documents) at scale without any data outside the repository.

Each document keeps the line structure of one real fixture page (its menus, share buttons,
related lists, footers: what the rules judge) and replaces the page's prose, and its headline-like
lines, with new text of the same language, made by a word-bigram chain over the prose of all
fixture pages in that language, so no two documents repeat each other's text (a corpus of copies
would compress to nothing and say nothing about a page's size). Lines that recur across fixture
pages (a site's chrome), short lines and lines with digits (dates, counts) are kept as they are.
Prose that names a site (a bundled site rule set's marker matches it) stays out of the chain, so
a generated page does not wander to another site. The prose is stretched so the documents average
about 10 KB of text, like the trafilatura output of the 1,487 WCXB pages (9.9 KB on average).
Each document gets a URL on its fixture's site (several documents per site, so chrome is
learned). Same N and seed, same bytes.

    python tools/review_corpus.py 1000 corpus.jsonl
"""
from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PROSE_WORDS = 12  # a line of at least this many words is prose, replaced by new paragraphs
HEADLINE_WORDS = 4  # a shorter line with at least this many words is rewritten at its own length
MEAN_BYTES = 10_000
PARAGRAPH_WORDS = (40, 120)
LANGUAGES = {"de_": "de", "es_": "es", "en_": "en"}


def fixture_pages() -> list[tuple[str, str]]:
    """(name, text) of the bundled text fixtures: seed articles, full-page dumps, a site's pages,
    trafilatura outputs. Expected outputs are left out (they are the same pages, cleaned)."""
    paths = [p for folder in ("seeds", "fullpage/dumps", "fullpage/site-riverside", "fullpage/clean")
             for p in sorted((FIXTURES / folder).glob("*.txt")) if ".expected" not in p.name]
    return [(str(p.relative_to(FIXTURES)), p.read_text(encoding="utf-8")) for p in paths]


def language(name: str, text: str) -> str:
    for prefix, code in LANGUAGES.items():
        if Path(name).name.startswith(prefix):
            return code
    return "en"  # the seeds and the riverside site are English


def site(name: str) -> str:
    seed = FIXTURES / Path(name).with_suffix(".expected.json")
    if seed.exists():
        known = json.loads(seed.read_text(encoding="utf-8")).get("site")
        if known:
            return f"www.{known}"
    if "site-riverside" in name:
        return "www.riverside-gazette.example"
    stem = re.sub(r"[^a-z0-9]+", "-", Path(name).name.split(".")[0].lower()).strip("-")
    return f"www.{stem}.example"


def is_prose(line: str) -> bool:
    return len(line.split()) >= PROSE_WORDS


def is_headline(line: str, chrome: set[str]) -> bool:
    """A line to rewrite at its own length: a headline, a caption, a teaser; not a site's chrome
    (a line found on several fixture pages), not a menu entry, not a date."""
    return (HEADLINE_WORDS <= len(line.split()) < PROSE_WORDS and line not in chrome
            and not any(c.isdigit() for c in line))


def site_markers() -> list:
    from cleaner.rules.load import resolve_rulesets

    return [marker for ruleset in resolve_rulesets((), True) for marker in ruleset.markers]


class Chain:
    """A word-bigram chain: which words follow which in a language's prose."""

    def __init__(self) -> None:
        self.next: dict[str, list[str]] = defaultdict(list)
        self.starts: list[str] = []

    def learn(self, line: str) -> None:
        words = line.split()
        self.starts.append(words[0])
        for a, b in zip(words, words[1:]):
            self.next[a].append(b)

    def words(self, rng: random.Random, length: int) -> str:
        words = [rng.choice(self.starts)]
        while len(words) < length:
            followers = self.next.get(words[-1])
            words.append(rng.choice(followers) if followers else rng.choice(self.starts))
        return " ".join(words)

    def paragraph(self, rng: random.Random, length: int) -> str:
        text = self.words(rng, length)
        return text if text.endswith((".", "!", "?")) else text.rstrip(",;:") + "."


def make_corpus(count: int, seed: int = 0) -> list[dict[str, str]]:
    pages = fixture_pages()
    markers = site_markers()
    chains: dict[str, Chain] = defaultdict(Chain)
    pages_with: dict[str, set[str]] = defaultdict(set)
    for name, text in pages:
        for line in text.splitlines():
            pages_with[line].add(site(name))
            if is_prose(line) and not any(marker.search(line) for marker in markers):
                chains[language(name, text)].learn(line)
    chrome = {line for line, sites in pages_with.items() if len(sites) > 1 or
              sum(1 for _, text in pages if line in text.splitlines()) > 1}
    rng = random.Random(seed)
    documents = []
    for n in range(count):
        name, text = pages[n % len(pages)]
        chain = chains[language(name, text)]
        lines = text.splitlines()
        fixed = sum(len(line) + 1 for line in lines if not is_prose(line))
        prose_lines = [line for line in lines if is_prose(line)] or [""]
        # Document sizes spread around the mean, as real pages' do (exponential-ish, at least 2 KB).
        target = max(2_000, int(rng.expovariate(1 / (MEAN_BYTES - 2_000))) + 2_000)
        words_wanted = max(PROSE_WORDS, (target - fixed) // 7)
        per_line = max(PROSE_WORDS, words_wanted // len(prose_lines))
        out: list[str] = []
        for line in lines:
            if is_headline(line, chrome):
                out.append(chain.words(rng, len(line.split())))
                continue
            if not is_prose(line):
                out.append(line)
                continue
            left = per_line
            while left > 0:  # a long stretch of prose becomes several paragraphs
                size = min(left, rng.randint(*PARAGRAPH_WORDS))
                out.append(chain.paragraph(rng, max(size, PROSE_WORDS)))
                left -= size
        slug = re.sub(r"[^a-z0-9]+", "-", (out[0] if out else "page").lower())[:40].strip("-") or "page"
        documents.append({"id": f"doc-{n:05d}", "url": f"https://{site(name)}/{2020 + n % 5}/{slug}-{n}.html",
                          "text": "\n".join(out)})
    return documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="How many documents.")
    parser.add_argument("output", type=Path, help="The JSONL file to write ({id, url, text} per line).")
    parser.add_argument("--seed", type=int, default=0, help="Another seed gives another corpus.")
    args = parser.parse_args()
    with open(args.output, "w", encoding="utf-8") as f:
        for document in make_corpus(args.count, args.seed):
            f.write(json.dumps(document, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
