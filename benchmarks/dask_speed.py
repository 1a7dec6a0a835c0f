"""Throughput of the Dask engine (workers reading their own shards) next to the local pool, in one run.

Generates JSONL files of article-like documents (text, every tenth one HTML, on a few sites that
repeat their menus) and cleans them, as `cleaner clean CORPUS -f jsonl` does by default (chrome
learned from the batch first):
  - the local engine with a pool of k processes (`-w k`): the chrome pass in the parent, then
    run_batch writing one JSONL file;
  - the Dask engine on a LocalCluster of k worker processes (one thread each): the scan pass and
    the cleaning pass on the workers, which read their shards and write part files and a manifest
    (`--engine dask -o FOLDER`);
for k = 1 .. N (N = the machine's cores). Cluster start-up and the workers' first imports are not
timed (a warm-up run on each cluster comes first); the local pool's start-up is part of its run.
Both outputs are checked to be the same bytes. The figure that matters is Dask with N workers
against the local pool with N processes, measured on the same corpus in the same run.

    python benchmarks/dask_speed.py --documents 6000
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from distributed import Client, LocalCluster  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.engines.dask_shards import ShardedRun, run_sharded  # noqa: E402
from cleaner.engines.local import run_batch  # noqa: E402
from cleaner.fullpage.chrome import learn_chrome  # noqa: E402
from cleaner.io.sources import iter_inputs  # noqa: E402
from cleaner.io.writers import JsonlWriter  # noqa: E402

CHROME = (5, 0.5)  # the CLI's defaults
SITES = ["https://www.daily.example", "https://news.example.org", "https://blog.example.net", "https://wire.example"]
BOILERPLATE = [
    "Photo: Reuters", "Read also:", "Subscribe to our newsletter to get the news first",
    "Share this article", "© 2021 All rights reserved", "Advertisement", "Tags: politics world",
]
MENU = ["Home", "World", "Business", "Opinion", "Sign in", "Follow us on Facebook"]


def generate_corpus(folder: Path, documents: int, files: int = 4, seed: int = 7) -> int:
    """Write `documents` JSONL records into `files` files under `folder`; returns their bytes."""
    rng = random.Random(seed)
    seed_lines = [line for p in sorted((ROOT / "fixtures" / "seeds").glob("*.txt")) if ".expected" not in p.name
                  for line in p.read_text(encoding="utf-8").splitlines() if len(line.split()) > 6]
    folder.mkdir(parents=True, exist_ok=True)
    streams = [(folder / f"crawl-{n:02d}.jsonl").open("w", encoding="utf-8") for n in range(files)]
    total = 0
    for n in range(documents):
        body = rng.sample(seed_lines, k=min(len(seed_lines), rng.randint(8, 30)))
        for _ in range(rng.randint(2, 5)):
            body.insert(rng.randrange(len(body) + 1), rng.choice(BOILERPLATE))
        title = " ".join(body[0].split()[:8])
        site = SITES[n % len(SITES)]
        record = {"id": f"doc-{n:07d}", "url": f"{site}/{n}"}
        if n % 10 == 9:
            paragraphs = "".join(f"<p>{line}</p>" for line in body)
            record["html"] = (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
                              f"<article><h1>{title}</h1>{paragraphs}</article><footer>Contact us</footer>"
                              "</body></html>")
        else:
            record["text"] = "\n".join([title, *MENU, *body, "Follow us on Facebook"])
        line = json.dumps(record, ensure_ascii=False) + "\n"
        streams[n * files // documents].write(line)
        total += len(line.encode("utf-8"))
    for stream in streams:
        stream.close()
    return total


def time_local(corpus: Path, workers: int, out: Path) -> tuple[float, int]:
    """`cleaner clean CORPUS -f jsonl -o OUT -w WORKERS`, from Python: seconds and documents."""
    started = time.perf_counter()
    cleaner = Cleaner()
    cleaner.chrome = learn_chrome(iter_inputs([str(corpus)]), *CHROME)
    writer = JsonlWriter(out)
    summary = run_batch(cleaner, iter_inputs([str(corpus)]), writer.write, lambda error: None, workers=workers)
    writer.close()
    return time.perf_counter() - started, summary.documents


def time_dask(client, corpus: Path, out: Path, shard_bytes: int) -> tuple[float, int]:
    """`cleaner clean CORPUS --engine dask -f jsonl -o OUT`, from Python: seconds and documents."""
    started = time.perf_counter()
    summary = run_sharded(client, Cleaner(), [str(corpus)], folder=str(out),
                          settings=ShardedRun(shard_bytes=shard_bytes, chrome=CHROME))
    return time.perf_counter() - started, summary.documents


def joined(folder: Path) -> bytes:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return b"".join((folder / part["name"]).read_bytes() for part in manifest["parts"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=6000, help="documents in the generated corpus")
    parser.add_argument("--files", type=int, default=4, help="JSONL files they are spread over")
    parser.add_argument("--shard-mb", type=float, default=1.0, help="bytes of JSONL per Dask shard, in MB")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="N: the most workers tried")
    args = parser.parse_args()
    shard_bytes = int(args.shard_mb * 1024 * 1024)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus, warmup = tmp / "corpus", tmp / "warmup"
        size = generate_corpus(corpus, args.documents, args.files)
        generate_corpus(warmup, 40, 1, seed=1)
        mb = size / 1024 / 1024
        print(f"corpus: {args.documents} documents in {args.files} JSONL files, {mb:.1f} MB; {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.2f} at the start; Dask shards of {args.shard_mb:g} MB")
        rates: dict[tuple[str, int], float] = {}
        for workers in range(1, args.workers + 1):
            seconds, documents = time_local(corpus, workers, tmp / f"local-{workers}.jsonl")
            assert documents == args.documents
            rates["local", workers] = documents / seconds
            print(f"local pool, {workers} process{'es' if workers > 1 else ''}: {seconds:7.2f} s  "
                  f"{documents / seconds:7.1f} documents/s  {mb / seconds:5.2f} MB/s", flush=True)
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                              dashboard_address=":0", scheduler_kwargs={"dashboard": False},
                              silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
                time_dask(client, warmup, tmp / "warmup-out", shard_bytes)
                seconds, documents = time_dask(client, corpus, tmp / f"dask-{workers}", shard_bytes)
            assert documents == args.documents
            assert joined(tmp / f"dask-{workers}") == (tmp / f"local-{workers}.jsonl").read_bytes()
            rates["dask", workers] = documents / seconds
            print(f"dask, {workers} worker{'s' if workers > 1 else ''}:          {seconds:7.2f} s  "
                  f"{documents / seconds:7.1f} documents/s  {mb / seconds:5.2f} MB/s   (same bytes as local)",
                  flush=True)
        n = args.workers
        print("dask scaling: " + ", ".join(f"{k} worker{'s' if k > 1 else ''} {rates['dask', k]:.1f} documents/s "
                                           f"({rates['dask', k] / rates['dask', 1]:.2f}x)" for k in range(1, n + 1)))
        print(f"dask {n} workers / local pool {n} processes: {rates['dask', n] / rates['local', n]:.2f}x throughput "
              f"(target >= 0.9x); load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
