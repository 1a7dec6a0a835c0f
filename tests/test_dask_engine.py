"""The Dask engine, on a real distributed LocalCluster of separate worker processes on loopback:
same records, error records and counts as the local engine; a worker killed mid-run loses and
doubles nothing."""
import functools
import gzip
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from cleaner.engines.local import run_batch
from cleaner.engines.dask import MANIFEST_NAME, DaskRunError, DaskUsageError, dask_client, clean_partition, part_name, read_parts, run_on_dask
from cleaner.io.sources import iter_inputs
from cleaner.io.urls import iter_any_inputs
from cleaner.io.formats import OUTPUT_MARKER
from cleaner.io.writers import dumps
from conftest import run_cli, seed_inputs

PARTITION = 4


def make_corpus(root: Path) -> Path:
    """Text, HTML and JSONL documents (some gzip-compressed) built from the seed articles, plus
    documents that fail in every way a batch meets: binary bytes, HTML without text, a dangling
    link, bad JSONL lines, a record without text, a duplicate id, a truncated .gz."""
    corpus = root / "corpus"
    (corpus / "text").mkdir(parents=True)
    (corpus / "html" / "deep").mkdir(parents=True)
    seeds = [p.read_text(encoding="utf-8") for p in seed_inputs()]
    for n, body in enumerate(seeds):
        (corpus / "text" / f"seed{n}.txt").write_text(body, encoding="utf-8")
        paragraphs = "".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
        page = (f"<html><head><title>Article {n}</title></head><body><nav><a href='/'>Home</a></nav>"
                f"<article><h1>Article {n}</h1>{paragraphs}</article><footer>Copyright 2021</footer></body></html>")
        folder = corpus / "html" / ("deep" if n % 2 else "")
        (folder / f"page{n}.html").write_text(page, encoding="utf-8")
    (corpus / "text" / "cp1251.txt").write_bytes("Статья о переговорах в Москве.\nФото: ТАСС\n".encode("cp1251"))
    (corpus / "text" / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (corpus / "html" / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    (corpus / "text" / "gone.txt").symlink_to(corpus / "nowhere.txt")
    lines = [json.dumps({"id": f"j{n}", "text": body.splitlines()[0] + "\nPhoto: Reuters\n" + "\n".join(body.splitlines()[1:8]),
                         "url": "https://www.forumdaily.com/x", "keep": n}) for n, body in enumerate(seeds)]
    lines.insert(2, "{not json")
    lines.insert(4, json.dumps({"id": "no-text", "title": "nothing to clean"}))
    lines.append(json.dumps({"id": "j1", "text": "The same id as an earlier record."}))
    lines.append(json.dumps({"id": "h1", "html": "<html><body><article><p>A short story from the wire, told "
                                                  "in one sentence.</p></article></body></html>"}))
    (corpus / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    zipped = [json.dumps({"id": f"z{n}", "text": body}) for n, body in enumerate(seeds[:3])] + ["[1, 2]"]
    (corpus / "zipped.jsonl.gz").write_bytes(gzip.compress(("\n".join(zipped) + "\n").encode("utf-8"), mtime=0))
    (corpus / "text" / "seed0-again.txt.gz").write_bytes(gzip.compress(seed_inputs()[0].read_bytes(), mtime=0))
    (corpus / "text" / "truncated.txt.gz").write_bytes(gzip.compress(b"A sentence." * 100, mtime=0)[:40])
    return corpus


def local_run(cleaner, paths):
    records, errors = [], []
    summary = run_batch(cleaner, iter_inputs(paths), records.append, errors.append)
    return records, errors, summary


def counts(summary):
    return summary.documents, summary.cleaned, summary.failed, summary.lines_removed


def start_cluster():
    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address=":0",
                        scheduler_kwargs={"dashboard": False}, silence_logs=logging.ERROR, death_timeout="60s")


@pytest.fixture(scope="module")
def cluster():
    with start_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def client(cluster):
    with Client(cluster, timeout="60s") as client:
        yield client


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("dask"))


def test_cluster_has_two_separate_worker_processes(client):
    pids = client.run(os.getpid)
    assert len(pids) == 2 and len(set(pids.values())) == 2 and os.getpid() not in pids.values()


def test_part_files_equal_local_engine_document_for_document(client, cleaner, corpus, tmp_path):
    records, errors, summary = local_run(cleaner, [str(corpus)])
    assert len({e["error"].split(":")[0] for e in errors}) >= 5 and summary.cleaned >= 10  # a mixed corpus

    out = tmp_path / "out"
    dask_errors = []
    dask_summary = run_on_dask(client, cleaner, iter_any_inputs([str(corpus)]), folder=str(out),
                               on_error=dask_errors.append, partition_size=PARTITION)

    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    n_parts = -(-summary.documents // PARTITION)
    assert [p["name"] for p in manifest["parts"]] == [part_name(i) for i in range(n_parts)] and n_parts > 3
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST_NAME, OUTPUT_MARKER] + [part_name(i) for i in range(n_parts)])
    joined = "".join((out / p["name"]).read_text(encoding="utf-8") for p in manifest["parts"])
    assert joined == "".join(dumps(r) + "\n" for r in records)  # byte for byte, in input order
    assert dask_errors == errors
    assert counts(dask_summary) == counts(summary)
    assert (manifest["documents"], manifest["cleaned"], manifest["failed"], manifest["lines_removed"]) == counts(summary)
    assert sum(p["records"] for p in manifest["parts"]) == len(records)
    assert sum(p["errors"] for p in manifest["parts"]) == len(errors)
    assert list(read_parts(str(out))) == records


