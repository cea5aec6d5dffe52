"""The embedded dev server (huiyin.devserver): real `temporal server start-dev`,
custom search attributes registered, and a restart on the same db file keeps them
(and the workflows) — the `make run` restart case."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client, WorkflowExecutionStatus

from huiyin.devserver import (
    CLI_TYPE_NAMES,
    devserver_command,
    find_temporal_binary,
    wait_for_port,
)
from tests.devserver import dev_server, free_port
from workflows.search_attributes import ALL


async def _custom_search_attributes(client: Client) -> dict[str, int]:
    resp = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace="default")
    )
    return dict(resp.custom_attributes)


def test_command_line_has_every_search_attribute():
    cmd = devserver_command("var/x.db", port=7233, ui_port=8233, temporal="temporal")
    assert cmd[:3] == ["temporal", "server", "start-dev"]
    pairs = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--search-attribute"]
    assert pairs == [f"{k.name}={CLI_TYPE_NAMES[k.indexed_value_type]}" for k in ALL]
    for flag, value in [
        ("--db-filename", "var/x.db"),
        ("--port", "7233"),
        ("--ui-port", "8233"),
        ("--namespace", "default"),
        ("--ip", "127.0.0.1"),
        ("--log-level", "warn"),
    ]:
        assert cmd[cmd.index(flag) + 1] == value
    pragmas = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--sqlite-pragma"]
    assert pragmas == ["journal_mode=wal", "synchronous=normal"]


async def test_dev_server_registers_search_attributes_and_survives_restart(tmp_path: Path):
    try:
        find_temporal_binary()
    except RuntimeError as e:  # pragma: no cover - environment problem, not a code one
        pytest.fail(str(e))
    db = tmp_path / "temporal.db"
    port = free_port()
    expected = {k.name: int(k.indexed_value_type) for k in ALL}
    workflow_id = f"devserver-test-{uuid.uuid4()}"

    # First start: fresh db file.
    with dev_server(db, port) as proc:
        await wait_for_port("127.0.0.1", port, timeout=30, process=proc)
        client = await Client.connect(f"127.0.0.1:{port}", namespace="default")
        attrs = await _custom_search_attributes(client)
        for name, value_type in expected.items():
            assert attrs.get(name) == value_type, (
                f"{name}: {attrs.get(name)} != {IndexedValueType.Name(value_type)}"
            )
        # A workflow nobody works on stays Running: it must survive the restart.
        await client.start_workflow(
            "NoSuchWorkflow", id=workflow_id, task_queue="devserver-test-nobody"
        )
    assert proc.returncode is not None
    assert db.exists()

    # Restart on the same file: registering the same search attributes again is accepted.
    with dev_server(db, port) as proc:
        await wait_for_port("127.0.0.1", port, timeout=30, process=proc)
        client = await Client.connect(f"127.0.0.1:{port}", namespace="default")
        attrs = await _custom_search_attributes(client)
        for name, value_type in expected.items():
            assert attrs.get(name) == value_type
        desc = await client.get_workflow_handle(workflow_id).describe()
        assert desc.status == WorkflowExecutionStatus.RUNNING
        assert proc.poll() is None, "dev server exited after restart"


async def test_suggestion_and_its_timers_survive_a_server_restart(tmp_path: Path, settings):
    """make run's promise: restart the embedded server on its file, every item and timer is still there."""
    from concurrent.futures import ThreadPoolExecutor

    from temporalio.api.enums.v1 import EventType
    from temporalio.contrib.pydantic import pydantic_data_converter

    from domain.commands import SignForReceipt
    from domain.enums import DeadlineKind, Stage
    from services.register import start_suggestion
    from tests.helpers import Item, first_task_upserts, handler, new_suggestion
    from worker import build_worker
    from workflows.suggestion import SuggestionWorkflow

    db, port = tmp_path / "temporal.db", free_port()
    number = f"R{uuid.uuid4().hex[:8]}"

    async def connect() -> Client:
        return await Client.connect(f"127.0.0.1:{port}", data_converter=pydantic_data_converter)

    with dev_server(db, port) as proc, ThreadPoolExecutor(4) as executor:
        await wait_for_port("127.0.0.1", port, timeout=30, process=proc)
        client = await connect()
        async with build_worker(client, settings, executor):
            started = await start_suggestion(client, settings.temporal_task_queue, new_suggestion(number))
            handle = client.get_workflow_handle(started.workflow_id)
            # Started with its search attributes, as the API starts it: its first task upserts none (this
            # server, unlike the time-skipping one, drops the empty list of units from the start).
            assert not await first_task_upserts(handle)
            item = Item(None, handle)
            before = await item.accept_and_assign(lead="U01")
    reply_due = before.pending_deadline(DeadlineKind.reply, "U01").due_at

    with dev_server(db, port) as proc, ThreadPoolExecutor(4) as executor:
        await wait_for_port("127.0.0.1", port, timeout=30, process=proc)
        client = await connect()
        handle = client.get_workflow_handle(f"suggestion-2026-{number}")
        assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
        history = await handle.fetch_history()
        started = {e.event_id for e in history.events if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED}
        ended = {
            e.timer_fired_event_attributes.started_event_id or e.timer_canceled_event_attributes.started_event_id
            for e in history.events
            if e.event_type in (EventType.EVENT_TYPE_TIMER_FIRED, EventType.EVENT_TYPE_TIMER_CANCELED)
        }
        assert started - ended, "the pending deadline timer is gone"
        async with build_worker(client, settings, executor):
            after = await handle.query(SuggestionWorkflow.get_state)
            assert after.stage == Stage.handling
            assert after.pending_deadline(DeadlineKind.reply, "U01").due_at == reply_due
            # And it still takes actions after the restart.
            state = await Item(None, handle).do(SignForReceipt(actor=handler("U01")))
            assert state.assignment("U01").signed_at is not None
