"""The literal prefilter (cleaner/rules/prefilter.py) never hides a match: whenever a pattern matches a
line, the prefilter names the pattern as a candidate for that line. Checked on the bundled rules'
own examples, on random patterns against random lines, and on the case folding it relies on."""
from __future__ import annotations

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.rules.apply import apply_rules, kept_text, ordered_rules, split_lines
from cleaner.rules.kinds.base import Context, PatternTimeout
from cleaner.rules.load import resolve_rulesets
from cleaner.rules.prefilter import LiteralPrefilter, fold, required_literals
from conftest import seed_inputs


def literals(pattern: str, flags: int = 0):
    """The required literals, case-insensitive ones shown lower case."""
    needed = required_literals(regex.compile(pattern, flags))
    return None if needed is None else sorted(text.lower() if folded else text for text, folded in needed)


def test_what_the_analysis_requires():
    # Of the sets a sequence requires, the one whose shortest literal is longest.
    assert literals(r"\b(?:share|tweet)\s+this") == ["share", "tweet"]
    assert literals(r"\b(?:ab|tweet)\s+this") == ["this"]
    assert literals(r"^\s*tags?\s*:", regex.I) == ["tag"]
    assert literals(r"abc?d") == ["ab"]  # c is optional; the run is cut there
    assert literals(r"(?:ab){2}x") == ["ab"]
    assert literals(r"(?:ab)*x") == ["x"]
    assert literals(r"in[ ]the[ ]usa", regex.I | regex.X) == ["in the usa"]
    # Verbose white space and comments are ignored, and cut the run ("in", "the", "usa").
    assert literals("in the  # a comment\n usa", regex.X) == ["the"]
    assert literals(r"(?i:Foo)bar") in (["foo"], ["bar"])
    assert literals(r"x(?=needle)y") in (["x"], ["y"])
    assert literals(r"(?&w)\s+x(?(DEFINE)(?P<w>alpha|beta))") == ["alpha", "beta"]
    assert literals(r"STRAẞE", regex.I) == ["straße"]
    assert literals(r"Ab\.C") == ["Ab.C"]


def test_what_it_gives_up_on():
    assert literals(r"\d{4}-\d{2}") == ["-"]
    assert literals(r"^\s*[-|•]{1,3}\s*$") is None  # no literal at all
    assert literals(r"(?:foo|\d+)") is None  # one alternative needs no literal
    assert literals(r"(?i)foo") is None  # a global inline flag
    assert literals(r"(?:foo){e<=1}") is None  # fuzzy matching
    assert literals(r"foo", regex.V1) is None
    assert literals(r"(?P<x>a(?&x)?b)") in (["a"], ["b"])


def test_fold_relates_every_pair_regex_matches_ignoring_case():
    """Any two characters the regex module matches case-insensitively fold to the same text
    (both Unicode tables: Python's and the regex module's own)."""
    cased = regex.compile(r"[\p{Cased}\p{Changes_When_Casemapped}\p{Changes_When_Casefolded}]")
    candidates = [chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000]
    related = [c for c in candidates
               if cased.match(c) or c.lower() != c or c.upper() != c or c.casefold() != c or c.title() != c]
    assert len(related) > 2500
    everything = "".join(related)
    for char in related:
        for match in regex.finditer(regex.escape(char), everything, regex.IGNORECASE):
            assert fold(match.group()) == fold(char), (char, match.group())


def _prefilter(*patterns):
    return LiteralPrefilter([(index, pattern) for index, pattern in enumerate(patterns)])


def test_bundled_rules_examples_are_candidates():
    rulesets = resolve_rulesets()
    keys = [((rule, name), pattern) for rs in rulesets for rule in rs.rules for name, pattern in rule.patterns.items()]
    prefilter = LiteralPrefilter(keys)
    lines = {line for rs in rulesets for examples in rs.examples.values() for example in examples
             for text in (example.drop, example.keep, example.input, example.output) if text
             for line in text.split("\n")}
    lines |= {line for path in seed_inputs() for line in path.read_text(encoding="utf-8").split("\n")}
    checked = 0
    for line in lines:
        candidates = prefilter.candidates(line)
        for key, pattern in keys:
            if pattern.search(line):
                assert key in candidates, (key[0].id, line)
                checked += 1
    assert checked > 100


