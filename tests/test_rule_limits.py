"""Rule files that would run away are refused with a clear message (issue 31 item 9): a YAML alias
bomb ("billion laughs") in an unused key, a file over the size limit (a 9 MB pattern, thousands
of ordinary rules), one pattern, sub-pattern or marker over the pattern limit, a device given as
a rule file. The real command, on real files."""
import json

from cleaner.rules.limits import MAX_PATTERN_CHARS, MAX_RULE_FILE_BYTES
from conftest import run_cli

HEAD = "name: site\ndescription: d\n"
RULE = """  - id: {id}
    kind: drop-line
    description: d
    pattern: '{pattern}'
    examples: [{{drop: 'Photo: AP'}}, {{keep: 'Text of the story.'}}]
"""


def _refused(proc, *words: str) -> str:
    err = proc.stderr.decode("utf-8", "replace") + proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err
    return err


def _doc(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("Text of the story.\nPhoto: AP\n", encoding="utf-8")
    return doc


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    levels = ["a: &a ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol']"]
    for n in range(1, 9):  # 9 ** 9: 387 million strings once expanded
        levels.append(f"{chr(97 + n)}: &{chr(97 + n)} [" + ", ".join([f"*{chr(96 + n)}"] * 9) + "]")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(HEAD + "unused:\n" + "".join(f"  {level}\n" for level in levels)
                    + "rules:\n" + RULE.format(id="photo", pattern="^Photo: AP$"), encoding="utf-8")
    err = _refused(run_cli("rules", "check", str(bomb)), "bomb.yaml:5:", "YAML alias *a is refused")
    assert "write the value out" in err
    _refused(run_cli("clean", str(_doc(tmp_path)), "-r", str(bomb)), "YAML alias *a is refused")


def test_a_rule_file_over_the_size_limit_is_refused(tmp_path):
    # Ordinary rules, thousands of them (the torture run's 10 MB file had 32,000).
    big = tmp_path / "many.yaml"
    rules = "".join(RULE.format(id=f"r{i}", pattern=f"^Photo {i}: AP$") for i in range(MAX_RULE_FILE_BYTES // 150))
    big.write_text(HEAD + "rules:\n" + rules, encoding="utf-8")
    assert big.stat().st_size > MAX_RULE_FILE_BYTES
    _refused(run_cli("rules", "check", str(big)), "many.yaml", f"over the {MAX_RULE_FILE_BYTES:,}-byte limit",
             "split it into several files")
    # A 9 MB pattern of 700,000 alternatives is refused the same way, before it is compiled.
    huge = tmp_path / "alternatives.yaml"
    huge.write_text(HEAD + "rules:\n" + RULE.format(id="huge", pattern="|".join(f"w{i}" for i in range(700_000))),
                    encoding="utf-8")
    _refused(run_cli("clean", str(_doc(tmp_path)), "-r", str(huge)), "over the 1,048,576-byte limit")


def test_a_device_as_a_rule_file_is_refused_without_reading_it_whole(tmp_path):
    _refused(run_cli("rules", "check", "/dev/zero"), "/dev/zero", "limit for one rule file", "no size")


def test_one_pattern_define_or_marker_over_the_pattern_limit_is_refused(tmp_path):
    long = "|".join(f"word{i}" for i in range(MAX_PATTERN_CHARS // 8))
    assert len(long) > MAX_PATTERN_CHARS
    rules = tmp_path / "long.yaml"
    rules.write_text(HEAD + f"match:\n  markers: ['{long}']\ndefines:\n  words: '{long}'\nrules:\n"
                     + RULE.format(id="long-rule", pattern=long) + RULE.format(id="fine", pattern="^Photo: AP$"),
                     encoding="utf-8")
    err = _refused(run_cli("rules", "check", str(rules)))
    assert f"long.yaml:11: long-rule: 'pattern' is {len(long):,} characters, over the {MAX_PATTERN_CHARS:,}" in err
    assert "defines.words is" in err and "a marker is" in err
    assert err.count("-character limit for one pattern") == 3  # the rule 'fine' is not one of them


def test_the_schema_says_the_pattern_limit():
    proc = run_cli("rules", "schema")
    schema = json.loads(proc.stdout)
    drop_line = next(k for k in schema["properties"]["rules"]["items"]["oneOf"] if k["title"] == "drop-line")
    assert drop_line["properties"]["pattern"]["maxLength"] == MAX_PATTERN_CHARS
    assert schema["properties"]["defines"]["additionalProperties"]["maxLength"] == MAX_PATTERN_CHARS


def test_an_anchor_without_alias_is_plain_yaml_and_loads(tmp_path):
    rules = tmp_path / "anchored.yaml"
    rules.write_text(HEAD + "rules:\n" + RULE.format(id="photo", pattern="^Photo: AP$").replace(
        "    description: d", "    description: &desc d"), encoding="utf-8")
    proc = run_cli("rules", "check", str(rules))
    assert proc.returncode == 0, proc.stderr
