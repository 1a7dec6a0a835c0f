"""The cleaner inside other tools' pipelines: real datatrove pipelines (LocalPipelineExecutor,
JsonlReader -> CleanerStep -> JsonlWriter, WarcReader -> CleanerStep -> ParquetWriter on warcio's
sample archives, with 1 and 2 tasks), the documented examples, and the documented datasets.map
example."""
import gzip
import io
import json
import re
import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cleaner import Cleaner
from cleaner.engines.outcome import HANG_MARKER_VARIABLE
from cleaner.integrations.datatrove import CleanerStep
from cleaner.integrations.fields import FIELDS, PREFIX
from conftest import ROOT, seed_inputs

SAMPLES = ROOT.parent / "shared" / "data" / "warc-samples"
CRAWL_DATE = "2026-12-07T16:11:34Z"
DATED = ("<html><head><title>Bridge reopens</title><meta property=\"article:published_time\" content=\"2018-04-05\">"
         "</head><body><article><h1>Bridge reopens</h1><p>The old bridge over the river reopened on Thursday after "
         "two years of repairs paid for by the city.</p><p>Drivers said the crossing now takes ten minutes less "
         "than the detour through the industrial district.</p></article></body></html>")

PAGE = ("<html><head><title>Budget passes</title></head><body><nav>Home | News | Sport</nav><article>"
        "<h1>Budget passes</h1><p>The council approved the budget on Tuesday after a long debate about schools.</p>"
        "<p>Photo: Reuters</p><p>Members said the plan would fund repairs to three bridges next year.</p>"
        "</article></body></html>")


def docs_example(marker):
    doc = (ROOT / "docs" / "pipelines.md").read_text(encoding="utf-8")
    return re.search(r"```python\n(# " + re.escape(marker) + r".*?)```", doc, re.S).group(1)


def run_datatrove(tmp_path, pipeline, tasks):
    LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=tasks, logging_dir=str(tmp_path / "logs")).run()
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    return next(s for s in stats if s["name"].startswith("✂️ - FORMAT"))["stats"]


@pytest.mark.parametrize("tasks", [1, 2])
def test_datatrove_pipeline_from_jsonl_reader_to_jsonl_writer(tmp_path, tasks):
    source = tmp_path / "in"
    source.mkdir()
    documents = [{"id": p.name, "text": p.read_text(encoding="utf-8"),
                  "metadata": {"url": None, "dump": "x", "date": CRAWL_DATE, "title": "from the input"}}
                 for p in seed_inputs()]
    documents.append({"id": "page", "text": PAGE, "metadata": {"url": "https://news.example.com/budget"}})
    documents.append({"id": "empty", "text": "Photo: Reuters", "metadata": {}})
    with (source / "part.jsonl").open("w", encoding="utf-8") as stream:
        for document in documents:
            stream.write(json.dumps(document) + "\n")
    out = tmp_path / "out"
    counts = run_datatrove(tmp_path, [JsonlReader(str(source)), CleanerStep(), JsonlWriter(str(out))], tasks)
    written = [json.loads(line) for path in sorted(out.glob("*.jsonl.gz"))
               for line in gzip.open(path, "rt", encoding="utf-8")]
    written.sort(key=lambda d: [d["id"] for d in documents].index(d["id"]))  # 2 tasks: one file each
    assert [d["id"] for d in written] == [p.name for p in seed_inputs()] + ["page"]  # the empty one dropped
    cleaner = Cleaner()
    for document, path in zip(written, seed_inputs()):
        expected = (path.parent / (path.name[:-4] + ".expected.txt")).read_text(encoding="utf-8")
        assert document["text"] + "\n" == expected
        metadata = document["metadata"]
        assert metadata["dump"] == "x" and metadata["cleaner_language"]
        # the input's own fields are never overwritten
        assert metadata["date"] == CRAWL_DATE and metadata["title"] == "from the input"
        record = cleaner.clean_text(path.read_text(encoding="utf-8")).as_record()
        assert json.loads(metadata["cleaner_removed"]) == record["removed"]
        assert metadata["cleaner_date"] == (record["metadata"]["date"] or "")
    page = written[-1]
    assert page["text"].startswith("Budget passes\nThe council approved") and "Photo: Reuters" not in page["text"]
    assert page["metadata"]["url"] == "https://news.example.com/budget"
    assert page["metadata"]["cleaner_site"] == "news.example.com"
    assert counts["total"] == len(documents) and counts["dropped_empty"] == 1


def test_datasets_map_example_in_the_docs_runs():
    """The example in docs/pipelines.md, run as it is written there."""
    example = docs_example("datasets.map example")
    scope: dict = {}
    exec(compile(example, "docs/pipelines.md", "exec"), scope)
    dataset = scope["dataset"]
    assert set(dataset.column_names[:3]) == {"id", "text", "date"}
    assert set(dataset.column_names[3:]) == {PREFIX + name for name in FIELDS} | {"cleaner_error"}
    rows = dataset.to_list()
    assert [r["id"] for r in rows] == ["a", "c"]  # "b" cleaned to nothing and was filtered out
    assert rows[0]["text"] == "Putin spoke about the talks in Geneva on Friday." and rows[0]["cleaner_lines_removed"] == 2
    assert rows[0]["date"] == "2026-12-07"  # the dataset's own date column stays
    assert rows[0]["cleaner_date"] == "2021-03-19" and rows[0]["cleaner_language"] == "en"
    assert rows[0]["cleaner_site"] == "" and rows[0]["cleaner_error"] == ""
    assert rows[1]["cleaner_title"] == "Budget passes"


