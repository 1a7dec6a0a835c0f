"""Peak memory of `cleaner clean` on inputs that would run away without bounded readers (issue 31 item 4).

Each case runs the real command in its own process and reads its peak RSS from wait4() (that
process and the workers it reaped), beside a run on a small file of the same command, and says
whether the huge document became an error record naming the size limit:

- /dev/zero given as a path, and linked from a folder (with --follow-links);
- a small .jsonl.gz holding one line of --gzip-line-mb (default 2,500 MB, the torture run's case),
  with --max-bytes 1000000 --doc-timeout 5 as the torture run gave;
- a plain JSONL file holding one 200 MB line (a sparse file: it costs no disk), by path and through stdin;
- a .txt.gz that inflates to 1 GB.

    python benchmarks/memory_bounds.py                 # default limit (64 MB) and the torture run's
    python benchmarks/memory_bounds.py --gzip-line-mb 300
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXE = Path(sys.executable).with_name("cleaner")
MB = 1024 * 1024

_MEASURE = r"""
import os, sys
stdin, args = (sys.argv[2], sys.argv[3:]) if sys.argv[1] == "--stdin" else (None, sys.argv[1:])
pid = os.fork()
if pid == 0:
    if stdin:
        os.dup2(os.open(stdin, os.O_RDONLY), 0)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(args[0], args)
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss * 1024)
"""


def peak_run(args: list[str], stdin: Path | None = None) -> tuple[int, str, int, float]:
    """(exit code, stderr, peak RSS in bytes, seconds) of `cleaner ARGS`."""
    prefix = ["--stdin", str(stdin)] if stdin else []
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *prefix, str(EXE), *args], capture_output=True,
                          timeout=3600)
    seconds = time.perf_counter() - start
    code, peak = proc.stdout.split()
    return int(code), proc.stderr.decode("utf-8", "replace"), int(peak), seconds


def _record(doc_id: str, text: str) -> bytes:
    return json.dumps({"id": doc_id, "text": text}).encode() + b"\n"


def build(folder: Path, gzip_line_mb: int) -> dict[str, Path]:
    paths = {}
    paths["small"] = folder / "small.jsonl"
    paths["small"].write_bytes(_record("small", "A small record of text.\nPhoto: AP"))
    links = folder / "links"
    links.mkdir()
    (links / "a.txt").write_text("The council met on Monday to discuss the budget.\n", encoding="utf-8")
    os.symlink("/dev/zero", links / "zero.txt")
    paths["links"] = links
    paths["gz_line"] = folder / "huge-line.jsonl.gz"
    block = b"a" * MB
    with gzip.open(paths["gz_line"], "wb", compresslevel=6) as f:
        f.write(_record("before", "A small record before the huge one."))
        f.write(b'{"id": "huge", "text": "')
        for _ in range(gzip_line_mb):
            f.write(block)
        f.write(b'"}\n')
        f.write(_record("after", "A small record after the huge one."))
    paths["line200"] = folder / "line-200mb.jsonl"
    with open(paths["line200"], "wb") as f:
        f.write(_record("before", "A small record before the huge one."))
        f.write(b'{"id": "huge", "text": "')
        f.seek(200 * MB, os.SEEK_CUR)
        f.write(b'"}\n')
        f.write(_record("after", "A small record after the huge one."))
    paths["bomb"] = folder / "bomb.txt.gz"
    with gzip.open(paths["bomb"], "wb") as f:
        for _ in range(1024):
            f.write(b"word " * (MB // 5))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gzip-line-mb", type=int, default=2500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="memory-bounds-") as tmp:
        paths = build(Path(tmp), args.gzip_line_mb)
        out = ["-f", "jsonl", "-o", "-"]
        tight = ["--max-bytes", "1000000"]
        cases = [
            ("a small file (the program itself)", ["clean", str(paths["small"]), *out], None),
            ("/dev/zero as a path, default limit", ["clean", "/dev/zero", *out], None),
            ("/dev/zero as a path, --max-bytes 1000000", ["clean", "/dev/zero", *out, *tight], None),
            ("folder with zero.txt -> /dev/zero, --follow-links", ["clean", str(paths["links"]), "--follow-links",
                                                                   *out], None),
            (f".jsonl.gz ({paths['gz_line'].stat().st_size / MB:.1f} MB) with a {args.gzip_line_mb:,} MB line, "
             "--max-bytes 1000000 --doc-timeout 5", ["clean", str(paths["gz_line"]), *out, *tight,
                                                     "--doc-timeout", "5"], None),
            (f".jsonl.gz with a {args.gzip_line_mb:,} MB line, default limit", ["clean", str(paths["gz_line"]), *out],
             None),
            ("JSONL with a 200 MB line, default limit", ["clean", str(paths["line200"]), *out], None),
            ("JSONL with a 200 MB line, through stdin", ["clean", "-", *out], paths["line200"]),
            (".txt.gz inflating to 1 GB, default limit", ["clean", str(paths["bomb"]), *out], None),
        ]
        print(f"{'case':<92} {'exit':>4} {'peak RSS':>9} {'seconds':>8}  error record")
        for name, command, stdin in cases:
            code, err, peak, seconds = peak_run(command, stdin)
            limit = next((line.split(": ", 2)[-1] for line in err.splitlines() if "limit" in line), "-")
            print(f"{name:<92} {code:>4} {peak / MB:>6.0f} MB {seconds:>8.1f}  {limit[:90]}")


if __name__ == "__main__":
    main()
