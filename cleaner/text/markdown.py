"""Markdown output (`--markup markdown`): each line's block shape carried beside the plain line the
rules see, and the Markdown written at the end from the lines the rules kept.

The rules never see a Markdown marker: they work on the plain lines, exactly the lines that plain
output writes, so every rule, `explain`, `--report` and the removal records behave the same in
both forms. A line's Shape says what it is (heading, list item, table row, code...) and, for an
HTML page, how the extractor wrote its content in Markdown (escapes, inline links). The Markdown
is written from the kept lines only: a removed heading or list item leaves no marker behind, a
list item whose parent was removed moves up a level, a table whose body rows were all removed is
left out, and a table's header separator is written anew.

    >>> from cleaner.document import Line
    >>> texts = ["## Steps", "1. Mix it", "2. Bake *it*", "| a | b |", "|---|---|", "| 1 | 2 |"]
    >>> lines = [Line(n, t) for n, t in enumerate(texts, 1)]
    >>> lines[1].removed_by = "some-rule"
    >>> print(render_markdown(lines, text_shapes(texts)))
    ## Steps
    <BLANKLINE>
    2. Bake \\*it\\*
    <BLANKLINE>
    | a | b |
    |---|---|
    | 1 | 2 |
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from cleaner.document import Line

# Block kinds. A "separator" is a table's |---|---| line: never written from the line itself,
# always anew after the table's first kept row. A "fence" is a text's own ``` line around code.
KINDS = ("paragraph", "heading", "item", "row", "separator", "code", "fence", "quote")


@dataclass(frozen=True)
class Shape:
    """What one plain line is in the document's structure."""

    kind: str = "paragraph"
    level: int = 0  # heading: 1-6; list item: nesting depth, 0 at the top
    ordered: bool = False  # list item of a numbered list...
    number: int = 0  # ...and its number as written (a list keeps the number it starts with)
    block: int = 0  # the lines of one list, table or code block share a number
    header: bool = False  # table row that is the table's header
    plain: str | None = None  # the plain line this shape was made for...
    markdown: str | None = None  # ...and its content in Markdown (escaped, links inline) while it is unchanged


PARAGRAPH = Shape()

# A list marker as plain lines and texts write it: a bullet or a number (at most three digits, so
# that a line starting with a year is not a list item), then a space. Not a dash: a line starting
# with "– " is as often a line of dialogue.
ITEM_MARKER = re.compile(r"^(\s*)([-*+\u2022\u2023\u25e6\u25aa]|\d{1,3}[.)])\s+(?=\S)")
HEADING_MARKER = re.compile(r"^(#{1,6})\s+(?=\S)")
SEPARATOR_ROW = re.compile(r"^\s*\|?(\s*:?-{1,}:?\s*\|)+\s*(:?-{1,}:?\s*)?$")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
QUOTE_MARKER = re.compile(r"^\s*>\s?")


def text_shapes(texts: Sequence[str]) -> list[Shape]:
    """Shapes of a plain text's lines from what the text itself shows, inventing nothing: lines
    with list markers are list items (a numbered one stays numbered), | rows with a |---| line
    under the first are a table, ``` fences enclose code, # lines are headings, > lines quotes;
    everything else is a paragraph, one a line."""
    shapes = [PARAGRAPH] * len(texts)
    block = 0
    index = 0
    while index < len(texts):
        text = texts[index]
        fence = FENCE.match(text)
        if fence:
            closing = next((j for j in range(index + 1, len(texts))
                            if texts[j].strip().startswith(fence.group(1)) and not texts[j].strip().strip(fence.group(1)[0])),
                           None)
            if closing is not None:
                block += 1
                shapes[index] = shapes[closing] = Shape("fence", block=block)
                for j in range(index + 1, closing):
                    shapes[j] = Shape("code", block=block)
                index = closing + 1
                continue
        if TABLE_ROW.match(text) and index + 1 < len(texts) and SEPARATOR_ROW.match(texts[index + 1]) \
                and "|" in texts[index + 1]:
            block += 1
            shapes[index] = Shape("row", block=block, header=True)
            index += 1
            while index < len(texts) and TABLE_ROW.match(texts[index]):
                kind = "separator" if SEPARATOR_ROW.match(texts[index]) else "row"
                shapes[index] = Shape(kind, block=block)
                index += 1
            continue
        item = ITEM_MARKER.match(text)
        if item:
            block += 1
            indents: list[int] = []
            start = index
            while index < len(texts) and (item := ITEM_MARKER.match(texts[index])):
                indent = len(item.group(1).expandtabs(4))
                while indents and indents[-1] > indent:
                    indents.pop()
                if not indents or indents[-1] < indent:
                    indents.append(indent)
                ordered = item.group(2)[0].isdigit()
                shapes[index] = Shape("item", level=len(indents) - 1, ordered=ordered, block=block,
                                      number=int(item.group(2)[:-1]) if ordered else 0)
                index += 1
            _unnumber_lone_numbers(shapes, start, index)
            continue
        heading = HEADING_MARKER.match(text)
        if heading:
            shapes[index] = Shape("heading", level=len(heading.group(1)))
        elif QUOTE_MARKER.match(text) and text.strip() != ">":
            shapes[index] = Shape("quote")
        index += 1
    return shapes


