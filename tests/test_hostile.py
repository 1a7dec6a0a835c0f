"""A corpus of junk: every input is accounted for, nothing outside the output folder changes,
and the run ends in time."""
import io
import json
import os
import stat
import zipfile
from pathlib import Path

from conftest import run_cli

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 44 >>\nstream\n\x00\x01\x02\x03BT /F1 24 Tf ET\nendstream\n"


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("article.txt", "An article inside a zip file.")
    return buffer.getvalue()


def build_hostile_corpus(root: Path) -> dict[str, str]:
    """Write the junk; return {relative id: what should happen} for the files that are documents."""
    root.mkdir()
    expect = {}

    def put(name: str | bytes, data: bytes, outcome: str) -> None:
        path = os.path.join(os.fsencode(root), name if isinstance(name, bytes) else name.encode())
        with open(path, "wb") as f:
            f.write(data)
        expect[os.fsdecode(os.path.relpath(path, os.fsencode(root)))] = outcome

    put("image.txt", PNG, "error")
    put("document.txt", PDF, "error")
    put("archive.txt", _zip_bytes(), "error")
    put("nul-bytes.txt", b"Text with a NUL\x00 byte inside it.\n" * 3, "error")
    put("cp1251.txt", "Президент заявил, что переговоры продолжатся в понедельник.\n".encode("cp1251"), "clean")
    put("latin1.txt", "Le président a déclaré que la réunion aura lieu à Genève.\n".encode("latin-1"), "clean")
    put("utf16.txt", "Die Gespräche wurden am Telefon geführt.\n".encode("utf-16"), "clean")
    put("empty.txt", b"", "clean")
    put("with space.txt", b"A file name with a space in it.\n", "clean")
    put("new\nline.txt", b"A file name with a newline in it.\n", "clean")
    put(b"caf\xe9.txt", b"A file name that is not UTF-8.\n", "clean")
    put("high-bytes.txt", bytes(range(128, 256)) * 8, "either")
    put("records.jsonl", b'{"id": "ok", "text": "A fine record of text."}\n'
                         b'{"id": "ok", "text": "The same id again."}\n'
                         b'not json at all\n'
                         b'{"id": "no-text"}\n'
                         b'{"id": "number", "text": 42}\n'
                         b'{"id": "../../escape", "text": "Tries to climb out of the output folder."}\n'
                         b'{"id": "/etc/absolute", "text": "Tries an absolute path."}\n', "jsonl")
    # A 100 MB single-line file (sparse: it costs no disk), over the default size limit.
    with open(root / "huge.txt", "wb") as f:
        f.truncate(100 * 1024 * 1024)
    expect["huge.txt"] = "error"
    (root / "unreadable.txt").write_bytes(b"Cannot be read by an ordinary user.\n")
    os.chmod(root / "unreadable.txt", 0)
    expect["unreadable.txt"] = "error" if os.geteuid() != 0 else "clean"  # root reads anything
    os.symlink("nowhere.txt", root / "dangling.txt")
    expect["dangling.txt"] = "error"
    os.symlink("self-loop.txt", root / "self-loop.txt")
    expect["self-loop.txt"] = "error"
    os.symlink(".", root / "loop-dir")  # a folder link back to itself: never followed
    deep = root
    for _ in range(300):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "bottom.txt").write_bytes(b"A document at the bottom of a very deep tree.\n")
    expect[str((deep / "bottom.txt").relative_to(root))] = "clean"
    return expect


def snapshot(root: Path) -> dict[str, tuple]:
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            # A folder's mtime changes when the output folder is created in it; its entries are compared.
            found[path] = (st.st_mode,) if stat.S_ISDIR(st.st_mode) else (st.st_mode, st.st_size, st.st_mtime_ns)
    return found


def test_hostile_corpus_is_fully_accounted_for(tmp_path):
    corpus = tmp_path / "corpus"
    expect = build_hostile_corpus(corpus)
    out = corpus / "out"  # the output folder inside the input folder is not walked
    errors = tmp_path / "errors.jsonl"
    before = snapshot(tmp_path)
    proc = run_cli("clean", str(corpus), "-f", "json", "-o", str(out), "--errors", str(errors), "-w", "2")
    assert proc.returncode == 1, proc.stderr
    written = sorted(p for p in out.rglob("*.json"))
    failures = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    # 16 files plus 7 JSONL records, minus the JSONL file itself, make 22 inputs.
    documents = len(expect) - 1 + 7
    summary = proc.stderr.decode("utf-8", "replace").splitlines()[-1]
    assert summary.startswith(f"{documents} documents: {len(written)} cleaned, {len(failures)} failed")
    assert len(written) + len(failures) == documents
    reasons = {f["id"]: f["error"] for f in failures}
    assert "binary content" in reasons["image.txt"] and "binary content" in reasons["archive.txt"]
    assert "binary content" in reasons["nul-bytes.txt"] and "binary content" in reasons["document.txt"]
    assert "over the 64.0 MB limit" in reasons["huge.txt"]
    assert "cannot read file" in reasons["dangling.txt"] and "cannot read file" in reasons["self-loop.txt"]
    assert "duplicate id 'ok'" in reasons["ok"]
    assert any("not valid JSON" in r for r in reasons.values())
    assert "neither 'text' nor 'html'" in reasons["no-text"] and "must be a string" in reasons["number"]
    assert all(f.get("line") for f in failures if f["source"].split(":")[0].endswith("records.jsonl"))
    texts = {p.relative_to(out).as_posix(): json.loads(p.read_text(encoding="utf-8"))["text"] for p in written}
    assert texts["cp1251.json"].startswith("Президент заявил")
    assert texts["latin1.json"].startswith("Le président a déclaré")
    assert texts["utf16.json"].startswith("Die Gespräche")
    assert texts["empty.json"] == ""
    assert "escape.json" in texts and "etc/absolute.json" in texts
    assert all(not name.startswith("..") for name in texts)
    # Nothing outside the output folder (and the errors file) was created, changed or removed.
    after = {p: v for p, v in snapshot(tmp_path).items()
             if not p.startswith(str(out)) and p != str(errors)}
    assert after == before


def test_catastrophic_rule_pattern_is_reported_and_the_run_finishes(tmp_path):
    rules = tmp_path / "slow.yaml"
    rules.write_text("name: slow\ndescription: d\nrules:\n  - id: backtracker\n    kind: drop-line\n"
                     "    description: d\n    pattern: '^(a|aa)+$'\n"
                     "    examples: [{drop: aaa}, {keep: b}]\n", encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text("a" * 60 + "b\nPhoto: AP\nThe article text is here.\n", encoding="utf-8")
    proc = run_cli("clean", str(doc), "--rules", str(rules), "-f", "jsonl", "-q")
    record = json.loads(proc.stdout)
    assert record["text"] == "a" * 60 + "b\nThe article text is here."
    assert any("backtracker" in w for w in record["warnings"])
