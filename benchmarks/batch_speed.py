"""Batch speed and memory of `cleaner clean`, on a generated corpus of realistic articles.

Prints:
  1. the cost of cleaning one document relative to ftfy.fix_text + langdetect.detect alone on the
     same whole documents (CPU time, in this process; target <= 0.8);
  2. documents/s and MB/s of the real command with 1 and N worker processes (target: 2 workers
     >= 1.8x one), and with N workers the parent's CPU per document against the workers' (target:
     at most 1/20);
  3. peak memory of the command on a large corpus (parent, largest worker, and the whole process
     tree's proportional set size; target < 300 MB for 100,000 documents, no higher for 1,000,000);
  4. optionally (--huge-mb), the time to clean one huge document, to show cost grows linearly.

The corpus is made from the seed articles in fixtures/seeds: each document is a seed with its
paragraphs varied (numbers changed, about one word in ten of the body swapped, body
paragraphs reordered, repeated or dropped, a sentence of its own added), so documents differ and range from about 2 to 15 KB, like news articles.

    python benchmarks/batch_speed.py                      # ratio, 1 vs 2 workers on 3,000 docs, memory on 100,000
    python benchmarks/batch_speed.py --memory-docs 1000000
    python benchmarks/batch_speed.py --only-huge --huge-mb 50
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"


# --- corpus ----------------------------------------------------------------------------------

def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")) if ".expected" not in p.name]


def _is_body(line: str) -> bool:
    return len(line.split()) >= 12


def _reword(line: str, rng: random.Random, pool: list[str]) -> str:
    """About one word in ten swapped for another word of the seeds: every body line is new, as in
    a real corpus (no line repeats across documents, so no cache helps)."""
    return " ".join(rng.choice(pool) if len(word) >= 4 and word.isalpha() and rng.random() < 0.1 else word
                    for word in line.split(" "))


def vary(text: str, rng: random.Random, number: int, pool: list[str]) -> str:
    """A new article from a seed: same shape (header, chrome, related lists), varied body."""
    lines = text.split("\n")
    body = [i for i, line in enumerate(lines) if _is_body(line)]
    if len(body) >= 2:
        paragraphs = [lines[i] for i in body]
        rng.shuffle(paragraphs)
        repeat = rng.choice((1, 1, 1, 2, 2, 3))  # some long articles
        extended = [_reword(p, rng, pool) for _ in range(repeat) for p in paragraphs]
        if len(extended) > 2 and rng.random() < 0.3:
            extended.pop(rng.randrange(len(extended)))
        first, last = body[0], body[-1]
        lines = lines[:first] + extended + lines[last + 1:]
    lines = [re.sub(r"\d+", lambda m: str(rng.randint(1, 10 ** len(m.group(0)))), line) for line in lines]
    insert_at = rng.randint(1, max(1, len(lines) - 1))
    lines.insert(insert_at, f"Officials said on day {number} that the {rng.choice(WORDS)} talks would "
                            f"continue in {rng.choice(PLACES)} next {rng.choice(('week', 'month', 'year'))}.")
    return "\n".join(lines)


WORDS = ("trade", "security", "climate", "energy", "border", "budget", "health", "peace", "water", "grain")
PLACES = ("Geneva", "Vienna", "Helsinki", "Ankara", "Brussels", "Oslo", "Doha", "Astana", "Rome", "Paris")


def generate(count: int, seed: int = 7) -> Iterator[dict]:
    rng = random.Random(seed)
    seeds = seed_texts()
    pool = sorted({word for text in seeds for word in text.split() if len(word) >= 4 and word.isalpha()})
    for i in range(count):
        yield {"id": f"doc-{i:07d}", "text": vary(seeds[rng.randrange(len(seeds))], rng, i, pool)}


def write_corpus(path: Path, count: int) -> int:
    """Write `count` documents as JSONL; return the file's size."""
    with path.open("w", encoding="utf-8") as out:
        for record in generate(count):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path.stat().st_size


# --- 1. per-document cost against the libraries' floor ---------------------------------------

