"""Outputs never destroy inputs, devices stay devices, one run per output, and a full or
read-only disk is one message with exit code 3 (issue 31 items 1, 2, 3, 8; issue 29 item 8).
Every test runs the real `cleaner` command on real files; the full disk is a real tmpfs mounted
in a private mount namespace (`unshare`), skipped where the machine does not allow one."""
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import run_cli

EXE = Path(sys.executable).with_name("cleaner")


def _records(n: int, start: int = 0) -> bytes:
    return b"".join(json.dumps({"id": f"r{i}", "text": f"Record number {i} has a sentence of real text.\n"
                                "Photo: AP"}).encode() + b"\n" for i in range(start, start + n))


def _varied_records(n: int) -> bytes:
    """Records that compress badly (hex digests), so that a .gz or Parquet output fills a small disk too."""
    import hashlib

    return b"".join(json.dumps({"id": f"r{i}", "text": "Record text " + " ".join(
        hashlib.sha256(f"{i}-{k}".encode()).hexdigest() for k in range(8)) + "."}).encode() + b"\n"
        for i in range(n))


def _refused(proc, *words: str) -> str:
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err
    return err


# -- item 1: an output that is, contains or lies inside an input ---------------------------------

@pytest.mark.parametrize("option", ["-o", "-e", "--report"])
def test_output_naming_the_input_file_is_refused_and_the_input_kept(tmp_path, option):
    data = tmp_path / "d.jsonl"
    data.write_bytes(_records(20))
    before = data.read_bytes()
    args = ["clean", str(data), "-f", "jsonl", option, str(data)]
    if option != "-o":
        args += ["-o", str(tmp_path / "out.jsonl")]
    long_name = {"-o": "--output", "-e": "--errors"}.get(option, option)
    err = _refused(run_cli(*args), f"{long_name} {data} is the input file", "nothing was read or written")
    assert "d.jsonl" in err
    assert data.read_bytes() == before
    assert not (tmp_path / "out.jsonl").exists()