def _unnumber_lone_numbers(shapes: list[Shape], start: int, end: int) -> None:
    """A numbered line is a list item only beside the item numbered one less or one more: a lone
    "3. März 2021 ..." is a date starting a paragraph, not a list."""
    items = shapes[start:end]

    def sibling(index: int, step: int) -> Shape | None:
        """The nearest item at the same level before (step -1) or after (+1), past deeper ones."""
        other = index + step
        while 0 <= other < len(items) and items[other].level > items[index].level:
            other += step
        return items[other] if 0 <= other < len(items) and items[other].level == items[index].level else None

    for index, shape in enumerate(items):
        if shape.ordered and not any(near is not None and near.ordered and abs(near.number - shape.number) == 1
                                     for near in (sibling(index, -1), sibling(index, 1))):
            shapes[start + index] = PARAGRAPH


# --- plain line -> its content -----------------------------------------------------------------

def item_content(text: str) -> str:
    """A list item's text without its marker ("  - Nested one" -> "Nested one")."""
    match = ITEM_MARKER.match(text)
    return (text[match.end():] if match else text).strip()


def heading_content(text: str) -> str:
    """A heading's text without # markers (a text's "## Part two ##" -> "Part two")."""
    match = HEADING_MARKER.match(text)
    if not match:
        return text.strip()
    return re.sub(r"\s+#+\s*$", "", text[match.end():]).strip()


def row_cells(text: str) -> list[str]:
    """A table row's cells: "| a | b \\| c |" -> ["a", "b \\| c"] (escaped pipes stay in their cell)."""
    row = text.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)]


# --- escaping ----------------------------------------------------------------------------------

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = [
    re.compile(r"^(#{1,6})(?=\s|$)"),         # a heading
    re.compile(r"^(>)"),                      # a quote
    re.compile(r"^([-+])(?=\s|$)"),           # a bullet (a * is escaped anyway)
    re.compile(r"^\d{1,9}([.)])(?=\s|$)"),    # a numbered item
    re.compile(r"^(=+|-+)\s*$"),              # a setext underline or a thematic break
    re.compile(r"^(~{3,})"),                  # a code fence
]


def escape_inline(text: str, in_cell: bool = False) -> str:
    """Plain text as Markdown that shows exactly that text (emphasis, code, link and HTML
    characters escaped; in a table cell the | too).

    >>> escape_inline("a*b* [c] <d> &amp;")
    'a\\\\*b\\\\* \\\\[c\\\\] \\\\<d> \\\\&amp;'
    """
    text = _ENTITY.sub(r"\\&", _INLINE_SPECIAL.sub(r"\\\1", text)).replace("~~", "\\~\\~")
    if in_cell:
        text = re.sub(r"(?<!\\)\|", r"\\|", text)
    return text


def escape_line(text: str) -> str:
    """A plain paragraph line as Markdown: inline escapes, and a start that would read as block
    syntax (# heading, > quote, - or 1. list item, --- rule) escaped.

    >>> escape_line("1. Not a list")
    '1\\\\. Not a list'
    """
    text = escape_inline(text.strip())
    for pattern in _BLOCK_START:
        match = pattern.match(text)
        if match:
            return f"{text[:match.start(1)]}\\{text[match.start(1):]}"
    return text


# --- rendering ---------------------------------------------------------------------------------

def _content(line: Line, shape: Shape, strip_marker) -> str:
    """The line's content in Markdown: the extractor's own Markdown while the line is as it was
    extracted, else the (rule-changed) plain text escaped."""
    if shape.markdown is not None and line.text == shape.plain:
        return shape.markdown
    return escape_line(strip_marker(line.text))


