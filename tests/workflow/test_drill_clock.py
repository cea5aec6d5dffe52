"""One rehearsal clock for the whole system (演练): under a drill profile every item of a rehearsed year
carries over at the same instant, however far apart they were registered."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy import select

from core.config_files import load_policy, with_drill_clock
from domain.follow_up import year_end
from ledger.rows import EventRow
from tests.helpers import Item, new_suggestion


@asynccontextmanager
async def ended_afterwards(items: list[Item]):
    """Drill items live on a minutes-long year: left running on the shared time-skipping server, every later
    test's skip of a month would play hundreds of their years. They end with the test."""
    try:
        yield items
    finally:
        for item in items:
            await item.handle.terminate("drill test over")


async def test_every_item_of_a_rehearsed_year_carries_over_at_once(time_env, worker, settings, sessions, number):
    async with ended_afterwards([]) as items:
        await _check_one_year_end(time_env, settings, sessions, number, items)


async def _check_one_year_end(time_env, settings, sessions, number, items: list[Item]):
    epoch = await time_env.get_current_time()
    policy = with_drill_clock(load_policy("drill"), epoch)  # as registration stamps it (services.register)
    year_length = timedelta(seconds=12 * policy.drill.month_seconds)  # 24 minutes
    for n in range(3):  # registered 0, 7 and 14 minutes into the rehearsed year
        items.append(await Item.start(time_env, settings.temporal_task_queue,
                                      new_suggestion(f"{number}-{n}").model_copy(update={"policy": policy})))
        await items[-1].accept_and_assign(lead="U01")
        await time_env.sleep(timedelta(minutes=7))
    states = [await item.state() for item in items]
    assert {year_end(s) for s in states} == {epoch + year_length}  # one year end for all

    await time_env.sleep(epoch + year_length + timedelta(minutes=1) - await time_env.get_current_time())
    with sessions() as session:
        moved = session.execute(select(EventRow.workflow_id, EventRow.at).where(
            EventRow.workflow_id.in_([item.handle.id for item in items]), EventRow.action == "carried_over")).all()
    assert len(moved) == 3
    instants = [at for _, at in moved]
    assert max(instants) - min(instants) < timedelta(seconds=2)
    assert abs(min(instants) - (epoch + year_length)) < timedelta(seconds=2)
    assert {(await item.state()).handling_year for item in items} == {states[0].year + 1}


async def test_items_from_before_the_shared_clock_keep_their_own_years(time_env, worker, settings, number):
    """A drill item registered before epochs were stamped (its policy has none) counts from its registration."""
    policy = load_policy("drill")
    assert policy.drill.epoch is None
    item = await Item.start(time_env, settings.temporal_task_queue,
                            new_suggestion(number).model_copy(update={"policy": policy}))
    async with ended_afterwards([item]):
        state = await item.state()
    assert year_end(state) == state.registered_at + timedelta(seconds=12 * policy.drill.month_seconds)
