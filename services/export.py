"""Exporting the ledger (台账导出, `huiyin export-ledger`): the suggestions projection and the event log,
as CSV (UTF-8 with BOM, for Excel) or one .xlsx workbook."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.calendar import SHANGHAI
from ledger.rows import EventRow, SuggestionRow


class ExportFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"


SUGGESTION_SKIP = {"state"}  # the whole workflow state: in the API, not in a spreadsheet


def _columns(model, skip: set[str] = frozenset()) -> list[str]:
    return [c.key for c in model.__table__.columns if c.key not in skip]


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


def _rows(session: Session, model, columns: list[str], year: int | None, order) -> Iterator[list[Any]]:
    query = select(model)
    if year is not None:
        if model is SuggestionRow:
            query = query.where(SuggestionRow.year == year)
        else:
            query = query.where(model.workflow_id.in_(select(SuggestionRow.workflow_id).where(SuggestionRow.year == year)))
    for row in session.scalars(query.order_by(*order)).yield_per(1000):
        yield [getattr(row, c) for c in columns]


def export_ledger(session: Session, fmt: ExportFormat, out: Path, year: int | None = None) -> dict[str, int]:
    """Write ``suggestions`` and ``events``; csv: ``out`` is a folder, xlsx: ``out`` is the workbook. Returns row counts."""
    tables = {
        "suggestions": (SuggestionRow, _columns(SuggestionRow, SUGGESTION_SKIP), (SuggestionRow.year, SuggestionRow.number)),
        "events": (EventRow, _columns(EventRow), (EventRow.workflow_id, EventRow.seq)),
    }
    counts: dict[str, int] = {}
    if fmt == ExportFormat.csv:
        out.mkdir(parents=True, exist_ok=True)
        for name, (model, columns, order) in tables.items():
            with open(out / f"{name}.csv", "w", newline="", encoding="utf-8-sig") as f:
                writer = csv.writer(f)
                writer.writerow(columns)
                counts[name] = 0
                for row in _rows(session, model, columns, year, order):
                    writer.writerow([_cell(v, False) for v in row])
                    counts[name] += 1
        return counts
    from openpyxl import Workbook

    out.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    for name, (model, columns, order) in tables.items():
        sheet = book.create_sheet(name)
        sheet.append(columns)
        counts[name] = 0
        for row in _rows(session, model, columns, year, order):
            sheet.append([_cell(v, True) for v in row])
            counts[name] += 1
    book.save(out)
    return counts

