"""Golden tests for rules: NAME.txt or NAME.html (any one-document suffix a folder walk reads) beside NAME.expected.txt (the clean text) and,
optionally, NAME.expected.json (metadata; only the keys given are compared)."""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

from cleaner.io.formats import DOCUMENT_SUFFIXES, is_expectation, kind_for
from cleaner.pipeline import Cleaner

@dataclass
class FixtureResult:
    source: Path
    passed: bool
    report: str = ""  # a unified diff, or why the fixture could not run


def find_fixtures(folder: Path) -> list[Path]:
    """Input files under `folder`, sorted; expectation files are not inputs."""
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES and not is_expectation(p))


def expected_paths(source: Path) -> tuple[Path, Path]:
    stem = source.name[: -len(source.suffix)]
    return source.with_name(stem + ".expected.txt"), source.with_name(stem + ".expected.json")


def run_fixture(cleaner: Cleaner, source: Path, update: bool = False) -> FixtureResult:
    text_path, meta_path = expected_paths(source)
    try:
        result = cleaner.clean_bytes(source.read_bytes(), html=kind_for(source) == "html",
                                     path=str(source))
    except Exception as err:  # a fixture that cannot be cleaned is a failure to show, not a crash
        return FixtureResult(source, False, f"cannot clean: {type(err).__name__}: {err}")
    got = result.text + "\n"
    if update:  # the report says which expectation files were written
        written = []
        if not text_path.exists() or text_path.read_text(encoding="utf-8") != got:
            text_path.write_text(got, encoding="utf-8")
            written.append(text_path)
        if meta_path.exists():
            keys = json.loads(meta_path.read_text(encoding="utf-8"))
            fresh = json.dumps({key: result.metadata.get(key) for key in keys}, ensure_ascii=False, indent=2) + "\n"
            if meta_path.read_text(encoding="utf-8") != fresh:
                meta_path.write_text(fresh, encoding="utf-8")
                written.append(meta_path)
        return FixtureResult(source, True, f"wrote {', '.join(map(str, written))}" if written
                             else f"{text_path} unchanged")
    if not text_path.exists():
        return FixtureResult(source, False, f"no {text_path.name} (run with --update to create it)")
    report = []
    want = text_path.read_text(encoding="utf-8")
    if got != want:
        report.extend(difflib.unified_diff(want.splitlines(keepends=True), got.splitlines(keepends=True),
                                           fromfile=str(text_path), tofile=f"{source} (cleaned)"))
    if meta_path.exists():
        for key, value in json.loads(meta_path.read_text(encoding="utf-8")).items():
            if result.metadata.get(key) != value:
                report.append(f"metadata {key!r}: expected {value!r}, got {result.metadata.get(key)!r}\n")
    return FixtureResult(source, not report, "".join(report))
