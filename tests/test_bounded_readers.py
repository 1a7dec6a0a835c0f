"""Every reader bounds what it holds for one document (issue 31 item 4): /dev/zero given as a path
or linked from a folder, a small .jsonl.gz holding one huge line, a 200 MB JSONL line, and the
same through stdin. Each becomes one error record naming the size limit, the documents around it
are cleaned, and the run's peak memory stays far below the document's size.

The real `cleaner` command runs in its own process; its peak RSS comes from wait4() (the kernel's
figure for that process and the workers it reaped). The memory check is a loose bound (the
document is hundreds of MB, the limit 1 MB, the allowance 150 MB over a small run of the same
command), not a timing: benchmarks/memory_bounds.py prints the figures at full size."""
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXE = Path(sys.executable).with_name("cleaner")
MB = 1024 * 1024
# How far over a small run's peak a bounded read may go: what one document of 1 MB and a read
# block cost, with room for the allocator. Holding any of the huge documents below breaks it.
ALLOWANCE = 150 * MB


_MEASURE = r"""
import os, sys
pid = os.fork()
if pid == 0:
    if len(sys.argv) > 2 and sys.argv[1] == "--stdin":
        fd = os.open(sys.argv[2], os.O_RDONLY)
        os.dup2(fd, 0)
        args = sys.argv[3:]
    else:
        args = sys.argv[1:]
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.execv(args[0], args)
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss * 1024)
"""


def peak_run(args: list[str], stdin_path: Path | None = None, timeout: int = 300) -> tuple[int, str, int]:
    """(exit code, stderr, peak RSS in bytes) of `cleaner ARGS` run in its own process."""
    prefix = ["--stdin", str(stdin_path)] if stdin_path else []
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *prefix, str(EXE), *args], capture_output=True,
                          timeout=timeout, env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    code, peak = proc.stdout.split()
    return int(code), proc.stderr.decode("utf-8", "replace"), int(peak)


@pytest.fixture(scope="module")
def small_peak(tmp_path_factory) -> int:
    """The peak RSS of the same command on a small file: what the program itself costs."""
    folder = tmp_path_factory.mktemp("small")
    data = folder / "small.jsonl"
    data.write_bytes(_record("small", "A small record of text.\nPhoto: AP"))
    code, err, peak = peak_run(["clean", str(data), "-f", "jsonl", "-o", "-", "--max-bytes", "1000000"])
    assert code == 0, err
    return peak


def _record(doc_id: str, text: str) -> bytes:
    return json.dumps({"id": doc_id, "text": text}).encode() + b"\n"


