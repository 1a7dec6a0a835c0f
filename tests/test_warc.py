"""WARC input: an archive written here with warcio (an independent writer: the cleaner reads with
FastWARC) holding what a crawl holds, read through the same sources as every other input."""
import io
import json
from collections import Counter

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner import Cleaner
from cleaner.engines.outcome import process
from cleaner.io.inputs import InputFailure, InputItem
from cleaner.io.sources import iter_inputs
from cleaner.io.warc import read_warc
from conftest import ROOT, run_cli

ENGLISH = ("The city council approved the new budget on Tuesday after a long debate about schools and roads. "
           "Members said the plan would fund repairs to three bridges and hire twenty new teachers next year. "
           "The mayor called the vote a fair compromise between the two largest groups on the council.")
RUSSIAN = ("Городской совет во вторник утвердил новый бюджет после долгих споров о школах и дорогах. "
           "Депутаты сказали, что план позволит отремонтировать три моста и нанять двадцать новых учителей. "
           "Мэр назвал голосование честным компромиссом между двумя крупнейшими группами совета.")


def page(title: str, body: str, meta_charset: str | None = None) -> str:
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    paragraphs = "".join(f"<p>{sentence.strip().rstrip('.')}.</p>" for sentence in body.split(". ") if sentence.strip())
    return (f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>"
            f"<article><h1>{title}</h1>{paragraphs}</article></body></html>")


class Archive:
    """A WARC file being written, with the offsets of its records."""

    def __init__(self, gzip: bool = True):
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=gzip)
        self.offsets: list[int] = []
        self.ids: list[str] = []

    def _write(self, record) -> str:
        self.offsets.append(self.buffer.tell())
        self.writer.write_record(record)
        self.ids.append(record.rec_headers.get_header("WARC-Record-ID"))
        return self.ids[-1]

    def response(self, url: str, body: bytes, content_type: str, status: str = "200 OK") -> str:
        http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        return self._write(self.writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=http))

    def request(self, url: str) -> str:
        return self._write(self.writer.create_warc_record(
            url, "request", payload=io.BytesIO(f"GET / HTTP/1.1\r\nHost: {url.split('/')[2]}\r\n\r\n".encode())))

    def revisit(self, url: str) -> str:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        return self._write(self.writer.create_revisit_record(url, "sha1:AAAA", url, "2024-01-01T00:00:00Z",
                                                             http_headers=http))

    def metadata(self, url: str) -> str:
        return self._write(self.writer.create_warc_record(url, "metadata", payload=io.BytesIO(b"via: test\r\n"),
                                                          warc_content_type="application/warc-fields"))

    def bytes(self) -> bytes:
        return self.buffer.getvalue()