# --- WARC -> CleanerStep -> ParquetWriter / JsonlWriter, as real datatrove pipelines ---------------

def crawl_folder(tmp_path):
    """warcio's sample archives that warcio reads whole, and one archive more (written by warcio)
    whose pages have removals, a publication date and the crawl date CRAWL_DATE: after the samples'
    pages without removals, as ParquetWriter met them when it failed on `list<null>`."""
    if not SAMPLES.is_dir():
        pytest.skip("../shared/data/warc-samples is not there")
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    for path in SAMPLES.glob("*"):
        if path.name not in ("README.md", "LICENSE.warcio", "bad.arc", "example-bad.warc.gz.bad"):
            shutil.copy(path, crawl / path.name)
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, body in (("https://news.example.com/budget", PAGE), ("https://news.example.com/bridge", DATED)):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body.encode()), http_headers=http)
        record.rec_headers.replace_header("WARC-Date", CRAWL_DATE)
        writer.write_record(record)
    (crawl / "zz-news.warc.gz").write_bytes(buffer.getvalue())
    return crawl


def check_warc_documents(documents):
    by_url = {}
    for document in documents:
        metadata = document["metadata"]
        for name, empty in FIELDS.items():  # every field, one type, never null
            assert type(metadata[PREFIX + name]) is type(empty), (name, metadata[PREFIX + name])
        by_url.setdefault(metadata["url"], []).append(document)
    # the samples' example.com page (8 records, the ARC files too), iana.org's chunked page, ours
    assert len(by_url["http://example.com/"]) == 8
    assert by_url["http://www.iana.org/"][0]["text"].startswith("Domain Names")
    budget = by_url["https://news.example.com/budget"][0]["metadata"]
    assert json.loads(budget["cleaner_removed"])[0]["rule"] == "photo-credit" and budget["cleaner_lines_removed"] == 1
    bridge = by_url["https://news.example.com/bridge"][0]["metadata"]
    assert bridge["date"] == CRAWL_DATE  # the crawl date WarcReader gave stays
    assert bridge["cleaner_date"] == "2018-04-05" and bridge["cleaner_title"] == "Bridge reopens"
    assert by_url["http://example.com/"][0]["metadata"]["cleaner_date"] == ""


@pytest.mark.parametrize("tasks", [1, 2])
def test_warc_reader_cleaner_step_parquet_writer(tmp_path, tasks):
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import ParquetWriter

    crawl = crawl_folder(tmp_path)
    out = tmp_path / "clean"
    stats = run_datatrove(tmp_path, [WarcReader(str(crawl)), CleanerStep(), ParquetWriter(str(out))], tasks)
    files = sorted(out.glob("*.parquet"))
    assert len(files) == tasks
    documents = pq.read_table(out).to_pylist()  # one dataset: every file has the same schema
    assert stats["forwarded"] == len(documents) == 12
    check_warc_documents(documents)


@pytest.mark.parametrize("tasks", [1, 2])
def test_warc_reader_cleaner_step_jsonl_writer(tmp_path, tasks):
    from datatrove.pipeline.readers import WarcReader

    crawl = crawl_folder(tmp_path)
    out = tmp_path / "clean"
    run_datatrove(tmp_path, [WarcReader(str(crawl)), CleanerStep(), JsonlWriter(str(out))], tasks)
    documents = [json.loads(line) for path in sorted(out.glob("*.jsonl.gz"))
                 for line in gzip.open(path, "rt", encoding="utf-8")]
    assert len(documents) == 12
    check_warc_documents(documents)


def test_docs_warc_to_parquet_example_runs_as_written(tmp_path):
    """The example in docs/pipelines.md, saved as a script and run as a user runs it."""
    crawl_folder(tmp_path)
    script = tmp_path / "clean_crawl.py"
    script.write_text(docs_example("datatrove WARC -> Parquet example"), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "'cleaner_title': 'Example Domain'" in proc.stdout or "'cleaner_title': 'Bridge reopens'" in proc.stdout
    assert len(list((tmp_path / "clean").glob("*.parquet"))) == 2
    check_warc_documents(pq.read_table(tmp_path / "clean").to_pylist())


def test_step_time_limit_drops_a_page_that_hangs_and_keeps_the_rest(tmp_path, monkeypatch):
    marker = "HANGS-HERE-7f3a"
    monkeypatch.setenv(HANG_MARKER_VARIABLE, marker)  # the cleaning of that page blocks forever (outcome.py)
    source = tmp_path / "in"
    source.mkdir()
    documents = [{"id": "first", "text": PAGE}, {"id": "hangs", "text": PAGE.replace("Members", marker + " Members")},
                 {"id": "last", "text": DATED}]
    (source / "part.jsonl").write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
    out = tmp_path / "out"
    stats = run_datatrove(tmp_path, [JsonlReader(str(source)), CleanerStep(timeout=3), JsonlWriter(str(out))], 1)
    written = [json.loads(line) for path in sorted(out.glob("*.jsonl.gz"))
               for line in gzip.open(path, "rt", encoding="utf-8")]
    assert [d["id"] for d in written] == ["first", "last"]
    assert stats["timeout"] == 1 and stats["forwarded"] == 2 and "failed" not in stats


def test_step_refuses_a_negative_timeout():
    with pytest.raises(ValueError, match="timeout"):
        CleanerStep(timeout=-1)
