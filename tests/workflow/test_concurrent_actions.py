"""Actions sent at the same moment are applied one after another, each to the state the one
before left (the handler may reuse its validator's trial only while nothing else has changed)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain import commands as c
from domain.enums import ContactWay
from tests.helpers import Item, handler, new_suggestion


async def test_simultaneous_actions_each_see_the_one_before(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01")
    await item.do(c.SignForReceipt(actor=handler("U01")))
    when = await item.now() - timedelta(hours=1)
    summaries = [f"第{i}次电话沟通" for i in range(6)]
    await asyncio.gather(*(
        item.handle.execute_update("log_contact", c.LogContact(actor=handler("U01"), when=when, way=ContactWay.phone, summary=s))
        for s in summaries
    ))
    state = await item.state()
    assert sorted(x.summary for x in state.contacts) == sorted(summaries)
    logged = [e for e in state.events if e.action == "contact_logged"]
    assert len(logged) == len(summaries)
    assert [e.seq for e in state.events] == list(range(state.events[0].seq, state.last_event_seq + 1))
