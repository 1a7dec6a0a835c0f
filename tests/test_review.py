"""`cleaner review`: the page built from a real cleaning run, opened in a real browser.

The browser is the system's Chromium (Debian's `chromium` and `chromium-driver` packages, which
.ci/run installs), driven through Selenium and its chromedriver. A missing browser fails these
tests, it does not skip them. Screenshots go to test-artifacts/ at the top of the repository
(ignored by git), for a person to look at after a run.
"""
from __future__ import annotations

import html.parser
import importlib.util
import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_cli

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts"
# Flags for a headless browser that touches no network and no profile but a fresh one.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,1000")
HTML_RULES = FIXTURES / "html" / "rules"  # the site rule set the HTML fixtures are written for
# Until the cleaner names page types itself, a capture rule gives some fixture pages one, so the
# page-type filter has something to filter (a rule writer could write this rule).
PAGE_TYPE_RULES = """\
name: review-test-page-types
description: Test only - a page type read from a menu line of the page.
rules:
  - id: page-type-from-menu
    kind: capture
    description: A menu entry alone on its line names the page type.
    pattern: '^(?P<page_type>News|Sport)$'
    examples:
      - input: "Home\\nNews\\nA story."
        output: "Home\\nA story."
        metadata: {page_type: News}
      - keep: "News of the day came late."
"""


# ---- the page's data, without a browser ----

def fixture_records(record_lines: bool = True) -> tuple[list[dict], "object"]:
    """Every bundled fixture through the per-document function batch runs use."""
    from cleaner import Cleaner
    from cleaner.engines.outcome import process
    from cleaner.io.sources import iter_inputs

    cleaner = Cleaner(rules=[HTML_RULES])
    cleaner.record_lines = record_lines
    records = []
    for item in iter_inputs([str(FIXTURES)]):
        record, error = process(cleaner, item)
        assert error is None, error
        records.append(record)
    return records, cleaner


def test_records_carry_every_lines_verdict_only_when_asked():
    plain, _ = fixture_records(record_lines=False)
    assert all("lines" not in record for record in plain)
    records, _ = fixture_records()
    for record, without in zip(records, plain):
        lines = record.pop("lines")
        assert record == without  # the output record is otherwise the same
        dropped = {(n, line["removed_by"]) for n, line in enumerate(lines, 1) if "removed_by" in line}
        assert dropped <= {(r["line"], r["rule"]) for r in record["removed"]}
        kept = [line["text"] for line in lines if "removed_by" not in line and line["text"].strip()]
        assert kept == [t for t in record["text"].split("\n") if t.strip()]
    dump = next(r for r in fixture_records()[0] if r["id"].endswith("dumps/es_elheraldo.txt"))
    notes = [line for line in dump["lines"] if line.get("note_by") == "main-content"]
    assert notes and all(line["note"].startswith("p=") for line in notes)
    assert any("removed_by" not in line for line in notes)  # kept lines carry main-content's note too


def sample_ids(records: list[dict], size: int, cleaner) -> list[str]:
    from cleaner.review.collect import ReviewCollector, rule_tallies

    collector = ReviewCollector(rule_tallies(cleaner.rulesets), size)
    for record in records:
        collector.add(json.loads(json.dumps(record)))
    return sorted(doc["id"] for doc in collector.sample())


def test_sample_is_deterministic_bounded_and_has_every_rule():
    import hashlib

    records, cleaner = fixture_records()
    size = 12
    ids = sample_ids(records, size, cleaner)
    assert len(ids) == size
    assert sample_ids(list(reversed(records)), size, cleaner) == ids  # input order does not matter
    # For each rule, the document it touched with the smallest hash of its id is in the sample.
    first: dict[str, tuple[bytes, str]] = {}
    for record in records:
        key = hashlib.sha1(record["id"].encode()).digest()[:8]
        for rule in {r["rule"] for r in record["removed"]}:
            if rule not in first or key < first[rule][0]:
                first[rule] = (key, record["id"])
    firsts = {doc_id for _, doc_id in first.values()}
    assert len(firsts) <= size and firsts <= set(ids)
    assert len(sample_ids(records, 1000, cleaner)) == len(records)


def test_page_keeps_to_its_budget():
    import base64
    import gzip
    import re

    from cleaner.review.collect import ReviewCollector, rule_tallies
    from cleaner.review.page import render_page

    records, cleaner = fixture_records()
    collector = ReviewCollector(rule_tallies(cleaner.rulesets))
    for record in records:
        collector.add(record)
    full = render_page(collector.page_data())
    budget = 12_000
    small = render_page(collector.page_data(), budget=budget)
    packed = re.search(r'id="review-data">([^<]*)<', small).group(1)
    assert len(packed) <= budget < len(re.search(r'id="review-data">([^<]*)<', full).group(1))
    documents = json.loads(gzip.decompress(base64.b64decode(packed)))
    assert 0 < len(documents) < len(records)
    assert "are shortened" in small and "made" in small and "documents smaller" in small
    assert max(len(line) for doc in documents for line in doc["lines"] if isinstance(line, str)) <= 161
    assert render_page(collector.page_data(), budget=budget) == small  # same data, same bytes


