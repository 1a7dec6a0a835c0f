import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# The tests (and the commands they run) keep their own cache of passed rule examples
# (cleaner/usercache.py), not the user's, and start without one.
if "CLEANER_CACHE_DIR" not in os.environ:
    os.environ["CLEANER_CACHE_DIR"] = tempfile.mkdtemp(prefix="cleaner-test-cache-")
    atexit.register(shutil.rmtree, os.environ["CLEANER_CACHE_DIR"], True)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEEDS = FIXTURES / "seeds"


def seed_inputs() -> list[Path]:
    return sorted(p for p in SEEDS.glob("*.txt") if ".expected" not in p.name)


@pytest.fixture(scope="session")
def cleaner():
    from cleaner import Cleaner

    return Cleaner()


def run_cli(*args: str, input: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real `cleaner` command in a separate process, as a user would."""
    exe = Path(sys.executable).with_name("cleaner")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "cleaner.cli"]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(command + list(args), input=input, capture_output=True, cwd=cwd, env=env, timeout=300)
