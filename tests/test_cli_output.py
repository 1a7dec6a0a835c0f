"""Output defaults that cannot trap a new user: the format follows -o's suffix, clashes are
refused before anything is read, several texts on stdout are told apart, an earlier run's output
folder is not cleaned again as input, and JSONL input's fields can be left out."""
import gzip
import json

import pytest

from conftest import run_cli, seed_inputs

TEXTS = [p.read_text(encoding="utf-8") for p in seed_inputs()[:3]]


@pytest.fixture()
def pages(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for i, text in enumerate(TEXTS):
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")
    return folder


def records(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def test_format_follows_the_output_suffix(pages, tmp_path):
    out = tmp_path / "out" / "forgot.jsonl"
    proc = run_cli("clean", str(pages), "-o", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    assert out.is_file() and [r["id"] for r in records(out.read_bytes())] == ["0.txt", "1.txt", "2.txt"]
    packed = tmp_path / "out" / "packed.jsonl.gz"
    assert run_cli("clean", str(pages), "-o", str(packed), "-q").returncode == 0
    assert gzip.decompress(packed.read_bytes()) == out.read_bytes()
    # Explicit -f jsonl writes the same bytes as the suffix alone.
    explicit = tmp_path / "out" / "explicit.jsonl"
    assert run_cli("clean", str(pages), "--format", "jsonl", "--output", str(explicit), "--workers", "1",
                   "-q").returncode == 0
    assert explicit.read_bytes() == out.read_bytes()
    # .parquet: one Parquet file with the same records (the JSONL records' fields as columns).
    import pyarrow.parquet as pq

    table = tmp_path / "out" / "table.parquet"
    assert run_cli("clean", str(pages), "-o", str(table), "-q").returncode == 0
    rows = pq.read_table(table).to_pylist()
    assert [(r["id"], r["text"]) for r in rows] == [(r["id"], r["text"]) for r in records(out.read_bytes())]
    assert run_cli("clean", str(pages), "-o", str(table), "-q").returncode == 0  # run again: replaced
    assert pq.read_table(table).to_pylist() == rows
    # No suffix: a folder of texts, as before.
    folder = tmp_path / "out" / "texts"
    assert run_cli("clean", str(pages), "-o", str(folder), "-q").returncode == 0
    assert sorted(p.name for p in folder.glob("*.txt")) == ["0.txt", "1.txt", "2.txt"]


@pytest.mark.parametrize("args,message", [
    (["-f", "text", "-o", "{tmp}/x.jsonl"], "--format text clashes with --output"),
    (["-f", "json", "-o", "{tmp}/x.jsonl.gz"], "--format json clashes with --output"),
    (["-f", "jsonl", "-o", "{tmp}/x.txt"], "--format jsonl clashes with --output"),
    (["-f", "jsonl", "-o", "{tmp}/x.parquet"], "--format jsonl clashes with --output"),
    (["-o", "{tmp}/x.parquet.gz"], "Parquet is compressed inside"),
    (["-f", "parquet", "-o", "{tmp}/dir/"], "is a folder, but parquet output is one file"),
    (["-o", "{tmp}/forgot.txt"], "looks like one file, but text output is a folder"),
    (["-f", "json", "-o", "{tmp}/all.json"], "looks like one file, but json output is a folder"),
    (["-f", "jsonl", "-o", "{tmp}/dir/"], "is a folder, but jsonl output is one file"),
    (["-o", "{tmp}/existing"], "is a folder, but jsonl output is one file"),
])
def test_output_traps_are_refused_before_anything_is_read(pages, tmp_path, args, message):
    (tmp_path / "existing.jsonl").mkdir()
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if args[-1].endswith("existing"):
        args[-1] += ".jsonl"
    proc = run_cli("clean", str(pages), *args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr.decode(), proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.jsonl", "pages"]  # nothing written


def test_texts_on_stdout_are_headed_when_there_are_several(pages):
    proc = run_cli("clean", str(pages), "-q")
    assert proc.returncode == 0
    out = proc.stdout.decode("utf-8")
    assert out.startswith("==> 0.txt <==\n")
    assert "\n\n==> 1.txt <==\n" in out and "\n\n==> 2.txt <==\n" in out
    one = run_cli("clean", str(pages / "1.txt"), "-q").stdout.decode("utf-8")
    assert "==>" not in one  # one document comes bare: `> page.txt` is its text
    assert one.strip() in out


def test_json_on_stdout_is_one_indented_record_per_document(pages):
    proc = run_cli("clean", str(pages), "-f", "json", "-q")
    text, decoder, found = proc.stdout.decode("utf-8"), json.JSONDecoder(), []
    position = 0
    while text[position:].strip():
        record, end = decoder.raw_decode(text, position)
        found.append(record["id"])
        position = end + 1
    assert found == ["0.txt", "1.txt", "2.txt"]
    assert text.startswith("{\n  ")


def test_an_earlier_output_folder_inside_the_input_is_skipped_with_a_note(pages):
    first = run_cli("clean", str(pages), "-o", str(pages / "clean-v1"), "-q")
    assert first.returncode == 0 and (pages / "clean-v1" / ".cleaner-output").exists()
    second = run_cli("clean", str(pages), "-o", str(pages / "clean-v2"))
    assert second.returncode == 0
    assert b"3 documents: 3 cleaned" in second.stderr
    assert b"skipping " in second.stderr and b"clean-v1: an earlier run's output" in second.stderr
    assert not (pages / "clean-v2" / "clean-v1").exists()
    # Named on purpose, an output folder is read.
    again = run_cli("clean", str(pages / "clean-v1"), "-f", "jsonl", "-q")
    assert len(records(again.stdout)) == 3


def test_drop_fields_leaves_input_fields_out(tmp_path):
    source = tmp_path / "in.jsonl"
    page = "<html><body><article><p>{}</p></article></body></html>"
    source.write_text("".join(json.dumps({"id": f"d{i}", "html": page.format(t.splitlines()[0]), "crawl": "c1"}) + "\n"
                              for i, t in enumerate(TEXTS)), encoding="utf-8")
    kept = records(run_cli("clean", str(source), "-f", "jsonl", "-q").stdout)
    assert all("html" in r and r["crawl"] == "c1" for r in kept)  # passed through by default
    dropped = records(run_cli("clean", str(source), "-f", "jsonl", "--drop-fields", "html,crawl", "-q").stdout)
    assert [r["id"] for r in dropped] == ["d0", "d1", "d2"]
    assert not any("html" in r or "crawl" in r for r in dropped)
    assert [{k: v for k, v in r.items() if k not in ("html", "crawl")} for r in kept] == dropped
    for bad, message in ((["-f", "jsonl", "--drop-fields", "id"], b"every record keeps its id"),
                         (["-f", "text", "--drop-fields", "html"], b"text output has no fields")):
        proc = run_cli("clean", str(source), *bad)
        assert proc.returncode == 2 and message in proc.stderr
