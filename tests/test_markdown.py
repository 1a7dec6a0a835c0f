"""--markup markdown: golden Markdown of real fixtures, read back by a Markdown library (markdown-it-py,
CommonMark with GFM tables); rules see the same plain lines in both forms; removals leave no
dangling marker or empty table; the CLI and JSONL records."""
import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from cleaner import Cleaner
from cleaner.document import Line
from cleaner.text.markdown import ITEM_MARKER, markdown_text, text_shapes
from conftest import FIXTURES, SEEDS, run_cli

MARKDOWN = FIXTURES / "markdown"
ARTICLE, NOTES = MARKDOWN / "article.html", MARKDOWN / "notes.txt"


def clean(path: Path, **options):
    return Cleaner(**options).clean_bytes(path.read_bytes(), html=path.suffix == ".html", path=str(path))


def parse(markdown: str):
    return MarkdownIt("commonmark").enable("table").parse(markdown)


def blocks(markdown: str) -> dict[str, list]:
    """What a Markdown reader sees: headings (level, text), list items (depth, ordered, text),
    table cells by row, code blocks, links."""
    tokens = parse(markdown)
    found: dict[str, list] = {"headings": [], "items": [], "rows": [], "code": [], "links": []}
    lists: list[bool] = []
    row: list[str] | None = None
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            found["headings"].append((int(token.tag[1]), tokens[i + 1].content))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append(token.type == "ordered_list_open")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            found["items"].append((len(lists) - 1, lists[-1], tokens[i + 2].content))
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            row.append(tokens[i + 1].content)
        elif token.type == "tr_close":
            found["rows"].append(row)
        elif token.type in ("fence", "code_block"):
            found["code"].append(token.content)
        elif token.type == "inline":
            found["links"].extend((child.attrs["href"], token.children[j + 1].content)
                                  for j, child in enumerate(token.children) if child.type == "link_open")
    return found


@pytest.mark.parametrize("source, golden, options", [
    (ARTICLE, "article.expected.md", {}),
    (ARTICLE, "article.links.expected.md", {"links": True}),
    (NOTES, "notes.expected.md", {}),
])
def test_golden_markdown(source, golden, options):
    result = clean(source, markdown=True, **options)
    assert result.text + "\n" == (MARKDOWN / golden).read_text(encoding="utf-8")
    assert result.metadata["markup"] == "markdown"


def test_html_structure_reads_back_as_headings_lists_tables_code_and_links():
    seen = blocks(clean(ARTICLE, markdown=True, links=True).text)
    assert seen["headings"] == [(1, "How to bake a sourdough loaf at home"), (2, "What you need"), (2, "Method"),
                                (3, "Baking times"), (3, "Hydration")]
    assert (0, False, "Ingredients") in seen["items"] and (1, False, "500 g strong white flour") in seen["items"]
    assert (1, False, "A Dutch oven with a lid") in seen["items"] and (0, False, "Tools") in seen["items"]
    assert [text for depth, ordered, text in seen["items"] if ordered] == [
        "Mix the flour and water and leave them to rest for an hour.",
        "Add the starter and the salt, then knead until the dough is smooth.",
        "Fold the dough every thirty minutes for the first two hours of rising.",
        "Shape the loaf and leave it in the fridge overnight."]
    assert seen["rows"] == [["Stage", "Temperature", "Minutes"], ["Covered", "250 °C", "20"],
                            ["Uncovered", "230 °C", "25"]]
    assert seen["code"] == ["def hydration(water, flour):\n    return round(100 * water / flour)\n"
                            "print(hydration(350, 500))  # 70\n"]
    # a relative link is resolved against the page's URL (its canonical link here), not the site's root
    assert seen["links"] == [("https://crumbnotes.example.org/starter", "starter guide"),
                             ("https://crumbnotes.example.org/2025/flour-guide", "flour guide")]
    assert "Photo: Jane Doe" not in clean(ARTICLE, markdown=True).text  # the bundled rules ran