def _errors(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _assert_bounded(peak: int, small_peak: int, what: str) -> None:
    assert peak < small_peak + ALLOWANCE, (f"{what}: peak RSS {peak / MB:.0f} MB, a small run's "
                                           f"{small_peak / MB:.0f} MB")


def test_dev_zero_as_a_path_is_one_error_record(tmp_path, small_peak):
    errors = tmp_path / "errors.jsonl"
    code, err, peak = peak_run(["clean", "/dev/zero", "-f", "jsonl", "-o", "-", "-e", str(errors),
                                "--max-bytes", "1000000"])
    assert code == 1, err
    assert "Traceback" not in err
    [failure] = _errors(errors)
    assert failure["source"] == "/dev/zero"
    assert "over the 1000000 bytes limit for one document" in failure["error"] and "--max-bytes" in failure["error"]
    _assert_bounded(peak, small_peak, "/dev/zero")


def test_a_link_to_dev_zero_in_a_folder_is_skipped_or_bounded(tmp_path, small_peak):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("The council met on Monday to discuss the budget.\n", encoding="utf-8")
    os.symlink("/dev/zero", folder / "zero.txt")
    out = tmp_path / "out.jsonl"
    # Without --follow-links the link leaves the folder: skipped with a note.
    code, err, _ = peak_run(["clean", str(folder), "-f", "jsonl", "-o", str(out)])
    assert code == 0, err
    assert "skipping" in err and "zero.txt" in err and "/dev/zero" in err and "--follow-links" in err
    assert [r["id"] for r in map(json.loads, out.read_text().splitlines())] == ["a.txt"]
    # With it, the device is read up to the limit and fails alone.
    errors = tmp_path / "errors.jsonl"
    code, err, peak = peak_run(["clean", str(folder), "--follow-links", "-f", "jsonl", "-o", str(out),
                                "-e", str(errors), "--max-bytes", "1000000"])
    assert code == 1, err
    [failure] = _errors(errors)
    assert failure["id"] == "zero.txt" and "over the 1000000 bytes limit" in failure["error"]
    assert [r["id"] for r in map(json.loads, out.read_text().splitlines())] == ["a.txt"]
    _assert_bounded(peak, small_peak, "a link to /dev/zero")


def _gzip_with_a_huge_line(path: Path, line_mb: int) -> None:
    """A .jsonl.gz of a few hundred KB holding a record of `line_mb` MB between two small ones."""
    block = b"a" * MB
    with gzip.open(path, "wb", compresslevel=6) as f:
        f.write(_record("before", "A small record before the huge one."))
        f.write(b'{"id": "huge", "text": "')
        for _ in range(line_mb):
            f.write(block)
        f.write(b'"}\n')
        f.write(_record("after", "A small record after the huge one."))


def test_a_gzip_jsonl_with_one_huge_line_gives_an_error_record(tmp_path, small_peak):
    data = tmp_path / "d.jsonl.gz"
    _gzip_with_a_huge_line(data, 300)
    assert data.stat().st_size < 2 * MB
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    code, err, peak = peak_run(["clean", str(data), "-f", "jsonl", "-o", str(out), "-e", str(errors),
                                "--max-bytes", "1000000", "--doc-timeout", "5"])
    assert code == 1, err
    [failure] = _errors(errors)
    assert failure["source"] == f"{data}:2" and failure["line"] == 2
    assert "line 2 is 300.0 MB, over the 1000000 bytes limit for one document" in failure["error"]
    assert [r["id"] for r in map(json.loads, out.read_text().splitlines())] == ["before", "after"]
    _assert_bounded(peak, small_peak, "a 300 MB line in a .jsonl.gz")


def _jsonl_with_a_200mb_line(path: Path) -> None:
    """A 200 MB record (the middle of its text a hole in a sparse file: NUL bytes that cost no disk)
    between two small ones."""
    with open(path, "wb") as f:
        f.write(_record("before", "A small record before the huge one."))
        f.write(b'{"id": "huge", "text": "')
        f.seek(200 * MB, os.SEEK_CUR)
        f.write(b'"}\n')
        f.write(_record("after", "A small record after the huge one."))


@pytest.mark.parametrize("via", ["path", "stdin"])
def test_a_200mb_jsonl_line_gives_an_error_record(tmp_path, small_peak, via):
    data = tmp_path / "d.jsonl"
    _jsonl_with_a_200mb_line(data)
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    options = ["-f", "jsonl", "-o", str(out), "-e", str(errors), "--max-bytes", "1000000"]
    if via == "path":
        code, err, peak = peak_run(["clean", str(data), *options])
    else:
        code, err, peak = peak_run(["clean", "-", *options], stdin_path=data)
    assert code == 1, err
    [failure] = _errors(errors)
    assert "line 2 is 200.0 MB, over the 1000000 bytes limit for one document" in failure["error"]
    assert [r["id"] for r in map(json.loads, out.read_text().splitlines())] == ["before", "after"]
    _assert_bounded(peak, small_peak, f"a 200 MB line ({via})")


def test_a_gzip_bomb_of_one_text_document_is_refused_at_the_limit(tmp_path, small_peak):
    data = tmp_path / "bomb.txt.gz"
    with gzip.open(data, "wb") as f:
        for _ in range(300):
            f.write(b"word " * (MB // 5))
    errors = tmp_path / "errors.jsonl"
    code, err, peak = peak_run(["clean", str(data), "-f", "jsonl", "-o", "-", "-e", str(errors),
                                "--max-bytes", "1000000"])
    assert code == 1, err
    [failure] = _errors(errors)
    assert "decompressed content is over the 1000000 bytes limit" in failure["error"]
    _assert_bounded(peak, small_peak, "a 300 MB .txt.gz")
