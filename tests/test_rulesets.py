"""Loading rule files: broken ones are refused with file, line and rule id."""
import textwrap

import pytest

from cleaner import Cleaner
from cleaner.rules.load import load_rulesets
from cleaner.rules.model import RuleError


def write(tmp_path, name, body):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD_RULE = """\
  - id: {id}
    kind: drop-line
    description: Drop the word Photos.
    pattern: '^Photos$'
    examples:
      - drop: "Photos"
      - keep: "Photos of the meeting."
"""


def problems_for(tmp_path, body):
    path = write(tmp_path, "site.yaml", body)
    with pytest.raises(RuleError) as err:
        load_rulesets([path])
    return [str(p) for p in err.value.problems], str(path)


def test_good_rule_file_loads(tmp_path):
    path = write(tmp_path, "ok.yaml", "name: ok\ndescription: fine\nrules:\n" + GOOD_RULE.format(id="ok-photos"))
    [ruleset] = load_rulesets([path])
    assert [r.id for r in ruleset.rules] == ["ok-photos"]


def test_bad_regex_names_file_line_and_rule(tmp_path):
    problems, path = problems_for(tmp_path, """\
        name: bad
        description: bad regex
        rules:
          - id: broken-regex
            kind: drop-line
            description: x
            pattern: '(unclosed'
            examples: [{drop: a}, {keep: b}]
        """)
    # The line of the pattern itself, not the top of its rule.
    assert problems == [f"{path}:7: broken-regex: 'pattern' is not a valid regex: missing ) at position 9"]


def test_failing_example_is_refused(tmp_path):
    problems, path = problems_for(tmp_path, """\
        name: bad
        description: example fails
        rules:
          - id: photos-only
            kind: drop-line
            description: x
            pattern: '^Photos$'
            examples:
              - drop: "Video"
              - keep: "Photos of it"
        """)
    assert problems == [f"{path}:9: photos-only: example fails: should drop but keeps 'Video'"]


@pytest.mark.parametrize("body, expected", [
    ("name: x\ndescription: y\nrules: [\n", "invalid YAML"),
    ("name: x\ndescription: y\nrules: []\ncolour: red\n", "unknown key 'colour'"),
    ("name: x\ndescription: y\nrules:\n  - id: a\n    kind: nope\n", "unknown kind 'nope'"),
    ("name: x\ndescription: y\nrules:\n  - id: a\n    kind: drop-line\n    description: d\n    pattern: x\n    colour: 1\n"
     "    examples: [{drop: x}, {keep: y}]\n", "unknown key 'colour' for kind drop-line"),
    ("name: x\ndescription: y\nrules:\n  - id: a\n    kind: drop-line\n    description: d\n    pattern: x\n",
     "needs 'examples'"),
    ("name: x\ndescription: y\nrules:\n  - !!python/object:os.system {}\n",
     "YAML tag 'tag:yaml.org,2002:python/object:os.system' is refused"),
])
def test_broken_files_are_refused(tmp_path, body, expected):
    problems, path = problems_for(tmp_path, body)
    assert any(expected in p and p.startswith(path + ":") for p in problems), problems


def test_refused_yaml_tag_names_its_rule_and_the_rest_of_the_file_is_still_checked(tmp_path):
    problems, path = problems_for(tmp_path, """\
        name: tagged
        description: a tag and a bad regex in one file
        rules:
          - id: runs-code
            kind: drop-line
            description: !!python/object/apply:os.system ["echo owned"]
            pattern: x
            examples: [{drop: x}, {keep: y}]
          - id: broken-regex
            kind: drop-line
            description: x
            pattern: '(unclosed'
            examples: [{drop: a}, {keep: b}]
        """)
    assert problems == [
        f"{path}:6: runs-code: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is refused: "
        "rule files are plain data, they cannot construct objects",
        f"{path}:12: broken-regex: 'pattern' is not a valid regex: missing ) at position 9",
    ]