def test_text_structure_is_kept_and_none_is_invented():
    seen = blocks(clean(NOTES, markdown=True).text)
    assert seen["headings"] == []  # short lines of a text are not made headings
    assert (0, False, "Ingredients") in seen["items"] and (1, False, "10 g fine salt") in seen["items"]
    assert [text for _, ordered, text in seen["items"] if ordered][0].startswith("Mix the flour")
    assert seen["rows"][0] == ["Stage", "Temperature", "Minutes"] and len(seen["rows"]) == 3
    assert seen["code"] == ["def hydration(water, flour):\n    return round(100 * water / flour)\n"]
    shapes = text_shapes(["In 1990. the town grew", "Results", "a | b", "- one", "* two", "2) three", "3) four",
                          "– Yes, she said.", "", "3. März 2021: the vote", "Text"])
    assert [s.kind for s in shapes] == ["paragraph", "paragraph", "paragraph", "item", "item", "item", "item",
                                        "paragraph", "paragraph", "paragraph", "paragraph"]
    lines = [Line(1, "3. März 2021: the vote")]
    assert markdown_text(lines, None) == "3\\. März 2021: the vote"  # shown as text, not as a list


def test_words_read_back_are_the_plain_words():
    """The Markdown, read as a reader sees it, has the plain output's words (list numbers aside,
    which are markers)."""
    for source in [ARTICLE, NOTES, *sorted(SEEDS.glob("*[0-9a-f].txt"))[:8]]:
        plain = clean(source).text
        markdown = clean(source, markdown=True).text
        text = " ".join(t.content for t in parse(markdown) if t.type in ("inline", "fence", "code_block"))
        unmarked = " ".join(ITEM_MARKER.sub("", line) for line in plain.split("\n"))
        assert sorted(re.findall(r"\w+", text)) == sorted(re.findall(r"\w+", unmarked)), source


@pytest.mark.parametrize("source", [ARTICLE, NOTES, FIXTURES / "html" / "metadata.html",
                                    *sorted(SEEDS.glob("*[0-9a-f].txt"))[:6],
                                    *sorted((FIXTURES / "fullpage" / "dumps").glob("*.txt"))[:3]])
def test_rules_see_the_same_lines_in_both_forms(source):
    plain, markdown = clean(source), clean(source, markdown=True)
    assert markdown.as_record()["removed"] == plain.as_record()["removed"]
    assert [(line.text, line.removed_by) for line in markdown.lines] == \
           [(line.text, line.removed_by) for line in plain.lines]
    assert {k: v for k, v in markdown.metadata.items() if k != "markup"} == plain.metadata
    assert "markup" not in plain.metadata


def test_removals_leave_no_dangling_marker_or_empty_table(tmp_path):
    rules = tmp_path / "cut.yaml"
    rules.write_text("""name: cut-test
description: Cuts a heading, a parent list item, a table's body rows and empties a heading.
rules:
  - id: cut-heading
    kind: drop-line
    description: Two headings.
    pattern: '^(Method|Baking times)$'
    examples: [{drop: Method}, {keep: Methods}]
  - id: cut-parent-item
    kind: drop-line
    description: The item that has sub-items.
    pattern: '^- Ingredients$'
    examples: [{drop: "- Ingredients"}, {keep: "- Tools"}]
  - id: cut-table-body
    kind: drop-line
    description: Every body row of the table.
    pattern: '^\\| (Covered|Uncovered) \\|'
    examples: [{drop: "| Covered | 250 |"}, {keep: "| Stage | Minutes |"}]
  - id: empty-a-heading
    kind: strip
    description: A heading's whole text.
    pattern: '^Hydration$'
    examples: [{drop: Hydration}, {keep: Hydration is}]
""", encoding="utf-8")
    result = Cleaner(rules=[rules], markdown=True).clean_bytes(ARTICLE.read_bytes(), html=True)
    text = result.text
    assert {r.rule for r in result.removed} >= {"cut-heading", "cut-parent-item", "cut-table-body", "empty-a-heading"}
    for line in text.split("\n"):
        assert line.strip() not in ("#", "##", "###", "-", "1.", "|", "| |"), line
    seen = blocks(text)
    assert [h for _, h in seen["headings"]] == ["How to bake a sourdough loaf at home", "What you need"]
    assert seen["rows"] == []  # the header alone is no table: left out with its body
    assert "Stage" not in text
    # the parent item is gone: its sub-items move up to the top level, the ordered list follows
    assert (0, False, "500 g strong white flour") in seen["items"]
    assert [text for _, ordered, text in seen["items"] if ordered][0].startswith("Mix the flour")