def test_page_is_the_same_whatever_the_workers(tmp_path):
    pages = []
    for workers in ("1", "2"):
        page = tmp_path / f"review-{workers}.html"
        made = run_cli("review", "fixtures", "--rules", str(HTML_RULES), "-o", str(tmp_path / "review.html"),
                       "-w", workers, "-q", cwd=ROOT)
        assert made.returncode == 0, made.stderr.decode()
        (tmp_path / "review.html").rename(page)
        pages.append(page.read_bytes())
    assert pages[0] == pages[1]


def test_failed_documents_are_on_the_page_and_in_the_exit_code(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "seeds" / "000_5c1b36609e63848e.txt", folder / "good.txt")
    (folder / "big.txt").write_text("A line of text.\n" * 500, encoding="utf-8")
    page = tmp_path / "review.html"
    made = run_cli("review", str(folder), "-o", str(page), "--max-bytes", "4000", "-w", "1")
    assert made.returncode == 1
    assert "big.txt" in made.stderr.decode()
    text = page.read_text(encoding="utf-8")
    assert "2 documents · 1 cleaned · 1 failed" in text
    assert re.search(r'<section id="errors">.*big\.txt', text)


def test_clean_with_review_writes_the_same_output_and_the_same_page(tmp_path):
    rules = ["--rules", str(HTML_RULES)]
    plain = run_cli("clean", "fixtures", *rules, "-f", "jsonl", "-o", str(tmp_path / "plain.jsonl"), "-w", "1",
                    cwd=ROOT)
    both = run_cli("clean", "fixtures", *rules, "-f", "jsonl", "-o", str(tmp_path / "out.jsonl"), "-w", "2",
                   "--review", str(tmp_path / "clean.html"), cwd=ROOT)
    alone = run_cli("review", "fixtures", *rules, "-o", str(tmp_path / "review.html"), "-w", "1", cwd=ROOT)
    assert plain.returncode == both.returncode == alone.returncode == 0, both.stderr.decode()
    assert "wrote" in both.stderr.decode()
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp_path / "plain.jsonl").read_bytes()  # no "lines" leak
    made_by = re.compile(r'<p class="command">.*?</p>')
    from_clean = (tmp_path / "clean.html").read_text(encoding="utf-8")
    assert "cleaner clean fixtures" in made_by.search(from_clean).group(0)
    assert made_by.sub("", from_clean) == made_by.sub("", (tmp_path / "review.html").read_text(encoding="utf-8"))
    refused = run_cli("clean", "fixtures", "-o", str(tmp_path / "r.jsonl"), "-f", "jsonl", "--resume",
                      "--review", str(tmp_path / "r.html"), cwd=ROOT)
    assert refused.returncode == 2 and "--review is not available with --resume" in refused.stderr.decode()


def test_output_must_be_a_file(tmp_path):
    made = run_cli("review", str(FIXTURES / "seeds"), "-o", str(tmp_path))
    assert made.returncode == 2
    assert "is a folder" in made.stderr.decode()


# ---- the page in a browser ----

@pytest.fixture(scope="module")
def browser():
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"the review page tests need Chromium and its driver, missing: {', '.join(missing)}; "
                    "install them with `apt-get install -y chromium chromium-driver` (.ci/run does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="review-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, page: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser")  # start from an empty console
    driver.get(page.resolve().as_uri())
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))