def test_records_come_back_in_input_order_without_a_folder(client, cleaner, corpus):
    records, errors, summary = local_run(cleaner, [str(corpus)])
    got, got_errors, order = [], [], []
    dask_summary = run_on_dask(client, cleaner, iter_any_inputs([str(corpus)]),
                               write=lambda r: (got.append(r), order.append(r["id"])),
                               on_error=lambda e: (got_errors.append(e), order.append(e["id"])), partition_size=3)
    assert got == records and got_errors == errors and counts(dask_summary) == counts(summary)
    assert order == [item.id for item in iter_inputs([str(corpus)])]  # records and errors interleaved as read


def test_site_rules_and_html_fixtures_clean_the_same_on_the_cluster(client, tmp_path):
    from cleaner import Cleaner
    from conftest import FIXTURES

    cleaner = Cleaner(rules=[FIXTURES / "html" / "rules"])  # rule sets given by path travel to the workers
    records, errors, summary = local_run(cleaner, [str(FIXTURES / "html")])
    got, got_errors = [], []
    dask_summary = run_on_dask(client, cleaner, iter_any_inputs([str(FIXTURES / "html")]), write=got.append,
                               on_error=got_errors.append, partition_size=2)
    assert got == records and got_errors == errors and counts(dask_summary) == counts(summary)
    assert any("harbour-daily.example" in r["metadata"]["rulesets"] for r in got)


def test_a_relative_output_folder_is_the_clients_not_the_workers(client, cleaner, corpus, tmp_path, monkeypatch):
    elsewhere = tmp_path / "workers-cwd"
    elsewhere.mkdir()
    before = client.run(os.getcwd)
    client.run(os.chdir, str(elsewhere))  # workers started in another folder, as `dask worker` often is
    try:
        monkeypatch.chdir(tmp_path)
        run_on_dask(client, cleaner, iter_any_inputs([str(corpus)]), folder="out", partition_size=PARTITION)
    finally:
        for address, cwd in before.items():
            client.run(os.chdir, cwd, workers=[address])
    assert list(read_parts(str(tmp_path / "out"))) == local_run(cleaner, [str(corpus)])[0]
    assert list(elsewhere.iterdir()) == []


def test_a_rerun_into_the_same_folder_replaces_parts_and_drops_stale_ones(client, cleaner, corpus, tmp_path):
    out = tmp_path / "out"
    run_on_dask(client, cleaner, iter_any_inputs([str(corpus)]), folder=str(out), partition_size=2)
    many = len(list(out.glob("part-*.jsonl")))
    run_on_dask(client, cleaner, iter_any_inputs([str(corpus)]), folder=str(out), partition_size=PARTITION)
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert len(list(out.glob("part-*.jsonl"))) == len(manifest["parts"]) < many
    assert list(read_parts(str(out))) == local_run(cleaner, [str(corpus)])[0]


def test_an_unfinished_run_leaves_no_manifest(client, cleaner, corpus, tmp_path):
    out = tmp_path / "out"
    run_on_dask(client, cleaner, iter_any_inputs([str(corpus)]), folder=str(out), partition_size=PARTITION)
    assert (out / MANIFEST_NAME).exists()
    for i in range(20):  # the next run cannot write its parts: a folder is in the way of each
        (out / part_name(i)).unlink(missing_ok=True)
        (out / part_name(i)).mkdir()
    with pytest.raises(DaskRunError, match=r"partition \d+ \(documents .+\) failed on the cluster"):
        run_on_dask(client, cleaner, iter_any_inputs([str(corpus)]), folder=str(out), partition_size=PARTITION)
    assert not (out / MANIFEST_NAME).exists()


