"""Ctrl-C and SIGTERM stop a run promptly and cleanly, and --resume carries on from there.

Real processes and real signals: the command runs in its own process group, as from a terminal,
and SIGINT goes to the whole group (the workers get it too, as they do from a real Ctrl-C).
"""
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import run_cli, seed_inputs

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in seed_inputs()]
CLEANER = str(Path(sys.executable).with_name("cleaner"))
# Ctrl-C should stop a run within about a second; the bound leaves room for a loaded machine
# (the measured figures are in docs/benchmarks.md: benchmarks/interrupt_latency.py).
STOP_SECONDS = 4.0


def page(i: int) -> str:
    """An HTML page: menu, an article made distinct by its last paragraph, a footer."""
    paragraphs = [line for line in SEED_TEXTS[i % len(SEED_TEXTS)].splitlines() if line.strip()]
    paragraphs.append(f"The ministry added on day {i} that the talks would go on for a while.")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>Story {i}</title></head><body><nav><a href='/'>Home</a> <a href='/news'>News</a>"
            f"</nav><article><h1>Story {i}</h1>{body}</article><footer>(c) Example Media</footer></body></html>")


def write_corpus(path: Path, count: int) -> None:
    """JSONL of HTML pages and texts, with a broken line now and then (a real failure to count)."""
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            if i % 97 == 50:
                out.write('{"id": "broken", "text": \n')
            elif i % 3:
                out.write(json.dumps({"id": f"p{i}", "url": f"https://news{i % 4}.example/{i}", "html": page(i)}) + "\n")
            else:
                out.write(json.dumps({"id": f"t{i}", "text": SEED_TEXTS[i % len(SEED_TEXTS)] + f"\nDay {i}.\n"}) + "\n")


class Run:
    """The command in its own process group, its stderr read as it comes (the progress line)."""

    def __init__(self, args: list[str]):
        self.proc = subprocess.Popen([CLEANER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True)
        self.err = b""
        self.out = b""
        self._readers = [threading.Thread(target=self._read, args=(stream, name), daemon=True)
                         for stream, name in ((self.proc.stderr, "err"), (self.proc.stdout, "out"))]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, name: str) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):
            setattr(self, name, getattr(self, name) + chunk)

    def documents_done(self) -> int:
        counts = re.findall(rb"(\d+) documents (?:\(\d+ failed\) )?\|", self.err)
        return int(counts[-1]) if counts else 0

    def wait_for(self, documents: int) -> None:
        deadline = time.monotonic() + 180
        while self.documents_done() < documents:
            assert self.proc.poll() is None, f"the run ended before it could be interrupted: {self.err[-500:]!r}"
            assert time.monotonic() < deadline, self.err[-500:]
            time.sleep(0.02)

    def interrupt(self, sig: int) -> float:
        """Send `sig` (SIGINT to the whole group, like Ctrl-C); seconds until the command ended."""
        sent = time.monotonic()
        if sig == signal.SIGINT:
            os.killpg(self.proc.pid, sig)
        else:
            self.proc.send_signal(sig)
        self.proc.wait(timeout=60)
        elapsed = time.monotonic() - sent
        for reader in self._readers:
            reader.join(timeout=10)
        self.assert_workers_ended()
        return elapsed

    def assert_workers_ended(self) -> None:
        """No process of the run's group is left running (its worker processes were ended, not
        orphaned). A zombie waiting to be reaped by whoever adopted it has ended."""
        deadline = time.monotonic() + 5
        while True:
            left = living_in_group(self.proc.pid)
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert left == [], f"processes of the run still running: {left}"


def living_in_group(group: int) -> list[int]:
    """The processes of process group `group` that are not zombies (from /proc: Linux)."""
    living = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (command name)"
        except (OSError, IndexError):  # the process ended meanwhile
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            living.append(int(stat.parent.name))
    return living


def no_noise(stderr: bytes) -> None:
    text = stderr.decode("utf-8", "replace")
    for noise in ("Traceback", "Exception ignored", "KeyboardInterrupt", "LangDetectException", "run stopped"):
        assert noise not in text, text


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("interrupt")
    source = folder / "corpus.jsonl"
    write_corpus(source, 500)
    full = {}
    for name in ("full.jsonl", "full.jsonl.gz"):
        errors = folder / f"{name}.errors.jsonl"
        # A compressed output ends a gzip member at each checkpoint: the same --checkpoint-every
        # as the interrupted runs below.
        proc = run_cli("clean", str(source), "-o", str(folder / name), "--errors", str(errors), "-q", "-w", "2",
                       "--checkpoint-every", "100")
        assert proc.returncode == 1, proc.stderr  # the broken lines
        full[name] = ((folder / name).read_bytes(), errors.read_bytes())
    return source, full


