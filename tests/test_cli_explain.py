"""`cleaner explain` as a user runs it: on a terminal (coloured) and in a pipe (plain)."""
import json
import os
import pty
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import run_cli, seed_inputs

SEED_004 = next(p for p in seed_inputs() if p.name.startswith("004_"))

SITE_RULES = textwrap.dedent("""\
    name: example.org
    description: Example Daily, selected by its URL only.
    match: {domains: [example.org]}
    rules:
      - id: example-newsletter
        kind: drop-line
        description: The newsletter box line.
        pattern: '^Get the Example Daily newsletter\\b'
        examples:
          - drop: "Get the Example Daily newsletter every morning"
          - keep: "The newsletter was first printed in 1901."
    """)


def _explain_on_terminal(*args: str, env_extra: dict | None = None) -> str:
    """Run `cleaner explain` with its stdout on a pseudo-terminal and return what it printed."""
    exe = Path(sys.executable).with_name("cleaner")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "cleaner.cli"]
    primary, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(env_extra or {})
    proc = subprocess.Popen(command + ["explain", *args], stdout=secondary, stderr=subprocess.PIPE, env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closes when the process exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    return b"".join(chunks).decode("utf-8")


def test_dropped_lines_are_red_on_a_terminal():
    out = _explain_on_terminal(str(SEED_004))
    assert "\x1b[31m- page-timing-footer" in out
    kept = [line for line in out.splitlines() if "Biden called Putin" in line]
    assert kept and "\x1b[" not in kept[0]  # kept lines stay plain


def test_no_color_turns_colour_off_on_a_terminal():
    out = _explain_on_terminal(str(SEED_004), env_extra={"NO_COLOR": "1"})
    assert "- page-timing-footer" in out and "\x1b[" not in out


def test_url_and_rules_select_a_site_rule_set(tmp_path):
    rules = tmp_path / "example.org.yaml"
    rules.write_text(SITE_RULES, encoding="utf-8")
    doc = tmp_path / "page.txt"
    doc.write_text("Get the Example Daily newsletter every morning\nThe council voted on Tuesday to close "
                   "the bridge for repairs, officials said.\n", encoding="utf-8")
    without_url = run_cli("explain", str(doc), "--rules", str(rules), "--only-dropped")
    assert without_url.returncode == 0 and "example-newsletter" not in without_url.stdout.decode()
    with_url = run_cli("explain", str(doc), "--rules", str(rules), "--url", "https://www.example.org/a/1",
                       "--only-dropped")
    assert with_url.returncode == 0
    assert with_url.stdout.decode().splitlines() == [
        "- example-newsletter | Get the Example Daily newsletter every morning"]


def test_explain_shows_main_contents_probability_for_each_line_of_a_dump():
    dump = Path(__file__).resolve().parent.parent / "fixtures" / "fullpage" / "dumps" / "es_elheraldo.txt"
    result = run_cli("explain", str(dump))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").split("\n")
    menu = next(line for line in lines if line.endswith("| LAPRENSA"))
    lead = next(line for line in lines if line.endswith("| Los fiscales aseguran que el exlíder del cártel de Sinaloa "
                                                         "sobornó a Juan Orlando Hernández con millones de dólares"))
    assert menu.startswith("- main-content p=0.")
    assert lead.startswith("  keep (main-content p=0.")
    probability = float(lead.split("p=")[1].split(")")[0])
    assert probability >= 0.4  # the rule's keep_probability
    # A line another rule dropped carries that rule's id alone.
    assert any(line.startswith("- related-block ") and "p=" not in line.split("|")[0] for line in lines)


def test_jsonl_records_give_main_contents_probability_for_each_line_it_dropped(tmp_path):
    dump = Path(__file__).resolve().parent.parent / "fixtures" / "fullpage" / "dumps" / "es_elheraldo.txt"
    out = tmp_path / "out.jsonl"
    result = run_cli("clean", str(dump), "--format", "jsonl", "--output", str(out))
    assert result.returncode == 0, result.stderr
    removed = json.loads(out.read_text(encoding="utf-8").splitlines()[0])["removed"]
    by_main_content = [r for r in removed if r["rule"] == "main-content"]
    assert by_main_content and all(r["note"].startswith("p=0.") for r in by_main_content)
    assert all(float(r["note"][2:]) < 0.4 for r in by_main_content)  # dropped below keep_probability
    assert all("note" not in r for r in removed if r["rule"] != "main-content")