def test_file_and_memory_urls_are_read_like_local_paths(client, cleaner, corpus):
    import fsspec

    records, errors, _ = local_run(cleaner, [str(corpus)])
    got, got_errors = [], []
    run_on_dask(client, cleaner, iter_any_inputs([corpus.as_uri()]), write=got.append,
                on_error=got_errors.append, partition_size=PARTITION)
    assert [r["id"] for r in got] == [r["id"] for r in records]
    assert [(r["text"], r["removed"]) for r in got] == [(r["text"], r["removed"]) for r in records]
    # Error records name the URL as given (a JSONL line without an id is known by its source).
    assert [(e["source"], e["id"], e["error"]) for e in got_errors] == [
        ("file://" + e["source"], "file://" + e["id"] if e["id"] == e["source"] else e["id"], e["error"])
        for e in errors]

    memory = fsspec.filesystem("memory")
    seed = seed_inputs()[4]
    memory.pipe("/dask-test/news/a.txt", seed.read_bytes())
    memory.pipe("/dask-test/news/b.txt", b"Body of the article, one sentence.\nPhoto: AP\n")
    got = []
    summary = run_on_dask(client, cleaner, iter_any_inputs(["memory://dask-test/news", str(seed)]),
                          write=got.append, partition_size=1)
    assert [r["id"] for r in got] == ["a.txt", "b.txt", seed.name]
    assert got[1]["text"] == "Body of the article, one sentence."
    assert got[0]["text"] == got[2]["text"] == local_run(cleaner, [str(seed)])[0][0]["text"]
    assert counts(summary)[:3] == (3, 3, 0)


def test_cli_submits_to_an_existing_scheduler(cluster, corpus, tmp_path):
    local, local_errors = tmp_path / "local.jsonl", tmp_path / "local-errors.jsonl"
    local_proc = run_cli("clean", str(corpus), "--format", "jsonl", "-o", str(local), "--errors", str(local_errors))
    out, out_errors = tmp_path / "parts", tmp_path / "dask-errors.jsonl"
    proc = run_cli("clean", str(corpus), "--engine", "dask", "--scheduler", cluster.scheduler_address,
                   "--format", "jsonl", "-o", str(out), "--errors", str(out_errors))
    assert out_errors.read_bytes() == local_errors.read_bytes() and out_errors.read_bytes().count(b"\n") >= 8
    assert proc.returncode == local_proc.returncode == 1  # some documents failed, each named on stderr
    joined = b"".join((out / p["name"]).read_bytes()
                      for p in json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["parts"])
    assert joined == local.read_bytes()
    def errors(p):
        return [line for line in p.stderr.decode().splitlines() if line.startswith("cleaner: ")]
    assert errors(proc) == errors(local_proc) and len(errors(proc)) >= 6
    summary = proc.stderr.decode().splitlines()[-1]
    assert summary.split(",")[:3] == local_proc.stderr.decode().splitlines()[-1].split(",")[:3]


def test_cli_starts_its_own_local_cluster_and_writes_stdout(tmp_path):
    seeds = Path(seed_inputs()[0]).parent
    local = run_cli("clean", str(seeds), "-q")
    proc = run_cli("clean", str(seeds), "--engine", "dask", "--workers", "2", "--progress")
    assert proc.returncode == local.returncode == 0, proc.stderr
    assert proc.stdout == local.stdout and proc.stdout.count(b"\n") > 20
    stderr = proc.stderr.decode()
    assert "100% 5 documents |" in stderr and "5 documents: 5 cleaned, 0 failed" in stderr.splitlines()[-1]


def test_scheduler_without_dask_engine_is_bad_usage():
    proc = run_cli("clean", str(seed_inputs()[0]), "--scheduler", "tcp://127.0.0.1:1")
    assert proc.returncode == 2 and b"--scheduler needs --engine dask" in proc.stderr


def test_resume_with_dask_engine_needs_part_files(tmp_path):
    proc = run_cli("clean", str(seed_inputs()[0]), "--engine", "dask", "--format", "json", "-o", str(tmp_path / "o"),
                   "--resume")
    assert proc.returncode == 2 and b"--resume with --engine dask needs --format jsonl -o FOLDER" in proc.stderr


