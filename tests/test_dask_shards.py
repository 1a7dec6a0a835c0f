"""The Dask engine with workers reading their own shards (engines/dask_shards.py, io/shards.py),
on a real distributed LocalCluster of separate worker processes: the local engine's bytes,
error records and counts whatever the shards; chrome learned on the workers; duplicate ids
across shards; a killed worker; --resume after the client is killed."""
import gzip
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from cleaner import Cleaner
from cleaner.engines.dask import MANIFEST_NAME, part_name
from cleaner.engines.dask_shards import PROGRESS_FOLDER, ShardedRun, clean_shard, run_sharded
from cleaner.engines.local import run_batch
from cleaner.fullpage.chrome import learn_chrome
from cleaner.io.shards import FILES, JSONL, PARQUET, WARC, lines_in, plan_shards, read_shard, warc_record_starts
from cleaner.io.formats import OUTPUT_MARKER
from cleaner.io.sources import iter_inputs
from cleaner.io.writers import dumps
from conftest import run_cli, seed_inputs

CHROME = (5, 0.5)  # the CLI's defaults
MENU = ["Home", "World", "Business", "Sign in to comment", "Follow us on Facebook"]


def start_cluster():
    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0",
                        scheduler_kwargs={"dashboard": False}, silence_logs=logging.ERROR, death_timeout="60s")


@pytest.fixture(scope="module")
def cluster():
    with start_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def client(cluster):
    with Client(cluster, timeout="60s") as client:
        yield client


def _articles():
    lines = [line for p in seed_inputs() for line in p.read_text(encoding="utf-8").splitlines()
             if len(line.split()) > 6]
    return lines


def make_corpus(root: Path) -> Path:
    """A big JSONL file (records of two sites sharing menus, records without ids, bad lines,
    blank lines, ids repeated across the file), a folder of text files, a gzip JSONL file."""
    corpus = root / "corpus"
    (corpus / "notes").mkdir(parents=True)
    body = _articles()
    records = []
    for n in range(60):
        site = "https://www.alpha.example" if n % 2 else "https://beta.example"
        text = "\n".join([f"Story {n}: {body[n % len(body)][:60]}", *MENU[: 3 + n % 3],
                          *body[(n * 3) % len(body):(n * 3) % len(body) + 4], "Follow us on Facebook"])
        record = {"id": f"r{n}", "url": f"{site}/story/{n}", "text": text, "n": n}
        if n % 7 == 3:
            del record["id"]  # known by its line: feed.jsonl:LINE
        records.append(json.dumps(record, ensure_ascii=False))
    records.insert(11, "{broken json")
    records.insert(25, "")
    records.insert(30, json.dumps({"id": "r4", "text": "The same id as record four, further on."}))
    records.insert(44, json.dumps({"id": "r40", "text": "An id that comes back later."}))  # the later r40 is the duplicate
    records.insert(50, json.dumps({"id": "no-text"}))
    (corpus / "feed.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    for n, seed in enumerate(seed_inputs()):
        (corpus / "notes" / f"note{n}.txt").write_bytes(seed.read_bytes())
    (corpus / "notes" / "r7").write_text("not walked", encoding="utf-8")
    (corpus / "notes" / "z.txt").write_bytes(bytes(range(256)) * 4)
    zipped = [json.dumps({"id": "r1", "text": "A duplicate of a record of the big file."}),
              json.dumps({"id": "z1", "text": body[3]})]
    (corpus / "zipped.jsonl.gz").write_bytes(gzip.compress(("\n".join(zipped) + "\n").encode(), mtime=0))
    return corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("shards"))


def local_run(paths, chrome=True):
    """What `cleaner clean PATHS -f jsonl` writes: the records' bytes, the error records, counts."""
    cleaner = Cleaner()
    if chrome:
        cleaner.chrome = learn_chrome(iter_inputs(paths), *CHROME)
    records, errors, skipped = [], [], Counter()
    summary = run_batch(cleaner, iter_inputs(paths, skipped=skipped), records.append, errors.append)
    summary.records_skipped = dict(skipped)
    return "".join(dumps(r) + "\n" for r in records), errors, summary, cleaner.chrome


