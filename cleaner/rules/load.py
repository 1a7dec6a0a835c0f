"""Load rule sets from YAML, check them, and compile them once into rules.

A rule file is one rule set:

    name: forumdaily                  # unique name; a site rule set's name is the site reported
    description: ForumDaily chrome     # one line
    match:                            # omit for a generic rule set (applies to every document)
      domains: [forumdaily.com]       # the document's URL host is, or ends with, one of these
      paths: ["*forumdaily*"]         # or its file path matches one of these globs
      markers: ['ForumDaily']         # or one of these regexes occurs in its text
    defines:                          # optional named sub-patterns, used as (?&name)
      month: 'January|February'
    rules:
      - id: forumdaily-tag-line
        kind: drop-line
        description: ...
        pattern: ...
        examples:
          - drop: "a line the rule must drop"
          - keep: "a line it must keep"
          - input: "several lines"
            output: "what is left of them"

Problems are collected, not raised one by one, so a person fixing a file sees all of them;
each names the file, the line and the rule id.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import regex
import yaml
from lxml import etree

from cleaner.document import PAGE_TYPES
from cleaner.ftr.collection import looks_like_checkout
from cleaner.text.dates import MONTH_NAME_PATTERN, WEEKDAY_NAME_PATTERN
from cleaner.rules.kinds.base import Rule, RuleDataError
from cleaner.rules.examples import PassedExamples, check_examples
from cleaner.rules.model import Example, RuleError, RuleProblem, RuleSet
from cleaner.rules.kinds.registry import RULE_KINDS
from cleaner.rules.limits import MAX_PATTERN_CHARS, MAX_RULE_FILE_BYTES, file_too_big, pattern_too_long

RULESET_KEYS = {"name", "description", "match", "page_types", "defines", "html", "rules"}
HTML_KEYS = {"prune"}
MATCH_KEYS = {"domains", "paths", "markers"}
COMMON_RULE_KEYS = {"id", "kind", "description", "page_types", "examples", "enabled"}
EXAMPLE_KEYS = {"drop", "keep", "input", "output", "metadata", "page_type"}


# --- YAML with line numbers -------------------------------------------------------------

class LineDict(dict):
    """A mapping from YAML that remembers the line it started on and the line of each key,
    so a problem with one setting points at that setting, not at the top of its rule."""

    line = 0
    key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


@dataclass(frozen=True)
class RefusedTag:
    """What a YAML tag that would construct an object (!!python/...) loads as: nothing usable.
    Loading goes on so the other problems in the file are reported too."""

    tag: str
    line: int

    def message(self) -> str:
        return f"YAML tag {self.tag!r} is refused: rule files are plain data, they cannot construct objects"


def refused_tags(value: Any) -> list[RefusedTag]:
    """Every refused tag inside a loaded YAML value."""
    if isinstance(value, RefusedTag):
        return [value]
    if isinstance(value, dict):
        return [tag for item in value.values() for tag in refused_tags(item)]
    if isinstance(value, list):
        return [tag for item in value for tag in refused_tags(item)]
    return []


class _LineLoader(yaml.SafeLoader):
    """The safe loader (no object construction), recording mapping lines, refusing duplicate keys
    and aliases (*name): a "billion laughs" of nested aliases expands exponentially in whatever
    walks the loaded value, and a hand-written rule file has no need of them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"YAML alias *{event.anchor} is refused: rule files do not use aliases (&name/*name); "
                "write the value out", event.start_mark)
        return super().compose_node(parent, index)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _refuse_tag(loader: _LineLoader, node: yaml.Node) -> RefusedTag:
    # Any tag the safe loader does not know (!!python/object/apply:..., !custom) lands here.
    return RefusedTag(node.tag, node.start_mark.line + 1)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(None, _refuse_tag)


# --- loading ---------------------------------------------------------------------------

def default_rules_dir() -> Path:
    """The bundled rule sets: inside the installed package, or rules/ beside it in a checkout."""
    package = Path(__file__).resolve().parents[1]  # cleaner/
    packaged = package / "default_rules"
    if packaged.is_dir():
        return packaged
    return package.parent / "rules"


def rule_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every rule file named: a file as it is, a folder walked for *.yaml / *.yml, sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            found.append(path)
    return found


# Sub-patterns every rule may use as (?&month) and (?&weekday), in every language dates.py knows.
BUILTIN_DEFINES = {"month": MONTH_NAME_PATTERN, "weekday": WEEKDAY_NAME_PATTERN}


