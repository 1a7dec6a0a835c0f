"""The generated reference pages in docs/ match the code they are generated from."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generated_docs_are_current():
    # A fresh interpreter: the generator must set up typer (plain help, fixed width) before it is imported.
    result = subprocess.run([sys.executable, "tools/gen_docs.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, (
        f"{result.stderr.strip()}\n(docs/cli.md is every command's --help; run `python tools/gen_docs.py` "
        "after changing CLI help or rule-kind settings)")


DOC_FILES = [ROOT / "README.md", ROOT / "rules" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives a page's headings."""
    headings = re.findall(r"^#{1,6} (.+)$", re.sub(r"```.*?```", "", markdown, flags=re.S), flags=re.M)
    return {"".join(c for c in h.strip().lower().replace(" ", "-") if c.isalnum() or c in "-_") for h in headings}


def test_readme_is_a_front_door():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= 250, f"README.md has {lines} lines; move depth into docs/ (the README is at most 250 lines)"


def test_links_between_docs_resolve():
    broken = []
    for doc in DOC_FILES:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+://", target):
                continue
            path, _, anchor = target.partition("#")
            file = (doc.parent / path).resolve() if path else doc
            if not file.exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and file.suffix == ".md" and anchor not in _anchors(file.read_text(encoding="utf-8")):
                broken.append(f"{doc.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def test_docs_name_modules_and_files_that_exist():
    # The docs name modules (`cleaner.engines.dask`) and files (`cleaner/io/seen.py`): a rename must update them.
    import cleaner as package
    from cleaner import Cleaner

    missing = []
    for doc in DOC_FILES:
        text = doc.read_text(encoding="utf-8")
        for module in set(re.findall(r"(?<![\w.])cleaner(?:\.\w+)+", text)):
            parts = module.split(".")
            if hasattr(package, parts[1]) or hasattr(Cleaner, parts[1]):  # `cleaner.RuleError`, `cleaner.clean_text(...)`
                continue
            # some prefix must name a module or package; what follows it may be an attribute
            if not any((ROOT / Path(*parts[:n])).with_suffix(".py").exists() or (ROOT / Path(*parts[:n])).is_dir()
                       for n in range(2, len(parts) + 1)):
                missing.append(f"{doc.relative_to(ROOT)}: {module}")
        for path in set(re.findall(r"(?<![\w./-])(?:cleaner|tools|benchmarks|tests|rules|fixtures)/[\w./-]*\w", text)):
            if "NAME" not in path and not (ROOT / path).exists():
                missing.append(f"{doc.relative_to(ROOT)}: {path}")
    assert not missing, "\n".join(sorted(missing))


def test_rule_kinds_page_documents_every_kind_and_setting():
    # The page is generated, but through the schema: check it against the kinds the engine knows.
    from cleaner.rules.kinds.registry import RULE_KINDS
    from cleaner.rules.schema import rule_file_schema

    page = (ROOT / "docs" / "rule-kinds.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\S+)\n(.*?)(?=^## |\Z)", page, flags=re.M | re.S))
    accepted = {entry["title"]: entry["properties"] for entry in rule_file_schema()["properties"]["rules"]["items"]["oneOf"]}
    for kind in RULE_KINDS:
        assert kind in sections, f"docs/rule-kinds.md has no section for {kind}"
        rows = set(re.findall(r"^\| `(\w+)` \|", sections[kind], flags=re.M))
        undocumented = set(accepted[kind]) - rows - {"id", "kind", "description", "enabled", "examples"}
        assert not undocumented, f"docs/rule-kinds.md: the {kind} section does not list {sorted(undocumented)}"
