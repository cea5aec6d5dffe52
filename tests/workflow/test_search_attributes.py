"""The oversight attributes in the Temporal UI: given at start, upserted only when they change."""

from __future__ import annotations

from domain.calendar import local_date
from domain.models import suggestion_workflow_id
from tests.helpers import Item, first_task_upserts, new_suggestion, upserted
from workflows import search_attributes as sa
from workflows.suggestion import SuggestionWorkflow


async def test_an_item_started_with_its_attributes_upserts_none_at_first_and_then_only_changes(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))  # gives them at start
    await item.state()
    assert not await first_task_upserts(item.handle)
    shown = (await item.handle.describe()).typed_search_attributes
    assert shown.get(sa.STAGE) == "registered" and shown.get(sa.FIELD) == "urban_management"
    assert shown.get(sa.CARRY_OVER_COUNT) == 0 and shown.get(sa.LEAD_UNIT) is None

    await item.accept_and_assign(lead="U01", co=["U02"])
    history = await item.handle.fetch_history()
    assert sum(bool(upserted(e)) for e in history.events) == 1  # the assignment; accepting changed none
    shown = (await item.handle.describe()).typed_search_attributes
    assert shown.get(sa.STAGE) == "handling" and shown.get(sa.LEAD_UNIT) == "U01"
    assert shown.get(sa.UNITS) == ["U01", "U02"] and shown.get(sa.REPLY_DUE_AT) is not None


async def test_an_item_started_without_attributes_shows_them_from_its_first_task(time_env, worker, settings, number):
    year = local_date(await time_env.get_current_time()).year  # as Item.start: no years to carry over first
    new = new_suggestion(number).model_copy(update={"year": year})
    handle = await time_env.client.start_workflow(
        SuggestionWorkflow.run, new, id=suggestion_workflow_id(new.year, new.number), task_queue=settings.temporal_task_queue,
    )
    await handle.query(SuggestionWorkflow.get_state)
    assert await first_task_upserts(handle)
    shown = (await handle.describe()).typed_search_attributes
    assert shown.get(sa.STAGE) == "registered" and shown.get(sa.SUGGESTION_YEAR) == new.year