def _compile(pattern: str, flags: int, defines: dict[str, str]) -> regex.Pattern[str]:
    defines = {**BUILTIN_DEFINES, **defines}
    used = [name for name in defines if f"(?&{name})" in pattern]
    if used:
        groups = "".join(f"(?P<{name}>{defines[name]})" for name in used)
        pattern = f"{pattern}(?(DEFINE){groups})"
    return regex.compile(pattern, flags)


def _pattern_flags(kind: type[Rule], spec: dict) -> int:
    """The flags Rule.__init__ compiles the rule's patterns with (ignore_case, verbose)."""
    def on(name: str) -> bool:
        option = kind.options.get(name)
        return option is not None and spec.get(name, option.default) is True

    return (regex.IGNORECASE if on("ignore_case") else 0) | (regex.VERBOSE if on("verbose") else 0)


def _check_type(value: Any, expected: type | tuple[type, ...]) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, expected)


def _load_rule(spec: Any, file: str, defines: dict[str, str], problems: list[RuleProblem],
               fallback_line: int) -> tuple[Rule, list[Example]] | None:
    line = getattr(spec, "line", fallback_line)
    if not isinstance(spec, dict):
        problems.append(RuleProblem(file, line, "", "a rule must be a mapping with id, kind, description"))
        return None
    line_of = getattr(spec, "line_of", lambda key: line)
    rule_id = spec.get("id")
    if not isinstance(rule_id, str):
        problems.append(RuleProblem(file, line, str(rule_id), f"rule id must be a string, got {rule_id!r} "
                                    "(quote it: YAML reads words like off, no and yes as booleans)"))
        return None
    if not regex.fullmatch(r"[a-z0-9][a-z0-9._-]*", rule_id):
        problems.append(RuleProblem(file, line, str(rule_id or ""),
                                    "rule id must be lowercase letters, digits, '.', '_' or '-'"))
        return None
    before = len(problems)
    kind_name = spec.get("kind")
    kind = RULE_KINDS.get(kind_name)
    if kind is None:
        problems.append(RuleProblem(file, line_of("kind"), rule_id,
                                    f"unknown kind {kind_name!r}; known kinds: {', '.join(sorted(RULE_KINDS))}"))
        return None
    if not isinstance(spec.get("description"), str) or not spec["description"].strip():
        problems.append(RuleProblem(file, line, rule_id, "missing one-line description"))
    for key in spec:
        if key not in COMMON_RULE_KEYS and key not in kind.options:
            allowed = ", ".join(sorted(COMMON_RULE_KEYS | set(kind.options)))
            problems.append(RuleProblem(file, line_of(key), rule_id,
                                        f"unknown key {key!r} for kind {kind_name}; allowed: {allowed}"))
    for name, option in kind.options.items():
        if name not in spec:
            if option.required:
                problems.append(RuleProblem(file, line, rule_id, f"kind {kind_name} needs {name!r}"))
            continue
        if not _check_type(spec[name], option.type):
            problems.append(RuleProblem(file, line_of(name), rule_id,
                                        f"{name!r} must be {getattr(option.type, '__name__', option.type)}"))
        elif option.is_pattern and len(spec[name]) > MAX_PATTERN_CHARS:
            problems.append(RuleProblem(file, line_of(name), rule_id, pattern_too_long(repr(name), len(spec[name]))))
        elif option.is_pattern:
            try:
                # With the flags the rule compiles it with, so that compiling it again for the rule
                # is a hit in the regex module's cache (compiling is most of a start-up's cost).
                _compile(spec[name], _pattern_flags(kind, spec), defines)
            except regex.error as err:
                problems.append(RuleProblem(file, line_of(name), rule_id, f"{name!r} is not a valid regex: {err}"))
    if not isinstance(spec.get("enabled", True), bool):
        problems.append(RuleProblem(file, line_of("enabled"), rule_id, "'enabled' must be true or false"))
    spec = _resolve_paths(spec, kind, file, problems, line_of, rule_id)
    page_types = _page_types(spec.get("page_types"), file, line_of("page_types"), rule_id, problems)
    examples = _load_examples(spec.get("examples"), file, line, rule_id, problems)
    if len(problems) > before:
        return None
    try:
        compiled = kind(rule_id, spec["description"].strip(), spec,
                        lambda pattern, flags: _compile(pattern, flags, defines))
    except RuleDataError as err:  # a data file the rule reads (a line model) is not usable
        problems.append(RuleProblem(file, line, rule_id, str(err)))
        return None
    compiled.page_types = page_types
    return compiled, examples


