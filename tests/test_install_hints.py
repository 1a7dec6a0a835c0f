"""Every install hint names the real distribution and an extra that exists, and works from a checkout too.

The distribution is `cleaner-text` (pyproject.toml): `cleaner` on the public package index is an
unrelated project, so a hint saying `pip install 'cleaner[parquet]'` installs that one in a fresh
environment. These tests read the hints where users meet them: the messages the code prints, the
help texts and the docs.
"""

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DISTRIBUTION = PYPROJECT["project"]["name"]
EXTRAS = PYPROJECT["project"]["optional-dependencies"]

# `pip install [-e] ['"]TARGET[EXTRAS]['"]`; whitespace may include a line break (wrapped help text).
HINT = re.compile(r"pip\s+install\s+(?P<editable>-e\s+)?['\"]?(?P<target>[A-Za-z0-9_.\-]+)"
                  r"(?:\[(?P<extras>[\w,\-]+)\])?")
# How far (characters) from a registry hint its from-a-checkout twin may stand.
TWIN_WINDOW = 300


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(extra: str) -> set[str]:
    return {normalized(re.match(r"[A-Za-z0-9_.\-]+", req).group()) for req in EXTRAS[extra]}


def hint_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / ".ci" / "run"]
    for folder in ("cleaner", "tools", "benchmarks", "docs", "tests"):
        files += sorted((ROOT / folder).rglob("*.py")) + sorted((ROOT / folder).rglob("*.md"))
    return [path for path in files if path.is_file() and path.name != Path(__file__).name]


def ours(target: str) -> bool:
    """A hint that installs this project (a checkout '.' or a name like ours), not a third-party package."""
    return target.startswith(".") or normalized(target).startswith("cleaner")


def problems_in(text: str) -> list[str]:
    problems = []
    for match in HINT.finditer(text):
        target, extras = match["target"], match["extras"]
        if not ours(target):
            continue
        if not target.startswith(".") and normalized(target) != normalized(DISTRIBUTION):
            problems.append(f"{match[0]!r} installs {target!r}, not the distribution {DISTRIBUTION!r}")
            continue
        if not extras or extras.isupper():  # no extra, or a placeholder such as [EXTRA]
            continue
        unknown = [extra for extra in extras.split(",") if extra not in EXTRAS]
        if unknown:
            problems.append(f"{match[0]!r} names extras pyproject.toml does not have: {unknown}")
        if not target.startswith("."):
            near = text[max(0, match.start() - TWIN_WINDOW):match.end() + TWIN_WINDOW]
            twin = re.compile(r"pip\s+install\s+-e\s+['\"]?\.\[" + re.escape(extras) + r"\]")
            if not twin.search(near):
                problems.append(f"{match[0]!r} has no from-a-checkout form (pip install -e '.[{extras}]') beside it")
    return problems


def test_the_distribution_is_not_the_taken_name():
    assert normalized(DISTRIBUTION) == "cleaner-text"
    assert PYPROJECT["project"]["scripts"]["cleaner"] == "cleaner.cli:main"  # the command keeps its name


def test_every_install_hint_names_the_distribution_and_a_real_extra():
    problems = []
    for path in hint_files():
        problems += [f"{path.relative_to(ROOT)}: {problem}" for problem in problems_in(path.read_text("utf-8"))]
    assert not problems, "\n".join(problems)


def test_the_checker_catches_the_old_hints():
    # The scan above passing means something only if it fails on what used to be there.
    assert problems_in("needs pyarrow: pip install 'cleaner[parquet]'")
    assert problems_in("pip install cleaner")
    assert problems_in("pip install 'cleaner-text[parquet]'")  # no checkout form beside it
    assert problems_in("pip install 'cleaner-text[arrow]' (from a checkout: pip install -e '.[arrow]')")
    assert not problems_in("pip install 'cleaner-text[parquet]' (from a checkout: pip install -e '.[parquet]')")
    assert not problems_in("pip install jusText")


@pytest.mark.parametrize("message, module", [
    ("cleaner.engines.dask:INSTALL_HINT", "dask"),
    ("cleaner.io.parquet:INSTALL_HINT", "pyarrow"),
    ("cleaner.io.warc:INSTALL_HINT", "fastwarc"),
    ("cleaner.io.warc:ARC_INSTALL_HINT", "warcio"),
])
def test_each_printed_hint_installs_the_module_it_is_about(message, module):
    import importlib

    module_name, constant = message.split(":")
    text = getattr(importlib.import_module(module_name), constant)
    assert not problems_in(text), text
    registry = [m for m in HINT.finditer(text) if not m["target"].startswith(".")]
    assert registry, f"{message} gives no install command: {text!r}"
    for match in registry:
        assert module in requirement_names(match["extras"]), (text, EXTRAS[match["extras"]])


def test_reading_a_url_without_fsspec_names_the_extra_that_brings_it(monkeypatch):
    import sys

    from cleaner.io.urls import iter_url_inputs

    monkeypatch.setitem(sys.modules, "fsspec", None)  # `import fsspec` fails as on an install without it
    failure, = list(iter_url_inputs("s3://bucket/news/"))
    hint = failure.reason
    assert "pip install 'cleaner-text[dask]'" in hint and "pip install -e '.[dask]'" in hint
    assert not problems_in(hint)
    assert "fsspec" in requirement_names("dask")