def crawl(gzip: bool = True) -> Archive:
    archive = Archive(gzip)
    archive.request("https://news.example.com/budget")
    archive.response("https://news.example.com/budget", page("Council passes budget", ENGLISH).encode("utf-8"),
                     "text/html; charset=utf-8")
    archive.metadata("https://news.example.com/budget")
    archive.response("https://news.example.com/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    # cp1251 bytes, the charset named only in the HTTP header (no <meta charset> in the page)
    archive.response("https://vesti.example.ru/budget", page("Совет принял бюджет", RUSSIAN).encode("cp1251"),
                     "text/html; charset=windows-1251")
    archive.revisit("https://news.example.com/budget")
    archive.response("https://news.example.com/report.pdf", b"%PDF-1.4 " + bytes(100), "application/pdf")
    archive.response("https://news.example.com/moved", b"<html><body>Moved</body></html>", "text/html",
                     status="301 Moved Permanently")
    return archive


@pytest.mark.parametrize("gzip", [True, False], ids=["warc.gz", "warc"])
def test_archive_gives_exactly_the_pages_and_an_error_for_a_truncated_tail(tmp_path, gzip):
    archive = crawl(gzip)
    # The tail: a third page, cut in the middle of its payload.
    archive.response("https://news.example.com/third", page("Third story", ENGLISH).encode(), "text/html")
    data = archive.bytes()
    cut = archive.offsets[-1] + (len(data) - archive.offsets[-1]) // 2
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    path.write_bytes(data[:cut])

    skipped = Counter()
    inputs = list(iter_inputs([str(path)], skipped=skipped))
    assert [type(i).__name__ for i in inputs] == ["InputItem", "InputItem", "InputFailure"]
    english, russian, tail = inputs
    assert english.id == archive.ids[1] and russian.id == archive.ids[4]
    assert skipped == Counter({"request": 1, "metadata": 1, "image/png": 1, "revisit": 1, "application/pdf": 1,
                               "HTTP 301": 1})
    assert isinstance(tail, InputFailure) and tail.offset == archive.offsets[-1]
    assert tail.id == f"{path.name}@{archive.offsets[-1]}"
    assert "truncated" in tail.reason and "rest of the file is skipped" in tail.reason

    cleaner = Cleaner()
    records = [process(cleaner, item) for item in inputs]
    (first, none1), (second, none2), (none3, error) = records
    assert none1 is none2 is none3 is None
    assert first["id"] == archive.ids[1] and first["text"].startswith("Council passes budget\nThe city council")
    assert first["metadata"]["url"] == "https://news.example.com/budget"
    assert first["metadata"]["warc_date"].endswith("Z") and first["metadata"]["language"] == "en"
    assert second["text"].startswith("Совет принял бюджет\nГородской совет во вторник утвердил новый бюджет")
    assert second["metadata"]["language"] == "ru" and second["metadata"]["url"] == "https://vesti.example.ru/budget"
    assert error == {"id": tail.id, "source": f"{path}@{archive.offsets[-1]}", "offset": archive.offsets[-1],
                     "error": tail.reason}


def test_a_corrupt_member_costs_its_record_only_and_the_batch_goes_on(tmp_path):
    archive = crawl()
    data = bytearray(archive.bytes())
    broken = archive.offsets[4]  # the cp1251 page's gzip member
    for i in range(broken + 30, broken + 60):
        data[i] ^= 0x5A
    folder = tmp_path / "crawls"
    folder.mkdir()
    (folder / "a.warc.gz").write_bytes(bytes(data))
    (folder / "b.warc.gz").write_bytes(crawl().bytes())
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    proc = run_cli("clean", str(folder), "-f", "jsonl", "-o", str(out), "-e", str(errors), "-w", "1")
    assert proc.returncode == 1, proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    failures = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 3  # a.warc.gz's English page, then both pages of b.warc.gz
    assert [r["metadata"]["language"] for r in records] == ["en", "en", "ru"]
    assert len(failures) == 1 and failures[0]["id"] == f"a.warc.gz@{broken}"
    assert failures[0]["offset"] == broken  # where the damaged member begins
    assert f"it is skipped and reading goes on at byte {archive.offsets[5]}" in failures[0]["error"]
    summary = proc.stderr.decode()
    assert "4 documents: 3 cleaned, 1 failed" in summary
    # a.warc.gz: every record but the damaged one; b.warc.gz: all six.
    assert "12 archive records skipped (not HTML pages: 2 HTTP 301, 2 application/pdf, 2 image/png, 2 metadata, " \
           "2 request, 2 revisit)" in summary


def test_a_byte_range_reads_only_the_records_that_begin_in_it(tmp_path):
    archive = crawl()
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(archive.bytes())
    with path.open("rb") as raw:
        first = list(read_warc(raw, str(path), path.name, end=archive.offsets[4]))
    with path.open("rb") as raw:
        rest = list(read_warc(raw, str(path), path.name, start=archive.offsets[4]))
    assert [i.id for i in first] == [archive.ids[1]] and [i.id for i in rest] == [archive.ids[4]]
    assert rest[0].offset == archive.offsets[4] and rest[0].charset == "windows-1251"


def test_oversized_page_is_an_error_record_not_read(tmp_path):
    archive = Archive()
    archive.response("https://x.example/big", page("Big", ENGLISH * 50).encode(), "text/html")
    path = tmp_path / "big.warc.gz"
    path.write_bytes(archive.bytes())
    (item,) = iter_inputs([str(path)], max_bytes=1000)
    assert isinstance(item, InputFailure) and item.id == archive.ids[0] and "over the 1000 bytes limit" in item.reason


def test_warc_inputs_give_the_same_bytes_with_one_and_two_workers(tmp_path):
    archive = Archive()
    for n in range(40):
        body = f"Story number {n}. " + (ENGLISH if n % 2 else RUSSIAN)
        archive.response(f"https://site{n % 3}.example/{n}", page(f"Story {n}", body).encode(), "text/html")
        archive.request(f"https://site{n % 3}.example/{n}")
    path = tmp_path / "many.warc.gz"
    path.write_bytes(archive.bytes())
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out-{workers}.jsonl"
        proc = run_cli("clean", str(path), "-f", "jsonl", "-o", str(out), "-w", workers)
        assert proc.returncode == 0, proc.stderr
        assert "40 archive records skipped (not HTML pages: 40 request)" in proc.stderr.decode()
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert [json.loads(line)["id"] for line in outputs[0].splitlines()] == archive.ids[0::2]


def test_items_carry_what_the_record_says(tmp_path):
    archive = crawl()
    path = tmp_path / "c.warc"
    path.write_bytes(archive.bytes())
    items = [i for i in iter_inputs([str(path)]) if isinstance(i, InputItem)]
    assert [(i.url, i.charset, i.kind) for i in items] == [
        ("https://news.example.com/budget", "utf-8", "html"), ("https://vesti.example.ru/budget", "windows-1251", "html")]
    assert all(i.source == f"{path}@{i.offset}" for i in items)


# --- real archives nobody here wrote: warcio's test archives -------------------------------------

SAMPLES = ROOT.parent / "shared" / "data" / "warc-samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*") if p.name not in ("README.md", "LICENSE.warcio")) \
    if SAMPLES.is_dir() else []


