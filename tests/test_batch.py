"""Batch runs: parallel workers, gzip, error accounting and resume, through the real command and
real processes (a run is really killed mid-way)."""
import gzip
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner.engines.local import run_batch
from cleaner.engines.outcome import Summary
from cleaner.io.sources import iter_inputs
from conftest import run_cli, seed_inputs

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in seed_inputs()]


def article(i: int) -> str:
    """A seed article made distinct: its own closing sentence, so every record differs."""
    return SEED_TEXTS[i % len(SEED_TEXTS)] + f"\nThe ministry added on day {i} that talks would go on.\n"


def write_jsonl_corpus(path: Path, count: int, broken_every: int = 0) -> int:
    """A JSONL corpus; every `broken_every`-th line is broken in one of several ways. Returns
    the number of documents (lines) written."""
    breakages = ['{"id": "x", "text": ', '[1, 2, 3]', '{"id": "no-text-%d"}', '{"id": "num-%d", "text": 42}']
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as out:
        for i in range(count):
            if broken_every and i % broken_every == broken_every - 1:
                bad = breakages[(i // broken_every) % len(breakages)]
                out.write((bad % i if "%d" in bad else bad) + "\n")
            else:
                out.write(json.dumps({"id": f"doc-{i}", "text": article(i), "url": f"https://example.org/{i}"}) + "\n")
    return count


def make_folder_corpus(folder: Path, count: int) -> int:
    """A folder of .txt, .txt.gz and .html files, with a binary file and a duplicate id among them."""
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    for i in range(count):
        sub = "a" if i % 2 else "b"
        if i % 5 == 0:
            with gzip.open(folder / sub / f"{i:04d}.txt.gz", "wt", encoding="utf-8") as f:
                f.write(article(i))
        elif i % 7 == 0:
            body = "".join(f"<p>{line}</p>" for line in article(i).splitlines() if line.strip())
            (folder / sub / f"{i:04d}.html").write_text(f"<html><body><article>{body}</article></body></html>",
                                                        encoding="utf-8")
        else:
            (folder / sub / f"{i:04d}.txt").write_text(article(i), encoding="utf-8")
    (folder / "a" / "zz-binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (folder / "b" / "zz-truncated.txt.gz").write_bytes(gzip.compress(b"cut short")[:12])
    return count + 2


def lines_of(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_two_workers_write_the_same_bytes_as_one(tmp_path):
    corpus = tmp_path / "in"
    make_folder_corpus(corpus, 70)
    outputs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        errors = tmp_path / f"errors{workers}.jsonl"
        proc = run_cli("clean", str(corpus), "-f", "jsonl", "-o", str(out), "--errors", str(errors), "-w", workers)
        assert proc.returncode == 1, proc.stderr  # the binary and the truncated file fail
        outputs[workers] = (out.read_bytes(), errors.read_bytes())
    assert outputs["1"] == outputs["2"]
    assert len(outputs["1"][0].splitlines()) == 70


def test_two_workers_write_the_same_files_as_one(tmp_path):
    corpus = tmp_path / "in"
    make_folder_corpus(corpus, 40)
    trees = {}
    for workers in ("1", "2"):
        out = tmp_path / f"tree{workers}"
        run_cli("clean", str(corpus), "-f", "json", "-o", str(out), "-w", workers, "-q")
        trees[workers] = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert trees["1"] == trees["2"]
    assert len(trees["1"]) == 40 + 1 and "a/0005.json" in trees["1"] and "a/0007.json" in trees["1"]
    assert ".cleaner-output" in trees["1"]  # the marker that keeps later walks out of this folder


def test_every_input_is_accounted_for(tmp_path):
    source = tmp_path / "mixed.jsonl"
    total = write_jsonl_corpus(source, 90, broken_every=9)
    with source.open("a", encoding="utf-8") as f:  # a duplicate id, and an empty text
        f.write(json.dumps({"id": "doc-0", "text": "A sentence again."}) + "\n")
        f.write(json.dumps({"id": "empty", "text": ""}) + "\n")
    total += 2
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    proc = run_cli("clean", str(source), "-f", "jsonl", "-o", str(out), "--errors", str(errors), "-w", "2")
    assert proc.returncode == 1
    records, failures = lines_of(out), lines_of(errors)
    assert len(records) + len(failures) == total
    assert {r["id"] for r in records}.isdisjoint({f["id"] for f in failures if not f["error"].startswith("duplicate")})
    assert len(failures) == 11  # 10 broken lines and the duplicate
    assert all(set(f) >= {"id", "source", "line", "error"} for f in failures)
    assert sorted(f["line"] for f in failures) == [9 * k for k in range(1, 11)] + [91]
    summary = proc.stderr.decode().strip().splitlines()[-1]
    assert summary.startswith(f"{total} documents: {len(records)} cleaned, {len(failures)} failed")


def test_gzip_in_and_out(tmp_path):
    plain, packed = tmp_path / "in.jsonl", tmp_path / "in.jsonl.gz"
    write_jsonl_corpus(plain, 12)
    write_jsonl_corpus(packed, 12)
    out_plain, out_packed = tmp_path / "out.jsonl", tmp_path / "out.jsonl.gz"
    assert run_cli("clean", str(plain), "-f", "jsonl", "-o", str(out_plain), "-q").returncode == 0
    assert run_cli("clean", str(packed), "-f", "jsonl", "-o", str(out_packed), "-q").returncode == 0
    assert out_packed.read_bytes()[:2] == b"\x1f\x8b"
    assert gzip.decompress(out_packed.read_bytes()) == out_plain.read_bytes()
    assert [r["id"] for r in lines_of(out_packed)] == [f"doc-{i}" for i in range(12)]
    # A gzip-compressed text file, and gzip on stdin.
    (tmp_path / "one.txt.gz").write_bytes(gzip.compress(article(3).encode("utf-8")))
    from_file = run_cli("clean", str(tmp_path / "one.txt.gz"), "-q")
    from_stdin = run_cli("clean", "-", "-q", input=gzip.compress(article(3).encode("utf-8")))
    assert from_file.returncode == 0 and from_file.stdout == from_stdin.stdout
    assert b"talks would go on" in from_file.stdout


def _run_and_kill(args: list[str], checkpoint: Path, sig: int) -> subprocess.CompletedProcess:
    """Start the command, wait until it has saved a checkpoint, then send it `sig`."""
    exe = Path(sys.executable).with_name("cleaner")
    proc = subprocess.Popen([str(exe), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not checkpoint.exists():
        assert proc.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill", "term"])
def test_interrupted_then_resumed_equals_uninterrupted(tmp_path, sig):
    source = tmp_path / "corpus.jsonl"
    write_jsonl_corpus(source, 240, broken_every=37)
    common = ["-f", "jsonl", "--checkpoint-every", "30", "-q"]
    full, full_errors = tmp_path / "full.jsonl.gz", tmp_path / "full-errors.jsonl"
    assert run_cli("clean", str(source), "-o", str(full), "--errors", str(full_errors), *common).returncode == 1

    out, errors = tmp_path / "out.jsonl.gz", tmp_path / "errors.jsonl"
    args = ["clean", str(source), "-o", str(out), "--errors", str(errors), *common]
    killed = _run_and_kill(args + ["-w", "2"], tmp_path / "out.jsonl.gz.checkpoint", sig)
    assert killed.returncode != 0
    assert not out.exists()  # nothing half-written under the real name
    assert (tmp_path / "out.jsonl.gz.partial").exists()
    if sig == signal.SIGTERM:
        assert b"--resume" in killed.stderr

    resumed = run_cli(*args, "--resume", "-w", "1")
    assert resumed.returncode == 1, resumed.stderr
    assert out.read_bytes() == full.read_bytes()
    assert errors.read_bytes() == full_errors.read_bytes()
    assert not (tmp_path / "out.jsonl.gz.partial").exists() and not (tmp_path / "out.jsonl.gz.checkpoint").exists()


def test_resume_refuses_a_checkpoint_from_other_arguments(tmp_path):
    source = tmp_path / "corpus.jsonl"
    write_jsonl_corpus(source, 200)
    out = tmp_path / "out.jsonl"
    _run_and_kill(["clean", str(source), "-f", "jsonl", "-o", str(out), "--checkpoint-every", "20", "-q"],
                  tmp_path / "out.jsonl.checkpoint", signal.SIGKILL)
    proc = run_cli("clean", str(source), "-f", "jsonl", "-o", str(out), "--checkpoint-every", "25", "--resume")
    assert proc.returncode == 2
    assert b"other inputs, rules or options" in proc.stderr


def test_interrupted_tree_run_resumes_by_skipping_written_files(tmp_path):
    corpus = tmp_path / "in"
    make_folder_corpus(corpus, 200)
    full = tmp_path / "full"
    run_cli("clean", str(corpus), "-f", "json", "-o", str(full), "-q")
    out = tmp_path / "out"
    exe = Path(sys.executable).with_name("cleaner")
    proc = subprocess.Popen([str(exe), "clean", str(corpus), "-f", "json", "-o", str(out), "-q", "-w", "2"])
    deadline = time.monotonic() + 120
    while not (out.exists() and sum(1 for _ in out.rglob("*.json")) >= 40):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    written = {p for p in out.rglob("*.json")}
    assert 40 <= len(written) < 200
    resumed = run_cli("clean", str(corpus), "-f", "json", "-o", str(out), "--resume", "-w", "2")
    assert resumed.returncode == 1  # the binary and truncated files fail again
    assert f"{len(written)} already complete".encode() in resumed.stderr.splitlines()[-1]
    def files(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert files(out) == files(full)


def test_run_batch_api_calls_observers_in_input_order(cleaner, tmp_path):
    source = tmp_path / "corpus.jsonl"
    write_jsonl_corpus(source, 50, broken_every=10)
    written, observed, failed = [], [], []
    summary = run_batch(cleaner, iter_inputs([str(source)]), written.append, failed.append, workers=2,
                        observers=[lambda record: observed.append(record["id"])])
    assert [r["id"] for r in written] == observed
    assert observed == [f"doc-{i}" for i in range(50) if i % 10 != 9]
    assert summary.documents == 50 == summary.cleaned + summary.failed and summary.failed == len(failed) == 5
    assert summary.lines_removed == sum(len(r["removed"]) for r in written)
    other = Summary(documents=3, cleaned=2, failed=1, lines_removed=4)
    summary.merge(other)
    assert (summary.documents, summary.cleaned, summary.failed) == (53, 47, 6)


def test_spawned_workers_get_a_pickled_cleaner_and_agree(cleaner, tmp_path, monkeypatch):
    """Where processes are spawned (macOS, Windows, or a cluster), the Cleaner travels pickled and
    its rules are compiled again in the worker: same records."""
    import multiprocessing

    from cleaner.engines import pool as parallel

    source = tmp_path / "corpus.jsonl"
    write_jsonl_corpus(source, 40, broken_every=8)
    local = []
    run_batch(cleaner, iter_inputs([str(source)]), local.append, local.append, workers=1)
    monkeypatch.setattr(parallel, "pool_context", lambda: multiprocessing.get_context("spawn"))
    spawned = []
    run_batch(cleaner, iter_inputs([str(source)]), spawned.append, spawned.append, workers=2)
    assert spawned == local and len(local) == 40
