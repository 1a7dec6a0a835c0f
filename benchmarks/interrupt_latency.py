"""How long `cleaner clean` takes to stop after Ctrl-C, with 1 and 2 workers.

The command runs in its own process group on a JSONL corpus of HTML pages and texts made from
the seed articles; once it has cleaned --after documents (read from its progress line), SIGINT
goes to the whole group, as a terminal's Ctrl-C does. Printed per worker count: the seconds from
the signal to the command's exit (median and worst of --runs), its exit code, and whether the
checkpoint it left lets `--resume` finish with the same bytes as an uninterrupted run (checked
once per worker count).

    python benchmarks/interrupt_latency.py               # 5 runs each, 1 and 2 workers
    python benchmarks/interrupt_latency.py --runs 10 --after 200
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(p for p in (ROOT / "fixtures" / "seeds").glob("*.txt") if ".expected" not in p.name)
CLEANER = str(Path(sys.executable).with_name("cleaner"))


def page(i: int, text: str) -> str:
    paragraphs = [line for line in text.splitlines() if line.strip()] + [f"Reported on day {i} of the talks."]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>Story {i}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Story {i}</h1>{body}</article><footer>(c) Example Media</footer></body></html>")


def write_corpus(path: Path, count: int) -> None:
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            text = texts[i % len(texts)]
            record = ({"id": f"p{i}", "url": f"https://news{i % 4}.example/{i}", "html": page(i, text)} if i % 3
                      else {"id": f"t{i}", "text": text + f"\nDay {i}.\n"})
            out.write(json.dumps(record) + "\n")


def interrupted_run(args: list[str], after: int) -> tuple[float, int, bytes]:
    proc = subprocess.Popen([CLEANER, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    err = bytearray()

    def read() -> None:
        for chunk in iter(lambda: proc.stderr.read1(4096), b""):
            err.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while True:
        counts = re.findall(rb"(\d+) documents (?:\(\d+ failed\) )?\|", bytes(err))
        if counts and int(counts[-1]) >= after:
            break
        if proc.poll() is not None:
            raise SystemExit(f"the run ended before {after} documents: use a larger --documents")
        time.sleep(0.02)
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait()
    seconds = time.monotonic() - sent
    reader.join(timeout=10)
    return seconds, proc.returncode, bytes(err)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--after", type=int, default=100, help="documents cleaned before the signal")
    parser.add_argument("--documents", type=int, default=600)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="cleaner-interrupt-"))
    corpus = folder / "corpus.jsonl"
    write_corpus(corpus, args.documents)
    full = folder / "full.jsonl"
    subprocess.run([CLEANER, "clean", str(corpus), "-o", str(full), "-q", "-w", "2"], check=True)
    print(f"{args.documents} documents (2 in 3 HTML pages), SIGINT after {args.after}; {os.cpu_count()} cores")
    for workers in (1, 2):
        times, codes, resumed_same = [], set(), None
        for run in range(args.runs):
            out = folder / f"out-w{workers}-{run}.jsonl"
            command = ["clean", str(corpus), "-o", str(out), "--progress", "-w", str(workers)]
            seconds, code, err = interrupted_run(command, args.after)
            if b"Traceback" in err or b"Exception ignored" in err:
                print(err.decode("utf-8", "replace"))
            times.append(seconds)
            codes.add(code)
            if run == 0:
                subprocess.run([CLEANER, "clean", str(corpus), "-o", str(out), "--resume", "-q", "-w", str(workers)],
                               check=True)
                resumed_same = out.read_bytes() == full.read_bytes()
        print(f"-w {workers}: stopped in median {statistics.median(times):.2f}s, worst {max(times):.2f}s "
              f"over {args.runs} runs; exit codes {sorted(codes)}; --resume gives the uninterrupted bytes: "
              f"{resumed_same}")


if __name__ == "__main__":
    main()