def warcio_records(path):
    """What warcio reads from a file, record by record: (offset, id, is a page, payload), and
    whether it read the file to its end."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records, whole = [], True
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream, arc2warc=True)
        try:
            for record in iterator:
                http = record.http_headers
                if record.rec_type == "resource":
                    media = record.rec_headers.get_header("Content-Type") or ""
                    is_page = media.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml")
                else:
                    status = http.get_statuscode() if http is not None else None
                    media = (http.get_header("Content-Type") or "") if http is not None else ""
                    is_page = (record.rec_type == "response" and status is not None and status.startswith("2")
                               and media.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml"))
                payload = record.content_stream().read() if is_page else None
                offset = iterator.get_record_offset()
                records.append((offset, record.rec_headers.get_header("WARC-Record-ID"), is_page, payload))
        except ArchiveLoadFailed:
            whole = False
    return records, whole


@pytest.mark.skipif(not SAMPLE_FILES, reason="../shared/data/warc-samples is not there")
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_every_record_warcio_reads_in_the_samples_the_cleaner_reads_too(path):
    expected, whole = warcio_records(path)
    skipped = Counter()
    with path.open("rb") as stream:
        ours = list(read_warc(stream, str(path), path.name, skipped))
    items = {item.offset: item for item in ours if isinstance(item, InputItem)}
    failures = [item for item in ours if isinstance(item, InputFailure)]
    is_arc = path.name.endswith((".arc", ".arc.gz"))
    for offset, record_id, is_page, payload in expected:
        if not is_page:
            continue
        assert offset in items, f"{path.name}: warcio's page at byte {offset} is not read"
        item = items[offset]
        assert item.id == (f"{path.name}@{offset}" if is_arc else record_id)
        if whole:  # (where warcio gives up on a file, the payloads it read before are not to be trusted)
            assert item.content == payload, f"{path.name}@{offset}: not the payload warcio reads"
    if whole:  # the same records, each a page, a record counted as skipped, or (none here) a failure
        assert not failures, [f.reason for f in failures]
        assert len(items) + sum(skipped.values()) == len(expected)
    else:  # warcio stops at the damage; the cleaner reads at least as far
        assert len(items) + sum(skipped.values()) + len(failures) >= len(expected)


@pytest.mark.skipif(not SAMPLE_FILES, reason="../shared/data/warc-samples is not there")
def test_samples_chunked_resource_and_arc_pages_are_cleaned(tmp_path):
    folder = tmp_path / "samples"
    folder.mkdir()
    for name in ("example-iana.org-chunked.warc", "example-resource.warc.gz", "example.arc", "example.arc.gz",
                 "example-trunc.warc"):
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", str(folder), "-f", "jsonl", "-o", str(out), "-w", "1")
    assert proc.returncode == 0, proc.stderr
    records = {r["metadata"]["url"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5
    iana = records["http://www.iana.org/"]
    assert iana["text"].startswith("Domain Names\nManagement of the DNS Root Zone") and iana["metadata"]["warc_date"]
    example = [r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())
               if r["metadata"]["url"] == "http://example.com/"]
    assert len(example) == 4  # the resource record, both ARC files and the truncated WARC's response
    assert all("This domain is" in r["text"] for r in example)
    assert "<" not in "".join(r["text"] for r in example)  # the ARC's headers and markup are not the text
    arc = [r for r in example if r["id"].startswith("example.arc")]
    assert sorted(r["id"] for r in arc) == ["example.arc.gz@171", "example.arc@151"]
    assert arc[0]["metadata"]["warc_date"] == "2014-02-16T05:02:21Z"


# --- damage costs the damaged record only ---------------------------------------------------------

def test_a_body_said_to_be_chunked_but_stored_whole_is_read_and_a_bad_body_is_one_error(tmp_path):
    """A replay tool stores pages de-chunked but keeps `Transfer-Encoding: chunked`; a page whose
    gzip body is broken is one error record, and the pages after it are read."""
    archive = Archive()
    writer = archive.writer

    def response(url, body, headers):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), *headers],
                                protocol="HTTP/1.1")
        return archive._write(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                        http_headers=http))

    stored = response("https://a.example/1", page("First story", ENGLISH).encode(), [("Transfer-Encoding", "chunked")])
    body = page("Second story", ENGLISH).encode()
    chunked = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:100], body[100:])) + b"0\r\n\r\n"
    real = response("https://a.example/2", chunked, [("Transfer-Encoding", "chunked")])
    broken = response("https://a.example/3", b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4, [("Content-Encoding", "gzip")])
    last = response("https://a.example/4", page("Fourth story", ENGLISH).encode(), [])
    path = tmp_path / "replay.warc.gz"
    path.write_bytes(archive.bytes())
    inputs = list(iter_inputs([str(path)]))
    assert [i.id for i in inputs] == [stored, real, broken, last]
    assert [type(i).__name__ for i in inputs] == ["InputItem", "InputItem", "InputFailure", "InputItem"]
    assert inputs[0].content == page("First story", ENGLISH).encode() and inputs[1].content == body
    assert inputs[2].reason.startswith("cannot decode the page's HTTP body (its body is not valid gzip")


@pytest.mark.parametrize("gzip", [True, False], ids=["warc.gz", "warc"])
def test_a_record_that_cannot_be_read_is_one_error_and_reading_goes_on(tmp_path, gzip):
    archive = Archive(gzip)
    for n in range(4):
        archive.response(f"https://a.example/{n}", page(f"Story {n}", ENGLISH).encode(), "text/html")
    data = bytearray(archive.bytes())
    damaged = archive.offsets[1]
    if gzip:  # the member's deflate data garbled
        for i in range(damaged + 20, damaged + 80):
            data[i] ^= 0x5A
    else:  # the record's WARC headers garbled
        header_end = data.index(b"\r\n\r\n", damaged)
        data[damaged + 10:header_end] = b"X" * (header_end - damaged - 10)
    path = tmp_path / ("a.warc.gz" if gzip else "a.warc")
    path.write_bytes(bytes(data))
    inputs = list(iter_inputs([str(path)]))
    assert [type(i).__name__ for i in inputs] == ["InputItem", "InputFailure", "InputItem", "InputItem"]
    assert [i.id for i in inputs if isinstance(i, InputItem)] == [archive.ids[0], archive.ids[2], archive.ids[3]]
    failure = inputs[1]
    assert failure.offset == damaged and failure.id == f"{path.name}@{damaged}"
    assert failure.reason.startswith(f"cannot read the archive record at byte {damaged} (")
    assert failure.reason.endswith(f"it is skipped and reading goes on at byte {archive.offsets[2]}")
