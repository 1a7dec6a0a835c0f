"""A literal prefilter for rule patterns: one scan of a line finds which rules could match it, so
each rule's exact pattern runs only on the few lines that contain one of its words.

For each pattern we work out from its source a set of literal strings of which every match must
contain at least one: `\\b(?:share|tweet)\\s+this` needs "share" or "tweet", `^\\s*tags?\\s*:`
needs "tag". All rules' strings go into one Aho-Corasick automaton; scanning a line with it
gives the strings the line contains, so the rules whose requirement is met. A rule whose
requirement is not met cannot match and is not asked.

The analysis is conservative: where it meets a construct it does not model it gives up on that
part (a character class, a repeat that may be empty, a lookaround need nothing), and where it
meets one it does not know at all (V1 set syntax, fuzzy matching, a global inline flag) it gives
the pattern no requirement, so the pattern is searched on every line as before. The prefilter
can only skip searches whose answer would have been "no match"; the output is the same bytes.

Case-insensitive parts of a pattern are compared with the line folded as `fold` does, which maps
every pair of characters that the `regex` module matches case-insensitively to the same
character, from the module's own case tables (tests/test_prefilter.py checks this over every
cased character).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Union

import regex

# A requirement: (literal, folded) pairs, of which every match contains at least one; `folded`
# literals are compared with the folded line (case-insensitive parts of a pattern).
Requirement = frozenset[tuple[str, bool]]

# Case-insensitive matching in the regex module (V0, without FULLCASE) matches a character with
# each of its "cases" in the module's own Unicode tables (`get_all_cases`: I with i and ı, i with
# I and İ, ß with ẞ). Folding every character to the smallest of the characters it is connected
# to that way maps every pair the module matches to the same character, whatever Python's own
# (older or newer) Unicode tables say.
try:
    from regex import _regex as _regex_engine

    _get_all_cases = _regex_engine.get_all_cases
except (ImportError, AttributeError):  # a regex version without it: case-insensitive patterns get no prefilter
    _get_all_cases = None
_CASE_FLAGS = regex.IGNORECASE | regex.UNICODE


class _CaseClasses(dict):
    """str.translate table: each character to the representative of its case class, filled on first sight."""

    def __missing__(self, code: int) -> str:
        members = {code}
        todo = [code]
        while todo:
            for other in _get_all_cases(_CASE_FLAGS, todo.pop()):
                if other not in members:
                    members.add(other)
                    todo.append(other)
        representative = chr(min(members))
        for member in members:
            self[member] = representative
        return representative


_CASE_CLASSES = _CaseClasses()


def fold(text: str) -> str:
    """The text as case-insensitive literals are compared with it.

    >>> fold("Straße STRAẞE İstanbul istanbul")
    'STRAßE STRAßE ISTANBUL ISTANBUL'
    """
    return text.translate(_CASE_CLASSES)


# Flags that do not change which literal text a match contains (V0 is the default syntax).
_HARMLESS_FLAGS = regex.IGNORECASE | regex.VERBOSE | regex.MULTILINE | regex.DOTALL | regex.UNICODE | \
    regex.ASCII | regex.V0
_SCOPED_FLAG_LETTERS = {"i": "ignore_case", "x": "verbose", "m": None, "s": None, "u": None, "a": None}
_ASCII_WHITESPACE = " \t\n\r\f\v"
# Escapes that match one character (or a few) of a class: no literal.
_CLASS_ESCAPES = set("dDsSwWhHvVXRN")
_ZERO_WIDTH_ESCAPES = set("bBAZzGKmM")
_LITERAL_ESCAPES = {"n", "t", "r", "f", "a", "e"}  # control characters: matched as one unknown char


class _GiveUp(Exception):
    """The pattern uses a construct the analysis does not model: no requirement."""


# --- the pattern as a tree ------------------------------------------------------------------

@dataclass(frozen=True)
class _Lit:
    text: str  # one character as the pattern gives it
    folded: bool  # matched case-insensitively


@dataclass(frozen=True)
class _Any:
    """Consumes text the analysis does not know (a class, '.', a backreference) or none."""


@dataclass(frozen=True)
class _Seq:
    items: tuple


@dataclass(frozen=True)
class _Alt:
    branches: tuple


@dataclass(frozen=True)
class _Repeat:
    item: object
    at_least_once: bool


@dataclass(frozen=True)
class _Call:
    name: str


_Node = Union[_Lit, _Any, _Seq, _Alt, _Repeat, _Call]
_ANY = _Any()


class _Parser:
    """Recursive descent over a pattern of the regex module's V0 syntax."""

    def __init__(self, source: str):
        self.source = source
        self.pos = 0
        self.groups: dict[str, _Node] = {}

    def parse(self, ignore_case: bool, verbose: bool) -> _Node:
        node = self._alternation(ignore_case, verbose)
        if self.pos != len(self.source):
            raise _GiveUp("unbalanced ')'")
        return node

    def _peek(self) -> str:
        return self.source[self.pos] if self.pos < len(self.source) else ""

    def _alternation(self, ic: bool, vb: bool) -> _Node:
        branches = [self._sequence(ic, vb)]
        while self._peek() == "|":
            self.pos += 1
            branches.append(self._sequence(ic, vb))
        return branches[0] if len(branches) == 1 else _Alt(tuple(branches))

    def _sequence(self, ic: bool, vb: bool) -> _Node:
        items: list[_Node] = []
        while self.pos < len(self.source):
            char = self.source[self.pos]
            if char in "|)":
                break
            if vb and char in _ASCII_WHITESPACE:
                self.pos += 1
                items.append(_SKIPPED)  # ignored by the regex module; a run of literals is cut here
                continue
            if vb and char == "#":
                end = self.source.find("\n", self.pos)
                comment = self.source[self.pos: len(self.source) if end < 0 else end]
                if any(c in comment for c in "\r\f\v\x85\u2028\u2029"):
                    raise _GiveUp("a comment with an unusual line break")
                self.pos = len(self.source) if end < 0 else end + 1
                items.append(_SKIPPED)
                continue
            if vb and char.isspace():
                raise _GiveUp("non-ASCII white space in a verbose pattern")
            if char in "*+?{":
                while items and items[-1] is _SKIPPED:  # verbose white space before a quantifier
                    items.pop()
                if not items:
                    raise _GiveUp("a quantifier with nothing to repeat")
                minimum = self._quantifier()
                items[-1] = _Repeat(items[-1], minimum >= 1)
                continue
            items.append(self._atom(ic, vb))
        return _Seq(tuple(items))

    def _quantifier(self) -> int:
        """Reads a quantifier (and its lazy or possessive mark); returns its minimum."""
        char = self.source[self.pos]
        if char == "{":
            match = regex.compile(r"\{(\d*)(?:(,)(\d*))?\}").match(self.source, self.pos)
            if not match or not (match.group(1) or match.group(3)):
                raise _GiveUp("'{' that is not a plain repeat count")
            self.pos = match.end()
            minimum = int(match.group(1) or 0)
        else:
            self.pos += 1
            minimum = 1 if char == "+" else 0
        if self._peek() in ("?", "+"):
            self.pos += 1
        if self._peek() and self._peek() in "*+?{":
            raise _GiveUp("a repeated quantifier")
        return minimum

    def _atom(self, ic: bool, vb: bool) -> _Node:
        char = self.source[self.pos]
        if char == "(":
            return self._group(ic, vb)
        if char == "[":
            return self._class(ic)
        if char == "\\":
            return self._escape(ic)
        if char in ".":
            self.pos += 1
            return _ANY
        if char in "^$":
            self.pos += 1
            return _ANY_BREAK
        if char in "]}":
            raise _GiveUp(f"a bare {char!r}")
        self.pos += 1
        return _Lit(char, ic)

    def _escape(self, ic: bool) -> _Node:
        if self.pos + 1 >= len(self.source):
            raise _GiveUp("a trailing backslash")
        char = self.source[self.pos + 1]
        self.pos += 2
        if char.isdigit():
            while self._peek().isdigit():  # a backreference or an octal escape: all its digits
                self.pos += 1
            return _ANY
        if char in "pP":
            if self._peek() == "{":
                end = self.source.find("}", self.pos)
                if end < 0:
                    raise _GiveUp("unclosed \\p{")
                self.pos = end + 1
            else:
                self.pos += 1
            return _ANY
        if char in _CLASS_ESCAPES:
            if char == "N" and self._peek() == "{":
                end = self.source.find("}", self.pos)
                if end < 0:
                    raise _GiveUp("unclosed \\N{")
                self.pos = end + 1
            return _ANY
        if char in _ZERO_WIDTH_ESCAPES:
            return _ANY_BREAK
        if char in _LITERAL_ESCAPES:
            return _ANY
        if char in "xuU":
            digits = {"x": 2, "u": 4, "U": 8}[char]
            if not regex.fullmatch(r"[0-9A-Fa-f]+", self.source[self.pos: self.pos + digits] or "-"):
                raise _GiveUp(f"\\{char} escape")
            self.pos += digits
            return _ANY
        if char == "g":
            match = regex.compile(r"<[^>]*>").match(self.source, self.pos)
            if not match:
                raise _GiveUp("\\g without <name>")
            self.pos = match.end()
            return _ANY
        if char.isascii() and not char.isalnum():
            return _Lit(char, ic)
        raise _GiveUp(f"unknown escape \\{char}")

    def _class(self, ic: bool) -> _Node:
        """A character class: one literal character when it holds exactly one, else unknown."""
        start = self.pos
        i = self.pos + 1
        negated = self.source.startswith("^", i)
        if negated:
            i += 1
        if self.source.startswith("]", i):
            i += 1
        while i < len(self.source) and self.source[i] != "]":
            if self.source[i] == "\\":
                i += 2
            elif self.source.startswith("[:", i):
                end = self.source.find(":]", i + 2)
                if end < 0:
                    raise _GiveUp("unclosed POSIX class")
                i = end + 2
            elif self.source[i] == "[":
                raise _GiveUp("a nested set")
            else:
                i += 1
        if i >= len(self.source):
            raise _GiveUp("unclosed character class")
        self.pos = i + 1
        body = self.source[start + 1: i]
        if not negated and len(body) == 1 and body not in "\\^-[":
            return _Lit(body, ic)
        return _ANY

    def _group(self, ic: bool, vb: bool) -> _Node:
        rest = self.source[self.pos:]
        if not rest.startswith("(?"):
            self.pos += 1
            return self._close(self._alternation(ic, vb))
        for opener in ("(?:", "(?>", "(?|"):
            if rest.startswith(opener):
                self.pos += len(opener)
                return self._close(self._alternation(ic, vb))
        for opener in ("(?=", "(?!", "(?<=", "(?<!"):
            if rest.startswith(opener):
                self.pos += len(opener)
                self._close(self._alternation(ic, vb))
                return _ANY_BREAK  # zero-width: whatever it looks at is not part of the match
        named = regex.compile(r"\(\?P?<([A-Za-z_]\w*)>|\(\?'([A-Za-z_]\w*)'").match(self.source, self.pos)
        if named:
            name = named.group(1) or named.group(2)
            self.pos = named.end()
            node = self._close(self._alternation(ic, vb))
            if name in self.groups:
                raise _GiveUp(f"group name {name!r} used twice")
            self.groups[name] = node
            return node
        call = regex.compile(r"\(\?(?:&|P>)([A-Za-z_]\w*)\)").match(self.source, self.pos)
        if call:
            self.pos = call.end()
            return _Call(call.group(1))
        other_call = regex.compile(r"\(\?(?:R|[+-]?\d+|P=[A-Za-z_]\w*)\)").match(self.source, self.pos)
        if other_call:
            self.pos = other_call.end()
            return _ANY
        if rest.startswith("(?#"):
            end = self.source.find(")", self.pos)
            if end < 0:
                raise _GiveUp("unclosed comment")
            self.pos = end + 1
            return _ANY_BREAK
        if rest.startswith("(?(DEFINE)"):
            self.pos += len("(?(DEFINE)")
            self._close(self._alternation(ic, vb))  # its named groups are recorded for (?&name)
            return _ANY_BREAK
        scoped = regex.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?:").match(self.source, self.pos)
        if scoped:
            on, off = scoped.group(1), scoped.group(2) or ""
            if any(letter not in _SCOPED_FLAG_LETTERS for letter in on + off):
                raise _GiveUp("a scoped flag the analysis does not model")
            self.pos = scoped.end()
            new_ic = (ic or "i" in on) and "i" not in off
            new_vb = (vb or "x" in on) and "x" not in off
            return self._close(self._alternation(new_ic, new_vb))
        raise _GiveUp("an inline flag or group kind the analysis does not model")

    def _close(self, node: _Node) -> _Node:
        if self._peek() != ")":
            raise _GiveUp("unclosed group")
        self.pos += 1
        return node


