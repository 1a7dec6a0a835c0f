"""Removal spans (--spans): character offsets in the repaired text, checked by slicing; and
dolma attribute files (--dolma-attributes) lining up row for row with the documents."""
import gzip
import json

from cleaner import Cleaner
from cleaner.engines.outcome import process
from cleaner.io.inputs import InputItem
from conftest import SEEDS, run_cli, seed_inputs

PAGE = ("<html><head><title>Budget passes</title></head><body><nav>Home | News | Sport</nav><article>"
        "<h1>Budget passes</h1><p>The council approved the budget on Tuesday after a long debate about schools.</p>"
        "<p>Photo: Reuters</p><p>Members said the plan would fund repairs to three bridges next year.</p>"
        "<p>Read more: Council elections in May</p></article></body></html>")


def check_spans(record: dict) -> int:
    """Every removal's span, sliced out of the repaired text, is what was removed: the whole line
    for a dropped line, the fragment for a cut one. Returns how many spans there were."""
    repaired = record["repaired_text"]
    lines = repaired.split("\n")
    for removal in record["removed"]:
        piece = repaired[removal["start"]:removal["end"]]
        line = lines[removal["line"] - 1]
        if piece == line.rstrip():
            assert removal["text"] in (piece, piece.strip()) or piece.startswith(removal["text"].split()[0])
        else:  # a fragment cut out of its line
            assert piece == removal["text"] and piece in line
    return len(record["removed"])


def test_spans_slice_out_what_was_removed_on_real_documents():
    cleaner = Cleaner(spans=True)
    checked = 0
    for path in seed_inputs():
        record, error = process(cleaner, InputItem(path.name, "text", path.read_bytes(), str(path)))
        assert error is None
        checked += check_spans(record)
        assert record["repaired_text"] == cleaner.repair(path.read_bytes().decode("utf-8"))
    assert checked >= 20


def test_spans_of_lines_and_fragments_after_repair():
    text = ("Ð¿Ñ€Ð¸Ð²ÐµÑ‚ headline\r\nThe minister spoke [1] on Friday about the budget [2].\r\n"
            "Photo: AP\r\nSecond paragraph of the story with more words.")
    cleaner = Cleaner(spans=True)
    record, _ = process(cleaner, InputItem("d", "text", text, "d"))
    repaired = record["repaired_text"]
    assert repaired.startswith("привет headline\nThe minister")  # mojibake repaired, CRLF now LF
    by_rule = {}
    for removal in record["removed"]:
        by_rule.setdefault(removal["rule"], []).append(repaired[removal["start"]:removal["end"]])
    assert by_rule["photo-credit"] == ["Photo: AP"]
    assert check_spans(record) == len(record["removed"])


def test_spans_of_an_html_page_index_its_extracted_repaired_text():
    record, error = process(Cleaner(spans=True), InputItem("p", "html", PAGE.encode(), "p"))
    assert error is None and record["removed"]
    assert check_spans(record) == len(record["removed"])
    assert "The council approved the budget" in record["repaired_text"]


def test_without_spans_records_are_as_before():
    record, _ = process(Cleaner(), InputItem("d", "text", "Body sentence of the article.\nPhoto: AP", "d"))
    assert "repaired_text" not in record and set(record["removed"][0]) == {"rule", "text", "line"}


def test_dolma_attributes_line_up_row_for_row_with_the_documents(tmp_path):
    source = tmp_path / "in.jsonl"
    with source.open("w", encoding="utf-8") as stream:
        for path in seed_inputs():
            stream.write(json.dumps({"id": path.name, "text": path.read_text(encoding="utf-8"),
                                     "source": "seeds"}) + "\n")
        stream.write(json.dumps({"id": "broken", "text": 42}) + "\n")  # an error: no document, no row
        stream.write(json.dumps({"id": "short", "text": "One clean sentence of an article."}) + "\n")
    documents = tmp_path / "dataset" / "documents" / "part-0.jsonl.gz"
    proc = run_cli("clean", str(source), "-f", "jsonl", "-o", str(documents), "--dolma-attributes", "cleaner")
    assert proc.returncode == 1, proc.stderr  # the broken record
    attributes = tmp_path / "dataset" / "attributes" / "cleaner" / "part-0.jsonl.gz"
    docs = [json.loads(line) for line in gzip.open(documents, "rt", encoding="utf-8")]
    rows = [json.loads(line) for line in gzip.open(attributes, "rt", encoding="utf-8")]
    assert [d["id"] for d in docs] == [r["id"] for r in rows] == [p.name for p in seed_inputs()] + ["short"]
    cleaner = Cleaner()
    for doc, row in zip(docs, rows):
        assert doc["source"] == row["source"] == "seeds" or doc["id"] == "short"
        assert "removed" not in doc and "repaired_text" not in doc
        # Removing the spans from the documents' text gives the cleaner's clean text.
        spans = sorted(span for values in row["attributes"].values() for span in values)
        assert all(key.startswith("cleaner__") and 0 <= s[2] <= 1 for key, values in row["attributes"].items()
                   for s in values)
        kept, at = [], 0
        for start, end, _score in spans:
            kept.append(doc["text"][at:start])
            at = max(at, end)
        kept.append(doc["text"][at:])
        joined = "\n".join(line.strip() for line in "".join(kept).split("\n") if line.strip())
        if doc["id"] != "short":
            expected = (SEEDS / (doc["id"][:-4] + ".expected.txt")).read_text(encoding="utf-8").strip()
            clean = "\n".join(line.strip() for line in expected.split("\n") if line.strip())
            assert joined == clean, doc["id"]
        else:
            assert joined == cleaner.clean_text(doc["text"]).text and row["attributes"] == {}