def wait(driver, seconds: float = 10):
    """A wait that looks again when the element it was reading is redrawn meanwhile (the page
    redraws its list and view on every filter change, key and hash change)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, ignored_exceptions=[StaleElementReferenceException])


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def keep_screenshot(driver, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / name
    assert driver.save_screenshot(str(shot)), "the browser took no screenshot"
    assert shot.stat().st_size > 10_000
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / name)
    return shot


class StaticTable(html.parser.HTMLParser):
    """The rule table as a reader without JavaScript gets it: rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.in_table = self.in_body = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", "rules") in attrs:
            self.in_table = True
        elif self.in_table and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_table = self.in_body = False
        elif self.cell is not None and tag in ("td", "th"):
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def number(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.fixture(scope="module")
def fixtures_run(tmp_path_factory):
    """The bundled fixtures through `cleaner review`, and through `cleaner clean --report` for the
    figures to check the page against."""
    tmp = tmp_path_factory.mktemp("review")
    page_types = tmp / "page-types.yaml"
    page_types.write_text(PAGE_TYPE_RULES, encoding="utf-8")
    rules = ["--rules", str(HTML_RULES), "--rules", str(page_types)]
    page = tmp / "review.html"
    made = run_cli("review", "fixtures", *rules, "-o", str(page), "-w", "1", cwd=ROOT)
    assert made.returncode == 0, made.stderr.decode()
    report, output = tmp / "report.json", tmp / "out.jsonl"
    cleaned = run_cli("clean", "fixtures", *rules, "-f", "jsonl", "-o", str(output), "--report", str(report),
                      "-w", "1", cwd=ROOT)
    assert cleaned.returncode == 0, cleaned.stderr.decode()
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    return page, json.loads(report.read_text(encoding="utf-8")), records


def test_rule_table_reads_without_javascript_and_matches_the_report(fixtures_run):
    page, report, records = fixtures_run
    table = StaticTable()
    table.feed(page.read_text(encoding="utf-8"))
    rows = {row[0]: row for row in table.rows}
    expected = {rule["rule"]: rule for rule in report["rules"]}
    assert set(rows) == set(expected)
    for rule_id, rule in expected.items():
        assert (number(rows[rule_id][3]), number(rows[rule_id][4])) == (rule["lines"], rule["documents"]), rule_id
    shares = [float(row[6].rstrip("%")) for row in table.rows]
    assert 99.0 < sum(shares) < 101.0  # shares of all removed words add up
    assert f"{len(records)} cleaned" in page.read_text(encoding="utf-8")


def test_review_page_in_a_browser(fixtures_run, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    page, report, records = fixtures_run
    by_id = {record["id"]: record for record in records}
    open_page(browser, page)

    # The table's counts, as the browser shows them, are the --report figures.
    shown = {}
    for row in browser.find_elements(By.CSS_SELECTOR, "#rules tbody tr"):
        cells = [cell.get_attribute("textContent").strip() for cell in row.find_elements(By.CSS_SELECTOR, "th, td")]
        shown[cells[0]] = (number(cells[3]), number(cells[4]))
    assert shown == {rule["rule"]: (rule["lines"], rule["documents"]) for rule in report["rules"]}

    # Sorting: by rule id, then by documents (most first).
    browser.find_element(By.CSS_SELECTOR, '#rules th[data-key="id"]').click()
    ids = [row.get_attribute("textContent") for row in browser.find_elements(By.CSS_SELECTOR, "#rules tbody th")]
    assert ids == sorted(ids, key=str.lower)
    browser.find_element(By.CSS_SELECTOR, '#rules th[data-key="documents"]').click()
    documents = [int(cell.get_attribute("data-value"))
                 for cell in browser.find_elements(By.CSS_SELECTOR, "#rules tbody tr td:nth-of-type(4)")]
    assert documents == sorted(documents, reverse=True) and documents[0] > 0

    # Click a rule: its removed lines, all of them (every fixture document is on the page).
    rule = next(r for r in report["rules"] if r["rule"] == "related-block")
    browser.find_element(By.LINK_TEXT, rule["rule"]).click()
    wait(browser).until(lambda d: rule["rule"] in d.find_element(By.ID, "rule-title").text)
    hits = browser.find_elements(By.CSS_SELECTOR, "#view .line.hit")
    assert len(hits) == rule["lines"]
    assert {hit.find_element(By.CSS_SELECTOR, ".v").text for hit in hits} == {rule["rule"]}
    hit_texts = {hit.find_element(By.CSS_SELECTOR, ".text").text for hit in hits}
    assert set(rule["samples"]) <= hit_texts
    groups = browser.find_elements(By.CSS_SELECTOR, "#view article.group")
    assert len(groups) == rule["documents"]
    assert browser.find_elements(By.CSS_SELECTOR, "#view .group .line.kept")  # context around the removals

    # Open a document from the rule's view: every line marked kept or removed, as the output says.
    groups[0].find_element(By.CSS_SELECTOR, "h3 a").click()
    wait(browser).until(lambda d: d.find_elements(By.ID, "doc-lines"))
    doc_id = browser.find_element(By.CSS_SELECTOR, "dl.meta dd").text
    record = by_id[doc_id]
    removed = browser.find_elements(By.CSS_SELECTOR, "#doc-lines .line.removed")
    kept = browser.find_elements(By.CSS_SELECTOR, "#doc-lines .line.kept")
    assert removed and kept
    removed_lines = sorted((int(line.get_attribute("data-line")), line.find_element(By.CSS_SELECTOR, ".v a").text)
                           for line in removed)
    kept_numbers = {int(line.get_attribute("data-line")) for line in kept}
    expected_removed = sorted((r["line"], r["rule"]) for r in record["removed"] if r["line"] not in kept_numbers)
    assert removed_lines == expected_removed
    kept_texts = [line.find_element(By.CSS_SELECTOR, ".text").get_attribute("textContent") for line in kept]
    assert [t for t in kept_texts if t.strip()] == [t for t in record["text"].split("\n") if t.strip()]

    # Keyboard: j and k move through the documents of the list (the rule's documents here).
    title = browser.find_element(By.ID, "doc-title").text
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys("j")
    wait(browser).until(lambda d: d.find_element(By.ID, "doc-title").text != title)
    assert "document 2 of" in browser.find_element(By.CSS_SELECTOR, ".doc-nav").text
    body.send_keys("k")
    wait(browser).until(lambda d: d.find_element(By.ID, "doc-title").text == title)
    body.send_keys(Keys.ESCAPE)  # back to the rule
    wait(browser).until(lambda d: d.find_elements(By.ID, "rule-title"))
    keep_screenshot(browser, tmp_path, "review-fixtures-rule.png")

    # Filters: none, then by site, rule set, page type and a search.
    Select(browser.find_element(By.ID, "f-rule")).select_by_value("")
    def listed_count(expected: int) -> None:
        """Wait for the document list to settle on `expected` documents (it is redrawn on every
        change of a filter, every key typed in the search box)."""
        wait(browser).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#doc-list li")) == expected,
            f"the document list never showed {expected} documents")

    def open_first_listed() -> None:
        wait(browser).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "#doc-list li a").click() or True)

    listed_count(len(records))
    sites = sorted({r["metadata"]["site"] for r in records if r["metadata"].get("site")})
    Select(browser.find_element(By.ID, "f-site")).select_by_value(sites[0])
    listed_count(sum(1 for r in records if r["metadata"].get("site") == sites[0]))
    Select(browser.find_element(By.ID, "f-site")).select_by_value("")
    Select(browser.find_element(By.ID, "f-set")).select_by_value("harbour-daily.example")
    listed_count(sum(1 for r in records if "harbour-daily.example" in r["metadata"]["rulesets"]))
    Select(browser.find_element(By.ID, "f-set")).select_by_value("")
    types = sorted({r["metadata"]["page_type"] for r in records if r["metadata"].get("page_type")})
    assert types, "no fixture page has a page type"
    Select(browser.find_element(By.ID, "f-type")).select_by_value(types[0])
    listed_count(sum(1 for r in records if r["metadata"].get("page_type") == types[0]))
    open_first_listed()
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "dd.page-type"))
    assert browser.find_element(By.CSS_SELECTOR, "dd.page-type").text == types[0]
    Select(browser.find_element(By.ID, "f-type")).select_by_value("")
    search = browser.find_element(By.ID, "f-search")
    body.send_keys("/")
    assert browser.switch_to.active_element == search
    search.send_keys("Bakery on Mill Street")
    listed_count(sum(1 for r in records if "Bakery on Mill Street" in r["text"]))
    open_first_listed()
    wait(browser).until(lambda d: "Bakery on Mill Street" in d.find_element(By.ID, "doc-title").text)
    assert browser.find_elements(By.CSS_SELECTOR, "#doc-lines .line.match")
    keep_screenshot(browser, tmp_path, "review-fixtures-document.png")
    assert console_errors(browser) == []


