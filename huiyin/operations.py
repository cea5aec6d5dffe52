"""Operator tasks behind `huiyin load-holidays`, `huiyin replay-check` and `huiyin export-ledger`.

- install_holidays: validate one year's holiday override (domain.calendar) and install it
  as ``<config>/holidays/<year>.toml``; the whole folder must still load, else the old
  file is put back. Running items learn of it through huiyin.calendar_revision.
- replay_check: replay the histories of live SuggestionWorkflow executions against the
  code in this checkout (temporalio Replayer); any non-determinism is a failure.
- export_ledger: the suggestions projection and the event log, as CSV (UTF-8 with BOM,
  for Excel) or one .xlsx workbook.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Replayer

from domain.calendar import CalendarError, HolidayYear, parse_holiday_override
from huiyin.config_files import load_calendar
from huiyin.problems import invalid, not_found
from ledger.models import EventRow, SuggestionRow

SHANGHAI = ZoneInfo("Asia/Shanghai")
LIVE_SUGGESTIONS = "WorkflowType = 'SuggestionWorkflow' AND ExecutionStatus = 'Running'"
ALL_SUGGESTIONS = "WorkflowType = 'SuggestionWorkflow'"


# --- holidays ---------------------------------------------------------------------------------


@dataclass
class InstalledHolidays:
    override: HolidayYear
    path: Path
    replaced: bool


def install_holidays(file: Path, config_dir: Path) -> InstalledHolidays:
    """Check ``file`` and install it as ``holidays/<year>.toml``; refuse (Problem 422) anything doubtful."""
    try:
        text = Path(file).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise invalid(f"{file}: not UTF-8 text") from None
    try:
        override = parse_holiday_override(text, source=Path(file).name)
    except CalendarError as error:
        raise invalid(str(error)) from None
    folder = Path(config_dir) / "holidays"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{override.year}.toml"
    previous = target.read_bytes() if target.exists() else None
    staged = folder / f".{override.year}.toml.new"  # not *.toml: never read half-written
    staged.write_text(text, encoding="utf-8")
    os.replace(staged, target)
    try:
        load_calendar(config_dir, reload=True)  # the whole folder, as the worker will read it
    except CalendarError as error:
        if previous is None:
            target.unlink()
        else:
            target.write_bytes(previous)
        load_calendar(config_dir, reload=True)
        raise invalid(f"the holiday folder would not load with this file, so it was not installed: {error}") from None
    return InstalledHolidays(override, target, previous is not None)


# --- replay ----------------------------------------------------------------------------------


@dataclass
class ReplayReport:
    checked: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)  # workflow id -> why

    @property
    def ok(self) -> bool:
        return not self.failures


def replayer_for(client: Client, workflows: Sequence[type] | None = None) -> Replayer:
    from worker import sandbox_runner
    from workflows.suggestion import SuggestionWorkflow

    return Replayer(
        workflows=list(workflows or [SuggestionWorkflow]),
        data_converter=client.data_converter,  # with the payload codec: histories are encrypted
        workflow_runner=sandbox_runner(),
    )


async def replay_check(
    client: Client,
    *,
    query: str = LIVE_SUGGESTIONS,
    workflow_ids: Sequence[str] = (),
    workflows: Sequence[type] | None = None,
    save_dir: Path | None = None,
    limit: int | None = None,
) -> ReplayReport:
    """Replay histories (those ``query`` finds, or the named ids) with the current code; collect every failure."""
    report = ReplayReport()
    run_to_workflow: dict[str, str] = {}
    if save_dir is not None:
        save_dir.mkdir(parents=True, exist_ok=True)

    async def histories() -> AsyncIterator[WorkflowHistory]:
        async for history in _fetch(client, query, workflow_ids, limit):
            run_to_workflow[history.run_id] = history.workflow_id
            report.checked.append(history.workflow_id)
            if save_dir is not None:
                (save_dir / f"{history.workflow_id}.json").write_text(history.to_json(), encoding="utf-8")
            yield history

    results = await replayer_for(client, workflows).replay_workflows(histories(), raise_on_replay_failure=False)
    for run_id, error in results.replay_failures.items():
        workflow_id = run_to_workflow.get(run_id, run_id)
        report.failures[workflow_id] = f"{type(error).__name__}: {error}"
    return report


async def _fetch(client: Client, query: str, workflow_ids: Sequence[str], limit: int | None) -> AsyncIterator[WorkflowHistory]:
    if workflow_ids:
        for workflow_id in workflow_ids[:limit] if limit else workflow_ids:
            try:
                yield await client.get_workflow_handle(workflow_id).fetch_history()
            except RPCError as error:
                if error.status == RPCStatusCode.NOT_FOUND:
                    raise not_found(f"workflow {workflow_id}") from None
                raise
        return
    count = 0
    async for execution in client.list_workflows(query):
        if limit is not None and count >= limit:
            return
        count += 1
        yield await client.get_workflow_handle(execution.id, run_id=execution.run_id).fetch_history()


# --- export ----------------------------------------------------------------------------------


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

