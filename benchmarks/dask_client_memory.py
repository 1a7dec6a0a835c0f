"""Peak memory of the Dask engine's client process as the corpus grows, and its output against the local engine's.

Generates DOCUMENTS short article-like records spread over --files JSONL files, starts a Dask
scheduler and --workers workers (`dask scheduler`, `dask worker`, as on a cluster), then runs

    cleaner clean CORPUS --engine dask --scheduler ADDRESS -f jsonl -o OUT

as a process of its own and reads its peak RSS (the client alone: the scheduler and the workers are
other processes). With --check, the local engine (`cleaner clean CORPUS -f jsonl -o FILE -w 2`)
cleans the same corpus and the concatenated parts must be its bytes.

    python benchmarks/dask_client_memory.py --documents 10000 100000 --check 10000
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SITES = ["https://www.daily.example", "https://news.example.org", "https://blog.example.net", "https://wire.example"]
MENU = ["Home", "World", "Business", "Sign in", "Follow us on Facebook"]


def generate(folder: Path, documents: int, files: int, seed: int = 3) -> int:
    rng = random.Random(seed)
    lines = [line for p in sorted((ROOT / "fixtures" / "seeds").glob("*.txt")) if ".expected" not in p.name
             for line in p.read_text(encoding="utf-8").splitlines() if len(line.split()) > 6]
    folder.mkdir(parents=True)
    streams = [(folder / f"part-{n:02d}.jsonl").open("w", encoding="utf-8") for n in range(files)]
    total = 0
    for n in range(documents):
        body = rng.sample(lines, k=3)
        text = "\n".join([f"Story {n}", *MENU, *body, "Photo: Reuters"])
        line = json.dumps({"id": f"d{n}", "url": f"{SITES[n % 4]}/{n}", "text": text}) + "\n"
        streams[n * files // documents].write(line)
        total += len(line)
    for stream in streams:
        stream.close()
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measured(command: list[str]) -> tuple[float, int, subprocess.CompletedProcess]:
    """Seconds and peak RSS (bytes) of one process running `command`."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read()
    return seconds, usage.ru_maxrss * 1024, subprocess.CompletedProcess(command, proc.returncode, b"", stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--check", type=int, nargs="*", default=[], help="corpus sizes also cleaned locally and compared")
    args = parser.parse_args()
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", str(args.workers), "--nthreads",
                                "1", "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(5)
        print(f"{os.cpu_count()} CPUs, {args.workers} dask workers, load average {os.getloadavg()[0]:.2f}")
        for documents in args.documents:
            with tempfile.TemporaryDirectory() as tmp:
                tmp = Path(tmp)
                size = generate(tmp / "corpus", documents, args.files)
                out = tmp / "out"
                seconds, rss, proc = measured([str(BIN / "cleaner"), "clean", str(tmp / "corpus"), "--engine", "dask",
                                               "--scheduler", address, "-f", "jsonl", "-o", str(out), "-q"])
                assert proc.returncode == 0, proc.stderr.decode()
                print(f"{documents:>9} documents ({size / 2**20:.0f} MB): dask client peak RSS {rss / 2**20:.0f} MB, "
                      f"{seconds:.0f} s ({documents / seconds:.0f} documents/s); load {os.getloadavg()[0]:.2f}",
                      flush=True)
                if documents in args.check:
                    local = tmp / "local.jsonl"
                    seconds, rss, proc = measured([str(BIN / "cleaner"), "clean", str(tmp / "corpus"), "-f", "jsonl",
                                                   "-o", str(local), "-w", str(args.workers), "-q"])
                    assert proc.returncode == 0, proc.stderr.decode()
                    manifest = json.loads((out / "manifest.json").read_text())
                    same = b"".join((out / p["name"]).read_bytes() for p in manifest["parts"]) == local.read_bytes()
                    print(f"{'':>9} local engine -w {args.workers}: {seconds:.0f} s, peak RSS {rss / 2**20:.0f} MB "
                          f"(parent); dask parts == local output: {same}", flush=True)
                    assert same
                shutil.rmtree(out)
    finally:
        workers.terminate()
        workers.wait(timeout=60)
        scheduler.terminate()
        scheduler.wait(timeout=60)


if __name__ == "__main__":
    main()
