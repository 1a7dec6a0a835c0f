"""Render a review page: one self-contained HTML file (inline CSS and JavaScript, no network,
no external assets) that opens from disk in any current browser.

The rule table, the run's summary and the failed documents are plain HTML, readable without
JavaScript. The sampled documents travel as gzip-compressed JSON inside the page (base64 in a
<script> element the browser does not run), which the page's script unpacks with the browser's
own DecompressionStream: news text compresses about threefold, so a thousand documents fit in a
few megabytes. Should the documents still not fit the page's budget, long lines are shortened
on the page (kept lines first, then removed ones), and the page says by how much.
"""
from __future__ import annotations

import base64
import gzip
import html
import json
from importlib import resources
from typing import Any
from urllib.parse import quote

# The compressed documents' budget: with the rest of the page, a review page stays under 5 MB.
DOCUMENTS_BUDGET = 4_500_000
# Line lengths tried when the documents do not fit the budget: kept lines are shortened to the
# longest of these that fits, removed lines (what the page is about) to four times it. Below the
# last, the sample is made smaller instead.
LENGTH_STEPS = (2000, 1000, 600, 400, 250, 160)
ELLIPSIS = "…"


def render_page(data: dict[str, Any], budget: int = DOCUMENTS_BUDGET) -> str:
    """The page for `data` (ReviewCollector.page_data()): same data, same bytes."""
    data = dict(data)
    payload, data["shortened"] = _fit(data, budget)
    title = data.get("title") or "cleaner review"
    assets = resources.files("cleaner.review") / "assets"
    css = (assets / "review.css").read_text(encoding="utf-8")
    script = (assets / "review.js").read_text(encoding="utf-8")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing on this page may reach the network: the data is inline, and so is everything else.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        f"<title>{_e(title)}</title>",
        f"<style>\n{css}</style>",
        "</head>",
        "<body>",
        _header(data, title),
        _rule_table(data),
        _errors(data),
        _browser(data),
        f'<script type="application/json" id="review-about">{_json_in_html({"rules": data["rules"]})}</script>',
        f'<script type="application/octet-stream" id="review-data">{payload}</script>',
        f"<script>\n{script}</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _json_in_html(value: Any) -> str:
    """JSON that cannot end the <script> element it sits in."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _fit(data: dict[str, Any], budget: int) -> tuple[str, dict[str, Any]]:
    """The documents packed for the page, and how they were made to fit the budget: lines
    shortened (the longest lengths that fit), and when even the shortest lines do not fit, the
    sample made smaller (its last-ranked documents left out: see collect.py)."""
    documents = data["docs"]
    packed = _pack(documents, None)
    if len(packed) <= budget:
        return packed, {"kept": None, "removed": None, "left_out": 0}
    # The longest line length that fits: fewer compressions than trying them in turn.
    low, high, best = 0, len(LENGTH_STEPS) - 1, None
    while low <= high:
        middle = (low + high) // 2
        attempt = _pack(documents, LENGTH_STEPS[middle])
        if len(attempt) <= budget:
            best, high = (middle, attempt), middle - 1
        else:
            low = middle + 1
    step = LENGTH_STEPS[best[0] if best else -1]
    shortened = {"kept": step, "removed": 4 * step, "left_out": 0}
    if best is not None:
        return best[1], shortened
    by_rank = sorted(documents, key=lambda document: document["rank"])
    keep = max(1, int(len(documents) * budget / len(attempt) * 0.97))
    while True:
        chosen = sorted(by_rank[:keep], key=lambda document: document["n"])
        packed = _pack(chosen, step)
        if len(packed) <= budget or keep == 1:
            break
        keep = max(1, keep * 9 // 10)
    data["docs"] = chosen
    data["sample"] = {**data["sample"], "shown": keep}
    return packed, {**shortened, "left_out": len(documents) - keep}


def _pack(documents: list[dict[str, Any]], step: int | None) -> str:
    """The documents as the page carries them: JSON, gzip, base64 (without their ranks)."""
    documents = [_shortened(document, step) for document in documents]
    text = json.dumps(documents, ensure_ascii=False, separators=(",", ":"))
    # mtime=0: the same documents give the same bytes (a page is a build artefact like any other).
    return base64.b64encode(gzip.compress(text.encode("utf-8"), mtime=0)).decode("ascii")


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length] + ELLIPSIS


def _shortened(document: dict[str, Any], kept: int | None) -> dict[str, Any]:
    document = {key: value for key, value in document.items() if key != "rank"}
    if kept is None:
        return document
    lines = []
    for line in document["lines"]:
        if isinstance(line, str):
            lines.append(_cut(line, kept))
        else:
            lines.append([_cut(line[0], kept if line[1] == -1 else 4 * kept), *line[1:]])
    return {**document, "lines": lines}


def _number(value: int) -> str:
    return f"{value:,}"


def _header(data: dict[str, Any], title: str) -> str:
    summary, sample, shortened = data["summary"], data["sample"], data["shortened"]
    facts = [
        f"{_number(summary['documents'])} documents",
        f"{_number(summary['cleaned'])} cleaned",
        f"{_number(summary['failed'])} failed",
        f"{_number(summary['lines_removed'])} lines removed ({_number(summary['words_removed'])} words)",
    ]
    if sample["shown"] < sample["of"]:
        note = (f"The rule table counts every document of the run. The documents below are a sample of "
                f"{_number(sample['shown'])} of the {_number(sample['of'])} cleaned, chosen deterministically "
                "(by a hash of each document's id, plus the first such document for every rule that removed "
                "anything), so the same run gives the same sample.")
    else:
        note = f"All {_number(sample['of'])} cleaned documents are below."
    if shortened.get("kept"):
        note += (f" To keep this file small, kept lines longer than {_number(shortened['kept'])} characters and "
                 f"removed lines longer than {_number(shortened['removed'])} are shortened (…).")
    if shortened.get("left_out"):
        note += (f" Even so the sample did not fit: it was made {_number(shortened['left_out'])} documents smaller "
                 "(the same choice, fewer documents).")
    command = data.get("command")
    return "\n".join([
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="facts">{" · ".join(_e(f) for f in facts)}</p>',
        f'<p class="sample-note" id="sample-note">{_e(note)}</p>',
        f'<p class="command">Made by <code>{_e(command)}</code> (cleaner {_e(data.get("version", ""))}).</p>'
        if command else "",
        "<noscript><p>The rule table works without JavaScript; sorting it and the document views need it.</p></noscript>",
        "</header>",
    ])


COLUMNS = (("id", "Rule", "text"), ("set", "Rule set", "text"), ("kind", "Kind", "text"),
           ("lines", "Lines removed", "number"), ("documents", "Documents", "number"),
           ("words", "Words removed", "number"), ("share", "Share of removed words", "number"))


def _rule_table(data: dict[str, Any]) -> str:
    """The rules, most lines removed first: plain HTML, so it reads without JavaScript."""
    rules = sorted(enumerate(data["rules"]), key=lambda nr: (-nr[1]["lines"], nr[1]["id"]))
    sorted_by = ' aria-sort="descending"'
    head = "".join(f'<th scope="col" data-key="{key}" data-type="{kind}"{sorted_by if key == "lines" else ""}>'
                   f"{_e(label)}</th>" for key, label, kind in COLUMNS)
    rows = []
    for index, rule in rules:
        hit = rule["lines"] > 0
        name = (f'<a href="#rule={_e(_fragment(rule["id"]))}">{_e(rule["id"])}</a>' if hit else _e(rule["id"]))
        idle = "" if hit else ' class="idle"'
        rows.append(
            f'<tr data-rule="{index}"{idle}>'
            f'<th scope="row" title="{_e(rule["description"])}">{name}</th>'
            f'<td>{_e(rule["set"])}</td><td>{_e(rule["kind"])}</td>'
            f'<td class="n" data-value="{rule["lines"]}">{_number(rule["lines"])}</td>'
            f'<td class="n" data-value="{rule["documents"]}">{_number(rule["documents"])}</td>'
            f'<td class="n" data-value="{rule["words"]}">{_number(rule["words"])}</td>'
            f'<td class="n" data-value="{rule["share"]}">{rule["share"] * 100:.1f}%</td></tr>')
    hit = sum(1 for rule in data["rules"] if rule["lines"])
    return "\n".join([
        '<section id="rules-section">',
        f"<h2>Rules <small>{hit} of {len(data['rules'])} removed something; counts over the whole run</small></h2>",
        '<div class="table-wrap"><table id="rules">',
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>", *rows, "</tbody>",
        "</table></div>",
        "</section>",
    ])


def _fragment(rule_id: str) -> str:
    return quote(rule_id, safe="")


def _errors(data: dict[str, Any]) -> str:
    errors = data["errors"]
    if not errors:
        return ""
    failed = data["summary"]["failed"]
    more = f" (the first {len(errors)})" if failed > len(errors) else ""
    items = "".join(f"<li><code>{_e(e.get('source', e.get('id', '')))}</code>"
                    f"{_e(' line ' + str(e['line'])) if 'line' in e else ''}: {_e(e['error'])}</li>" for e in errors)
    return (f'<section id="errors"><details><summary>{_number(failed)} documents could not be cleaned{more}'
            f"</summary><ul>{items}</ul></details></section>")


def _browser(data: dict[str, Any]) -> str:
    """The filters, the document list and the view: filled in by the page's script."""
    return "\n".join([
        '<section id="browser">',
        '<form id="filters" role="search" onsubmit="return false">',
        '<label>Rule <select id="f-rule"><option value="">all</option></select></label>',
        '<label>Rule set <select id="f-set"><option value="">all</option></select></label>',
        '<label>Site <select id="f-site"><option value="">all</option></select></label>',
        '<label>Page type <select id="f-type"><option value="">all</option></select></label>',
        '<label>Search <input id="f-search" type="search" placeholder="text in a line, title or URL" '
        'autocomplete="off"></label>',
        '<span id="f-count" aria-live="polite"></span>',
        '<span class="keys">keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous document, <kbd>/</kbd> search, '
        '<kbd>Esc</kbd> back to the rule</span>',
        "</form>",
        '<div id="panes"><nav id="doc-list" aria-label="Documents"></nav>',
        '<main id="view"><p class="hint">Loading the documents…</p></main></div>',
        "</section>",
    ])