def test_problem_points_at_the_offending_key(tmp_path):
    problems, path = problems_for(tmp_path, """\
        name: typo
        description: a misspelt option
        rules:
          - id: typo-rule
            kind: drop-line
            description: x
            pattern: '^x$'
            max_word: 3
            examples: [{drop: x}, {keep: y}]
        """)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:8: typo-rule: unknown key 'max_word'")


def test_duplicate_rule_id_across_files(tmp_path):
    write(tmp_path, "a.yaml", "name: a\ndescription: a\nrules:\n" + GOOD_RULE.format(id="same-id"))
    write(tmp_path, "b.yaml", "name: b\ndescription: b\nrules:\n" + GOOD_RULE.format(id="same-id"))
    with pytest.raises(RuleError) as err:
        load_rulesets([tmp_path])
    assert any(f"b.yaml:4: same-id: duplicate rule id (also in {tmp_path / 'a.yaml'}:4)" in str(p)
               for p in err.value.problems), err.value.problems


def test_site_ruleset_selects_by_domain_path_and_marker(tmp_path):
    write(tmp_path, "site.yaml", """\
        name: example.org
        description: a site
        match:
          domains: [example.org]
          paths: ["*/example/*"]
          markers: ['Example Daily']
        rules:
          - id: example-footer
            kind: drop-line
            description: The site's footer.
            pattern: '^Example footer$'
            examples: [{drop: "Example footer"}, {keep: "An article line."}]
        """)
    cleaner = Cleaner(rules=[tmp_path], use_default_rules=False)
    text = "An article line.\nExample footer"
    assert cleaner.clean_text(text).text == text
    assert cleaner.clean_text(text, url="https://news.example.org/a").text == "An article line."
    assert cleaner.clean_text(text, path="/data/example/a.txt").metadata["site"] == "example.org"
    assert cleaner.clean_text(text + "\n(c) Example Daily").text == "An article line.\n(c) Example Daily"


def test_url_domain_is_the_site_when_no_site_ruleset_matches(cleaner):
    result = cleaner.clean_text("Some text of an article.", url="https://www.unknown-news.net/x")
    assert result.metadata["site"] == "unknown-news.net"
    assert result.metadata["url"] == "https://www.unknown-news.net/x"


@pytest.mark.parametrize("setting, value, complaint", [
    ("max_words", "'three'", "'max_words' must be int"),
    ("max_words", "2.5", "'max_words' must be int"),
    ("ignore_case", "yes please", "'ignore_case' must be bool"),
    ("pattern", "[1, 2]", "'pattern' must be str"),
])
def test_a_mistyped_setting_names_file_line_and_rule(tmp_path, setting, value, complaint):
    """Each kind's settings are typed (its settings dataclass): a value of the wrong type is a
    load problem pointing at the setting's own line."""
    body = {"pattern": "'^x$'", setting: value}
    lines = "".join(f"    {name}: {val}\n" for name, val in body.items())
    problems, path = problems_for(tmp_path, "name: typed\ndescription: typed settings\nrules:\n"
                                            "  - id: typed-rule\n    kind: drop-line\n    description: x\n"
                                            + lines + "    examples: [{drop: x}, {keep: y}]\n")
    line = 7 if setting == "pattern" else 8
    assert problems == [f"{path}:{line}: typed-rule: {complaint}"]


def test_every_kind_declares_typed_settings_with_help():
    """The one declaration per kind (a frozen dataclass) is what the loader, the schema and the
    docs read; its defaults are what a rule leaving a setting out runs."""
    import dataclasses

    from cleaner.rules.kinds.registry import RULE_KINDS

    for kind, cls in RULE_KINDS.items():
        assert dataclasses.is_dataclass(cls.settings_type) and cls.settings_type.__dataclass_params__.frozen, kind
        for name, option in cls.options.items():
            assert option.help and option.type in (bool, int, float, str), (kind, name)
            assert option.required or option.default is None or isinstance(option.default, option.type) or (
                option.type is float and isinstance(option.default, int)), (kind, name)
