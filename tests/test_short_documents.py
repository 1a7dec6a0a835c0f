"""Documents too short to judge (fewer than metadata.MIN_JUDGED_LETTERS letters) get no language and
no page type (null), the same for text and HTML; an empty HTML file is an empty document, as an
empty text file is (issue 29 item 11). Through the real command on real files, and the library."""
import json

import pytest

from cleaner.metadata import MIN_JUDGED_LETTERS, detect_language, too_short_to_judge
from conftest import run_cli

ARTICLE = "Putin said he would like to invite his counterpart to an online meeting next week.\n"


def test_the_floor_counts_letters_not_characters():
    assert too_short_to_judge("x")
    assert too_short_to_judge("2026-12-07 12:00 | 4,593 ... !!!")
    just_enough = "abcd " * (MIN_JUDGED_LETTERS // 4)
    assert not too_short_to_judge(just_enough) and too_short_to_judge(just_enough[:-2])
    assert not too_short_to_judge("Переговоры в Москве продолжатся")  # any script's letters count
    assert detect_language("x") is None and detect_language(ARTICLE) == "en"


def read_records(path):
    return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_empty_and_one_letter_documents_get_null_language_and_type(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "empty.html").write_bytes(b"")
    (folder / "blank.html").write_bytes(b"  \n\t\n")
    (folder / "x.txt").write_text("x", encoding="utf-8")
    (folder / "x.html").write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    (folder / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "article.html").write_text(f"<html><body><article><p>{ARTICLE}</p></article></body></html>",
                                         encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", str(folder), "-f", "jsonl", "-o", str(out))
    assert proc.returncode == 0, proc.stderr  # an empty .html is no failure
    records = read_records(out)
    assert len(records) == 7
    for name in ("empty.txt", "empty.html", "blank.html", "x.txt", "x.html"):
        metadata = records[name]["metadata"]
        assert metadata["language"] is None and metadata["page_type"] is None, (name, metadata)
    assert records["x.txt"]["text"] == records["x.html"]["text"] == "x"
    assert records["empty.html"]["text"] == records["empty.txt"]["text"] == ""
    for name in ("article.txt", "article.html"):
        metadata = records[name]["metadata"]
        assert metadata["language"] == "en" and metadata["page_type"] is not None, (name, metadata)


def test_stdin_gets_the_same_null_metadata():
    proc = run_cli("clean", "-", "-f", "jsonl", "-q", input=b"x\n")
    assert proc.returncode == 0, proc.stderr
    metadata = json.loads(proc.stdout)["metadata"]
    assert metadata["language"] is None and metadata["page_type"] is None


@pytest.mark.parametrize("text", ["", "x", "OK 200"])
def test_the_library_says_why_there_is_no_type(cleaner, text):
    result = cleaner.clean_text(text)
    assert result.metadata["page_type"] is None and result.metadata["language"] is None
    assert any("too little text to judge" in decision for decision in result.decisions)


def test_a_type_given_by_the_caller_is_kept(cleaner):
    assert cleaner.clean_text("x", page_type="product").metadata["page_type"] == "product"
