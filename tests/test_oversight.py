"""Oversight on the real dev server: the list queries operators paste into the Temporal UI,
and a calendar revision fanned out to running items found by a visibility query."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from temporalio.client import Client

from core.config_files import load_calendar, load_policy
from domain.calendar import local_date
from domain.enums import DeadlineKind
from domain.policy import DrillScale
from huiyin.devserver import wait_for_port
from services.holidays import announce_calendar_revision
from tests.devserver import connect_when_ready, dev_server, free_port
from tests.helpers import Item, new_suggestion
from worker import build_worker
from workflows.suggestion import SuggestionWorkflow


async def ids(client: Client, query: str) -> set[str]:
    return {w.id async for w in client.list_workflows(query)}


async def eventually(check, timeout: float = 20.0):
    """Visibility is eventually consistent: poll until the answer is right."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.3)


async def test_visibility_queries_and_calendar_fan_out(tmp_path, settings):
    config = tmp_path / "config"
    shutil.copytree(settings.huiyin_config_dir, config)
    own = settings.model_copy(update={"huiyin_config_dir": config, "temporal_task_queue": "oversight"})
    port, tag = free_port(), uuid.uuid4().hex[:6]
    # Compressed time, so clocks run out in seconds on the real server.
    fast = load_policy("national").model_copy(update={"drill": DrillScale(month_seconds=2, day_seconds=1)})

    with dev_server(tmp_path / "temporal.db", port) as proc, ThreadPoolExecutor(4) as executor:
        await wait_for_port("127.0.0.1", port, timeout=30, process=proc)
        client = await connect_when_ready(port)
        async with build_worker(client, own, executor):
            async def start(number: str, unit: str, policy=None) -> Item:
                new = new_suggestion(number)
                if policy:
                    new = new.model_copy(update={"policy": policy})
                handle = await client.start_workflow(
                    SuggestionWorkflow.run, new, id=f"suggestion-2026-{number}", task_queue=own.temporal_task_queue
                )
                item = Item(None, handle)
                await item.accept_and_assign(lead=unit)
                return item

            late = await start(f"A{tag}", "U01", fast)
            other_unit = await start(f"B{tag}", "U02", fast)
            slow = await start(f"C{tag}", "U01")  # national profile: months to go

            red_u01 = "WarningLevel = 'red' AND LeadUnit = 'U01'"
            assert await eventually(lambda: _equals(ids(client, red_u01), {late.handle.id}))
            assert await eventually(lambda: _equals(ids(client, "WarningLevel = 'red' AND Overdue = true"),
                                                    {late.handle.id, other_unit.handle.id}))
            handling_u01 = "Stage = 'handling' AND Units = 'U01' AND SuggestionYear = 2026"
            assert await eventually(lambda: _equals(ids(client, handling_u01), {late.handle.id, slow.handle.id}))

            # A correction of the year of C's reply deadline: its due day becomes a holiday.
            state = await slow.state()
            due_day = local_date(state.pending_deadline(DeadlineKind.reply, "U01").due_at)
            year, calendar = due_day.year, load_calendar(config)
            days = [date(year, 1, 1) + timedelta(n) for n in range(366)]
            off = [d for d in days if d.year == year and not calendar.is_working_day(d) and d.weekday() < 5]
            swapped = [d for d in days if d.year == year and calendar.is_working_day(d) and d.weekday() >= 5]
            quoted = lambda ds: ", ".join(f'"{d}"' for d in ds)  # noqa: E731
            (config / "holidays" / f"{year}.toml").write_text(
                f"year = {year}\nholidays = [{quoted([*off, due_day])}]\nworkdays = [{quoted(swapped)}]\n", "utf-8"
            )
            told = await eventually(lambda: _at_least(announce_calendar_revision(client, year), 3))
            assert told >= 3

            async def moved():
                events = (await slow.state()).events
                return [e for e in events if e.action == "deadline_moved"]

            assert await eventually(moved)
            new_due = (await slow.state()).pending_deadline(DeadlineKind.reply, "U01").due_at
            assert local_date(new_due) > due_day
            for item in (late, other_unit, slow):
                await item.handle.terminate("test over")


async def _equals(result, expected) -> bool:
    return await result == expected


async def _at_least(result, minimum: int):
    value = await result
    return value if value >= minimum else 0