def test_output_folder_that_is_the_input_folder_is_refused(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text(f"Raw text {i}.\nPhoto: AP\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    _refused(run_cli("clean", str(folder), "-f", "text", "-o", str(folder)), "is the input folder")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_links_to_an_input_are_refused_symlink_and_hard_link(tmp_path):
    data = tmp_path / "d.jsonl"
    data.write_bytes(_records(5))
    before = data.read_bytes()
    (tmp_path / "soft.jsonl").symlink_to(data)
    os.link(data, tmp_path / "hard.jsonl")
    for name in ("soft.jsonl", "hard.jsonl"):
        _refused(run_cli("clean", str(data), "-f", "jsonl", "-o", str(tmp_path / name)), "is the input file")
    # A hard link, elsewhere, to a file inside an input folder.
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_bytes(_records(3))
    elsewhere = tmp_path / "out"
    elsewhere.mkdir()
    os.link(folder / "a.jsonl", elsewhere / "x.jsonl")
    _refused(run_cli("clean", str(folder), "-f", "jsonl", "-o", str(elsewhere / "x.jsonl")),
             "is a hard link to the input")
    assert data.read_bytes() == before and (folder / "a.jsonl").read_bytes() == _records(3)


def test_output_folder_containing_an_input_is_refused(tmp_path):
    inner = tmp_path / "site" / "pages"
    inner.mkdir(parents=True)
    (inner / "a.txt").write_text("Raw text.\n", encoding="utf-8")
    _refused(run_cli("clean", str(inner), "-f", "text", "-o", str(tmp_path / "site")), "contains the input")
    assert (inner / "a.txt").read_text(encoding="utf-8") == "Raw text.\n"


def test_an_existing_file_inside_an_input_folder_is_refused_whoever_wrote_it(tmp_path):
    """The judgement call on the issue's promise ("an output that is, contains or lies inside an
    input is refused"): an existing file a walk reads, inside an input folder, is an input, even
    when an earlier run wrote it (its records cannot prove that: a corpus cleaned before and now
    cleaned again has the same ones) or it is empty. A file that does not exist yet holds no input
    and is skipped by the walk; an output folder there is marked and skipped."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Some real text of an article.\n", encoding="utf-8")
    (folder / "records.jsonl").write_bytes(_records(4))
    _refused(run_cli("clean", str(folder), "-f", "jsonl", "-o", str(folder / "records.jsonl")),
             "is a file inside the input folder", "it would be overwritten")
    _refused(run_cli("clean", str(folder), "-f", "jsonl", "-o", str(tmp_path / "o.jsonl"),
                     "--review", str(folder / "a.txt")), "--review")
    assert (folder / "records.jsonl").read_bytes() == _records(4)
    # A file that does not exist yet destroys nothing, and the walk skips it.
    proc = run_cli("clean", str(folder), "-f", "jsonl", "-o", str(folder / "new.jsonl"))
    assert proc.returncode == 0, proc.stderr
    written = (folder / "new.jsonl").read_bytes()
    assert len(written.splitlines()) == 5
    # Run again: that file is an input now (a cleaned corpus looks the same), and so is an empty one.
    _refused(run_cli("clean", str(folder), "-f", "jsonl", "-o", str(folder / "new.jsonl")),
             "new.jsonl is a file inside the input folder", "delete it first")
    assert (folder / "new.jsonl").read_bytes() == written
    (folder / "errors.jsonl").write_bytes(b"")
    _refused(run_cli("clean", str(folder), "-f", "jsonl", "-o", str(tmp_path / "o.jsonl"),
                     "-e", str(folder / "errors.jsonl")), "errors.jsonl is a file inside the input folder")
    assert not (tmp_path / "o.jsonl").exists()
    # An output folder there is marked and skipped by walks, run after run.
    (folder / "new.jsonl").unlink()  # (an input now: its ids are a.txt's and records.jsonl's)
    for _ in range(2):
        proc = run_cli("clean", str(folder), "-f", "text", "-o", str(folder / "clean"))
        assert proc.returncode == 0 and b"5 documents: 5 cleaned" in proc.stderr, proc.stderr


def test_a_missing_input_path_is_a_usage_error_before_anything_is_written(tmp_path):
    """Issue 29 item 8."""
    out = tmp_path / "x.jsonl"
    proc = run_cli("clean", str(tmp_path / "nope"), "-o", str(out))
    _refused(proc, "nope: no such file or folder")
    assert not out.exists() and list(tmp_path.iterdir()) == []


# -- item 2: devices and FIFOs are written as streams --------------------------------------------

def test_dev_null_and_dev_stdout_are_written_as_streams(tmp_path):
    data = tmp_path / "d.jsonl"
    data.write_bytes(_records(3))
    proc = run_cli("clean", str(data), "-f", "jsonl", "-o", "/dev/null", "-q")
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    proc = run_cli("clean", str(data), "-f", "jsonl", "-o", "/dev/stdout", "-q")
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == ["r0", "r1", "r2"]
    _refused(run_cli("clean", str(data), "-f", "jsonl", "-o", "/dev/null", "--resume"), "needs a regular file")


def test_a_character_device_output_stays_a_device(tmp_path):
    mynull = tmp_path / "mynull"
    try:
        os.mknod(mynull, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # the device /dev/null is
    except PermissionError:
        pytest.skip("making a device node needs root")
    data = tmp_path / "d.jsonl"
    data.write_bytes(_records(3))
    proc = run_cli("clean", str(data), "-f", "jsonl", "-o", str(mynull))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(os.lstat(mynull).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.jsonl", "mynull"]  # no partial, no lock left


def test_a_fifo_output_is_written_as_a_stream(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    data = tmp_path / "d.jsonl"
    data.write_bytes(_records(50))
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    proc = run_cli("clean", str(data), "-f", "jsonl", "-o", str(fifo), "-q")
    reader.join(timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [json.loads(line)["id"] for line in got[0].splitlines()] == [f"r{i}" for i in range(50)]


# -- item 3: one run per output -----------------------------------------------------------------

def _start_holding_run(out: Path) -> subprocess.Popen:
    """A real run that holds its output's lock while it waits for stdin."""
    first = subprocess.Popen([str(EXE), "clean", "-", "-f", "jsonl", "-o", str(out)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lock = out.with_name(out.name + ".lock")
    deadline = time.monotonic() + 60
    while not (lock.exists() and f"pid {first.pid}" in lock.read_text(errors="replace")):
        assert time.monotonic() < deadline and first.poll() is None, "the first run never took the lock"
        time.sleep(0.05)
    return first


def test_a_second_run_on_the_same_output_is_refused_naming_the_first(tmp_path):
    out = tmp_path / "out.jsonl"
    other = tmp_path / "other.jsonl"
    other.write_bytes(_records(3))
    first = _start_holding_run(out)
    try:
        err = _refused(run_cli("clean", str(other), "-f", "jsonl", "-o", str(out)),
                       "is being written by another run", f"pid {first.pid}")
        assert "clean - -f jsonl" in err  # the first run's command line
        assert not out.exists()
        first.stdin.write(_records(4, start=10))
        first.stdin.close()
        assert first.wait(timeout=120) == 0, first.stderr.read()
    finally:
        if first.poll() is None:
            first.kill()
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["r10", "r11", "r12", "r13"]
    assert not out.with_name("out.jsonl.lock").exists()
    proc = run_cli("clean", str(other), "-f", "jsonl", "-o", str(out))  # the lock is free again
    assert proc.returncode == 0, proc.stderr


def test_a_killed_runs_lock_does_not_block_the_next_run(tmp_path):
    out = tmp_path / "out.jsonl"
    first = _start_holding_run(out)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=60)
    assert out.with_name("out.jsonl.lock").exists()  # left behind, but nobody holds it
    data = tmp_path / "d.jsonl"
    data.write_bytes(_records(2))
    proc = run_cli("clean", str(data), "-f", "jsonl", "-o", str(out))
    assert proc.returncode == 0, proc.stderr


def test_a_folder_output_is_locked_too(tmp_path):
    out = tmp_path / "out"
    first = subprocess.Popen([str(EXE), "clean", "-", "-f", "text", "-o", str(out)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lock = out / ".cleaner-lock"
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.read_text(errors="replace")):
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.05)
        doc = tmp_path / "a.txt"
        doc.write_text("A sentence.\n", encoding="utf-8")
        _refused(run_cli("clean", str(doc), "-f", "text", "-o", str(out)), "is being written by another run")
        first.stdin.write(b"Some text from stdin.\n")
        first.stdin.close()
        assert first.wait(timeout=120) == 0, first.stderr.read()
    finally:
        if first.poll() is None:
            first.kill()


# -- item 8: a full disk or a read-only folder --------------------------------------------------

def test_a_full_device_is_one_message_and_exit_3(tmp_path):
    data = tmp_path / "d.jsonl"
    data.write_bytes(_records(5))
    proc = run_cli("clean", str(data), "-f", "jsonl", "-o", "/dev/full")
    err = proc.stderr.decode()
    assert proc.returncode == 3, err
    assert "Traceback" not in err
    assert "cannot write /dev/full: No space left on device (ENOSPC)" in err


def _private_mounts_work() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "--propagation", "private", "sh", "-c",
                            "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs $d && umount $d; rmdir $d"],
                           capture_output=True)
    return probe.returncode == 0


needs_tmpfs = pytest.mark.skipif(not _private_mounts_work(),
                                 reason="this machine allows no private mount namespace (unshare -rm) for a tmpfs")


def _in_private_mount(script: str, mount_point: Path) -> subprocess.CompletedProcess:
    """Run `script` (sh) where `mount_point` can be mounted as a tmpfs that nobody else sees and
    that goes away with the script."""
    mount_point.mkdir()
    env = dict(os.environ, CLEANER=str(EXE), M=str(mount_point))
    return subprocess.run(["unshare", "-rm", "--propagation", "private", "sh", "-c", script],
                          capture_output=True, env=env, timeout=600)


def _run_on_full_tmpfs(tmp_path: Path, fmt: str, out_name: str) -> tuple[subprocess.CompletedProcess, Path]:
    """Clean 400 records onto a 64 KB tmpfs (full long before the end: exit 3), then make it
    bigger and run the same command with --resume; the results are copied out."""
    data = tmp_path / "d.jsonl"
    data.write_bytes(_varied_records(400))
    results = tmp_path / "results"
    results.mkdir()
    resume = "--resume" if fmt != "parquet" else ""
    script = f"""
mount -t tmpfs -o size=64k tmpfs "$M" || exit 99
"$CLEANER" clean {data} -f {fmt} -o "$M/{out_name}" -e "$M/errors.jsonl" --checkpoint-every 50 \
    2> {results}/first.err
echo $? > {results}/first.rc
mount -o remount,size=16m "$M"
"$CLEANER" clean {data} -f {fmt} -o "$M/{out_name}" -e "$M/errors.jsonl" --checkpoint-every 50 {resume} \
    2> {results}/second.err
echo $? > {results}/second.rc
cp -r "$M/{out_name}" {results}/
"""
    return _in_private_mount(script, tmp_path / "mnt"), results


@needs_tmpfs
@pytest.mark.parametrize("fmt,out_name", [("jsonl", "out.jsonl"), ("jsonl", "out.jsonl.gz"), ("text", "out")])
def test_a_full_disk_is_exit_3_and_resume_gives_the_bytes_of_a_whole_run(tmp_path, fmt, out_name):
    proc, results = _run_on_full_tmpfs(tmp_path, fmt, out_name)
    assert proc.returncode == 0, proc.stderr
    first = (results / "first.err").read_text()
    assert (results / "first.rc").read_text().strip() == "3", first
    assert "Traceback" not in first
    assert "No space left on device (ENOSPC)" in first and "--resume" in first
    assert (results / "second.rc").read_text().strip() == "0", (results / "second.err").read_text()
    whole = tmp_path / "whole"
    whole.mkdir()
    # The same options: a .gz output ends a gzip member at each checkpoint.
    proc = run_cli("clean", str(tmp_path / "d.jsonl"), "-f", fmt, "-o", str(whole / out_name), "-q",
                   "-e", str(whole / "errors.jsonl"), "--checkpoint-every", "50")
    assert proc.returncode == 0
    if fmt == "text":
        got = {p.relative_to(results / out_name): p.read_bytes() for p in (results / out_name).rglob("*.txt")}
        want = {p.relative_to(whole / out_name): p.read_bytes() for p in (whole / out_name).rglob("*.txt")}
        assert len(want) == 400 and got == want
    else:
        assert (results / out_name).read_bytes() == (whole / out_name).read_bytes()


@needs_tmpfs
def test_a_full_disk_with_parquet_output_is_exit_3(tmp_path):
    pytest.importorskip("pyarrow")
    proc, results = _run_on_full_tmpfs(tmp_path, "parquet", "out.parquet")
    first = (results / "first.err").read_text()
    assert (results / "first.rc").read_text().strip() == "3", first
    assert "Traceback" not in first and "(ENOSPC)" in first


@needs_tmpfs
@pytest.mark.parametrize("fmt,out_name", [("jsonl", "out.jsonl"), ("text", "out")])
def test_a_read_only_output_folder_is_one_message_and_exit_3(tmp_path, fmt, out_name):
    data = tmp_path / "d.jsonl"
    data.write_bytes(_records(3))
    script = f"""
mount -t tmpfs -o size=1m,ro tmpfs "$M" || exit 99
exec "$CLEANER" clean {data} -f {fmt} -o "$M/{out_name}"
"""
    proc = _in_private_mount(script, tmp_path / "mnt")
    err = proc.stderr.decode()
    assert proc.returncode == 3, err
    assert "Traceback" not in err and "Read-only file system (EROFS)" in err and str(tmp_path / "mnt") in err
