"""The `cleaner` command, run as a separate process on real files, folders, stdin and JSONL."""
import json

from conftest import SEEDS, run_cli, seed_inputs

SEED_004 = next(p for p in seed_inputs() if p.name.startswith("004"))


def test_clean_seed_folder_to_jsonl(tmp_path):
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", str(SEEDS), "--format", "jsonl", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [p.name for p in seed_inputs()]
    for record in records:
        assert set(record) >= {"id", "text", "metadata", "removed"}
        assert set(record["metadata"]) >= {"title", "date", "language", "site", "url", "words"}
        expected = (SEEDS / (record["id"][:-4] + ".expected.txt")).read_text(encoding="utf-8")
        assert record["text"] + "\n" == expected
        assert all(set(r) >= {"rule", "text"} for r in record["removed"])
    assert "5 documents: 5 cleaned, 0 failed" in proc.stderr.decode()


def test_clean_single_file_text_to_stdout():
    proc = run_cli("clean", str(SEED_004), "-q")
    assert proc.returncode == 0
    assert proc.stdout.decode("utf-8") == (SEEDS / (SEED_004.stem + ".expected.txt")).read_text(encoding="utf-8")
    assert proc.stderr == b""


def test_clean_stdin_text():
    proc = run_cli("clean", "-", "-q", input="Body of the article, one sentence.\nPhoto: AP\n".encode())
    assert proc.stdout.decode() == "Body of the article, one sentence.\n"


def test_clean_jsonl_stdin_passes_fields_through():
    records = [
        {"id": "a", "text": "A real sentence of the article.\nPhoto: Reuters", "url": "https://www.forumdaily.com/x", "lang_hint": "en"},
        {"id": "b", "text": "Another article body that is fine."},
    ]
    stdin = "".join(json.dumps(r) + "\n" for r in records).encode()
    proc = run_cli("clean", "-", "--format", "jsonl", "-q", input=stdin)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    assert out[0]["text"] == "A real sentence of the article."
    assert out[0]["lang_hint"] == "en" and out[0]["url"] == "https://www.forumdaily.com/x"
    assert out[0]["metadata"]["site"] == "forumdaily.com"
    assert out[0]["removed"][0]["rule"] == "photo-credit"