@pytest.mark.parametrize("workers,suffix,sig", [
    (1, ".jsonl", signal.SIGINT), (2, ".jsonl", signal.SIGINT),
    (1, ".jsonl.gz", signal.SIGINT), (2, ".jsonl.gz", signal.SIGINT), (2, ".jsonl.gz", signal.SIGTERM),
], ids=["w1-plain-int", "w2-plain-int", "w1-gz-int", "w2-gz-int", "w2-gz-term"])
def test_stop_then_resume_gives_the_uninterrupted_bytes(corpus, tmp_path, workers, suffix, sig):
    source, full = corpus
    out, errors = tmp_path / f"out{suffix}", tmp_path / "errors.jsonl"
    # Checkpoints every 100 documents: the stop falls between two, and must lose nothing.
    args = ["clean", str(source), "-o", str(out), "--errors", str(errors), "--checkpoint-every", "100",
            "--progress", "-w", str(workers)]
    run = Run(args)
    run.wait_for(130)
    elapsed = run.interrupt(sig)

    assert run.proc.returncode == 130, run.err
    assert elapsed < STOP_SECONDS, f"took {elapsed:.1f}s to stop"
    assert b"cleaner: stopping..." in run.err
    no_noise(run.err)
    stopped_at = int(re.search(rb"interrupted after (\d+) documents; rerun the same command with --resume",
                               run.err).group(1))
    assert stopped_at >= 130
    assert not out.exists()  # nothing half-written under the real name

    resumed = run_cli(*args[:-3], "--resume", "-w", str(3 - workers))  # another worker count: same bytes
    assert resumed.returncode == 1, resumed.stderr  # the broken lines, as in the full run
    no_noise(resumed.stderr)
    assert f"resumed after {stopped_at} documents".encode() in resumed.stderr
    assert (out.read_bytes(), errors.read_bytes()) == full[f"full{suffix}"]
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in (out.name, errors.name)]
    assert leftovers == []


def test_stop_before_the_first_regular_checkpoint_is_resumable(corpus, tmp_path):
    """With the default --checkpoint-every (1000), a stop at a few hundred documents still
    leaves a checkpoint where it stopped."""
    source, full = corpus
    out = tmp_path / "out.jsonl"
    run = Run(["clean", str(source), "-o", str(out), "--progress", "-w", "2"])
    run.wait_for(40)
    run.interrupt(signal.SIGINT)
    assert run.proc.returncode == 130
    assert (tmp_path / "out.jsonl.checkpoint").exists()
    resumed = run_cli("clean", str(source), "-o", str(out), "--resume", "-q")
    assert resumed.returncode == 1
    assert out.read_bytes() == full["full.jsonl"][0]


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_on_a_run_to_stdout_and_to_a_folder(corpus, tmp_path, workers):
    source, _ = corpus
    run = Run(["clean", str(source), "-f", "jsonl", "--progress", "-w", str(workers)])
    run.wait_for(60)
    assert run.interrupt(signal.SIGINT) < STOP_SECONDS
    assert run.proc.returncode == 130
    no_noise(run.err)
    assert b"--resume" not in run.err  # nothing to resume on stdout
    records = [json.loads(line) for line in run.out.splitlines()]
    assert len(records) >= 55 and all(r["text"] for r in records)  # whole records only

    folder = tmp_path / "texts"
    run = Run(["clean", str(source), "-o", str(folder), "--progress", "-w", str(workers)])
    run.wait_for(60)
    assert run.interrupt(signal.SIGINT) < STOP_SECONDS
    assert run.proc.returncode == 130
    no_noise(run.err)
    written = list(folder.glob("*.txt"))
    resumed = run_cli("clean", str(source), "-o", str(folder), "--resume", "-w", "2")
    assert resumed.returncode == 1
    assert f"{len(written)} already complete".encode() in resumed.stderr


@pytest.mark.parametrize("delay,workers", [(0.25 * n, 1 + n % 2) for n in range(2, 13)])
def test_ctrl_c_while_starting_is_quiet(corpus, tmp_path, delay, workers):
    """Ctrl-C during imports, rule loading, the chrome pass or the first documents: exit 130, no
    traceback, with 1 worker (cleaning in this process) and 2 alternately. (Not in the first few
    hundredths of a second, while Python itself starts and no code of the cleaner runs yet: that
    is Python's own KeyboardInterrupt.)"""
    source, _ = corpus
    run = Run(["clean", str(source), "-o", str(tmp_path / "out.jsonl"), "-w", str(workers)])
    time.sleep(delay)
    assert run.interrupt(signal.SIGINT) < STOP_SECONDS, run.err[-500:]
    assert run.proc.returncode == 130, run.err
    no_noise(run.err)
    assert b"cleaner: interrupted" in run.err


def test_broken_pipe_ends_the_run_quietly(corpus):
    source, _ = corpus
    for args in (["clean", str(source), "-f", "jsonl", "-w", "2"], ["clean", str(source), "-w", "1"],
                 ["rules", "list"]):
        proc = subprocess.Popen([CLEANER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout.readline()
        proc.stdout.close()  # what `| head -n 1` does once it has its line
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0, err
        assert err.strip() == b"" or b"learned chrome" in err, err
