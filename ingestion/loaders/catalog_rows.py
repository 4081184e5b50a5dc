"""A catalog CSV's rows, with malformed ones set aside by line number instead of indexed half-empty.

`csv.DictReader` pads a short row with empty cells and files extra cells under `None`, so a row with
3 of the export's 15 columns used to become a dataset card with a key, a type and a title in the
wrong fields. Here a row whose cell count differs from the header's is set aside with its line number
(the line the row starts on, counting the header as line 1), so the file can be indexed without it
and the row reported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

# How many line numbers one reason lists before it says "and N more": enough to find the rows.
_LINES_SHOWN = 10


@dataclass
class CatalogRow:
    line: int
    cells: dict[str, str]


@dataclass
class CatalogRows:
    header: list[str]
    rows: list[CatalogRow] = field(default_factory=list)
    # (line, reason) of each row set aside
    malformed: list[tuple[int, str]] = field(default_factory=list)


def read_catalog_rows(text: str) -> CatalogRows:
    reader = csv.reader(io.StringIO(text, newline=""))
    table = CatalogRows(header=[name.strip() for name in next(reader, [])])
    width = len(table.header)
    last_line = reader.line_num
    for cells in reader:
        # A quoted cell may span lines: the row starts just after the previous row ended.
        line, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line holds no dataset
        # Some exports end every row with a separator: empty cells past the header carry nothing.
        while len(cells) > width and not cells[-1].strip():
            cells = cells[:-1]
        if len(cells) != width:
            table.malformed.append((line, f"{len(cells)} of {width} columns"))
        else:
            table.rows.append(CatalogRow(line, dict(zip(table.header, cells, strict=True))))
    return table


def describe_rows_set_aside(set_aside: list[tuple[int, str]]) -> str:
    """Line numbers grouped by reason, each group in file order and cut short after a few lines:
    `lines 3, 6: 3 of 15 columns; line 9: no dataset key (목록키)`."""
    lines_by_reason: dict[str, list[int]] = {}
    for line, reason in sorted(set_aside):
        lines_by_reason.setdefault(reason, []).append(line)
    groups = []
    for reason, lines in lines_by_reason.items():
        shown = ", ".join(str(line) for line in lines[:_LINES_SHOWN])
        more = f" and {len(lines) - _LINES_SHOWN} more" if len(lines) > _LINES_SHOWN else ""
        groups.append(f"{'line' if len(lines) == 1 else 'lines'} {shown}{more}: {reason}")
    return "; ".join(groups)
