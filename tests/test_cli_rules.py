"""`cleaner rules check|test|list|schema`, run as real processes."""
import json
import shutil
import textwrap

import yaml

from conftest import ROOT, SEEDS, run_cli

BROKEN = textwrap.dedent("""\
    name: broken
    description: one of each problem
    colour: red
    rules:
      - id: bad-regex
        kind: drop-line
        description: d
        pattern: '(x'
        examples: [{drop: x}, {keep: y}]
      - id: fails-example
        kind: drop-line
        description: d
        pattern: '^Photos$'
        examples:
          - drop: "Video"
          - keep: "Text"
      - id: fails-example
        kind: drop-line
        description: d
        pattern: '^X$'
        examples: [{drop: X}, {keep: Y}]
    """)


def test_check_bundled_rules_passes():
    proc = run_cli("rules", "check")
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.decode().startswith("ok: ")


def test_check_reports_each_problem_with_file_line_and_rule(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    (tmp_path / "yamlerror.yaml").write_text("name: x\nrules: [\n", encoding="utf-8")
    proc = run_cli("rules", "check", str(tmp_path))
    assert proc.returncode == 2
    lines = proc.stdout.decode().splitlines()
    assert f"{path}:3: -: unknown key 'colour'; allowed: defines, description, html, match, name, page_types, rules" in lines
    assert f"{path}:8: bad-regex: 'pattern' is not a valid regex: missing ) at position 2" in lines
    assert f"{path}:15: fails-example: example fails: should drop but keeps 'Video'" in lines
    assert any(l.startswith(f"{path}:17: fails-example: duplicate rule id") for l in lines)
    assert any(l.startswith(f"{tmp_path / 'yamlerror.yaml'}:3: -: invalid YAML") for l in lines)


def test_check_reports_a_yaml_tag_and_keeps_checking_the_file(tmp_path):
    path = tmp_path / "tagged.yaml"
    path.write_text(BROKEN.replace("pattern: '^X$'", "pattern: !!python/name:os.system ''"), encoding="utf-8")
    proc = run_cli("rules", "check", str(path))
    assert proc.returncode == 2
    lines = proc.stdout.decode().splitlines()
    assert any(l.startswith(f"{path}:20: fails-example: YAML tag 'tag:yaml.org,2002:python/name:os.system' is refused")
               for l in lines), lines
    # the other problems in the file are still reported, one line each
    assert f"{path}:8: bad-regex: 'pattern' is not a valid regex: missing ) at position 2" in lines
    assert f"{path}:15: fails-example: example fails: should drop but keeps 'Video'" in lines
    assert len(lines) == 4, lines  # colour, bad regex, failing example, tag


def test_clean_refuses_the_same_broken_rules(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", str(SEEDS), "--rules", str(path), "--format", "jsonl", "-o", str(out))
    assert proc.returncode == 2 and not out.exists()
    assert f"{path}:8: bad-regex:" in proc.stderr.decode()


def test_rules_test_passes_on_seed_fixtures():
    proc = run_cli("rules", "test", str(SEEDS))
    assert proc.returncode == 0, proc.stdout.decode()
    assert proc.stdout.decode().splitlines()[-1] == "5 passed, 0 failed"


def test_rules_test_shows_diff_and_fails_then_update_fixes(tmp_path):
    fixtures = tmp_path / "fx"
    fixtures.mkdir()
    (fixtures / "a.txt").write_text("Body sentence of the article.\nPhoto: AP\n", encoding="utf-8")
    (fixtures / "a.expected.txt").write_text("Body sentence of the article.\nPhoto: AP\n", encoding="utf-8")
    (fixtures / "a.expected.json").write_text('{"language": "de"}\n', encoding="utf-8")
    (fixtures / "b.txt").write_text("No expectation yet for this one.\n", encoding="utf-8")
    proc = run_cli("rules", "test", str(fixtures))
    out = proc.stdout.decode()
    assert proc.returncode == 1
    assert "-Photo: AP" in out and "metadata 'language': expected 'de', got 'en'" in out
    assert "no b.expected.txt (run with --update to create it)" in out
    assert out.splitlines()[-1] == "0 passed, 2 failed"
    proc = run_cli("rules", "test", str(fixtures), "--update")
    assert proc.returncode == 0
    assert (fixtures / "a.expected.txt").read_text(encoding="utf-8") == "Body sentence of the article.\n"
    assert json.loads((fixtures / "a.expected.json").read_text(encoding="utf-8")) == {"language": "en"}
    assert run_cli("rules", "test", str(fixtures)).stdout.decode().splitlines()[-1] == "2 passed, 0 failed"


def test_rules_test_with_user_rules(tmp_path):
    fixtures = tmp_path / "fx"
    shutil.copytree(SEEDS, fixtures)
    rules = tmp_path / "mine.yaml"
    rules.write_text("name: mine\ndescription: d\nrules:\n  - id: drop-putin-said\n    kind: drop-line\n"
                     "    description: d\n    pattern: '^Putin said$'\n"
                     "    examples: [{drop: Putin said}, {keep: Putin spoke}]\n", encoding="utf-8")
    proc = run_cli("rules", "test", str(fixtures), "--rules", str(rules))
    assert proc.returncode == 1 and "-Putin said" in proc.stdout.decode()


def test_rules_list_for_document_says_why():
    seed = SEEDS / "004_2a0c7ec46671da55.txt"
    proc = run_cli("rules", "list", "--for", str(seed))
    out = proc.stdout.decode()
    assert "forumdaily.com  [marker ForumDaily]" in out
    assert "islamtimes.org" not in out
    assert "  forumdaily-tag-line" in out and "headers  [generic]" in out
    everything = run_cli("rules", "list").stdout.decode()
    assert "islamtimes.org  [site]" in everything


def test_rules_list_for_url_selects_by_domain(tmp_path):
    doc = tmp_path / "page.txt"
    doc.write_text("Some article text.\n", encoding="utf-8")
    out = run_cli("rules", "list", "--for", str(doc), "--url", "https://en.people.cn/n3/x.html").stdout.decode()
    assert "people.cn  [domain people.cn]" in out


def test_schema_is_json_schema_that_accepts_bundled_rules_and_rejects_typos():
    import jsonschema

    proc = run_cli("rules", "schema")
    schema = json.loads(proc.stdout)
    for path in sorted((ROOT / "rules").rglob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
    bad = {"name": "x", "description": "y", "rules": [
        {"id": "a", "kind": "drop-line", "description": "d", "patern": "x", "examples": [{"drop": "x"}, {"keep": "y"}]}]}
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("a misspelt option must not validate")


def test_clean_report_counts_lines_and_documents_per_rule(tmp_path):
    report = tmp_path / "report.json"
    proc = run_cli("clean", str(SEEDS), "--format", "jsonl", "-o", str(tmp_path / "o.jsonl"), "--report", str(report))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    by_rule = {r["rule"]: r for r in data["rules"]}
    assert data["documents"] == 5
    assert by_rule["related-block"]["documents"] == 4
    assert by_rule["machine-translation-notice"]["lines"] == 3
    assert by_rule["page-timing-footer"]["samples"] == ["1078 requests in 2,493 seconds."]
    assert by_rule["share-widget"]["lines"] == 0  # rules that hit nothing are listed too
    assert data["rules"][0]["rule"] == "related-block"  # most lines first
