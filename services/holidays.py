"""Official holidays (节假日安排): install a year's override file, then tell every running item.

`install_holidays` checks one year's holiday override (domain.calendar) and installs it as
``<config>/holidays/<year>.toml``; the whole folder must still load, else the old file is put back.
`announce_calendar_revision` then signals every running suggestion (`calendar_revised`), which
computes its clocks again and records only the deadlines that actually moved.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client

from core.config_files import load_calendar
from core.errors import invalid
from domain.calendar import CalendarError, HolidayYear, parse_holiday_override
from domain.models import CalendarRevision
from workflows.item import ItemWorkflow
from workflows.search_attributes import RUNNING_SUGGESTIONS


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


async def announce_calendar_revision(client: Client, year: int) -> int:
    """Signal every running suggestion; returns how many were told."""
    told = 0
    async for execution in client.list_workflows(RUNNING_SUGGESTIONS):
        await client.get_workflow_handle(execution.id).signal(ItemWorkflow.calendar_revised, CalendarRevision(year=year))
        told += 1
    return told