def test_rendering_from_lines_directly():
    texts = ["# Title", "- a", "  - b", "| x | y |", "|---|---|", "| 1 | 2 |", "Plain *text* [1]"]
    lines = [Line(n, t) for n, t in enumerate(texts, 1)]
    lines[1].removed_by = "r"  # the parent item
    lines[5].removed_by = "r"  # the table's only body row
    assert markdown_text(lines, None) == "# Title\n\n- b\n\nPlain \\*text\\* \\[1\\]"
    # a text's own closing #s are markers; an extracted heading's last word "#" is text
    html = b"<html><body><article><h2>Issue #</h2><p>" + b"A paragraph of words that is long enough. " * 5 + b"</p>"
    assert Cleaner(markdown=True).clean_html(html + b"</article></body></html>").text.startswith("## Issue \\#\n")
    assert markdown_text([Line(1, "## Part two ##")], None) == "## Part two"


def test_cli_jsonl_records_and_links_option(tmp_path):
    out_plain, out_md = tmp_path / "plain.jsonl", tmp_path / "md.jsonl"
    assert run_cli("clean", str(MARKDOWN), "-f", "jsonl", "-o", str(out_plain), "-q", "-w", "1").returncode == 0
    made = run_cli("clean", str(MARKDOWN), "-f", "jsonl", "-o", str(out_md), "-q", "-w", "2", "--markup", "markdown")
    assert made.returncode == 0, made.stderr
    plain = [json.loads(line) for line in out_plain.read_text(encoding="utf-8").splitlines()]
    markdown = [json.loads(line) for line in out_md.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in plain] == [r["id"] for r in markdown] == ["article.html", "notes.txt"]
    assert all("markup" not in r["metadata"] for r in plain)
    assert all(r["metadata"]["markup"] == "markdown" for r in markdown)
    assert plain[0]["text"] == clean(ARTICLE).text and not plain[0]["text"].startswith("#")
    assert markdown[0]["text"] + "\n" == (MARKDOWN / "article.expected.md").read_text(encoding="utf-8")
    assert [r["removed"] for r in plain] == [r["removed"] for r in markdown]
    refused = run_cli("clean", str(ARTICLE), "--links")
    assert refused.returncode == 2 and b"--links needs --markup markdown" in refused.stderr
    linked = run_cli("clean", str(ARTICLE), "--markup", "markdown", "--links")
    assert b"[starter guide](https://crumbnotes.example.org/starter)" in linked.stdout


def test_dask_workers_write_the_same_markdown(tmp_path):
    """The Dask engine rebuilds the cleaner on each worker: it must keep --markup markdown and --links."""
    made = run_cli("clean", str(MARKDOWN), "--engine", "dask", "-w", "1", "--markup", "markdown", "--links",
                   "-f", "jsonl", "-q")
    assert made.returncode == 0, made.stderr[-2000:]
    records = {r["id"]: r for r in map(json.loads, made.stdout.decode("utf-8").splitlines())}
    assert records["article.html"]["text"] + "\n" == (MARKDOWN / "article.links.expected.md").read_text(encoding="utf-8")
    assert records["notes.txt"]["metadata"]["markup"] == "markdown"
