"""Parquet in and out (pyarrow): a Parquet file is read like JSONL, row group by row group, and
-f parquet writes the JSONL records' fields as columns, in bounded row groups."""
import datetime
import json

import pyarrow as pa
import pyarrow.parquet as pq

from cleaner.io import parquet as parquet_io
from cleaner.io.inputs import InputFailure, InputItem
from cleaner.io.sources import iter_inputs
from conftest import run_cli

ARTICLE = ("The council approved the budget on Tuesday after a long debate about schools.\n"
           "Members said the plan would fund repairs to three bridges next year.\nPhoto: Reuters")
PAGE = ("<html><head><title>Budget passes</title></head><body><article><h1>Budget passes</h1>"
        "<p>The council approved the budget on Tuesday after a long debate about schools and roads.</p>"
        "<p>Members said the plan would fund repairs to three bridges and hire teachers next year.</p>"
        "</article></body></html>")


def fineweb_like(path, rows: int = 30, row_group_size: int = 8):
    """Columns as Hugging Face datasets have them: text, id, url, date (a timestamp), language,
    a score, a token count, a list and a struct."""
    table = pa.table({
        "text": [ARTICLE.replace("Tuesday", f"day {n}") for n in range(rows)],
        "id": [f"<urn:uuid:{n:04d}>" for n in range(rows)],
        "url": [f"https://news{n % 3}.example/{n}" for n in range(rows)],
        "date": [datetime.datetime(2024, 5, 1, 12, n % 60) for n in range(rows)],
        "language": ["en"] * rows,
        "language_score": [0.9 + n / 1000 for n in range(rows)],
        "token_count": [40 + n for n in range(rows)],
        "tags": [["news", f"t{n}"] for n in range(rows)],
        "crawl": [{"dump": "CC-MAIN-2024-18", "segment": n} for n in range(rows)],
    })
    pq.write_table(table, path, row_group_size=row_group_size)
    return table


def test_parquet_in_reads_row_groups_and_keeps_every_column(tmp_path):
    source = tmp_path / "shard.parquet"
    table = fineweb_like(source)
    out = tmp_path / "out.jsonl"
    # (the same lines in every row would be learned as site chrome: not what this test is about)
    proc = run_cli("clean", str(source), "-f", "jsonl", "-o", str(out), "-w", "2", "--no-learn-chrome")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    rows = table.to_pylist()
    assert [r["id"] for r in records] == [row["id"] for row in rows]
    for record, row in zip(records, rows):
        assert record["text"] == row["text"].rsplit("\n", 1)[0]  # the photo credit is removed
        assert record["removed"][0]["rule"] == "photo-credit"
        assert record["metadata"]["url"] == row["url"] and record["metadata"]["site"] == row["url"].split("/")[2]
        for column in ("url", "language", "language_score", "token_count", "tags", "crawl"):
            assert record[column] == row[column], column
        assert record["date"] == row["date"].isoformat()  # a timestamp as JSON can hold it


def test_row_groups_can_be_read_on_their_own(tmp_path):
    source = tmp_path / "shard.parquet"
    fineweb_like(source, rows=30, row_group_size=8)  # row groups of 8, 8, 8 and 6 rows
    with source.open("rb") as raw:
        middle = list(parquet_io.read_parquet(raw, str(source), row_groups=range(1, 3)))
    assert [item.id for item in middle] == [f"<urn:uuid:{n:04d}>" for n in range(8, 24)]
    assert [item.row for item in middle] == list(range(9, 25))
    with source.open("rb") as raw:
        everything = list(parquet_io.read_parquet(raw, str(source)))
    assert len(everything) == 30 and all(isinstance(item, InputItem) for item in everything)


def test_html_column_rows_without_id_and_bad_rows(tmp_path):
    source = tmp_path / "pages.parquet"
    pq.write_table(pa.table({"html": [PAGE, None, PAGE.encode("utf-8")], "text": [None, None, None]}), source)
    items = list(iter_inputs([str(source)]))
    assert [type(i).__name__ for i in items] == ["InputItem", "InputFailure", "InputItem"]
    assert items[0].id == f"{source}:1" and items[0].kind == "html" and items[2].content == PAGE.encode()
    assert isinstance(items[1], InputFailure) and items[1].row == 2 and "neither 'html' nor 'text'" in items[1].reason
    no_text = tmp_path / "numbers.parquet"
    pq.write_table(pa.table({"n": [1, 2]}), no_text)
    (failure,) = iter_inputs([str(no_text)])
    assert isinstance(failure, InputFailure) and "neither a 'text' nor an 'html' column" in failure.reason
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not parquet")
    (failure,) = iter_inputs([str(broken)])
    assert "not a readable Parquet file" in failure.reason


def test_jsonl_to_parquet_keeps_every_field_in_bounded_row_groups(tmp_path, monkeypatch):
    source = tmp_path / "in.jsonl"
    with source.open("w", encoding="utf-8") as stream:
        for n in range(25):
            record = {"id": f"doc-{n}", "text": ARTICLE + f"\nLine {n} of the story, with a figure [{n}].",
                      "url": f"https://site.example/{n}", "score": n / 4, "tags": ["a", str(n)],
                      "nested": {"k": n, "v": [n, n + 1]}}
            if n == 20:
                record["late_field"] = {"only": "here"}  # a field the first row group never had
            if n == 21:
                record["score"] = "not a number"  # a value that does not fit its column
            stream.write(json.dumps(record) + "\n")
    jsonl_out, parquet_out = tmp_path / "out.jsonl", tmp_path / "out.parquet"
    for fmt, out in (("jsonl", jsonl_out), ("parquet", parquet_out)):
        proc = run_cli("clean", str(source), "-f", fmt, "-o", str(out), "-w", "1", "--spans", "--no-learn-chrome")
        assert proc.returncode == 0, proc.stderr
    expected = [json.loads(line) for line in jsonl_out.read_text(encoding="utf-8").splitlines()]
    assert list(parquet_io.read_records(parquet_out)) == expected
    assert expected[20]["late_field"] == {"only": "here"} and expected[21]["score"] == "not a number"
    assert all("start" in r for record in expected for r in record["removed"])

    # Row groups are bounded: with small groups, 25 records make several.
    monkeypatch.setattr(parquet_io, "ROW_GROUP_ROWS", 10)
    writer = parquet_io.ParquetWriter(tmp_path / "small.parquet")
    for record in expected:
        writer.write(record)
    writer.close()
    metadata = pq.ParquetFile(tmp_path / "small.parquet").metadata
    assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == [10, 10, 5]
    assert list(parquet_io.read_records(tmp_path / "small.parquet")) == expected


def test_parquet_output_is_the_same_for_one_and_two_workers_and_needs_a_file(tmp_path):
    source = tmp_path / "shard.parquet"
    fineweb_like(source, rows=40)
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out-{workers}.parquet"
        assert run_cli("clean", str(source), "-f", "parquet", "-o", str(out), "-w", workers).returncode == 0
        outputs.append(list(parquet_io.read_records(out)))
    assert outputs[0] == outputs[1] and len(outputs[0]) == 40
    proc = run_cli("clean", str(source), "-f", "parquet")
    assert proc.returncode == 2 and "--format parquet needs -o FILE.parquet" in proc.stderr.decode()