def _page_types(value: Any, file: str, line: int, rule_id: str, problems: list[RuleProblem]) -> frozenset[str] | None:
    """`page_types: [article, forum]`: the page types a rule (or a whole rule set) runs on."""
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.append(RuleProblem(file, line, rule_id, f"'page_types' is a list of page types: {', '.join(PAGE_TYPES)}"))
        return None
    unknown = [v for v in value if v not in PAGE_TYPES]
    if unknown:
        problems.append(RuleProblem(file, line, rule_id, f"unknown page type {unknown[0]!r} in 'page_types'; "
                                                         f"known: {', '.join(PAGE_TYPES)}"))
        return None
    return frozenset(value)


def _resolve_paths(spec: dict, kind: type[Rule], file: str, problems: list[RuleProblem], line_of, rule_id: str) -> dict:
    """Settings naming a file are relative to the rule file's folder; a name not found there is
    looked up among the bundled generic rules (where a default, such as main-content's learned
    model, lives). A missing file is a problem."""
    resolved = dict(spec)
    for name, option in kind.options.items():
        value = spec.get(name, option.default)
        if not option.is_path or not isinstance(value, str) or not value:
            continue
        path = Path(file).parent / value
        if not path.is_file() and (default_rules_dir() / "generic" / value).is_file():
            path = default_rules_dir() / "generic" / value
        if not path.is_file():
            problems.append(RuleProblem(file, line_of(name), rule_id,
                                        f"{name!r}: no such file {str(path)!r} (the path is relative to the rule file)"))
        resolved[name] = str(path)
    return resolved


def _load_examples(raw: Any, file: str, line: int, rule_id: str, problems: list[RuleProblem]) -> list[Example]:
    if not isinstance(raw, list) or not raw:
        problems.append(RuleProblem(file, line, rule_id,
                                    "needs 'examples': a list with text it must drop and text it must keep"))
        return []
    examples = []
    for item in raw:
        item_line = getattr(item, "line", line)
        if not isinstance(item, dict) or not item or set(item) - EXAMPLE_KEYS:
            problems.append(RuleProblem(file, item_line, rule_id,
                                        "an example is {drop: TEXT}, {keep: TEXT} or {input: TEXT, output: TEXT}"))
            continue
        if ("input" in item) != ("output" in item) and not ("input" in item and "metadata" in item):
            problems.append(RuleProblem(file, item_line, rule_id, "'input' and 'output' go together"))
            continue
        if not all(isinstance(item.get(k, ""), str) for k in ("drop", "keep", "input", "output")):
            problems.append(RuleProblem(file, item_line, rule_id, "example texts must be strings"))
            continue
        if item.get("page_type") is not None and item.get("page_type") not in PAGE_TYPES:
            problems.append(RuleProblem(file, item_line, rule_id, f"unknown page_type {item.get('page_type')!r}; "
                                                                  f"known: {', '.join(PAGE_TYPES)}"))
            continue
        examples.append(Example(item_line, item.get("drop"), item.get("keep"), item.get("input"),
                                item.get("output"), item.get("metadata"), item.get("page_type")))
    removes = any(e.drop or (e.input is not None and e.output != e.input) for e in examples)
    keeps = any(e.keep or (e.output or "").strip() for e in examples)
    if examples and not (removes and keeps):
        problems.append(RuleProblem(file, line, rule_id,
                                    "examples must show both text the rule drops and text it keeps"))
    return examples


