"""Throughput of the Dask engine with 1 and 2 local worker processes, next to the local engine.

Generates a corpus of article-like documents (text and HTML) from the seed articles' lines
mixed with boilerplate the rules remove, then cleans it:
  - local engine in this process (batch.run_batch), for reference;
  - Dask engine on a LocalCluster of 1 worker process, then of 2 (one thread each), writing
    JSONL part files and a manifest, as `cleaner clean --engine dask --format jsonl -o DIR` does.
Cluster start-up and the workers' first imports are not timed (a warm-up run comes first);
the figures are documents/s and MB/s of input (best of --repeat runs), and documents per CPU
second spent by the workers and the client together (what the engine costs, whatever else the
machine is doing).

    python benchmarks/dask_speed.py --documents 600
"""
from __future__ import annotations

import argparse
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
from cleaner.engines.local import run_batch  # noqa: E402
from cleaner.engines.dask import run_on_dask  # noqa: E402
from cleaner.io.sources import iter_inputs  # noqa: E402

BOILERPLATE = [
    "Photo: Reuters", "Read also:", "Subscribe to our newsletter to get the news first",
    "Share this article", "© 2021 All rights reserved", "Advertisement", "Tags: politics world",
]


def generate_corpus(folder: Path, documents: int, seed: int = 7) -> int:
    """Write `documents` articles (every third one HTML) under `folder`; returns their total bytes."""
    rng = random.Random(seed)
    seed_lines = [line for p in sorted((ROOT / "fixtures" / "seeds").glob("*.txt")) if ".expected" not in p.name
                  for line in p.read_text(encoding="utf-8").splitlines() if len(line.split()) > 6]
    total = 0
    for n in range(documents):
        body = rng.sample(seed_lines, k=min(len(seed_lines), rng.randint(8, 30)))
        for _ in range(rng.randint(2, 5)):
            body.insert(rng.randrange(len(body) + 1), rng.choice(BOILERPLATE))
        title = " ".join(body[0].split()[:8])
        sub = folder / f"batch{n // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        if n % 3 == 2:
            paragraphs = "".join(f"<p>{line}</p>" for line in body)
            data = (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a> <a href='/news'>News</a>"
                    f"</nav><article><h1>{title}</h1>{paragraphs}</article><footer>Contact us</footer></body></html>")
            path = sub / f"doc{n:06d}.html"
        else:
            data = title + "\n\n" + "\n".join(body) + "\n"
            path = sub / f"doc{n:06d}.txt"
        path.write_text(data, encoding="utf-8")
        total += len(data.encode("utf-8"))
    return total


def time_local(cleaner: Cleaner, corpus: Path, repeat: int = 1) -> tuple[list[float], int, float]:
    runs = []
    cpu = time.process_time()
    for _ in range(repeat):
        started = time.perf_counter()
        summary = run_batch(cleaner, iter_inputs([str(corpus)]), lambda record: None, lambda error: None)
        runs.append(time.perf_counter() - started)
    return runs, summary.documents, (time.process_time() - cpu) / repeat


def time_dask(cleaner: Cleaner, corpus: Path, warmup: Path, workers: int, partition_size: int,
              repeat: int) -> tuple[list[float], int, float]:
    """The seconds of `repeat` timed runs on one cluster, and the CPU seconds of one run (workers
    and client together)."""
    runs = []
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0", scheduler_kwargs={"dashboard": False},
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        with tempfile.TemporaryDirectory() as out:
            run_on_dask(client, cleaner, iter_inputs([str(warmup)]), folder=out, partition_size=1)
        cpu = sum(client.run(time.process_time).values()) + time.process_time()
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as out:
                started = time.perf_counter()
                summary = run_on_dask(client, cleaner, iter_inputs([str(corpus)]), folder=out,
                                      partition_size=partition_size)
                runs.append(time.perf_counter() - started)
        cpu = sum(client.run(time.process_time).values()) + time.process_time() - cpu
    return runs, summary.documents, cpu / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=600, help="documents in the generated corpus")
    parser.add_argument("--partition-size", type=int, default=25, help="documents per Dask partition")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per engine; the best is reported")
    args = parser.parse_args()
    cleaner = Cleaner()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, warmup = Path(tmp) / "corpus", Path(tmp) / "warmup"
        size = generate_corpus(corpus, args.documents)
        generate_corpus(warmup, 8, seed=1)
        mb = size / 1024 / 1024
        print(f"corpus: {args.documents} documents, {mb:.1f} MB; {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.2f}; partitions of {args.partition_size}; best of {args.repeat}")
        time_local(cleaner, warmup)
        rows = [("local engine, 1 process", *time_local(cleaner, corpus, args.repeat))]
        for workers in (1, 2):
            rows.append((f"dask, {workers} worker{'s' if workers > 1 else ''}",
                         *time_dask(cleaner, corpus, warmup, workers, args.partition_size, args.repeat)))
        # The machine may be shared: the best run is the one least disturbed by other work.
        best = [min(runs) for _, runs, _, _ in rows]
        for (name, runs, documents, cpu), seconds in zip(rows, best):
            assert documents == args.documents, (name, documents)
            print(f"{name:<24} {seconds:6.2f} s  {documents / seconds:7.1f} documents/s  {mb / seconds:5.2f} MB/s"
                  f"  {documents / cpu:6.1f} documents/CPU-s   (runs: {', '.join(f'{r:.2f}' for r in runs)} s)")
        print(f"dask 2 workers / 1 worker: {best[1] / best[2]:.2f}x throughput; "
              f"dask 1 worker / local engine: {best[0] / best[1]:.2f}x")


if __name__ == "__main__":
    main()
