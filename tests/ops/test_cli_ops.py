"""Operator commands: load-holidays, replay-check, export-ledger."""

from __future__ import annotations

import asyncio
import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from core.config_files import load_calendar
from core.settings import PROJECT_ROOT
from huiyin.cli import app
from ledger.rows import SuggestionRow
from services.replay import replay_check
from tests.helpers import Item, new_suggestion
from tests.ops.changed_workflow import ChangedSuggestionWorkflow

runner = CliRunner()

HOLIDAYS_2031 = """\
year = 2031
holidays = ["2031-01-01", "2031-10-01", "2031-10-02", "2031-10-03"]
workdays = ["2031-09-28"]
"""


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", target)
    return target


def test_load_holidays_installs_a_valid_year(config_dir: Path, tmp_path: Path):
    source = tmp_path / "holidays-2031.toml"
    source.write_text(HOLIDAYS_2031, encoding="utf-8")
    result = runner.invoke(app, ["load-holidays", str(source)], env={"HUIYIN_CONFIG_DIR": str(config_dir)})
    assert result.exit_code == 0, result.output
    assert "installed" in result.output and "2031" in result.output and "--announce" in result.output
    assert (config_dir / "holidays" / "2031.toml").read_text(encoding="utf-8") == HOLIDAYS_2031
    calendar = load_calendar(config_dir, reload=True)
    assert not calendar.is_working_day(date(2031, 10, 2))
    assert calendar.is_working_day(date(2031, 9, 28))  # a Sunday made a workday (调休)

    again = runner.invoke(app, ["load-holidays", str(source)], env={"HUIYIN_CONFIG_DIR": str(config_dir)})
    assert again.exit_code == 0 and "replaced" in again.output


@pytest.mark.parametrize(
    "text, message",
    [
        ("year = 2031\nholidays = [\"2031-02-30\"]\n", "2031-02-30"),
        ("year = 2031\nworkdays = [\"2031-10-08\"]\n", "Monday–Friday"),
        ("year = 2031\nholiday = []\n", "unknown key"),
        ("not toml at all [", "not valid TOML"),
    ],
)
def test_load_holidays_refuses_a_bad_file_and_installs_nothing(config_dir: Path, tmp_path: Path, text, message):
    source = tmp_path / "bad.toml"
    source.write_text(text, encoding="utf-8")
    before = sorted(p.name for p in (config_dir / "holidays").iterdir())
    result = runner.invoke(app, ["load-holidays", str(source)], env={"HUIYIN_CONFIG_DIR": str(config_dir)})
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert sorted(p.name for p in (config_dir / "holidays").iterdir()) == before


async def _item(time_env, settings, number: str) -> Item:
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    return item


async def test_replay_check_passes_current_code_and_catches_a_change(time_env, worker, settings, number, tmp_path):
    item = await _item(time_env, settings, number)
    report = await replay_check(time_env.client, workflow_ids=[item.handle.id], save_dir=tmp_path / "histories")
    assert report.ok, report.failures
    assert report.checked == [item.handle.id]
    assert (tmp_path / "histories" / f"{item.handle.id}.json").is_file()

    changed = await replay_check(time_env.client, workflow_ids=[item.handle.id], workflows=[ChangedSuggestionWorkflow])
    assert not changed.ok
    assert "Nondeterminism" in changed.failures[item.handle.id] or "nondetermin" in changed.failures[item.handle.id].lower()


async def test_replay_check_command_exits_non_zero_on_failure(time_env, worker, settings, number):
    item = await _item(time_env, settings, number)
    target = time_env.client.service_client.config.target_host
    env = {"TEMPORAL_ADDRESS": target, "TEMPORAL_NAMESPACE": time_env.client.namespace}

    ok = await asyncio.to_thread(runner.invoke, app, ["replay-check", "--id", item.handle.id], env=env)
    assert ok.exit_code == 0, ok.output
    assert "replayed 1 histories: 0 failed" in ok.output
    missing = await asyncio.to_thread(runner.invoke, app, ["replay-check", "--id", "suggestion-2026-NOSUCH"], env=env)
    assert missing.exit_code == 2 and "suggestion-2026-NOSUCH" in missing.output


async def test_export_ledger_csv_and_xlsx(time_env, worker, settings, sessions, number, tmp_path):
    item = await _item(time_env, settings, number)
    state = await item.state()
    env = {"HUIYIN_DATABASE_URL": settings.huiyin_database_url}
    with sessions() as session:  # the item's year now (earlier tests may have moved the clock past a year end)
        year = session.get(SuggestionRow, item.handle.id).year

    result = await asyncio.to_thread(
        runner.invoke, app, ["export-ledger", "--format", "csv", "--out", str(tmp_path / "csv"), "--year", str(year)], env=env
    )
    assert result.exit_code == 0, result.output
    with open(tmp_path / "csv" / "suggestions.csv", encoding="utf-8-sig", newline="") as f:
        suggestions = list(csv.DictReader(f))
    with open(tmp_path / "csv" / "events.csv", encoding="utf-8-sig", newline="") as f:
        events = [e for e in csv.DictReader(f) if e["workflow_id"] == item.handle.id]
    mine = [s for s in suggestions if s["workflow_id"] == item.handle.id]
    assert len(mine) == 1 and mine[0]["title"] == state.title and mine[0]["stage"] == state.stage.value
    assert "state" not in suggestions[0] and {int(row["year"]) for row in suggestions} == {year}
    assert [(int(e["seq"]), e["action"]) for e in events] == [(e.seq, e.action) for e in state.events]
    assert events[0]["at"].endswith("+08:00")  # Beijing time, with its offset

    book_path = tmp_path / "ledger.xlsx"
    result = await asyncio.to_thread(
        runner.invoke, app, ["export-ledger", "--format", "xlsx", "--out", str(book_path)], env=env
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(book_path, read_only=True)
    assert book.sheetnames == ["suggestions", "events"]
    rows = list(book["suggestions"].iter_rows(values_only=True))
    header = rows[0]
    ids = [r[header.index("workflow_id")] for r in rows[1:]]
    assert item.handle.id in ids
