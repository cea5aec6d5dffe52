"""Spreadsheet cells that stay what they are (the annual report's .xlsx, the ledger export's .xlsx and CSV).

Text that looks like a formula (=, +, -, @ first; a tab or carriage return first) is written as text, never as
a formula a spreadsheet would run (formula injection); control characters, which spreadsheets refuse, are
dropped. Inputs are refused at the edge already (domain.limits); this keeps old or imported data harmless too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean(value: Any) -> Any:
    """Text without control characters; anything else as it is."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """For CSV, which has no cell types: formula-looking text gets a leading apostrophe, as spreadsheets expect."""
    value = clean(value)
    return "'" + value if looks_like_formula(value) else value


def xlsx_row(sheet, values: Iterable[Any]) -> list[Any]:
    """A row to append to an openpyxl sheet: formula-looking text as text cells (type 's'), the rest as values."""
    row = []
    for value in map(clean, values):
        if looks_like_formula(value):
            cell = WriteOnlyCell(sheet, value=value) if isinstance(sheet, WriteOnlyWorksheet) else Cell(sheet, value=value)
            cell.data_type = "s"
            value = cell
        row.append(value)
    return row