def measure_ratio(count: int) -> dict:
    import ftfy
    import langdetect

    from cleaner import Cleaner

    cleaner = Cleaner()
    docs = [r["text"] for r in generate(count, seed=11)]
    for text in docs[:20]:  # warm up: profiles loaded, caches filled
        cleaner.clean_text(text)
        ftfy.fix_text(text)
        langdetect.detect(text)
    ours = floor = 0.0
    # Interleaved, CPU time: load from other processes hits both sides alike.
    for text in docs:
        start = time.process_time()
        cleaner.clean_text(text)
        middle = time.process_time()
        ftfy.fix_text(text)
        langdetect.detect(text)
        floor += time.process_time() - middle
        ours += middle - start
    return {"documents": count, "cleaner_ms": ours / count * 1000, "floor_ms": floor / count * 1000,
            "ratio": ours / floor}


# --- 2 and 3. the real command ------------------------------------------------------------------

def cleaner_command() -> list[str]:
    exe = Path(sys.executable).with_name("cleaner")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cleaner.cli"]


def _tree(pid: int) -> list[int]:
    """pid and all its descendants (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def _kb(path: str, key: str) -> int:
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class MemorySampler:
    """Samples the process tree every `interval` s: peak RSS of the parent, of the largest other
    process, and the peak of the tree's summed PSS (shared pages counted once)."""

    def __init__(self, pid: int, interval: float = 0.5):
        self.pid = pid
        self.interval = interval
        self.parent_kb = self.worker_kb = self.total_pss_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in _tree(self.pid):
                rss = _kb(f"/proc/{pid}/status", "VmHWM:")
                if pid == self.pid:
                    self.parent_kb = max(self.parent_kb, rss)
                else:
                    self.worker_kb = max(self.worker_kb, rss)
                total += _kb(f"/proc/{pid}/smaps_rollup", "Pss:")
            self.total_pss_kb = max(self.total_pss_kb, total)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _cpu_split(pid: int) -> tuple[float, float]:
    """(the process's own CPU seconds, those of its children it has reaped), from /proc/PID/stat
    (utime + stime, cutime + cstime)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    utime, stime, cutime, cstime = (int(value) / tick for value in fields[11:15])
    return utime + stime, cutime + cstime


def run_cleaner(corpus: Path, workers: int, out_dir: Path, sample_memory: bool = False) -> dict:
    output = out_dir / f"out-{workers}.jsonl"
    command = cleaner_command() + ["clean", str(corpus), "-f", "jsonl", "-o", str(output), "-w", str(workers), "-q"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(command)
    sampler = MemorySampler(proc.pid) if sample_memory else None
    # Wait for the command to end without reaping it: its /proc entry then still holds its own
    # CPU time apart from that of the worker processes it has reaped.
    os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
    seconds = time.perf_counter() - started
    own_cpu, workers_cpu = _cpu_split(proc.pid)
    code = proc.wait()
    if sampler:
        sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code not in (0, 1):
        raise SystemExit(f"cleaner exited with {code}")
    lines = sum(1 for _ in output.open("rb"))
    size = corpus.stat().st_size
    result = {"workers": workers, "documents": lines, "seconds": seconds, "docs_per_s": lines / seconds,
              "mb_per_s": size / 1e6 / seconds, "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
              "load_before": load, "parent_cpu_s": own_cpu, "workers_cpu_s": workers_cpu,
              # ru_maxrss of children: the largest single process that has ended so far (KB on Linux).
              "max_process_rss_mb": after.ru_maxrss / 1024}
    if sampler:
        result.update(parent_peak_rss_mb=sampler.parent_kb / 1024, worker_peak_rss_mb=sampler.worker_kb / 1024,
                      tree_peak_pss_mb=sampler.total_pss_kb / 1024)
    output.unlink()
    return result


# --- 4. one huge document ------------------------------------------------------------------------

def measure_huge(megabytes: int) -> list[tuple[float, float]]:
    from cleaner import Cleaner

    cleaner = Cleaner()
    unit = "\n".join(seed_texts())
    timings = []
    for size in (megabytes / 8, megabytes / 4, megabytes / 2, megabytes):
        text = (unit * (int(size * 1e6) // len(unit) + 1))[: int(size * 1e6)]
        start = time.process_time()
        cleaner.clean_text(text)
        timings.append((size, time.process_time() - start))
    return timings


class _Skip(Exception):
    """Jump past the corpus runs (--only-huge)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=3000, help="documents for the 1 vs N workers throughput runs")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)), help="N (default: all cores)")
    parser.add_argument("--ratio-docs", type=int, default=600, help="documents for the per-document cost ratio")
    parser.add_argument("--memory-docs", type=int, default=100_000, help="documents for the peak-memory run")
    parser.add_argument("--skip-memory", action="store_true", help="skip the peak-memory run")
    parser.add_argument("--only-huge", action="store_true", help="only the huge-document timing (with --huge-mb)")
    parser.add_argument("--huge-mb", type=int, default=0, help="also time one document of this many MB (and 1/2, 1/4, 1/8)")
    parser.add_argument("--keep", metavar="DIR", help="generate corpora in DIR and keep them")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cleaner-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start", flush=True)
    try:
        if args.only_huge:
            args.skip_memory = True
            raise _Skip
        ratio = measure_ratio(args.ratio_docs)
        print(f"\n1. per-document cost on {ratio['documents']} documents (CPU time): cleaner {ratio['cleaner_ms']:.2f} ms, "
              f"ftfy.fix_text + langdetect.detect {ratio['floor_ms']:.2f} ms -> ratio {ratio['ratio']:.2f} (target <= 0.8)",
              flush=True)

        corpus = work / f"corpus-{args.docs}.jsonl"
        size = write_corpus(corpus, args.docs)
        print(f"\n2. throughput on {args.docs} documents ({size / 1e6:.1f} MB JSONL):", flush=True)
        runs = {}
        for workers in sorted({1, args.workers}):
            run = run_cleaner(corpus, workers, work)
            runs[workers] = run
            print(f"   {workers} worker(s): {run['docs_per_s']:.1f} documents/s, {run['mb_per_s']:.2f} MB/s "
                  f"({run['seconds']:.1f}s wall, {run['cpu_s']:.1f}s CPU, load average before {run['load_before']:.2f})",
                  flush=True)
        if args.workers > 1:
            speedup = runs[args.workers]["docs_per_s"] / runs[1]["docs_per_s"]
            print(f"   {args.workers} workers / 1 worker: {speedup:.2f}x (target for 2: >= 1.8x)", flush=True)
            run = runs[args.workers]
            parent_ms = 1000 * run["parent_cpu_s"] / run["documents"]
            worker_ms = 1000 * run["workers_cpu_s"] / run["documents"]
            print(f"   with {args.workers} workers, CPU per document: parent {parent_ms:.3f} ms, workers {worker_ms:.3f} ms "
                  f"-> parent / worker {parent_ms / worker_ms:.3f} (target <= 0.05, so that 20 workers are not bound "
                  "by the parent)", flush=True)

        if not args.skip_memory:
            big = work / f"corpus-{args.memory_docs}.jsonl"
            if not big.exists():
                size = write_corpus(big, args.memory_docs)
            print(f"\n3. peak memory, {args.memory_docs} documents ({big.stat().st_size / 1e6:.0f} MB JSONL), "
                  f"{args.workers} workers:", flush=True)
            run = run_cleaner(big, args.workers, work, sample_memory=True)
            print(f"   {run['docs_per_s']:.1f} documents/s, {run['mb_per_s']:.2f} MB/s over {run['seconds']:.0f}s", flush=True)
            print(f"   peak RSS: parent {run['parent_peak_rss_mb']:.0f} MB, largest worker {run['worker_peak_rss_mb']:.0f} MB; "
                  f"whole process tree (PSS) {run['tree_peak_pss_mb']:.0f} MB (target < 300 MB)", flush=True)
            if not args.keep:
                big.unlink()
    except _Skip:
        pass
    try:
        if args.huge_mb:
            print("\n4. one huge document (CPU time):", flush=True)
            previous = None
            for megabytes, seconds in measure_huge(args.huge_mb):
                growth = f" (x{seconds / previous:.2f} for x2 size)" if previous else ""
                print(f"   {megabytes:5.1f} MB: {seconds:6.1f}s{growth}", flush=True)
                previous = seconds
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