def counts(summary):
    return summary.documents, summary.cleaned, summary.failed, summary.lines_removed, summary.records_skipped


def joined_parts(out: Path) -> str:
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    return "".join((out / p["name"]).read_text(encoding="utf-8") for p in manifest["parts"])


def sharded_run(client, paths, out, **settings):
    cleaner = Cleaner()
    errors = []
    settings.setdefault("chrome", CHROME)
    summary = run_sharded(client, cleaner, paths, folder=str(out), on_error=errors.append,
                          settings=ShardedRun(**settings))
    return joined_parts(out), errors, summary, cleaner.chrome


def test_a_big_jsonl_file_is_planned_as_byte_ranges_holding_each_line_once(corpus):
    feed = corpus / "feed.jsonl"
    shards = list(plan_shards([str(corpus)], shard_bytes=1500, files_per_shard=3))
    ranges = [s for s in shards if s.kind == JSONL]
    assert len(ranges) == -(-feed.stat().st_size // 1500) > 10
    assert [s.index for s in shards] == list(range(len(shards)))
    assert {s.kind for s in shards} == {JSONL, FILES}
    read = [item.line for s in ranges for item in read_shard(s)]  # numbered from 1 in each shard here
    assert len(read) == len(list(iter_inputs([str(feed)])))
    with feed.open("rb") as raw:
        assert b"".join(line for s in ranges for line in lines_in(
            raw, s.start, s.end)) == feed.read_bytes()


@pytest.mark.parametrize("shard_bytes,files", [(1500, 3), (700, 1), (10**9, 100)], ids=["small", "tiny", "whole"])
def test_parts_are_the_local_engines_bytes_whatever_the_shards(client, corpus, tmp_path, shard_bytes, files):
    expected, errors, summary, chrome = local_run([str(corpus)])
    assert chrome and len({e["error"][:20] for e in errors}) >= 4  # chrome learned, failures of several kinds
    assert sum("duplicate id" in e["error"] for e in errors) == 3
    got, got_errors, got_summary, got_chrome = sharded_run(client, [str(corpus)], tmp_path / "out",
                                                           shard_bytes=shard_bytes, files_per_shard=files)
    assert got == expected
    assert got_errors == errors and counts(got_summary) == counts(summary)
    assert got_chrome.lines == chrome.lines and got_chrome.documents == chrome.documents
    assert not (tmp_path / "out" / PROGRESS_FOLDER).exists()


def test_without_chrome_learning_and_records_back_in_order(client, corpus):
    expected, errors, summary, _ = local_run([str(corpus)], chrome=False)
    records, got_errors = [], []
    got_summary = run_sharded(client, Cleaner(), [str(corpus)], write=records.append, on_error=got_errors.append,
                              settings=ShardedRun(shard_bytes=2000, files_per_shard=2))
    assert "".join(dumps(r) + "\n" for r in records) == expected
    assert got_errors == errors and counts(got_summary) == counts(summary)


def test_warc_files_are_cut_at_records_and_parquet_files_at_row_groups(client, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from test_warc import ENGLISH, Archive, crawl, page

    corpus = tmp_path / "crawls"
    corpus.mkdir()
    archive = crawl()
    for n in range(12):
        archive.response(f"https://news.example.com/{n}", page(f"Story number {n}", ENGLISH).encode(), "text/html")
        archive.request(f"https://news.example.com/{n}")
    (corpus / "a.warc.gz").write_bytes(archive.bytes())
    plain = Archive(gzip=False)
    for n in range(6):
        plain.response(f"https://other.example/{n}", page(f"Other story {n}", ENGLISH).encode(), "text/html")
        plain.metadata(f"https://other.example/{n}")
    (corpus / "b.warc").write_bytes(plain.bytes())
    body = _articles()
    rows = [{"id": None if n % 5 == 4 else f"p{n}", "text": "\n".join(body[n:n + 5]), "url": f"https://p.example/{n}"}
            for n in range(40)]
    pq.write_table(pa.Table.from_pylist(rows), corpus / "c.parquet", row_group_size=6)
    expected, errors, summary, _ = local_run([str(corpus)])
    assert summary.records_skipped and summary.cleaned > 50

    shards = list(plan_shards([str(corpus)], shard_bytes=3000,
                              warc_starts=warc_record_starts))
    assert sum(s.kind == WARC for s in shards) > 4 and sum(s.kind == PARQUET for s in shards) > 1
    got, got_errors, got_summary, _ = sharded_run(client, [str(corpus)], tmp_path / "out", shard_bytes=3000)
    assert got == expected and got_errors == errors and counts(got_summary) == counts(summary)


class Slow:
    """The real pass-2 task, slowed down and logging which shard runs in which process."""

    def __init__(self, log: str, delay: float):
        self.log, self.delay = log, delay

    def __call__(self, spec, shard, duplicates, folder, max_bytes, only=None):
        with open(self.log, "a", encoding="utf-8") as f:
            f.write(f"{shard.index} {os.getpid()}\n")
        time.sleep(self.delay)
        return clean_shard(spec, shard, duplicates, folder, max_bytes, only=only)


def _started(log: Path) -> list[tuple[int, int]]:
    if not log.exists():
        return []
    return [tuple(map(int, line.split())) for line in log.read_text(encoding="utf-8").splitlines()]


def test_a_worker_killed_mid_run_loses_and_doubles_nothing(corpus, tmp_path):
    expected, errors, summary, _ = local_run([str(corpus)])
    out, log = tmp_path / "out", tmp_path / "started.log"
    outcome = {}
    with start_cluster() as cluster, Client(cluster, timeout="60s") as client:
        worker_pids = set(client.run(os.getpid).values())

        def run():
            try:
                outcome["run"] = sharded_run(client, [str(corpus)], out, shard_bytes=1500, files_per_shard=3,
                                             task=Slow(str(log), 0.4))
            except BaseException as err:  # reported by the assertions below
                outcome["raised"] = err

        runner = threading.Thread(target=run)
        runner.start()
        deadline = time.monotonic() + 120
        while len(_started(log)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        killed_index, killed_pid = _started(log)[-1]
        assert killed_pid in worker_pids
        os.kill(killed_pid, signal.SIGKILL)
        runner.join(timeout=240)
        assert not runner.is_alive() and "raised" not in outcome, outcome.get("raised")
    got, got_errors, got_summary, _ = outcome["run"]
    rerun = [pid for index, pid in _started(log) if index == killed_index]
    assert len(rerun) >= 2 and rerun[0] == killed_pid and rerun[-1] != killed_pid  # run again elsewhere
    assert got == expected and got_errors == errors and counts(got_summary) == counts(summary)
    n_parts = len(json.loads((out / MANIFEST_NAME).read_text())["parts"])
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST_NAME, OUTPUT_MARKER] + [part_name(i) for i in range(n_parts)])


CLIENT = """
import sys, time, os
sys.path.insert(0, {tests!r})
from distributed import Client
from cleaner import Cleaner
from cleaner.engines.dask_shards import ShardedRun, run_sharded
from test_dask_shards import CHROME, Slow
with Client({address!r}, timeout="60s") as client:
    run_sharded(client, Cleaner(), [{corpus!r}], folder={out!r}, fingerprint="test",
                settings=ShardedRun(shard_bytes=1500, files_per_shard=3, chrome=CHROME, window=2,
                                    task=Slow({log!r}, 0.3)))
"""


def test_resume_after_the_client_is_killed_carries_on_to_the_same_bytes(cluster, client, corpus, tmp_path):
    expected, errors, summary, _ = local_run([str(corpus)])
    out, log = tmp_path / "out", tmp_path / "first.log"
    code = CLIENT.format(tests=str(Path(__file__).parent), address=cluster.scheduler_address, corpus=str(corpus),
                         out=str(out), log=str(log))
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / PROGRESS_FOLDER).glob("0*.json"))) < 4:
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.05)
    proc.kill()  # SIGKILL: no clean-up of any kind
    proc.wait()
    finished = len(list((out / PROGRESS_FOLDER).glob("0*.json")))
    assert finished >= 4 and not (out / MANIFEST_NAME).exists()

    time.sleep(1.5)  # the killed client's last tasks finish or are released
    second = tmp_path / "second.log"
    cleaner, got_errors = Cleaner(), []
    got_summary = run_sharded(client, cleaner, [str(corpus)], folder=str(out), on_error=got_errors.append,
                              resume=True, fingerprint="test",
                              settings=ShardedRun(shard_bytes=1500, files_per_shard=3, chrome=CHROME,
                                                  task=Slow(str(second), 0)))
    cleaned_again = {index for index, _ in _started(second)}
    assert cleaned_again and min(cleaned_again) >= finished  # the finished shards were not cleaned again
    assert joined_parts(out) == expected
    assert got_errors == errors and counts(got_summary) == counts(summary)
    assert got_summary.resumed > 0 and not (out / PROGRESS_FOLDER).exists()


