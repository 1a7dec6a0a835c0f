"""Rule examples of unchanged rule files are not run again on every start: a cache keyed by the
files' contents (and the data files they read, and the cleaner's code) in the user's cache
folder; `rules check` always runs them."""
import json
import shutil
import sys
from pathlib import Path

import pytest

from cleaner.rules import examples
from cleaner.rules.examples import PassedExamples
from cleaner.rules.load import default_rules_dir, load_ruleset_file, load_rulesets, rule_files
from cleaner.rules.model import RuleError
from cleaner.usercache import CacheFile, cache_dir
from conftest import run_cli

FAILING = """name: failing
description: A rule whose example fails.
rules:
  - id: drop-read-more
    kind: drop-line
    description: Drops 'Read more'.
    pattern: '^Read more$'
    examples:
      - drop: "Read more"
      - keep: "Read more about it in the report."
      - drop: "Read more, please"
"""


@pytest.fixture()
def rules(tmp_path):
    """A copy of the bundled rules (rule files and the line model they read)."""
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder)
    return folder


@pytest.fixture()
def counted(monkeypatch):
    """The rule files whose examples actually ran."""
    ran = []
    real = examples.check_examples

    def check(ruleset):
        ran.append(Path(ruleset.file).name)
        return real(ruleset)

    monkeypatch.setattr(examples, "check_examples", check)
    return ran


def load(rules: Path, cache: Path) -> list:
    return load_rulesets([rules], passed=PassedExamples(CacheFile(PassedExamples.FILE, 1, folder=cache)))


def test_examples_run_once_then_again_only_for_an_edited_file(rules, tmp_path, counted):
    cache = tmp_path / "cache"
    files = sorted(p.name for p in rule_files([rules]))
    load(rules, cache)
    assert sorted(counted) == files
    assert len(json.loads((cache / PassedExamples.FILE).read_text())["entries"]) == len(files)
    counted.clear()
    load(rules, cache)
    assert counted == []  # nothing changed: no example runs
    related = rules / "generic" / "related.yaml"
    related.write_text(related.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    load(rules, cache)
    assert counted == ["related.yaml"]


def test_an_edited_data_file_runs_its_rule_files_examples_again(rules, tmp_path, counted):
    cache = tmp_path / "cache"
    load(rules, cache)
    counted.clear()
    model = rules / "generic" / "main-content.model.json"
    model.write_text(model.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load(rules, cache)
    assert counted == ["main-content.yaml"]


def test_failing_examples_are_never_cached_and_rules_check_ignores_the_cache(tmp_path, counted, monkeypatch):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "failing.yaml").write_text(FAILING, encoding="utf-8")
    cache = tmp_path / "cache"
    for _ in range(2):
        with pytest.raises(RuleError, match="should drop but keeps 'Read more, please'"):
            load(folder, cache)
    assert counted == ["failing.yaml", "failing.yaml"]
    # A cache that (wrongly) says the file passed: loading trusts it, `rules check` does not.
    passed = PassedExamples(CacheFile(PassedExamples.FILE, 1, folder=cache))
    ruleset = load_ruleset_file(folder / "failing.yaml", [])
    passed.entries[passed.key(ruleset)] = 1
    passed._changed = True
    passed.save()
    assert load(folder, cache)[0].name == "failing"
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(cache))
    proc = run_cli("rules", "check", str(folder))
    assert proc.returncode == 2 and b"should drop but keeps 'Read more, please'" in proc.stdout


def test_a_corrupt_or_unwritable_cache_is_ignored(rules, tmp_path, counted):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / PassedExamples.FILE).write_bytes(b'{"format": 1, "entries": {"abc": 1')  # cut short
    load(rules, cache)
    assert len(counted) == len(rule_files([rules]))
    assert json.loads((cache / PassedExamples.FILE).read_text())["format"] == 1  # replaced by a good one
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    load(rules, blocked / "cache")  # cannot be written: loads all the same


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path / "here"))
    assert cache_dir() == tmp_path / "here"
    monkeypatch.setenv("CLEANER_CACHE_DIR", "")
    assert cache_dir() is None
    monkeypatch.delenv("CLEANER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert cache_dir() == tmp_path / "xdg" / "cleaner"


def test_a_command_fills_the_cache_and_the_next_one_uses_it(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path / "cache"))
    for _ in range(2):
        proc = run_cli("clean", "-", "-q", input=b"Body of the article, one sentence.\nPhoto: AP\n")
        assert proc.returncode == 0 and proc.stdout == b"Body of the article, one sentence.\n"
    entries = json.loads((tmp_path / "cache" / PassedExamples.FILE).read_text())["entries"]
    assert len(entries) == len(rule_files([default_rules_dir()]))
