"""Durability drills on the embedded dev server (its own file), with `python worker.py` as a real process.

In each drill several items run from start to close while something breaks: the
worker is killed with SIGKILL, the Temporal server is stopped and started again on
its file, or the ledger database stops answering for ~10 s. Every item must still
finish, and the ledger must hold each of its events exactly once, exactly as the
workflow's state has them. Payload encryption is on, as in production.

The ledger is SQLite by default; with HUIYIN_TEST_POSTGRES_URL (.ci/run's
PostgreSQL pass) it is a fresh PostgreSQL database of its own, and "unavailable"
means no connections allowed and every open one terminated.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from temporalio.client import Client

from ledger.db import session_factory
from ledger.rows import EventRow
from ledger.schema import upgrade_database
from services.replay import replay_check
from tests.ops.conftest import CODEC_KEYS
from tests.ops.drills import Drill, Run, check_ledger, drive, json_lines, new_runs

ITEMS = 4
TIMEOUT = 60  # each drill, start to finish


@pytest.fixture
def drill_database(tmp_path: Path):
    """(url, kind): a ledger of the drill's own, so blocking it disturbs no other test."""
    admin_url = os.environ.get("HUIYIN_TEST_POSTGRES_URL")
    if not admin_url:
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
        upgrade_database(url)
        yield url, "sqlite"
        return
    name = f"huiyin_drill_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    upgrade_database(url)
    yield url, "postgresql"
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
        connection.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture
async def drill(tmp_path: Path, drill_database):
    url, _kind = drill_database
    world = Drill.prepare(tmp_path, url, CODEC_KEYS)
    await world.server.start()
    await world.connect()
    try:
        yield world
    finally:
        world.close()


async def _finish(world: Drill, runs: list[Run], tasks: list[asyncio.Task]) -> None:
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)
    except BaseException:
        for task in tasks:
            task.cancel()
        details = "\n".join(f"--- {w.log.name}\n{w.tail()}" for w in world.workers)
        progress = {r.workflow_id: r.done for r in runs}
        raise AssertionError(f"items did not finish: {progress}\n{details}") from None
    await check_ledger(world.client, world.settings.huiyin_database_url, runs)


async def _wait_until(condition, timeout: float = 30, what: str = "condition", world: Drill | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {w.log.name}\n{w.tail()}" for w in (world.workers if world else []))
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        await asyncio.sleep(0.05)


async def test_worker_killed_mid_lifecycle_and_restarted(drill: Drill):
    first = drill.worker()
    first.start()
    await first.polling()
    runs = new_runs(ITEMS)
    tasks = [asyncio.create_task(drive(drill.client, drill.settings.temporal_task_queue, run, pause=0.2)) for run in runs]
    # Mid-lifecycle: every item has started and some actions went through, none has finished.
    await _wait_until(lambda: all(len(r.done) >= 2 for r in runs), what="two actions on every item", world=drill)
    assert not all(t.done() for t in tasks)

    # The worker serves metrics and writes JSON lines naming the items it works on.
    port = drill.worker_env["HUIYIN_WORKER_METRICS_PORT"]
    metrics = await asyncio.to_thread(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read())
    assert b"temporal_" in metrics and b'service="huiyin-worker"' in metrics

    first.kill()
    in_hand = {r.workflow_id: list(r.done) for r in runs}
    await asyncio.sleep(1.5)  # nobody works the queue for a while
    second = drill.worker()
    second.start()
    await _finish(drill, runs, tasks)
    assert any(len(r.done) > len(in_hand[r.workflow_id]) for r in runs), "nothing happened after the kill"

    lines = json_lines(first.log_lines())
    about_items = [line for line in lines if line.get("workflow_id")]
    assert about_items, "no worker line named an item"
    assert {line["workflow_id"] for line in about_items} <= {r.workflow_id for r in runs}

    # The histories the outage left behind replay cleanly against this code (huiyin replay-check).
    query = f"WorkflowType = 'SuggestionWorkflow' AND TaskQueue = '{drill.settings.temporal_task_queue}'"
    report = None

    async def listed_all() -> bool:
        nonlocal report
        report = await replay_check(drill.client, query=query)
        return len(report.checked) == len(runs)

    deadline = time.monotonic() + 10
    while not await listed_all() and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    assert sorted(report.checked) == sorted(r.workflow_id for r in runs)
    assert report.ok, report.failures


async def test_temporal_server_stopped_and_restarted(drill: Drill):
    worker = drill.worker()
    worker.start()
    await worker.polling()
    runs = new_runs(ITEMS)
    tasks = [asyncio.create_task(drive(drill.client, drill.settings.temporal_task_queue, run, pause=0.2)) for run in runs]
    await _wait_until(lambda: all(len(r.done) >= 2 for r in runs), what="two actions on every item", world=drill)

    drill.server.stop()  # the whole Temporal service goes away
    await asyncio.sleep(0.5)  # answers that arrived before the stop are handled by their tasks first
    stopped = {r.workflow_id: list(r.done) for r in runs}
    await asyncio.sleep(3)
    assert {r.workflow_id: r.done for r in runs} == stopped, "an action went through with the server down"
    await drill.server.start()  # same file, same port
    await _finish(drill, runs, tasks)
    assert worker.proc.poll() is None, f"the worker died with the server:\n{worker.tail()}"

    # What the server stored on its file is ciphertext: a client without keys finds no text in it.
    plain = await Client.connect(drill.server.address)
    history = await plain.get_workflow_handle(runs[0].workflow_id).fetch_history()
    raw = history.to_json().encode()
    assert "关于加强老旧小区加装电梯的建议".encode() not in raw and "城区代表团".encode() not in raw


async def test_ledger_database_unavailable_for_a_while(drill: Drill, drill_database):
    url, kind = drill_database
    worker = drill.worker()
    worker.start()
    await worker.polling()
    runs = new_runs(ITEMS)
    tasks = [asyncio.create_task(drive(drill.client, drill.settings.temporal_task_queue, run, pause=0.2)) for run in runs]
    await _wait_until(lambda: all(len(r.done) >= 2 for r in runs), what="two actions on every item", world=drill)

    sessions = session_factory(url)

    def events() -> int:
        with sessions() as session:
            return session.scalar(select(func.count()).select_from(EventRow))

    outage = 10.0
    if kind == "sqlite":
        blocker = sqlite3.connect(url.split("///", 1)[1], timeout=30, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")  # every writer now waits (the worker's busy timeout is 30 s)
        before = events()  # WAL readers still read
        await asyncio.sleep(outage)
        during = events()
        blocker.execute("COMMIT")
        blocker.close()
    else:
        name = make_url(url).database
        admin = create_engine(os.environ["HUIYIN_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
            connection.execute(text(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ))
        await asyncio.sleep(outage)
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
        admin.dispose()
        before = during = None  # nobody can count while no one may connect
    assert during == before, "the ledger was written while it was locked"
    await _finish(drill, runs, tasks)
