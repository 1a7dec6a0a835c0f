"""An extracted page's structure, one Shape per plain line: trafilatura writes the same tree once
as plain text (what the rules see) and once as Markdown; the two are lined up by their text.

Lining them up: each Markdown line, read without its markers (# of a heading, 1. of a numbered
item, \\ escapes, a link's target), is the plain line it was written for. The two sequences are
matched line by line (difflib on those texts); a plain line with no Markdown partner stays a
paragraph, written from its plain text, so structure can be lost on an odd line but text never.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import replace
from urllib.parse import urljoin

from lxml import etree
from trafilatura.xml import xmltotxt

from cleaner.text.markdown import FENCE, PARAGRAPH, SEPARATOR_ROW, Shape

_HEADING = re.compile(r"^(#{1,6}) (.*)$")
_ITEM = re.compile(r"^(\s*)(-|\d+\.) (.*)$")
_ROW = re.compile(r"^\|.*\|\s*$")
# [text](target) or [text](<target> "title") as trafilatura writes links; the text may hold \] escapes
_LINK = re.compile(r"!?\[((?:\\.|[^\]\\])*)\]\((<[^>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _key(text: str) -> str:
    """What a line says, whichever way it is written: escapes, inline code's backticks and
    repeated spaces gone."""
    return " ".join(_ESCAPE.sub(r"\1", text).replace("`", "").split())


def _unlinked(markdown: str) -> str:
    return _LINK.sub(lambda match: match.group(1), markdown)


def markdown_shapes(markdown: str) -> list[tuple[str, Shape]]:
    """(key, shape) for each content line of trafilatura's Markdown; blank and fence lines are
    not lines of the plain text and give none."""
    entries: list[tuple[str, Shape]] = []
    block = 0
    fence = None
    item_indents: list[int] = []
    previous_kind = None
    for line in markdown.split("\n"):
        if fence is not None:
            if line.strip() == fence:
                fence = None
                previous_kind = None
                continue
            entries.append((_key(line), Shape("code", block=block, markdown=line)))
            continue
        opening = FENCE.match(line)
        if opening:
            fence = opening.group(1)
            block += 1
            continue
        if not line.strip():
            previous_kind = None
            continue
        heading, item = _HEADING.match(line), _ITEM.match(line)
        if heading:
            shape = Shape("heading", level=len(heading.group(1)), markdown=heading.group(2).strip())
            key = _key(_unlinked(heading.group(2)))
        elif item:
            if previous_kind != "item":
                block += 1
                item_indents = []
            indent = len(item.group(1))
            while item_indents and item_indents[-1] > indent:
                item_indents.pop()
            if not item_indents or item_indents[-1] < indent:
                item_indents.append(indent)
            ordered = item.group(2) != "-"
            shape = Shape("item", level=len(item_indents) - 1, ordered=ordered, block=block,
                          number=int(item.group(2)[:-1]) if ordered else 0, markdown=item.group(3).strip())
            key = _key("- " + _unlinked(item.group(3)))
        elif _ROW.match(line):
            if previous_kind not in ("row", "separator"):
                block += 1
            if SEPARATOR_ROW.match(line):
                shape = Shape("separator", block=block)
                if entries and entries[-1][1].kind == "row" and entries[-1][1].block == block:
                    entries[-1] = (entries[-1][0], replace(entries[-1][1], header=True))
            else:
                shape = Shape("row", block=block, markdown=line.strip())
            key = _key(_unlinked(line))
        else:
            shape = Shape("paragraph", markdown=line.strip())
            key = _key(_unlinked(line))
        previous_kind = shape.kind
        entries.append((key, shape))
    return entries


def align(plain_lines: list[str], entries: list[tuple[str, Shape]]) -> list[Shape]:
    """A shape for each plain line: its Markdown partner's, or a paragraph's when it has none.
    Lines matched with a different text (a replaced run of the same length) keep the partner's
    block shape but not its Markdown text."""
    plain_keys = [_key(line) for line in plain_lines]
    markdown_keys = [key for key, _ in entries]
    shapes = [PARAGRAPH] * len(plain_lines)

    def take(i: int, j: int, same_text: bool) -> None:
        shape = entries[j][1]
        shapes[i] = replace(shape, plain=plain_lines[i] if same_text else None,
                            markdown=shape.markdown if same_text else None)

    if plain_keys == markdown_keys:
        for i in range(len(plain_lines)):
            take(i, i, True)
        return shapes
    matcher = difflib.SequenceMatcher(None, plain_keys, markdown_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                take(i1 + offset, j1 + offset, True)
        elif tag == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                take(i1 + offset, j1 + offset, False)
    return shapes


def resolve_links(markdown: str, base: str | None) -> str:
    """Each link target made absolute against `base` (the page's URL); links to nowhere useful
    (javascript:, an empty target) become their text.

    >>> resolve_links("see [the guide](guide) and [x](javascript:void(0))", "https://a.example/docs/p/")
    'see [the guide](https://a.example/docs/p/guide) and x'
    """
    def one(match: re.Match) -> str:
        if match.group(0).startswith("!"):
            return match.group(0)
        target = match.group(2)
        target = target[1:-1] if target.startswith("<") else target
        if not target or target.lower().startswith(("javascript:", "data:")):
            return match.group(1)
        if base:
            target = urljoin(base, target)
        if any(char in target for char in " ()<>"):
            target = "<" + target.replace("<", "%3C").replace(">", "%3E") + ">"
        return f"[{match.group(1)}]({target})"

    return _LINK.sub(one, markdown)


def page_shapes(body: etree._Element, plain_text: str, linked_body: etree._Element | None = None,
                link_base: str | None = None) -> list[Shape]:
    """One Shape per line of `plain_text`, the plain text trafilatura wrote from `body`.

    `linked_body` is the same page extracted with its links. It is a second extraction because
    keeping links changes which lines trafilatura extracts on some pages,
    and the lines the rules see must be the same with or without links. A line of the plain text
    whose text is also a line of the linked extraction takes that line's Markdown, links and all.
    """
    shapes = align(plain_text.split("\n"), markdown_shapes(xmltotxt(body, include_formatting=True)))
    if linked_body is None:
        return shapes
    linked = {}
    for key, shape in markdown_shapes(xmltotxt(linked_body, include_formatting=True)):
        if shape.markdown and "](" in shape.markdown and shape.kind != "code":
            linked.setdefault((key, shape.kind), resolve_links(shape.markdown, link_base))
    return [replace(shape, markdown=linked.get((_key(shape.plain), shape.kind), shape.markdown))
            if shape.markdown is not None and shape.plain is not None else shape for shape in shapes]