def test_text_format_mirrors_tree_and_never_touches_inputs(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.txt").write_text("Sentence of an article.\nPhotos\n", encoding="utf-8")
    (src / "b.txt").write_bytes("Статья о переговорах в Москве.\n".encode("cp1251"))
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    proc = run_cli("clean", str(src), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert (out / "sub" / "a.txt").read_text(encoding="utf-8") == "Sentence of an article.\n"
    assert (out / "b.txt").read_text(encoding="utf-8") == "Статья о переговорах в Москве.\n"
    assert {p: p.read_bytes() for p in src.rglob("*") if p.is_file()} == before
    proc = run_cli("clean", str(src), "-o", str(tmp_path / "json"), "--format", "json")
    record = json.loads((tmp_path / "json" / "sub" / "a.json").read_text(encoding="utf-8"))
    assert record["id"] == "sub/a.txt" and record["removed"][0]["rule"] == "media-label-line"


def test_bad_document_fails_alone_with_exit_1(tmp_path):
    (tmp_path / "good.txt").write_text("A fine sentence of text.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (tmp_path / "records.jsonl").write_text('{"id": "r1", "text": "Fine."}\nnot json\n{"id": "r3"}\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    proc = run_cli("clean", str(tmp_path), "--format", "jsonl", "-o", str(out))
    assert proc.returncode == 1
    assert [json.loads(l)["id"] for l in out.read_text().splitlines()] == ["good.txt", "r1"]
    err = proc.stderr.decode()
    assert "bad.txt: binary content" in err
    assert "records.jsonl:2: line 2 is not valid JSON" in err
    assert "records.jsonl:3: line 3: record has neither 'text' nor 'html'" in err
    assert "5 documents: 2 cleaned, 3 failed" in err


def test_broken_rules_exit_2_before_cleaning(tmp_path):
    rules = tmp_path / "bad.yaml"
    rules.write_text("name: x\ndescription: y\nrules:\n  - id: bad-regex\n    kind: drop-line\n"
                     "    description: d\n    pattern: '(x'\n    examples: [{drop: x}, {keep: y}]\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    proc = run_cli("clean", str(SEEDS), "--rules", str(rules), "--format", "jsonl", "-o", str(out))
    assert proc.returncode == 2
    # the line of the offending pattern itself
    assert f"{rules}:7: bad-regex: 'pattern' is not a valid regex" in proc.stderr.decode()
    assert not out.exists()


def test_no_default_rules_uses_only_given(tmp_path):
    rules = tmp_path / "mine.yaml"
    rules.write_text("name: mine\ndescription: d\nrules:\n  - id: drop-x\n    kind: drop-line\n"
                     "    description: d\n    pattern: '^X$'\n    examples: [{drop: X}, {keep: Y}]\n", encoding="utf-8")
    proc = run_cli("clean", "-", "-q", "--no-default-rules", "--rules", str(rules), input=b"X\nPhotos\n")
    assert proc.stdout.decode() == "Photos\n"


def test_repair_prints_fixed_telegram_line():
    proc = run_cli("repair", str(SEED_004))
    assert proc.returncode == 0
    text = proc.stdout.decode("utf-8")
    assert "канал в Telegram" in text and "Р°" not in text
    assert "1078 requests in 2,493 seconds." in text  # nothing removed


def test_explain_marks_lines_with_rule_ids():
    proc = run_cli("explain", str(SEED_004))
    lines = proc.stdout.decode("utf-8").splitlines()
    assert any(l.startswith("- page-timing-footer") and l.endswith("1078 requests in 2,493 seconds.") for l in lines)
    assert any(l.startswith("  keep") and "Biden called Putin" in l for l in lines)
    assert "\x1b[" not in proc.stdout.decode()  # plain in a pipe
    dropped = run_cli("explain", str(SEED_004), "--only-dropped").stdout.decode().splitlines()
    assert dropped and all(not l.startswith("  keep") for l in dropped)


def test_missing_path_is_a_usage_error(tmp_path):
    proc = run_cli("clean", str(tmp_path / "nope.txt"))
    assert proc.returncode == 2  # issue 29 item 8: a mistyped path is a usage error, not a failed document
    assert "nope.txt: no such file or folder" in proc.stderr.decode()


def test_output_inside_input_folder_is_not_read_back(tmp_path):
    for fmt, out in (("text", "out"), ("jsonl", "out.jsonl")):
        folder = tmp_path / fmt
        folder.mkdir()
        (folder / "a.txt").write_text("A sentence of the article.\n", encoding="utf-8")
        for run in range(2):
            proc = run_cli("clean", str(folder), "--format", fmt, "-o", str(folder / out))
            if fmt == "jsonl" and run == 1:  # the file is there now: an input, not overwritten (issue 31)
                assert proc.returncode == 2 and b"is a file inside the input folder" in proc.stderr, proc.stderr
                continue
            assert proc.returncode == 0 and b"1 document: 1 cleaned" in proc.stderr, proc.stderr
    assert sorted(p.name for p in (tmp_path / "text" / "out").iterdir()) == [".cleaner-output", "a.txt"]


def test_duplicate_jsonl_id_is_an_error_with_its_line():
    stdin = b'{"id": "x", "text": "First body of text."}\n{"id": "x", "text": "Second body."}\n'
    proc = run_cli("clean", "-", "--format", "jsonl", input=stdin)
    assert proc.returncode == 1
    assert [json.loads(l)["text"] for l in proc.stdout.decode().splitlines()] == ["First body of text."]
    assert "<stdin>:2: duplicate id 'x'" in proc.stderr.decode()