def _string_list(value: Any, key: str, file: str, line: int, problems: list[RuleProblem]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(RuleProblem(file, line, "", f"{key if '.' in key else 'match.' + key} must be a list of strings"))
        return []
    return value


def _report_refused_tags(data: LineDict, file: str, problems: list[RuleProblem]) -> None:
    """One problem per refused YAML tag, naming the rule it is in; that rule is then left out
    and a refused rule-set setting reads as missing, so the rest of the file is still checked."""
    rules = data.get("rules")
    if isinstance(rules, list):
        for index, spec in enumerate(rules):
            tags = refused_tags(spec)
            if not tags:
                continue
            rule_id = spec.get("id") if isinstance(spec, dict) else None
            for tag in tags:
                problems.append(RuleProblem(file, tag.line, rule_id if isinstance(rule_id, str) else "", tag.message()))
            rules[index] = _SKIPPED_RULE
    for key, value in list(data.items()):
        if key == "rules" and isinstance(value, list):
            continue
        tags = refused_tags(value)
        for tag in tags:
            problems.append(RuleProblem(file, tag.line, "", tag.message()))
        if tags:
            data[key] = None


# Stands in for a rule already reported (a refused YAML tag), so it is not reported again.
_SKIPPED_RULE = object()


def load_ruleset_file(path: Path, problems: list[RuleProblem]) -> RuleSet | None:
    """Load one rule file; append what is wrong with it to `problems`.

    Returns None only when the file is not a rule set at all; otherwise the rule set of the rules
    that loaded (check `problems` before using it).
    """
    file = str(path)
    try:
        with open(path, "rb") as f:  # at most the limit: a file without a size (a device) is not read without end
            raw = f.read(MAX_RULE_FILE_BYTES + 1)
            if len(raw) > MAX_RULE_FILE_BYTES:
                size = os.fstat(f.fileno()).st_size
                problems.append(RuleProblem(file, 0, "", file_too_big(size) if size > MAX_RULE_FILE_BYTES else
                                            f"rule file is over the {MAX_RULE_FILE_BYTES:,}-byte limit for one rule "
                                            "file (it has no size: a device or a pipe?)"))
                return None
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        problems.append(RuleProblem(file, 0, "", f"cannot read rule file: {err}"))
        return None
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(err, "problem", None) or str(err)
        if "escape character" in problem:
            problem += (" (in double quotes YAML reads a backslash as an escape: write regexes in single quotes, "
                        "e.g. pattern: '^Read more\\s*$')")
        problems.append(RuleProblem(file, line, "", f"invalid YAML: {problem}"))
        return None
    if not isinstance(data, dict):
        tags = refused_tags(data)
        problems.append(RuleProblem(file, tags[0].line if tags else 1, "",
                                    tags[0].message() if tags else
                                    "a rule file is a mapping with name, description and rules"))
        return None
    _report_refused_tags(data, file, problems)
    for key in data:
        if key not in RULESET_KEYS:
            problems.append(RuleProblem(file, data.line_of(key), "", f"unknown key {key!r}; allowed: {', '.join(sorted(RULESET_KEYS))}"))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(RuleProblem(file, data.line, "", "missing 'name' of the rule set"))
        name = path.stem
    if not isinstance(data.get("description"), str):
        problems.append(RuleProblem(file, data.line, "", "missing one-line 'description' of the rule set"))
    defines = data.get("defines") or {}
    if not isinstance(defines, dict) or not all(isinstance(v, str) for v in defines.values()):
        problems.append(RuleProblem(file, data.line, "", "'defines' maps names to regex strings"))
        defines = {}
    for define_name, define in list(defines.items()):
        if len(define) > MAX_PATTERN_CHARS:
            problems.append(RuleProblem(file, getattr(defines, "line_of", lambda key: data.line)(define_name), "",
                                        pattern_too_long(f"defines.{define_name}", len(define))))
            defines = {key: value for key, value in defines.items() if key != define_name}
    match = data.get("match") or {}
    if not isinstance(match, dict) or set(match) - MATCH_KEYS:
        problems.append(RuleProblem(file, getattr(match, "line", data.line), "",
                                    f"'match' takes only {', '.join(sorted(MATCH_KEYS))}"))
        match = {}
    match_line = getattr(match, "line", data.line)
    domains = [d.lower().lstrip(".") for d in _string_list(match.get("domains"), "domains", file, match_line, problems)]
    paths = _string_list(match.get("paths"), "paths", file, match_line, problems)
    markers = []
    for marker in _string_list(match.get("markers"), "markers", file, match_line, problems):
        if len(marker) > MAX_PATTERN_CHARS:
            problems.append(RuleProblem(file, match_line, "", pattern_too_long("a marker", len(marker))))
            continue
        try:
            markers.append(regex.compile(marker))
        except regex.error as err:
            problems.append(RuleProblem(file, match_line, "", f"marker {marker!r} is not a valid regex: {err}"))
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list):
        problems.append(RuleProblem(file, data.line, "", "'rules' must be a list of rules"))
        raw_rules = []
    rules: list[Rule] = []
    rule_lines: dict[str, int] = {}
    examples: dict[str, list[Example]] = {}
    for spec in raw_rules:
        if spec is _SKIPPED_RULE:
            continue
        loaded = _load_rule(spec, file, defines, problems, data.line)
        if loaded is None:
            continue
        rule, rule_examples = loaded
        if rule.id in rule_lines:
            problems.append(RuleProblem(file, spec.line, rule.id, f"duplicate rule id (first at line {rule_lines[rule.id]})"))
            continue
        rules.append(rule)
        rule_lines[rule.id] = spec.line
        examples[rule.id] = rule_examples
    # A rule set's page_types apply to each of its rules that does not name its own.
    set_page_types = _page_types(data.get("page_types"), file, data.line_of("page_types"), "", problems)
    for rule in rules:
        if rule.page_types is None:
            rule.page_types = set_page_types
    # The rules that did load are returned even when others in the file did not, so that their
    # examples can still be checked and every problem in the file reported in one go.
    prune = _load_html_section(data.get("html"), file, getattr(data.get("html"), "line", data.line), problems)
    return RuleSet(name, data.get("description") or "", file, rules, domains, paths, markers, rule_lines, examples,
                   prune, set_page_types)