# Random patterns from a grammar of what rule files use, with literal pieces from a small
# alphabet so that random lines often contain them.
_ALPHABET = "abAB ßẞİıiI.:-/"
_atoms = st.one_of(
    st.sampled_from(list(_ALPHABET)).map(regex.escape),
    st.sampled_from([r"\s", r"\w", r"\d", ".", "[ab]", "[^a]", "[ ]", "[.]", r"\b", "^", "$", r"\p{L}"]),
)


def _combine(children):
    return st.one_of(
        st.lists(children, min_size=1, max_size=4).map("".join),
        st.lists(children, min_size=2, max_size=3).map(lambda items: "(?:" + "|".join(items) + ")"),
        st.tuples(children, st.sampled_from(["*", "+", "?", "{2}", "{0,2}", "{1,}", "+?", "*+"])).map(
            lambda pair: "(?:" + pair[0] + ")" + pair[1]),
        children.map(lambda item: "(?i:" + item + ")"),
        children.map(lambda item: "(?=" + item + ")"),
        children.map(lambda item: "(?!" + item + ")"),
    )


_patterns = st.recursive(_atoms, _combine, max_leaves=12)
_lines = st.text(alphabet=_ALPHABET + "xyzé\t", max_size=30)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(_patterns, st.sampled_from([0, regex.IGNORECASE, regex.VERBOSE, regex.IGNORECASE | regex.VERBOSE]),
       st.lists(_lines, min_size=1, max_size=20))
def test_random_patterns_never_lose_a_match(source, flags, lines):
    try:
        pattern = regex.compile(source, flags)
    except regex.error:
        return
    prefilter = _prefilter(pattern)
    for line in lines:
        if pattern.search(line):
            assert 0 in prefilter.candidates(line), (source, flags, line, required_literals(pattern))


# --- the engine: drop-line rules run line by line give what they give one by one -------------

def _one_by_one(lines, rules, ctx):
    """apply_rules as it was before drop-line rules were batched: every rule over every line."""
    from cleaner.rules.apply import MAX_PASSES

    skipped = set()
    for number in range(MAX_PASSES):
        changed = False
        rerun = number == 0 or ctx.text_changed
        ctx.text_changed = False
        for rule in rules:
            if rule.id in skipped or (rule.context_free and not rerun):
                continue
            try:
                if rule.apply(lines, ctx):
                    changed = True
            except PatternTimeout:
                skipped.add(rule.id)
        if not changed:
            return


SEED_LINES = [line for p in seed_inputs() for line in p.read_text(encoding="utf-8").split("\n")]
_documents = st.lists(st.one_of(st.sampled_from(SEED_LINES), st.text(max_size=60)), max_size=30).map("\n".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents)
def test_batched_engine_equals_rule_by_rule(cleaner, text):
    rules = ordered_rules(cleaner.rulesets)
    reference_lines, batched_lines = split_lines(text), split_lines(text)
    reference, batched = Context(), Context(prefilter=cleaner.prefilter())
    _one_by_one(reference_lines, rules, reference)
    apply_rules(batched_lines, rules, batched)
    assert kept_text(batched_lines) == kept_text(reference_lines)
    assert [line.removed_by for line in batched_lines] == [line.removed_by for line in reference_lines]
    def in_order(ctx):  # as clean_text reports them: by line, stable
        return [(r.line, r.rule, r.text) for r in sorted(ctx.removals, key=lambda r: r.line)]

    assert in_order(batched) == in_order(reference)
    assert batched.metadata == reference.metadata
