"""Each rule kind on its own, through a one-rule rule set written the way a user writes one."""
import textwrap

from cleaner import Cleaner


def cleaner_with(tmp_path, rule_yaml):
    (tmp_path / "r.yaml").write_text("name: t\ndescription: t\nrules:\n" + textwrap.indent(
        textwrap.dedent(rule_yaml), "  "), encoding="utf-8")
    return Cleaner(rules=[tmp_path], use_default_rules=False)


def test_drop_line_respects_word_limits(tmp_path):
    c = cleaner_with(tmp_path, """\
        - id: short-photo
          kind: drop-line
          description: d
          pattern: '^Photo'
          max_words: 3
          examples: [{drop: "Photo: AP"}, {keep: "Photo agencies said the pictures were genuine."}]
        """)
    result = c.clean_text("Photo: AP\nPhoto agencies said the pictures were genuine.")
    assert result.text == "Photo agencies said the pictures were genuine."
    assert [(r.rule, r.text, r.line) for r in result.removed] == [("short-photo", "Photo: AP", 1)]


def test_strip_cuts_fragment_and_reports_it(tmp_path):
    c = cleaner_with(tmp_path, """\
        - id: agency-tag
          kind: strip
          description: d
          pattern: '\\s*\\((?:MTI|AP)\\)'
          examples: [{input: "He left (MTI)", output: "He left"}]
        """)
    result = c.clean_text("He left the room (MTI)\n(AP)")
    assert result.text == "He left the room"
    assert [(r.rule, r.text) for r in result.removed] == [("agency-tag", "(MTI)"), ("agency-tag", "(AP)")]


def test_capture_fills_metadata_and_first_value_wins(tmp_path):
    c = cleaner_with(tmp_path, """\
        - id: byline
          kind: capture
          description: d
          pattern: '^By (?P<author>[\\p{L} ]+)$'
          examples: [{input: "By Ann Lee\\nText.", output: "Text."}]
        """)
    result = c.clean_text("By Ann Lee\nText of it.\nBy Bob Roe")
    assert result.metadata["author"] == "Ann Lee"
    assert result.text == "Text of it."


def test_drop_block_stops_at_prose_and_max_lines(tmp_path):
    c = cleaner_with(tmp_path, """\
        - id: more
          kind: drop-block
          description: d
          start: '^More news$'
          max_lines: 2
          examples: [{input: "More news\\nA title\\nReal sentence of the article goes here.", output: "Real sentence of the article goes here."}]
        """)
    text = "Intro sentence of the article is here.\nMore news\nTitle one\nTitle two\nTitle three\nClosing sentence of the article is here."
    assert c.clean_text(text).text == "Intro sentence of the article is here.\nTitle three\nClosing sentence of the article is here."
    assert c.clean_text("More news\nTitle one\nThe article goes on with a sentence here.").text == \
        "The article goes on with a sentence here."


def test_title_run_only_at_the_edges_unless_anywhere(tmp_path):
    rule = """\
        - id: titles
          kind: drop-title-run
          description: d
          min_run: 3
          anywhere: {anywhere}
          examples: [{{input: "Body sentence of the article here.\\nOne two three four\\nFive six seven eight\\nNine ten eleven twelve", output: "Body sentence of the article here."}}]
        """
    text = ("The article begins with this sentence.\nSome Headline Words Here\nOther Headline Words Here\n"
            "Third Headline Words Here\nThe article ends with this sentence.")
    assert cleaner_with(tmp_path, rule.format(anywhere="false")).clean_text(text).text == text
    assert cleaner_with(tmp_path, rule.format(anywhere="true")).clean_text(text).text == \
        "The article begins with this sentence.\nThe article ends with this sentence."


def test_collapse_repeats_keeps_first_copy(tmp_path):
    c = cleaner_with(tmp_path, """\
        - id: again
          kind: collapse-repeats
          description: d
          examples: [{input: "Title of the piece\\nTitle of the piece\\nBody.", output: "Title of the piece\\nBody."}]
        """)
    result = c.clean_text("Putin Invites Biden\n\nPutin invites biden.\n\nBody text.")
    assert result.text == "Putin Invites Biden\n\nBody text."
    assert result.removed[0].line == 3


def test_disabled_rule_does_nothing(tmp_path):
    c = cleaner_with(tmp_path, """\
        - id: switched-off
          kind: drop-line
          enabled: false
          description: d
          pattern: '^Photos$'
          examples: [{drop: "Photos"}, {keep: "x"}]
        """)
    assert c.clean_text("Photos").text == "Photos"


def test_catastrophic_pattern_is_skipped_not_hung(tmp_path):
    c = cleaner_with(tmp_path, """\
        - id: slow
          kind: drop-line
          description: d
          pattern: '^(a|aa)+$'
          examples: [{drop: "aaa"}, {keep: "b"}]
        - id: fine
          kind: drop-line
          description: d
          pattern: '^Photos$'
          examples: [{drop: "Photos"}, {keep: "x"}]
        """)
    c.pattern_timeout = 0.2
    result = c.clean_text("a" * 40 + "b\nPhotos\nText.")
    assert result.text == "a" * 40 + "b\nText."
    assert result.warnings and "slow" in result.warnings[0]
