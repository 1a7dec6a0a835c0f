"""What got in a new user's way in their first hour (issue 23, points 3 and 4): no silent no-ops,
and messages that say what happened and what to do. Real commands, as a user runs them."""
import json
import re

import pytest

from conftest import run_cli, seed_inputs

SITE_RULES = """\
name: example-site
description: Chrome of example.org.
match:
  domains: [example.org]
rules:
  - id: example-newsletter
    kind: drop-line
    description: The newsletter pitch under every story.
    pattern: '^Get the Example Daily newsletter'
    examples:
      - drop: "Get the Example Daily newsletter every morning"
      - keep: "The council voted on Tuesday."
"""
ARTICLE = ("The council voted on Tuesday to close the bridge for repairs, officials said, after engineers found "
           "cracks in two of its supports during an inspection last month.")


def test_a_url_without_a_scheme_still_selects_site_rules(tmp_path):
    rules = tmp_path / "example.org.yaml"
    rules.write_text(SITE_RULES, encoding="utf-8")
    doc = tmp_path / "page.txt"
    doc.write_text(f"Get the Example Daily newsletter every morning\n{ARTICLE}\n", encoding="utf-8")
    proc = run_cli("explain", str(doc), "--rules", str(rules), "--url", "www.example.org/a/1", "--only-dropped")
    assert proc.returncode == 0
    assert proc.stdout.decode().splitlines() == ["- example-newsletter | Get the Example Daily newsletter every morning"]
    assert "--url www.example.org/a/1 has no scheme; taken as https://www.example.org/a/1" in proc.stderr.decode()
    listed = run_cli("rules", "list", "--for", str(doc), "--url", "example.org", "--rules", str(rules))
    assert "example-site  [domain example.org]" in listed.stdout.decode()
    assert run_cli("explain", str(doc), "--url", "https://").returncode == 2


