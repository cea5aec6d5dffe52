"""The demo year through the real worker, and the operator CLI's create-user."""

from __future__ import annotations

import stat
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from core.settings import Settings
from huiyin.cli import app
from huiyin.demo import load_demo
from ledger.db import session_factory
from ledger.rows import DeputyRow, EventRow, SuggestionRow, UnitRow, UserRow
from ledger.schema import upgrade_database
from services.users import verify_password

DEMO_YEAR = 2031  # a year no other test uses: workflow ids never meet theirs


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory) -> Settings:
    """A ledger of its own: the demo's units and deputies must not meet other tests' registers."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'ledger.db'}"
    upgrade_database(url)
    return Settings(huiyin_database_url=url, temporal_task_queue=f"huiyin-demo-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="module")
async def demo_worker(time_env, demo_settings):
    from worker import build_worker

    with ThreadPoolExecutor(max_workers=8) as executor:
        async with build_worker(time_env.client, demo_settings, executor) as running:
            yield running


def counts(session) -> dict[str, int]:
    return {
        "units": session.scalar(select(func.count()).select_from(UnitRow)),
        "deputies": session.scalar(select(func.count()).select_from(DeputyRow)),
        "users": session.scalar(select(func.count()).select_from(UserRow)),
        "suggestions": session.scalar(select(func.count()).select_from(SuggestionRow)),
        "events": session.scalar(select(func.count()).select_from(EventRow)),
    }


async def test_demo_year_loads_once(time_env, demo_worker, demo_settings, tmp_path):
    sessions = session_factory(demo_settings.huiyin_database_url)
    with sessions() as session:
        first = await load_demo(time_env.client, session, demo_settings, year=DEMO_YEAR, var_dir=tmp_path)
    assert (first.units, first.deputies, first.suggestions, first.driven) == (12, 30, 50, 25)
    assert first.users == len(first.passwords) == 57
    kept = tmp_path / "demo-users.txt"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert len(kept.read_text().splitlines()) == 57
    assert len(set(first.passwords.values())) == 57  # random, never a shared default

    with sessions() as session:
        before = counts(session)
        stages = Counter(session.scalars(select(SuggestionRow.stage).where(SuggestionRow.year == DEMO_YEAR)))
        coordinator = session.scalar(select(UserRow).where(UserRow.username == "demo-coordinator"))
    assert before["units"] == 12 and before["deputies"] == 30 and before["suggestions"] == 50
    assert stages["registered"] >= 25 and stages["awaiting_feedback"] >= 3 and stages["closed"] >= 3
    assert {"handling", "reply_review", "follow_up", "rehandling"} <= set(stages)
    assert verify_password(coordinator.password_hash, first.passwords["demo-coordinator"])

    with sessions() as session:
        second = await load_demo(time_env.client, session, demo_settings, year=DEMO_YEAR, var_dir=tmp_path)
    assert (second.units, second.deputies, second.users, second.suggestions, second.passwords) == (0, 0, 0, 0, {})
    with sessions() as session:
        assert counts(session) == before
    assert len(kept.read_text().splitlines()) == 57


# --- CLI: create-user (no Temporal needed) -----------------------------------------------


@pytest.fixture
def cli_database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("HUIYIN_DATABASE_URL", url)
    return url


def test_create_user_from_stdin_and_prompt(cli_database):
    runner = CliRunner()
    result = runner.invoke(app, ["create-user", "coord1", "--role", "coordinator", "--password-stdin"],
                           input="a-long-secret\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["create-user", "sup1", "--role", "supervisor", "--email", "sup@example.org"],
                           input="prompted-secret\nprompted-secret\n")
    assert result.exit_code == 0, result.output
    with session_factory(cli_database)() as session:
        users = {u.username: u for u in session.scalars(select(UserRow))}
    assert users["coord1"].role == "coordinator" and verify_password(users["coord1"].password_hash, "a-long-secret")
    assert users["sup1"].email == "sup@example.org" and verify_password(users["sup1"].password_hash, "prompted-secret")


@pytest.mark.parametrize("args, stdin, message", [
    (["--role", "unit_handler"], "a-long-secret\n", "unit_code is required"),
    (["--role", "deputy", "--deputy", "D404"], "a-long-secret\n", "unknown deputy D404"),
    (["--role", "admin"], "short\n", "at least 8 characters"),
])
def test_create_user_refusals_exit_2(cli_database, args, stdin, message):
    result = CliRunner().invoke(app, ["create-user", "someone", *args, "--password-stdin"], input=stdin)
    assert result.exit_code == 2 and message in result.output


def test_create_user_twice_is_a_conflict(cli_database):
    runner = CliRunner()
    args = ["create-user", "admin2", "--role", "admin", "--password-stdin"]
    assert runner.invoke(app, args, input="a-long-secret\n").exit_code == 0
    result = runner.invoke(app, args, input="another-secret\n")
    assert result.exit_code == 2 and "already exists" in result.output
