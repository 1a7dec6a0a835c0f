"""Documents that come out empty (every line removed, or no text to begin with) are cleaned, but
counted apart in the summary and the --report, and each record carries a warning (issue 29 item 7).
Through the real command, on real files, with one and two worker processes."""
import json

import pytest

from cleaner.engines.outcome import Summary
from conftest import run_cli

# An HTML page whose extractor finds only a photo caption, which the media rules remove.
PHOTO_ONLY_PAGE = """<!doctype html><html><head><title>Gallery</title></head><body>
<article><figure><img src="harbour.jpg" alt=""><figcaption>Photo: Jane Doe / Reuters</figcaption></figure></article>
</body></html>
"""
ARTICLE = "Putin said he would like to invite his counterpart to an online meeting next week.\n"


def write_inputs(folder):
    folder.mkdir()
    (folder / "gallery.html").write_text(PHOTO_ONLY_PAGE, encoding="utf-8")
    (folder / "caption.txt").write_text("Photo: Jane Doe / Reuters\n", encoding="utf-8")
    (folder / "blank.txt").write_text("\n  \n", encoding="utf-8")
    (folder / "article.txt").write_text(ARTICLE, encoding="utf-8")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_empty_results_are_counted_and_warned(tmp_path, workers):
    write_inputs(tmp_path / "in")
    out, report = tmp_path / "out.jsonl", tmp_path / "report.json"
    proc = run_cli("clean", str(tmp_path / "in"), "-f", "jsonl", "-o", str(out), "--report", str(report),
                   "--workers", workers)
    assert proc.returncode == 0, proc.stderr
    stderr = proc.stderr.decode()
    assert "4 documents: 4 cleaned, 0 failed" in stderr
    assert "3 of them came out empty" in stderr
    records = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert records["article.txt"]["text"] == ARTICLE.strip() and "warnings" not in records["article.txt"]
    for name in ("gallery.html", "caption.txt"):
        assert records[name]["text"] == ""
        assert [r["rule"] for r in records[name]["removed"]] == ["photo-credit"]
        assert any(w.startswith("empty result: the rules removed every line") for w in records[name]["warnings"])
    assert records["blank.txt"]["warnings"] == ["empty result: the document has no text"]
    empty = json.loads(report.read_text(encoding="utf-8"))["empty_documents"]
    assert empty == {"count": 3, "samples": ["blank.txt", "caption.txt", "gallery.html"]}


def test_no_empty_results_no_mention(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    proc = run_cli("clean", str(tmp_path / "a.txt"), "-f", "jsonl", "-o", str(tmp_path / "out.jsonl"))
    assert proc.returncode == 0, proc.stderr
    assert "empty" not in proc.stderr.decode()


def test_the_empty_count_survives_a_checkpoint_and_a_merge():
    # --resume rebuilds the summary from the checkpoint's counts; the Dask engine merges partitions.
    part = Summary()
    part.add({"text": "", "removed": [{"rule": "photo-credit"}]}, None)
    part.add({"text": "Body.", "removed": []}, None)
    part.add(None, {"error": "bad"})
    restored = Summary.from_counts(json.loads(json.dumps(part.counts())))
    assert (restored.documents, restored.cleaned, restored.failed, restored.empty) == (3, 2, 1, 1)
    restored.merge(part)
    assert restored.empty == 2
    assert "2 of them came out empty" in restored.line()
    # A checkpoint written before the count existed still loads (no empty documents known).
    assert Summary.from_counts({"documents": 2, "cleaned": 2}).empty == 0
