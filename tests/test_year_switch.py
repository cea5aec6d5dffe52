"""The year-end switch on the real dev server: a drill profile makes a handling year last
twelve seconds, so items continue-as-new while staff keep acting on them."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from core.config_files import load_policy
from domain import commands as c
from domain.enums import ContactWay, Stage
from domain.policy import DrillScale
from huiyin.devserver import wait_for_port
from tests.devserver import connect_when_ready, dev_server, free_port
from tests.helpers import Item, handler, new_suggestion
from worker import build_worker
from workflows.suggestion import SuggestionWorkflow as W

# A month lasts one second: a handling year ends twelve seconds after registration.
FAST_YEARS = load_policy("national").model_copy(update={"drill": DrillScale(month_seconds=1, day_seconds=1)})


@pytest.fixture(scope="module")
async def dev(tmp_path_factory, settings):
    own = settings.model_copy(update={"temporal_task_queue": "year-switch"})
    port = free_port()
    with dev_server(tmp_path_factory.mktemp("dev") / "temporal.db", port) as proc, ThreadPoolExecutor(8) as executor:
        await wait_for_port("127.0.0.1", port, timeout=30, process=proc)
        client = await connect_when_ready(port)
        async with build_worker(client, own, executor):
            yield client, own.temporal_task_queue


async def start(dev, number: str, policy=FAST_YEARS) -> Item:
    client, task_queue = dev
    new = new_suggestion(number).model_copy(update={"policy": policy, "year": 2026})
    handle = await client.start_workflow(W.run, new, id=f"suggestion-2026-{number}", task_queue=task_queue)
    item = Item(None, handle)
    await item.accept_and_assign(lead="U01")
    return item


async def contact(item: Item, n: int, when, retries: int = 0) -> str:
    """One action: applied, or refused with the retryable "try again" during the switch."""
    cmd = c.LogContact(actor=handler("U01"), when=when, way=ContactWay.phone, summary=f"第{n}次电话沟通")
    for _ in range(retries + 1):
        try:
            await item.handle.execute_update("log_contact", cmd)
            return "applied"
        except WorkflowUpdateFailedError as failure:
            assert isinstance(failure.cause, ApplicationError) and failure.cause.type == "retry", failure.cause
            await asyncio.sleep(0.1)
    return "retry"


async def test_an_action_during_the_year_end_switch_is_applied_or_refused_never_dropped(dev, number):
    item = await start(dev, number)
    when = (await item.handle.query(W.get_state)).registered_at
    outcomes = []
    n = 0
    while (await item.handle.query(W.get_state)).carry_over_count < 2:  # across two year ends
        outcomes.append((await contact(item, n, when), n))
        n += 1
    state = await item.handle.query(W.get_state)
    applied = {f"第{k}次电话沟通" for outcome, k in outcomes if outcome == "applied"}
    assert applied and {x.summary for x in state.contacts} == applied  # everything applied is there, nothing else
    assert state.handling_year == 2028 and state.stage == Stage.handling
    assert (await item.handle.describe()).run_id != item.handle.run_id  # same id, a new run


async def test_thousands_of_actions_continue_as_new_before_the_history_limit(dev, number):
    slow_years = load_policy("national").model_copy(update={"drill": None})
    item = await start(dev, number, slow_years)
    first_run = (await item.handle.describe()).run_id
    when = (await item.handle.query(W.get_state)).registered_at
    for batch in range(0, 2100, 8):  # the server takes at most 10 updates in flight per item
        results = await asyncio.gather(*(contact(item, k, when, retries=50) for k in range(batch, min(batch + 8, 2100))))
        assert set(results) == {"applied"}
    state = await item.handle.query(W.get_state)
    assert len(state.contacts) == 2100 and state.stage == Stage.handling
    assert (await item.handle.describe()).run_id != first_run  # a fresh run took over with the whole state
    history = await item.handle.fetch_history()
    assert len(history.events) < 20_000
