#!/usr/bin/env python3
"""WARC input: how fast the WARC libraries read an archive, and how fast `cleaner clean` cleans
the same pages from a WARC file and from a JSONL file.

The archive is generated from the WCXB pages (/work/data/wcxb-pages.jsonl, or --pages-jsonl):
for each page a request record, an HTTP response record with the page, and a metadata record,
as a crawler writes them; written with warcio, gzip-compressed per record (.warc.gz) and plain
(.warc).

    python benchmarks/warc_speed.py --readers-only          # warcio vs FastWARC, reading only
    python benchmarks/warc_speed.py --pages 300 --workers 2 # plus cleaning WARC vs JSONL

Prints, for each reader and file, records/s and MB/s (MB of the file as stored) reading every
record and the HTML responses' payloads; then documents/s and MB/s of `cleaner clean` on the
WARC file and on a JSONL file of the same pages (MB of each input file as stored).
"""
from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGES = Path("/work/data/wcxb-pages.jsonl")


def load_pages(path: Path, limit: int) -> list[dict]:
    pages = []
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            pages.append(json.loads(line))
            if len(pages) >= limit:
                break
    return pages


def write_archive(pages: list[dict], target: Path, gzip: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with target.open("wb") as raw:
        writer = WARCWriter(raw, gzip=gzip)
        for page in pages:
            url = page["url"]
            request = f"GET / HTTP/1.1\r\nHost: {url.split('/')[2]}\r\n\r\n".encode()
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(request)))
            body = page["html"].encode("utf-8")
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=http))
            writer.write_record(writer.create_warc_record(url, "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
                                                          warc_content_type="application/warc-fields"))


def read_fastwarc(path: Path) -> tuple[int, int]:
    from fastwarc.warc import ArchiveIterator

    records = payload = 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, parse_http=True):
            records += 1
            body = record.reader.read()
            if record.http_headers is not None and record.http_content_type == "text/html":
                payload += len(body)
    return records, payload


def read_warcio(path: Path) -> tuple[int, int]:
    from warcio.archiveiterator import ArchiveIterator

    records = payload = 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            records += 1
            body = record.content_stream().read()
            if record.http_headers is not None and \
                    (record.http_headers.get_header("Content-Type") or "").startswith("text/html"):
                payload += len(body)
    return records, payload


def read_cleaner(path: Path) -> tuple[int, int]:
    """The cleaner's own reader (cleaner/io/warc.py): what `cleaner clean` pays for reading."""
    from cleaner.io.sources import InputItem, iter_inputs

    records = payload = 0
    for item in iter_inputs([str(path)]):
        records += 1
        if isinstance(item, InputItem):
            payload += len(item.content)
    return records, payload


def best_of(fn, path: Path, repeat: int) -> tuple[float, tuple[int, int]]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(path)
        times.append(time.perf_counter() - start)
    return min(times), result


def clean_run(path: Path, workers: int, out: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(["cleaner", "clean", str(path), "-f", "jsonl", "-o", str(out), "-w", str(workers),
                           "--no-learn-chrome", "-q"], check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"cleaner clean failed on {path} (exit {done.returncode})")
    with out.open(encoding="utf-8") as stream:
        return seconds, sum(1 for _ in stream)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500, help="pages from the JSONL file (default 500)")
    parser.add_argument("--pages-jsonl", type=Path, default=PAGES)
    parser.add_argument("--repeat", type=int, default=3, help="reading runs per reader; the best counts")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--readers-only", action="store_true", help="skip the `cleaner clean` runs")
    args = parser.parse_args()

    pages = load_pages(args.pages_jsonl, args.pages)
    with tempfile.TemporaryDirectory(prefix="warc-speed-") as tmp:
        folder = Path(tmp)
        gz, plain, jsonl = folder / "pages.warc.gz", folder / "pages.warc", folder / "pages.jsonl"
        write_archive(pages, gz, gzip=True)
        write_archive(pages, plain, gzip=False)
        with jsonl.open("w", encoding="utf-8") as stream:
            for page in pages:
                stream.write(json.dumps({"id": page["id"], "url": page["url"], "html": page["html"]},
                                        ensure_ascii=False) + "\n")
        html_mb = sum(len(p["html"].encode("utf-8")) for p in pages) / 1e6
        print(f"{len(pages)} pages, {html_mb:.1f} MB of HTML; {len(pages) * 3} records; "
              f".warc.gz {gz.stat().st_size / 1e6:.1f} MB, .warc {plain.stat().st_size / 1e6:.1f} MB")
        print("reading (every record, and the HTML payloads), best of", args.repeat)
        readers = [("FastWARC 2", read_fastwarc), ("warcio", read_warcio)]
        try:
            import cleaner.io.warc  # noqa: F401
            readers.append(("cleaner's reader", read_cleaner))
        except ImportError:
            pass
        for path in (gz, plain):
            size = path.stat().st_size / 1e6
            for name, fn in readers:
                seconds, (records, payload) = best_of(fn, path, args.repeat)
                print(f"  {path.name:12} {name:17} {seconds:6.2f} s  {records / seconds:9.0f} records/s "
                      f"{size / seconds:7.1f} MB/s  ({records} records, {payload / 1e6:.1f} MB HTML)")
        if args.readers_only:
            return
        print(f"cleaner clean -w {args.workers} --no-learn-chrome (documents/s; MB/s of the input file as stored)")
        for path in (gz, jsonl):
            seconds, documents = clean_run(path, args.workers, folder / "out.jsonl")
            size = path.stat().st_size / 1e6
            print(f"  {path.name:12} {seconds:6.1f} s  {documents / seconds:6.1f} documents/s "
                  f"{size / seconds:6.2f} MB/s  ({documents} records)")


if __name__ == "__main__":
    main()