def test_an_unreachable_scheduler_is_a_clear_error():
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{sock.getsockname()[1]}"
    with pytest.raises(DaskUsageError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:"):
        with dask_client(address, connect_timeout="2s"):
            pass


def test_plain_commands_never_import_dask():
    code = ("import sys; import cleaner, cleaner.cli, cleaner.engines.local, cleaner.engines.outcome, cleaner.io.urls, cleaner.engines.dask; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'fsspec'}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "[]", proc.stderr


def test_dask_engine_without_dask_installed_says_how_to_install(tmp_path):
    # `None` in sys.modules makes `import distributed` fail exactly as on an install without the extra.
    code = ("import sys; sys.modules['distributed'] = None; sys.modules['dask'] = None; "
            "sys.argv = ['cleaner', 'clean', sys.argv[1], '--engine', 'dask', '--format', 'jsonl', '-o', sys.argv[2]]; "
            "from cleaner.cli import main; main()")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", code, str(seed_inputs()[0]), str(out)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert "pip install 'cleaner-text[dask]' (from a checkout: pip install -e '.[dask]')" in proc.stderr and not out.exists()


class SlowDocuments(list):
    """The partition's documents, handed out one every `delay` seconds, so a run lasts long
    enough for a worker to be killed in the middle of a partition."""

    delay = 0.0

    def __iter__(self):
        for item in super().__iter__():
            time.sleep(self.delay)
            yield item


def slow_partition(spec, index, items, folder, *, log, delay):
    with open(log, "a", encoding="utf-8") as f:
        f.write(f"{index} {os.getpid()}\n")
    slow = SlowDocuments(items)
    slow.delay = delay
    return clean_partition(spec, index, slow, folder)


def _started(log: Path) -> list[tuple[int, int]]:
    if not log.exists():
        return []
    return [tuple(map(int, line.split())) for line in log.read_text(encoding="utf-8").splitlines()]


def test_a_worker_killed_mid_run_loses_and_doubles_nothing(cleaner, corpus, tmp_path):
    records, errors, summary = local_run(cleaner, [str(corpus)])
    out, log = tmp_path / "out", tmp_path / "started.log"
    task = functools.partial(slow_partition, log=str(log), delay=0.15)
    outcome = {}
    with start_cluster() as cluster, Client(cluster, timeout="60s") as client:
        worker_pids = set(client.run(os.getpid).values())

        def run():
            try:
                outcome["summary"] = run_on_dask(client, cleaner, iter_any_inputs([str(corpus)]), folder=str(out),
                                                 on_error=outcome.setdefault("errors", []).append,
                                                 partition_size=PARTITION, task=task)
            except BaseException as err:  # reported by the assertions below
                outcome["raised"] = err

        runner = threading.Thread(target=run)
        runner.start()
        deadline = time.monotonic() + 60
        while len(_started(log)) < 3 and time.monotonic() < deadline:  # a few partitions in: kill mid-run
            time.sleep(0.05)
        time.sleep(0.2)  # inside that partition, some documents written to its temporary part
        killed_index, killed_pid = _started(log)[-1]
        assert killed_pid in worker_pids
        os.kill(killed_pid, signal.SIGKILL)
        runner.join(timeout=180)
        assert not runner.is_alive()
        assert "raised" not in outcome, outcome.get("raised")
        assert killed_pid not in set(client.run(os.getpid).values())  # that process is gone for good

    starts = _started(log)
    n_parts = -(-summary.documents // PARTITION)
    rerun = [pid for index, pid in starts if index == killed_index]
    assert len(rerun) >= 2 and rerun[0] == killed_pid and rerun[-1] != killed_pid  # retried on another process
    assert {index for index, _ in starts} == set(range(n_parts))
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST_NAME, OUTPUT_MARKER] + [part_name(i) for i in range(n_parts)])
    joined = "".join((out / p["name"]).read_text(encoding="utf-8") for p in manifest["parts"])
    assert joined == "".join(dumps(r) + "\n" for r in records)  # nothing lost, nothing doubled
    assert outcome["errors"] == errors and counts(outcome["summary"]) == counts(summary)


def crashing_partition(spec, index, items, folder):
    """The real task, except that a worker cleaning `poison.txt` dies on the spot, as on a crash
    in native code or the kernel's out-of-memory killer."""
    if any(item.id == "poison.txt" for item in items):
        os._exit(70)
    return clean_partition(spec, index, items, folder)


def test_a_document_that_kills_every_worker_becomes_an_error_record(cleaner, tmp_path):
    import dask

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, seed in enumerate(seed_inputs()):
        (corpus / f"{n}.txt").write_bytes(seed.read_bytes())
    (corpus / "poison.txt").write_text("A sentence of an article that crashes the worker.\n", encoding="utf-8")
    records, errors, summary = local_run(cleaner, [str(corpus)])
    out = tmp_path / "out"
    got_errors = []
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        with start_cluster() as cluster, Client(cluster, timeout="60s") as client:
            dask_summary = run_on_dask(client, cleaner, iter_any_inputs([str(corpus)]), folder=str(out),
                                       on_error=got_errors.append, partition_size=2, task=crashing_partition)
    assert [e["id"] for e in got_errors] == ["poison.txt"] and "worker process died" in got_errors[0]["error"]
    assert list(read_parts(str(out))) == [r for r in records if r["id"] != "poison.txt"]  # the rest of its partition too
    assert counts(dask_summary)[:3] == (summary.documents, summary.cleaned - 1, 1)
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST_NAME, OUTPUT_MARKER] + [part_name(i) for i in range(3)])
