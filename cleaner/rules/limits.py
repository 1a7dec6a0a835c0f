"""How big a rule file and one pattern may be. Rule files are hand-written data (the biggest
bundled file is 26 KB, its longest pattern 4.3 KB); past these limits a file is refused with a
message instead of costing gigabytes and minutes (a 9 MB pattern of 700,000 alternatives, a 10 MB
file of 32,000 rules, a YAML alias bomb: YAML aliases are refused by the loader)."""
from __future__ import annotations

# One rule file, in bytes: 40 times the biggest bundled one.
MAX_RULE_FILE_BYTES = 1024 * 1024
# One pattern (or sub-pattern in `defines`, or marker), in characters: 10 times the longest bundled one.
MAX_PATTERN_CHARS = 50_000


def file_too_big(size: int) -> str:
    return (f"rule file is {size:,} bytes, over the {MAX_RULE_FILE_BYTES:,}-byte limit for one rule file: "
            "split it into several files")


def pattern_too_long(what: str, length: int) -> str:
    return (f"{what} is {length:,} characters, over the {MAX_PATTERN_CHARS:,}-character limit for one pattern: "
            "split it into several rules (a long list of alternatives matches faster as a few shorter ones)")
