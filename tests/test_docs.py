"""The generated reference pages in docs/ match the code they are generated from."""
from __future__ import annotations

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
