"""The package's layout holds: every module imports on its own, and no module imports one that
imports it back (directly or through others), whether the import is at the top of the module or
inside a function."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cleaner"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(module_name(p) for p in PACKAGE.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """The cleaner modules `path` imports, anywhere in it (relative imports resolved)."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # `from pkg import mod` imports the module pkg.mod; `from pkg import name` the package.
            # (Importing a module also runs its parent packages' __init__; that implied edge is
            # not counted, so a package may re-export its modules.)
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                     for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in MODULES)
    found.discard(here)
    return found


def test_modules_are_found():
    assert "cleaner.pipeline" in MODULES and len(MODULES) > 20


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_on_its_own(module):
    """Each module imports first thing in a fresh interpreter (no reliance on import order)."""
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_no_import_cycles():
    graph = {module_name(p): imported_modules(p) for p in PACKAGE.rglob("*.py")}
    # A package's __init__ re-exporting its modules is not a cycle when they import siblings only.
    cycles = []
    for start in graph:
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    cycles.append(" -> ".join(trail + [start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, trail + [nxt]))
    assert not cycles, "import cycles:\n" + "\n".join(sorted(set(cycles))[:20])