def test_resume_refuses_another_runs_progress(client, corpus, tmp_path):
    from cleaner.engines.dask_shards import Progress
    from cleaner.engines.dask import DaskUsageError

    out = tmp_path / "out"
    Progress(str(out), "one run", resume=False)
    with pytest.raises(DaskUsageError, match="left by a run with other inputs"):
        Progress(str(out), "another run", resume=True)


def test_cli_resume_on_dask_writes_the_local_bytes(cluster, corpus, tmp_path):
    local, local_errors = tmp_path / "local.jsonl", tmp_path / "local-errors.jsonl"
    local_proc = run_cli("clean", str(corpus), "-f", "jsonl", "-o", str(local), "--errors", str(local_errors))
    out, out_errors = tmp_path / "parts", tmp_path / "dask-errors.jsonl"
    proc = run_cli("clean", str(corpus), "--engine", "dask", "--scheduler", cluster.scheduler_address,
                   "-f", "jsonl", "-o", str(out), "--errors", str(out_errors), "--resume")
    assert proc.returncode == local_proc.returncode == 1, proc.stderr
    assert joined_parts(out).encode() == local.read_bytes() and out_errors.read_bytes() == local_errors.read_bytes()
    tree = run_cli("clean", str(corpus), "--engine", "dask", "--scheduler", cluster.scheduler_address,
                   "-f", "text", "-o", str(tmp_path / "tree"), "--resume")
    assert tree.returncode == 2 and b"--resume with --engine dask needs --format jsonl -o FOLDER" in tree.stderr