# Zero-width things (anchors, lookarounds) and what a verbose pattern ignores (white space,
# comments): they need no text, and a run of literal characters is cut there (cutting a run is
# always safe: each piece is still required).
_ANY_BREAK = _Any()
_SKIPPED = _Any()


def _best(candidates: list[Requirement]) -> Requirement | None:
    """The most selective requirement: the one whose shortest literal is longest, then the
    one with the fewest literals."""
    if not candidates:
        return None
    return max(candidates, key=lambda req: (min(len(text) for text, _ in req), -len(req)))


def _requirement(node: _Node, groups: dict[str, _Node], calling: tuple[str, ...]) -> Requirement | None:
    """Literals of which every match of `node` contains one, or None when it needs none."""
    if isinstance(node, _Lit):
        return frozenset({(fold(node.text) if node.folded else node.text, node.folded)})
    if isinstance(node, _Any):
        return None
    if isinstance(node, _Repeat):
        return _requirement(node.item, groups, calling) if node.at_least_once else None
    if isinstance(node, _Call):
        if node.name not in groups or node.name in calling:
            return None  # an unknown or recursive call: nothing known
        return _requirement(groups[node.name], groups, calling + (node.name,))
    if isinstance(node, _Alt):
        union: set[tuple[str, bool]] = set()
        for branch in node.branches:
            needed = _requirement(branch, groups, calling)
            if needed is None:
                return None
            union |= needed
        return frozenset(union)
    assert isinstance(node, _Seq)
    candidates: list[Requirement] = []
    run: list[str] = []
    run_folded = False

    def end_run() -> None:
        if run:
            text = "".join(run)
            candidates.append(frozenset({(fold(text) if run_folded else text, run_folded)}))
            run.clear()

    for item in node.items:
        if isinstance(item, _Lit):
            if run and item.folded != run_folded:
                end_run()
            run_folded = item.folded
            run.append(item.text)
            continue
        end_run()
        needed = _requirement(item, groups, calling)
        if needed is not None:
            candidates.append(needed)
    end_run()
    return _best(candidates)


