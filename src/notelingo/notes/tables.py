"""How a table block stores its cells (one idea, one place: the reader encodes, renderers decode).

A ``table`` block's text, in every language, is its non-empty cells one per line,
row by row. The translation engine cuts blocks at line breaks and keeps them, so
each cell is translated on its own and the translated text has the same lines.
The shape lives in ``attrs`` and is the same for every language:

* ``cells``: one pattern per row, rows joined by ``;``: ``x`` a cell with text,
  ``.`` an empty cell (``"xx;x.;xx"``); the first row is the header row;
* ``align``: the separator row's alignment per column (``left``, ``center``,
  ``right`` or empty), joined by ``,``.

Empty cells have no line: a blank line would be folded into the line break around it.
"""

from __future__ import annotations

from collections.abc import Sequence


def encode_table(rows: Sequence[Sequence[str]], align: Sequence[str]) -> tuple[str, dict[str, str]]:
    """(text, attrs) of a table block; every row is padded to the widest row."""
    width = max(len(align), *(len(row) for row in rows)) if rows else len(align)
    lines: list[str] = []
    patterns = []
    for row in rows:
        cells = [" ".join(cell.split()) for cell in row] + [""] * (width - len(row))
        lines.extend(cell for cell in cells if cell)
        patterns.append("".join("x" if cell else "." for cell in cells))
    alignment = list(align) + [""] * (width - len(align))
    return "\n".join(lines), {"cells": ";".join(patterns), "align": ",".join(alignment)}


def table_rows(text: str, attrs: dict[str, str]) -> list[list[str]]:
    """The rows of a table block's text in one language (header row first).

    A translation with fewer lines than cells (never expected) leaves the missing
    cells empty; extra lines are appended to the last cell, so no text is lost.
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    rows: list[list[str]] = []
    position = 0
    for pattern in (attrs.get("cells") or "").split(";"):
        row = []
        for mark in pattern:
            if mark == "x" and position < len(lines):
                row.append(lines[position])
                position += 1
            else:
                row.append("")
        rows.append(row)
    if position < len(lines) and rows and rows[-1]:
        rows[-1][-1] = " ".join([rows[-1][-1], *lines[position:]]).strip()
    return [row for row in rows if row]


def table_align(attrs: dict[str, str]) -> list[str]:
    """Column alignments ('left', 'center', 'right' or '')."""
    return (attrs.get("align") or "").split(",")