def _render_list(items: list[tuple[Line, Shape]]) -> list[str]:
    out: list[str] = []
    indents: list[int] = []  # the content indent of each open level
    counters: list[int] = []
    for line, shape in items:
        content = _content(line, shape, item_content)
        if not content:
            continue  # an item emptied by a strip rule: no dangling marker
        depth = min(shape.level, len(indents))  # an item whose parent was removed moves up
        del indents[depth + 1:], counters[depth + 1:]
        if depth == len(counters):  # a list starts: from the number its first item shows
            counters.append(shape.number - 1 if shape.ordered and shape.number > 0 else 0)
            indents.append(0)
        counters[depth] += 1
        marker = f"{counters[depth]}. " if shape.ordered else "- "
        indent = indents[depth - 1] if depth else 0
        indents[depth] = indent + len(marker)
        out.append(f"{' ' * indent}{marker}{content}")
    return out


def _render_table(rows: list[tuple[Line, Shape]], had_body: bool) -> list[str]:
    cells_of = []
    header_kept = False
    for line, shape in rows:
        if shape.kind == "separator":
            continue
        if shape.markdown is not None and line.text == shape.plain:
            cells = row_cells(shape.markdown)
        else:
            cells = [escape_inline(cell.replace("\\|", "|"), in_cell=True) for cell in row_cells(line.text)]
        if any(cells):
            cells_of.append(cells)
            header_kept = header_kept or shape.header
    # A table whose body rows were all removed is no table: its header alone is left out too.
    if not cells_of or (had_body and header_kept and len(cells_of) == 1):
        return []
    width = max(len(cells) for cells in cells_of)
    out = []
    for number, cells in enumerate(cells_of):
        cells = cells + [""] * (width - len(cells))
        out.append("| " + " | ".join(cells) + " |")
        if number == 0:
            out.append("|" + "|".join(["---"] * width) + "|")
    return out


def _render_code(code: list[tuple[Line, Shape]]) -> list[str]:
    texts = [line.text for line, _ in code]
    longest = max((len(run) for text in texts for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, *texts, fence]


def render_markdown(lines: Sequence[Line], shapes: Sequence[Shape]) -> str:
    """The kept lines as Markdown: blocks separated by a blank line, a list's items, a table's
    rows and a code block's lines together."""
    blocks: list[list[str]] = []
    kept = [(line, shape) for line, shape in zip(lines, shapes) if line.kept and not line.blank]
    body_rows: dict[int, int] = {}  # table block -> its body rows before any rule ran
    for shape in shapes:
        if shape.kind == "row" and not shape.header:
            body_rows[shape.block] = body_rows.get(shape.block, 0) + 1
    index = 0
    while index < len(kept):
        line, shape = kept[index]
        if shape.kind in ("item", "row", "separator", "code", "fence"):
            group_kinds = {"item": ("item",), "code": ("code", "fence"), "fence": ("code", "fence")}.get(
                shape.kind, ("row", "separator"))
            end = index
            while end < len(kept) and kept[end][1].kind in group_kinds and kept[end][1].block == shape.block:
                end += 1
            group = kept[index:end]
            index = end
            if shape.kind == "item":
                block = _render_list(group)
            elif shape.kind in ("row", "separator"):
                block = _render_table(group, body_rows.get(shape.block, 0) > 0)
            else:
                code = [(ln, sh) for ln, sh in group if sh.kind == "code"]
                block = _render_code(code) if code else []
            if block:
                blocks.append(block)
            continue
        index += 1
        if shape.kind == "heading":
            content = _content(line, shape, heading_content)
            # a heading ending in " #" would lose it as a closing sequence: "Issue \\#"
            content = re.sub(r"(^|\s)(#+)\s*$", r"\1\\\2", content)
            if content:
                blocks.append([f"{'#' * max(1, min(shape.level, 6))} {content}"])
        elif shape.kind == "quote":
            content = _content(line, shape, lambda text: QUOTE_MARKER.sub("", text, count=1))
            if content:
                blocks.append([f"> {content}"])
        else:
            content = _content(line, shape, str.strip)
            if content:
                blocks.append([content])
    return "\n\n".join("\n".join(block) for block in blocks)


def markdown_text(lines: Sequence[Line], shapes: Sequence[Shape] | None) -> str:
    """The kept lines as Markdown, with the shapes the extractor gave (an HTML page's) when they
    are one a line, else the shapes the text itself shows."""
    if shapes is None or len(shapes) != len(lines):
        shapes = text_shapes([line.text for line in lines])
    return render_markdown(lines, shapes)
