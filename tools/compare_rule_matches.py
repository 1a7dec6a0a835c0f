"""Check that rewriting rule patterns changed nothing: compile two versions of the rule files and
compare what every changed pattern finds on every distinct line of a corpus.

    python tools/compare_rule_matches.py OLD_RULES_DIR NEW_RULES_DIR CORPUS... [--edge FILE]

Both rule folders are loaded through cleaner.rules.load.load_rulesets, so `defines`, built-in
sub-patterns and the ignore_case / verbose flags are applied exactly as at run time. A rule is
compared when its compiled pattern text or flags differ between the two versions (pattern, start
and stop alike). For each such pattern and each distinct line the script compares whether it
matches, the matched span and the named groups. A CORPUS is a .jsonl file (each record's `text`
and the `text` of its `removed` entries are read) or any other text file (read as it is); a folder
is walked for files. Exit code 1 when any line differs (the first differences are printed).

Typical use, before landing a rewrite of rules/ (OLD is a checkout of main):

    git worktree add --detach /tmp/main-rules main
    python tools/compare_rule_matches.py /tmp/main-rules/rules rules /work/data/*.jsonl fixtures
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cleaner.rules.load import load_rulesets


def corpus_lines(paths: list[str]) -> set[str]:
    """Every distinct line of the given files (JSONL: `text` and `removed[].text`)."""
    lines: set[str] = set()
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    for path in files:
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as handle:
                for row in handle:
                    record = json.loads(row)
                    texts = [record.get("text") or ""]
                    texts += [r.get("text") or "" for r in record.get("removed") or [] if isinstance(r, dict)]
                    for text in texts:
                        lines.update(text.split("\n"))
        else:
            lines.update(path.read_text(encoding="utf-8", errors="replace").split("\n"))
    return lines


def compiled_patterns(rules_dir: str) -> dict[tuple[str, str], object]:
    """(rule id, option name) -> compiled pattern, for every rule with a pattern."""
    found = {}
    for ruleset in load_rulesets([rules_dir]):
        for rule in ruleset.rules:
            for name, pattern in rule.patterns.items():
                found[(rule.id, name)] = pattern
    return found


def outcome(pattern, line: str):
    match = pattern.search(line, timeout=30)
    if match is None:
        return None
    return match.span(), match.groupdict()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old_rules", help="Folder of the rule files before the change.")
    parser.add_argument("new_rules", help="Folder of the rule files after the change.")
    parser.add_argument("corpus", nargs="+", help="Files or folders whose lines are compared.")
    args = parser.parse_args()

    old, new = compiled_patterns(args.old_rules), compiled_patterns(args.new_rules)
    if set(old) != set(new):
        print(f"rules differ: only old {sorted(set(old) - set(new))}, only new {sorted(set(new) - set(old))}")
        return 1
    changed = sorted(key for key in old if (old[key].pattern, old[key].flags) != (new[key].pattern, new[key].flags))
    lines = sorted(corpus_lines(args.corpus))
    print(f"{len(lines):,} distinct lines; {len(changed)} changed patterns: "
          + ", ".join(f"{rule_id}.{name}" for rule_id, name in changed))
    differences = 0
    for key in changed:
        matched = differ = 0
        for line in lines:
            before, after = outcome(old[key], line), outcome(new[key], line)
            matched += before is not None
            if before != after:
                differ += 1
                if differences + differ <= 20:
                    print(f"DIFF {key[0]}.{key[1]}: {line[:200]!r}\n  old {before}\n  new {after}")
        differences += differ
        print(f"{key[0]}.{key[1]}: {matched:,} lines matched before; {differ:,} lines differ")
    print(f"{differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