def required_literals(pattern: regex.Pattern[str]) -> Requirement | None:
    """Literal strings of which every match of the compiled pattern contains at least one, or
    None when no such set is known (then the pattern has to be searched on every line).

    >>> sorted(required_literals(regex.compile(r"^\\s*(?:tags?|topics?)\\s*:", regex.I)))
    [('TAG', True), ('TOPIC', True)]
    >>> required_literals(regex.compile(r"^\\s*[-|•]{1,3}\\s*$")) is None
    True
    """
    if pattern.flags & ~_HARMLESS_FLAGS:
        return None
    if _get_all_cases is None and (pattern.flags & regex.IGNORECASE or "(?i" in pattern.pattern):
        return None
    parser = _Parser(pattern.pattern)
    try:
        tree = parser.parse(bool(pattern.flags & regex.IGNORECASE), bool(pattern.flags & regex.VERBOSE))
        needed = _requirement(tree, parser.groups, ())
    except (_GiveUp, RecursionError):
        return None
    if needed is None or any(not text for text, _ in needed):
        return None
    return needed


class LiteralPrefilter:
    """Which of many patterns could match a text, from one scan of the text.

    Built from (key, compiled pattern) pairs; `candidates(text)` is the set of keys whose pattern
    may match `text`: those with no known requirement, and those whose literals the text holds.
    Results are remembered per text (a document's lines are asked about by many rules, and in
    several passes).
    """

    def __init__(self, patterns: Iterable[tuple[Hashable, regex.Pattern[str]]]):
        import ahocorasick  # only needed once rules are applied

        self.always: set[Hashable] = set()
        by_literal: dict[tuple[str, bool], set[Hashable]] = {}
        self.keys: set[Hashable] = set()
        for key, pattern in patterns:
            self.keys.add(key)
            needed = required_literals(pattern)
            if needed is None:
                self.always.add(key)
                continue
            for literal in needed:
                by_literal.setdefault(literal, set()).add(key)
        self.automata: dict[bool, object] = {}
        for folded in (False, True):
            literals = {text: frozenset(keys) for (text, f), keys in by_literal.items() if f == folded}
            if not literals:
                continue
            automaton = ahocorasick.Automaton()
            for text, keys in literals.items():
                automaton.add_word(text, keys)
            automaton.make_automaton()
            self.automata[folded] = automaton
        self._always = frozenset(self.always)
        self._seen: dict[str, frozenset[Hashable]] = {}

    def may_match(self, key: Hashable, text: str) -> bool:
        """False only when the pattern of `key` cannot match `text` (a key the prefilter was not
        built with may always match)."""
        return key not in self.keys or key in self.candidates(text)

    def candidates(self, text: str) -> frozenset[Hashable]:
        found = self._seen.get(text)
        if found is not None:
            return found
        keys = set(self._always)
        for folded, automaton in self.automata.items():
            for _, matched in automaton.iter(fold(text) if folded else text):
                keys |= matched
        found = frozenset(keys)
        if len(self._seen) > 50_000:  # bounded: a long batch must not grow it without end
            self._seen.clear()
        self._seen[text] = found
        return found