def test_explain_on_a_folder_explains_each_document(tmp_path):
    for i, seed in enumerate(seed_inputs()[:2]):
        (tmp_path / f"{i}.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    proc = run_cli("explain", str(tmp_path), "--only-dropped")
    assert proc.returncode == 0
    out = proc.stdout.decode()
    assert out.startswith("==> 0.txt <==\n") and "\n\n==> 1.txt <==\n" in out
    assert re.search(r"^- \S+", out.split("==> 1.txt <==")[1], re.M)  # the second document's verdicts too
    # `rules list --for` is about one document: several are refused, not silently cut to the first.
    listed = run_cli("rules", "list", "--for", str(tmp_path))
    assert listed.returncode == 2 and b"holds several documents" in listed.stderr


def test_a_document_run_together_on_one_line_is_warned_about(tmp_path):
    joined = "Home News Sport Weather Subscribe " + " ".join([ARTICLE] * 16) + " Share this story Comments"
    proc = run_cli("clean", "-", "-f", "jsonl", input=joined.encode("utf-8"))
    assert proc.returncode == 0
    record = json.loads(proc.stdout)
    assert record["removed"] == [] and "characters on 1 line" in record["warnings"][0]
    assert b"cleaner: stdin: warning: the document is" in proc.stderr and b"keep the line breaks" in proc.stderr
    normal = run_cli("clean", str(seed_inputs()[0]), "-f", "jsonl")
    assert "warnings" not in json.loads(normal.stdout) and b"warning" not in normal.stderr


def page(i: int) -> str:
    return (f"<html><head><title>Story {i}</title></head><body><article><h1>Story number {i}</h1>"
            f"<p>{ARTICLE} This is report number {i} of the series.</p>"
            f"<p>Residents were told on day {i} to use the ferry until the work is finished next spring.</p>"
            "<p>Follow the Example Daily on Mastodon for more local stories every day.</p>"
            "</article></body></html>")


def test_rules_suggest_reads_html_pages_and_fails_when_it_finds_nothing(tmp_path):
    site = tmp_path / "example-daily"
    site.mkdir()
    for i in range(4):
        (site / f"{i}.html").write_text(page(i), encoding="utf-8")
    proc = run_cli("rules", "suggest", str(site))
    assert proc.returncode == 0, proc.stderr
    assert "Follow\\s+the\\s+Example\\s+Daily\\s+on\\s+Mastodon" in proc.stdout.decode()
    assert "from 4 documents" in proc.stdout.decode()
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "0.html").write_text(page(0), encoding="utf-8")
    few = run_cli("rules", "suggest", str(tmp_path / "one"))
    assert few.returncode == 1 and few.stdout == b""
    assert b"only 1 readable document" in few.stderr
    varied = tmp_path / "varied"
    varied.mkdir()
    for i, seed in enumerate(seed_inputs()[:4]):
        (varied / f"{i}.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    nothing = run_cli("rules", "suggest", str(varied), "--share", "1.0")
    assert nothing.returncode == 1 and nothing.stdout == b"" and b"nothing to propose" in nothing.stderr


def test_rules_check_fails_a_pattern_that_times_out_and_an_empty_folder(tmp_path):
    slow = tmp_path / "slow.yaml"
    slow.write_text("""\
name: slow
description: A pattern that backtracks without end.
rules:
  - id: slow-a
    kind: drop-line
    description: Nested repeats.
    pattern: '^(a|aa)+$'
    examples:
      - drop: "aaaa"
      - keep: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"
""", encoding="utf-8")
    proc = run_cli("rules", "check", str(slow))
    assert proc.returncode == 2
    assert f"{slow}:10: slow-a: example fails: a pattern took longer than" in proc.stdout.decode()
    (tmp_path / "empty").mkdir()
    empty = run_cli("rules", "check", str(tmp_path / "empty"))
    assert empty.returncode == 2
    assert f"{tmp_path / 'empty'}: no rule files (*.yaml, *.yml) in this folder" in empty.stdout.decode()
    assert b"ok:" not in empty.stdout


def test_rule_file_messages_say_what_to_do(tmp_path):
    quoted = tmp_path / "quoted.yaml"
    quoted.write_text(SITE_RULES.replace("pattern: '^Get the Example Daily newsletter'",
                                         'pattern: "^Get the Example Daily newsletter\\s*"'), encoding="utf-8")
    proc = run_cli("rules", "check", str(quoted))
    assert proc.returncode == 2
    assert "found unknown escape character 's'" in proc.stdout.decode()
    assert "write regexes in single quotes" in proc.stdout.decode()
    missing = run_cli("clean", "-", "--rules", str(tmp_path / "my-rulez"), input=b"text\n")
    assert missing.returncode == 2
    assert f"{tmp_path / 'my-rulez'}: no such rule file or folder" in missing.stderr.decode()
    assert ":0:" not in missing.stderr.decode()


def test_rules_test_update_names_the_files_it_wrote(tmp_path):
    (tmp_path / "page.html").write_text(page(1), encoding="utf-8")
    proc = run_cli("rules", "test", str(tmp_path), "--update")
    assert proc.returncode == 0
    assert proc.stdout.decode().splitlines()[0] == f"wrote {tmp_path / 'page.expected.txt'}"
    again = run_cli("rules", "test", str(tmp_path), "--update")
    assert again.stdout.decode().splitlines()[0] == f"{tmp_path / 'page.expected.txt'} unchanged"


def test_one_document_is_counted_in_the_singular():
    proc = run_cli("clean", str(seed_inputs()[0]))
    assert re.match(rb"1 document: 1 cleaned, 0 failed, \d+ lines? removed", proc.stderr.splitlines()[-1])


@pytest.mark.parametrize("command", [[], ["clean"], ["review"], ["explain"], ["repair"], ["rules"], ["rules", "check"],
                                     ["rules", "test"], ["rules", "list"], ["rules", "schema"],
                                     ["rules", "suggest"]])
def test_help_is_readable_at_80_columns(command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    proc = run_cli(*command, "--help")
    assert proc.returncode == 0
    text = proc.stdout.decode("utf-8")
    assert all(len(line) <= 80 for line in text.splitlines()), text
    assert "…" not in text and "<bool>" not in text and not re.search(r"<(int|float|str|path|list)", text), text
    for option in re.findall(r"^\s+(-\S+|--[\w-]+)", text, re.M):
        assert option.rstrip(",") in text  # whole option names
    if command == ["clean"]:
        assert "pip install 'cleaner-text[dask]'" in text and "pip install -e '.[dask]'" in text
        assert "--no-default-rules" in text and "--checkpoint-every N" in text
