"""Folder output with --resume keeps every error record (issue 31 item 7): when a.htm fails and
a.html beside it maps to the same a.txt, a resumed run must not count the failed document as
complete (its error record lost, exit 0) nor write a.html a second time (a~3.txt). Real runs of
the command, killed (SIGKILL, the whole process group) in the middle of the folder, then resumed."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_cli, seed_inputs

CLEANER = str(Path(sys.executable).with_name("cleaner"))
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in seed_inputs()]


def _html(i: int) -> str:
    body = "".join(f"<p>{line}</p>" for line in SEED_TEXTS[i % len(SEED_TEXTS)].splitlines() if line.strip())
    return f"<html><head><title>Story {i}</title></head><body><article>{body}<p>Day {i}.</p></article></body></html>"


def build_folder(root: Path, documents: int = 120) -> None:
    """Name pairs that map to one output name, a failing one first, at the start and at the end
    of the walk, with ordinary documents between them."""
    root.mkdir()
    for stem in ("a", "zz"):
        (root / f"{stem}.htm").write_bytes(PNG)  # fails: binary content
        (root / f"{stem}.html").write_text(_html(0), encoding="utf-8")
        (root / f"{stem}.txt").write_text(SEED_TEXTS[1], encoding="utf-8")  # a third claimant of STEM.txt
    for i in range(documents):
        (root / f"m{i:03d}.txt").write_text(SEED_TEXTS[i % len(SEED_TEXTS)] + f"\nDay {i}.\n", encoding="utf-8")


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
            and not p.name.startswith(".")}


@pytest.fixture(scope="module")
def folder_and_whole_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("resume-folders")
    build_folder(base / "in")
    proc = run_cli("clean", str(base / "in"), "-f", "text", "-o", str(base / "whole"), "-e",
                   str(base / "whole-errors.jsonl"), "-q", "-w", "2")
    assert proc.returncode == 1, proc.stderr
    whole = tree_bytes(base / "whole")
    # a.htm failed but keeps its name (a.txt, never written): a.html is a~2.txt, a.txt a~3.txt.
    assert {"a~2.txt", "a~3.txt", "zz~2.txt", "zz~3.txt"} <= set(whole) and not {"a.txt", "zz.txt"} & set(whole)
    return base / "in", whole, (base / "whole-errors.jsonl").read_bytes()


def test_a_finished_run_resumed_keeps_its_error_records(folder_and_whole_run, tmp_path):
    folder, whole, whole_errors = folder_and_whole_run
    args = ["clean", str(folder), "-f", "text", "-o", str(tmp_path / "out"), "-e", str(tmp_path / "errors.jsonl"),
            "-w", "2"]
    assert run_cli(*args).returncode == 1
    proc = run_cli(*args, "--resume")
    assert proc.returncode == 1, proc.stderr
    assert b"a.htm: binary content" in proc.stderr and b"zz.htm: binary content" in proc.stderr
    assert tree_bytes(tmp_path / "out") == whole
    assert (tmp_path / "errors.jsonl").read_bytes() == whole_errors


@pytest.mark.parametrize("kill_after", [10, 60])
def test_a_killed_run_resumed_gives_the_whole_runs_files_and_errors(folder_and_whole_run, tmp_path, kill_after):
    folder, whole, whole_errors = folder_and_whole_run
    out, errors = tmp_path / "out", tmp_path / "errors.jsonl"
    args = ["clean", str(folder), "-f", "text", "-o", str(out), "-e", str(errors), "-q", "-w", "2"]
    run = subprocess.Popen([CLEANER, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           start_new_session=True)
    deadline = time.monotonic() + 180
    while not (out.exists() and sum(1 for _ in out.glob("*.txt")) >= kill_after):
        assert run.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(timeout=60)
    written = tree_bytes(out)
    assert 0 < len(written) < len(whole)  # killed in the middle
    proc = run_cli(*args[:-3], "-w", "2", "--resume")
    assert proc.returncode == 1, proc.stderr  # a.htm and zz.htm failed, and say so again
    assert b"a.htm: binary content" in proc.stderr and b"zz.htm: binary content" in proc.stderr
    assert tree_bytes(out) == whole  # no a~4.txt: every document once, under the whole run's name
    assert errors.read_bytes() == whole_errors
