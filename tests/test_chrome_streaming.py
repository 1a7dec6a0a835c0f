"""Site chrome learned while the batch is cleaned (issue 29 item 9): each site's chrome comes from a
sample of its first documents (fullpage/chrome.py's SamplePlan and ChromeStream), so output starts
once the first sample is complete, input is read once (stdin too), what waits is bounded by a window,
and the output is the same for any number of workers and after an interrupted run is resumed.

Real files: the WCXB development pages as a naive scraper dumps them (../shared/data), the seed
articles under site menus, real processes and a real SIGINT.
"""
import json
import lzma
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_cli, seed_inputs
from cleaner.fullpage.chrome import ChromeStream, SamplePlan, group_for, learn_chrome
from cleaner.io.inputs import InputFailure, InputItem

CLEANER = str(Path(sys.executable).with_name("cleaner"))
WCXB_FULLPAGE = ROOT.parent / "shared" / "data" / "wcxb-dev" / "fullpage-text.jsonl.xz"
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in seed_inputs()]


def text_item(n: int, site: str, body: str | None = None) -> InputItem:
    text = body if body is not None else f"Home\nNews\nStory {n}: the council of {site} met on day {n}.\nImprint"
    return InputItem(id=f"{site}/{n}", kind="text", content=text, source=f"{site}/{n}", url=f"https://{site}/{n}",
                     size=len(text))


def pulled(items):
    """The items, and a list that grows as they are taken (what the stream has read so far)."""
    taken = []

    def source():
        for item in items:
            taken.append(item)
            yield item

    return source(), taken


def site_article(site: str, n: int) -> str:
    """A seed article under its site's menu and footer, made distinct by its last line."""
    article = SEED_TEXTS[n % len(SEED_TEXTS)].strip()
    return (f"{site.title()} Daily\nHome\nPolitics\nSport\nSubscribe to {site}\n{article}\n"
            f"Filed as story {n} of {site}.\nAbout {site}\nContact us\nPrivacy policy\n")


def write_sites(folder: Path, sites: int, per_site: int) -> Path:
    for s in range(sites):
        site = folder / f"site{s}"
        site.mkdir(parents=True)
        for n in range(per_site):
            (site / f"{n:04d}.txt").write_text(site_article(f"site{s}", n), encoding="utf-8")
    return folder


# --- the sample plan ---------------------------------------------------------------------------

@pytest.mark.skipif(not WCXB_FULLPAGE.exists(), reason="needs ../shared/data/wcxb-dev")
def test_on_real_pages_a_sample_learns_what_the_whole_batch_did():
    """WCXB's sites have fewer than 100 pages each, all within a window of each other: every page
    gets the chrome the old whole-batch pass learned for its site, line for line."""
    with lzma.open(WCXB_FULLPAGE, "rt", encoding="utf-8") as f:
        pages = [json.loads(line) for line in f]
    items = [InputItem(id=p["id"], kind="text", content=p["text"], source=p["id"], url=p["url"],
                       size=len(p["text"].encode())) for p in pages]
    whole = learn_chrome(items)
    assert len(whole.lines) >= 5  # real chrome to compare: rei.com, steam, ...
    stream = ChromeStream()
    got = list(stream.inputs(items))
    assert [item.id for item in got] == [p["id"] for p in pages]
    for item in got:
        group = group_for(item.url, item.path)
        assert item.chrome.lines.get(group, {}) == whole.lines.get(group, {}), item.id
    assert stream.sites_learned == len(whole.lines)


def test_output_starts_after_one_sample_not_the_whole_batch():
    source, taken = pulled(text_item(n, "a.example") for n in range(1000))
    stream = ChromeStream(sample_documents=100).inputs(source)
    first = next(stream)
    assert len(taken) == 100  # the sample, then the first document is handed on
    assert [line for line, _ in first.chrome.lines_for("a.example")] == ["Home", "Imprint", "News"]
    rest = list(stream)
    assert len(rest) == 999 and all(item.chrome is first.chrome for item in rest)


def test_what_waits_stays_within_the_window():
    """A site per document (a crawl of many hosts): each sample waits for its window to close,
    never longer, in documents and in bytes."""
    items = [text_item(n, f"s{n}.example") for n in range(500)]
    source, taken = pulled(items)
    most = 0
    for count, _ in enumerate(ChromeStream(window_documents=50).inputs(source), 1):
        most = max(most, len(taken) - count + 1)
    assert most == 50
    source, taken = pulled(items)
    size = items[0].size
    most = 0
    for count, _ in enumerate(ChromeStream(window_bytes=20 * size).inputs(source), 1):
        most = max(most, len(taken) - count + 1)
    assert most <= 21


def test_a_site_too_rare_in_its_window_is_sampled_again_later():
    plan = SamplePlan(min_documents=3, sample_documents=10, window_documents=5)
    keys = [plan.assign("a", True, 1)[0], plan.assign("a", True, 1)[0]]
    for n in range(5):
        plan.assign(f"other{n}", True, 1)
    assert "a" not in plan.open and "a" not in plan.learned  # two documents: too few, forgotten
    keys += [plan.assign("a", True, 1)[0] for _ in range(3)]
    assert keys[0] == keys[1] != keys[2] == keys[3] == keys[4]
    for n in range(5):
        plan.assign(f"more{n}", True, 1)
    assert plan.learned["a"] == keys[2]  # learned from the second burst
    assert plan.assign("a", True, 1)[0] == keys[2]


