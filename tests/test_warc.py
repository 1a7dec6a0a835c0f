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
from conftest import run_cli

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


def test_corrupt_member_fails_the_rest_of_the_file_and_the_batch_goes_on(tmp_path):
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
    assert len(failures) == 1 and failures[0]["id"] == f"a.warc.gz@{archive.offsets[3]}"
    assert failures[0]["offset"] == archive.offsets[3]  # after the last record read whole
    assert "Gzip" in failures[0]["error"] or "gzip" in failures[0]["error"]
    summary = proc.stderr.decode()
    assert "4 documents: 3 cleaned, 1 failed" in summary
    # a.warc.gz: request, metadata, image before the damage; b.warc.gz: all six.
    assert "9 archive records skipped (not HTML pages: 2 image/png, 2 metadata, 2 request, 1 HTTP 301, " \
           "1 application/pdf, 1 revisit)" in summary


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
