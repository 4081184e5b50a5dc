"""A SQL result as a monospace table (for a Slack code block): aligned columns, numbers to the right.

Widths count display cells, not characters: Hangul and other East Asian wide characters take two
cells in a monospace font, so counting characters would push every Korean row out of line.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

MAX_CELL_WIDTH = 24


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def clip(text: str, width: int) -> str:
    """`text` cut to at most `width` display cells, marked with … when cut."""
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        cells = display_width(char)
        if used + cells > width - 1:
            break
        kept.append(char)
        used += cells
    return "".join(kept) + "…"


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format(value, ".10g")  # 51.54, not 51.540000000000006
    return " ".join(str(value).split())  # a cell never breaks the row's line


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def render_text_table(columns: list[str], rows: list[list[Any]], max_cell_width: int = MAX_CELL_WIDTH) -> str:
    """Header, a rule and one line per row; every cell clipped to `max_cell_width` cells."""
    header = [clip(cell_text(name), max_cell_width) for name in columns]
    body = [[clip(cell_text(value), max_cell_width) for value in row] for row in rows]
    count = max([len(header)] + [len(row) for row in body])
    widths = [
        max([display_width(line[i]) for line in [header, *body] if i < len(line)] or [0])
        for i in range(count)
    ]
    numeric = [
        bool(rows) and all(_is_number(row[i]) or row[i] is None for row in rows if i < len(row))
        for i in range(count)
    ]

    def line(cells: list[str]) -> str:
        padded = []
        for i, cell in enumerate(cells):
            gap = " " * (widths[i] - display_width(cell))
            padded.append(gap + cell if numeric[i] else cell + gap)
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in body)])