def _load_html_section(section: Any, file: str, line: int, problems: list[RuleProblem]) -> list[str]:
    """`html: {prune: [XPATH, ...]}`: each expression must compile."""
    if section is None:
        return []
    if not isinstance(section, dict) or set(section) - HTML_KEYS:
        problems.append(RuleProblem(file, line, "", "'html' takes only 'prune': a list of XPath expressions"))
        return []
    xpaths = _string_list(section.get("prune"), "html.prune", file, line, problems)
    valid = []
    for xpath in xpaths:
        try:
            etree.XPath(xpath)
        except etree.XPathSyntaxError as err:
            problems.append(RuleProblem(file, line, "", f"html.prune: {xpath!r} is not a valid XPath: {err}"))
            continue
        valid.append(xpath)
    return valid


def load_rulesets(paths: Iterable[str | os.PathLike[str]], passed: PassedExamples | None = None) -> list[RuleSet]:
    """Load every rule file under `paths`; raise RuleError listing all problems if any.

    Every rule's examples are run, except, given `passed`, those of rule files whose examples
    passed before (the same file, data and cleaner: examples.PassedExamples)."""
    problems: list[RuleProblem] = []
    rulesets: list[RuleSet] = []
    # A checkout of the FiveFilters site configs among the paths is read by cleaner/ftr/, not here.
    paths = [p for p in paths if not looks_like_checkout(p)]
    for raw in paths:
        if Path(raw).is_dir() and not rule_files([raw]):
            problems.append(RuleProblem(str(raw), 0, "", "no rule files (*.yaml, *.yml) in this folder"))
    files = rule_files(paths)
    for path in files:
        if not path.exists():
            problems.append(RuleProblem(str(path), 0, "", "no such rule file or folder (check the path given)"))
            continue
        ruleset = load_ruleset_file(path, problems)
        if ruleset is not None:
            # A rule whose own examples fail is as broken as one whose regex does not compile.
            problems.extend(check_examples(ruleset) if passed is None else passed.check(ruleset))
            rulesets.append(ruleset)
    _check_unique(rulesets, problems)
    if problems:
        raise RuleError(problems)
    if passed is not None:
        passed.save()
    return rulesets


def _check_unique(rulesets: list[RuleSet], problems: list[RuleProblem]) -> None:
    seen_rules: dict[str, str] = {}
    seen_lines: dict[str, int] = {}
    seen_sets: dict[str, str] = {}
    for ruleset in rulesets:
        if ruleset.name in seen_sets:
            problems.append(RuleProblem(ruleset.file, 1, "", f"rule set name {ruleset.name!r} is also used by {seen_sets[ruleset.name]}"))
        seen_sets[ruleset.name] = ruleset.file
        for rule in ruleset.rules:
            if rule.id in seen_rules and seen_rules[rule.id] != ruleset.file:
                problems.append(RuleProblem(ruleset.file, ruleset.rule_lines[rule.id], rule.id,
                                            f"duplicate rule id (also in {seen_rules[rule.id]}:"
                                            f"{seen_lines[rule.id]}); rule ids must be unique across all rule files"))
            seen_rules.setdefault(rule.id, ruleset.file)
            seen_lines.setdefault(rule.id, ruleset.rule_lines[rule.id])


@lru_cache(maxsize=8)
def _cached_rulesets(paths: tuple[str, ...], _stamp: tuple) -> tuple[RuleSet, ...]:
    return tuple(load_rulesets(paths, passed=PassedExamples()))


def _stamp(paths: tuple[str, ...]) -> tuple:
    """What the cache is keyed on besides the paths: each rule file's size and modification time,
    so an edited rule file is loaded again."""
    stamp = []
    for path in rule_files(paths):
        try:
            st = path.stat()
            stamp.append((str(path), st.st_mtime_ns, st.st_size))
        except OSError:
            stamp.append((str(path), None, None))
    return tuple(stamp)


def resolve_rulesets(extra: Iterable[str | os.PathLike[str]] = (), use_defaults: bool = True) -> list[RuleSet]:
    """The bundled rule sets (unless turned off) followed by the user's, compiled once per process
    (again only when a rule file changes)."""
    paths = tuple(([str(default_rules_dir())] if use_defaults else []) + [os.fspath(p) for p in extra])
    return list(_cached_rulesets(paths, _stamp(paths)))