def load_corpus_tool():
    spec = importlib.util.spec_from_file_location("review_corpus", ROOT / "tools" / "review_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_page_for_a_thousand_documents(browser, tmp_path):
    """1,000 documents made from the fixtures (about 9 MB of text): the page stays under 5 MB and
    opens with a clean console."""
    from selenium.webdriver.common.by import By

    corpus = tmp_path / "corpus.jsonl"
    documents = load_corpus_tool().make_corpus(1000)
    with open(corpus, "w", encoding="utf-8") as f:
        for document in documents:
            f.write(json.dumps(document, ensure_ascii=False) + "\n")
    assert sum(len(d["text"].encode("utf-8")) for d in documents) > 8_000_000  # a page of copies would prove nothing
    page = tmp_path / "review.html"
    made = run_cli("review", str(corpus), "-o", str(page), "-w", "2")
    assert made.returncode == 0, made.stderr.decode()
    assert page.stat().st_size < 5_000_000
    open_page(browser, page)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#doc-list li")) == 1000
    assert "All 1,000 cleaned documents" in browser.find_element(By.ID, "sample-note").text
    top = browser.find_element(By.CSS_SELECTOR, "#rules tbody th a")
    top.click()
    wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#view .line.hit"))
    browser.find_element(By.TAG_NAME, "body").send_keys("j")
    wait(browser, 20).until(lambda d: d.find_elements(By.ID, "doc-lines"))
    keep_screenshot(browser, tmp_path, "review-1000.png")
    assert console_errors(browser) == []