def crashing_task(spec, shard, duplicates, folder, max_bytes, only=None):
    """The real task, except that a worker cleaning `poison.txt` dies on the spot (a crash in
    native code, the out-of-memory killer)."""
    for position, item in enumerate(read_shard(shard, max_bytes)):
        if item.id == "poison.txt" and (only is None or only[0] <= position < only[1]):
            os._exit(70)
    return clean_shard(spec, shard, duplicates, folder, max_bytes, only=only)


def test_a_document_that_kills_every_worker_becomes_an_error_record(tmp_path):
    import dask

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, seed in enumerate(seed_inputs()):
        (corpus / f"{n}.txt").write_bytes(seed.read_bytes())
    (corpus / "poison.txt").write_text("A sentence of an article that crashes the worker.\n", encoding="utf-8")
    expected, errors, summary, _ = local_run([str(corpus)])
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with start_cluster() as cluster, Client(cluster, timeout="60s") as client:
            got, got_errors, got_summary, _ = sharded_run(client, [str(corpus)], tmp_path / "out", files_per_shard=4,
                                                          task=crashing_task)
    assert [e["id"] for e in got_errors] == ["poison.txt"] and "worker process died" in got_errors[0]["error"]
    lines = expected.splitlines(keepends=True)
    assert got == "".join(line for line in lines if '"id": "poison.txt"' not in line)
    assert counts(got_summary)[:3] == (summary.documents, summary.cleaned - 1, 1)