def test_html_pages_wait_for_their_sites_sample_but_never_open_one():
    html = InputItem(id="page", kind="html", content="<p>x</p>", source="page", url="https://a.example/p", size=8)
    lone = InputItem(id="lone", kind="html", content="<p>y</p>", source="lone", url="https://b.example/p", size=8)
    failure = InputFailure(id="bad", source="bad", reason="unreadable")
    source, taken = pulled([lone, text_item(0, "a.example"), html, failure] +
                           [text_item(n, "a.example") for n in range(1, 6)])
    stream = ChromeStream(sample_documents=5).inputs(source)
    assert next(stream) is lone and len(taken) == 1 and not lone.chrome  # out at once, nothing learned
    got = list(stream)
    assert [item.id for item in got] == ["a.example/0", "page", "bad", *(f"a.example/{n}" for n in range(1, 6))]
    assert html.chrome.is_chrome("News", url=html.url)


def test_the_same_batch_gives_the_same_chrome_whatever_is_read_ahead():
    """The plan depends on the documents' order, sites, kinds and sizes only: two streams over the
    same batch, one taken item by item and one all at once, give every document the same lines."""
    items = [text_item(n, f"s{n % 7}.example") for n in range(300)]
    one = [dict(item.chrome.lines) for item in ChromeStream(window_documents=40).inputs(items)]
    again = [text_item(n, f"s{n % 7}.example") for n in range(300)]
    stream = ChromeStream(window_documents=40).inputs(iter(again))
    two = []
    while True:
        item = next(stream, None)
        if item is None:
            break
        two.append(dict(item.chrome.lines))
    assert one == two and any(one)


# --- the command line, real processes -----------------------------------------------------------

def test_stdin_is_learned_from_and_output_comes_before_its_end():
    """A pipe that stays open: records with learned chrome removed come out while the writer still
    has more to send (the old pass left stdin out of learning, and would have read it to the end)."""
    proc = subprocess.Popen([CLEANER, "clean", "-", "-f", "jsonl", "-w", "1"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for n in range(120):  # more than a sample of one site
            record = {"id": f"d{n}", "url": f"https://news.example/{n}", "text": site_article("news", n)}
            proc.stdin.write((json.dumps(record) + "\n").encode())
        proc.stdin.flush()
        got = []
        done = threading.Event()

        def read_one():
            got.append(proc.stdout.readline())
            done.set()

        threading.Thread(target=read_one, daemon=True).start()
        assert done.wait(120), "no output while stdin is still open"
        first = json.loads(got[0])
        assert first["id"] == "d0"
        assert {r["text"] for r in first["removed"] if r["rule"] == "learned-chrome"} >= {"Home", "Contact us"}
    finally:
        proc.stdin.close()
        proc.stdout.read()
        err = proc.stderr.read()
        proc.wait(timeout=300)
    assert proc.returncode == 0, err


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    folder = write_sites(tmp_path_factory.mktemp("sites"), sites=3, per_site=150)
    out = folder.parent / "whole.jsonl"
    proc = run_cli("clean", str(folder), "-f", "jsonl", "-o", str(out), "-w", "1")
    assert proc.returncode == 0, proc.stderr
    assert b"learned chrome:" in proc.stderr
    return folder, out.read_bytes()


def test_same_bytes_with_one_and_two_workers(sites, tmp_path):
    folder, expected = sites
    out = tmp_path / "two.jsonl"
    proc = run_cli("clean", str(folder), "-f", "jsonl", "-o", str(out), "-w", "2")
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == expected
    records = [json.loads(line) for line in expected.splitlines()]
    assert len(records) == 450
    assert all(any(r["rule"] == "learned-chrome" for r in record["removed"]) for record in records)


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_after_the_first_output_then_resume_gives_the_same_bytes(sites, tmp_path, workers):
    folder, expected = sites
    out = tmp_path / "out.jsonl"
    args = ["clean", str(folder), "-f", "jsonl", "-o", str(out), "-w", str(workers), "--progress"]
    proc = subprocess.Popen([CLEANER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    err = b""

    def read_err():
        nonlocal err
        for chunk in iter(lambda: proc.stderr.read1(65536), b""):
            err += chunk

    reader = threading.Thread(target=read_err, daemon=True)
    reader.start()
    deadline = time.monotonic() + 240
    # The progress line counts documents written: wait for the first, as a user who saw output would.
    while not any(int(n) > 0 for n in re.findall(rb"(\d+) documents (?:\(\d+ failed\) )?\|", err)):
        assert proc.poll() is None, f"ended before it could be interrupted: {err[-400:]!r}"
        assert time.monotonic() < deadline, err[-400:]
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=60)
    reader.join(timeout=10)
    assert proc.returncode == 130, err[-400:]
    stopped = re.search(rb"interrupted after (\d+) documents?", err)
    assert stopped and int(stopped.group(1)) > 0, err[-400:]
    assert int(stopped.group(1)) < 450  # stopped mid-run, not after it
    resumed = run_cli(*args[:-1], "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert f"resumed after {int(stopped.group(1))} document".encode() in resumed.stderr
    assert out.read_bytes() == expected
