"""A pipe, a FIFO or stdin is read once (issue 31 item 5): the site-chrome pass learns while the
batch is cleaned (fullpage/chrome.py's ChromeStream), so the cleaning gets their text (a first pass
used to leave it nothing, or wait forever on a FIFO). Real processes: bash's process substitution
and a real FIFO."""
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ARTICLE = "Putin said he would like to invite his counterpart to an online meeting next week.\n"
CLEANER = str(Path(sys.executable).with_name("cleaner"))


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for <(...)")
def test_process_substitution_is_cleaned_not_emptied(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    proc = subprocess.run(["bash", "-c", f'"{CLEANER}" clean <(cat a.txt) -f jsonl -o -'], cwd=tmp_path,
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["text"] == ARTICLE.strip()


def test_a_fifo_beside_a_folder_is_read_once(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    for n in range(5):  # a folder whose chrome is still learned
        (site / f"{n}.txt").write_text(f"Home\nNews\nArticle {n}: the council met on day {n}.\nImprint\n",
                                       encoding="utf-8")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text(ARTICLE, encoding="utf-8"), daemon=True)
    writer.start()
    proc = subprocess.run([CLEANER, "clean", str(site), str(fifo), "-f", "jsonl", "-o", "-"],
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    records = {r["id"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert records["fifo"]["text"] == ARTICLE.strip()
    assert any(r["rule"] == "learned-chrome" for r in records["0.txt"]["removed"])
