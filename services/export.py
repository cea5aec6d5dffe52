"""Exporting the ledger (台账导出, `huiyin export-ledger`): the suggestions projection and the event log,
as CSV (UTF-8 with BOM, for Excel) or one .xlsx workbook; text never becomes a formula (core.cells)."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy.orm import Session

from core.cells import csv_cell, xlsx_row
from domain.calendar import SHANGHAI
from ledger.queries import EXPORTED, exported_columns, exported_rows


class ExportFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"


def _cell(value: Any, for_excel: bool) -> Any:
    if isinstance(value, datetime):
        local = value.astimezone(SHANGHAI)
        return local.replace(tzinfo=None) if for_excel else local.isoformat()
    if isinstance(value, date):
        return value if for_excel else value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, Enum):
        return value.value
    return value


def _csv(session: Session, out: Path, year: int | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    out.mkdir(parents=True, exist_ok=True)
    for table in EXPORTED:
        with open(out / f"{table}.csv", "w", newline="", encoding="utf-8-sig") as f:
            writer = csv.writer(f)
            writer.writerow(exported_columns(table))
            counts[table] = 0
            for row in exported_rows(session, table, year):
                writer.writerow([csv_cell(_cell(v, False)) for v in row])
                counts[table] += 1
    return counts


def _xlsx(session: Session, out: Path, year: int | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    out.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    for table in EXPORTED:
        sheet = book.create_sheet(table)
        sheet.append(exported_columns(table))
        counts[table] = 0
        for row in exported_rows(session, table, year):
            sheet.append(xlsx_row(sheet, [_cell(v, True) for v in row]))
            counts[table] += 1
    book.save(out)
    return counts


def export_ledger(session: Session, fmt: ExportFormat, out: Path, year: int | None = None) -> dict[str, int]:
    """Write ``suggestions`` and ``events``; csv: ``out`` is a folder, xlsx: ``out`` is the workbook. Returns row counts."""
    return _csv(session, out, year) if fmt == ExportFormat.csv else _xlsx(session, out, year)
