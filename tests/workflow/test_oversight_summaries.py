"""The Temporal UI as the oversight desk (监督台): an item says what it is in Chinese — a summary at start, its
current details as it moves (through a year end too), a summary on every timer and activity."""

from __future__ import annotations

import re
from datetime import timedelta

from temporalio.api.enums.v1 import EventType
from temporalio.api.sdk.v1 import WorkflowMetadata

from domain import commands as c
from domain.calendar import local_date
from domain.enums import DeadlineKind, ResultClass, Rung, Stage, Verdict
from domain.follow_up import year_end
from domain.models import Commitment
from tests.helpers import COORDINATOR, Item, handler, head, new_suggestion
from workflows import search_attributes as sa

TITLE = "关于加强老旧小区加装电梯的建议"


async def current_details(item: Item) -> str:
    """What the UI shows as the item's current details (the SDK's built-in metadata query)."""
    metadata = await item.handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    return metadata.current_details


async def summaries(item: Item, run_id: str | None = None) -> dict[str, list[str]]:
    """The summaries on the item's timers and local activities, decoded as the UI decodes them."""
    client = item.env.client
    handle = client.get_workflow_handle(item.handle.id, run_id=run_id)
    found: dict[str, list[str]] = {"timers": [], "activities": []}
    async for event in handle.fetch_history_events():
        if not event.HasField("user_metadata") or not event.user_metadata.HasField("summary"):
            continue
        [text] = await client.data_converter.decode([event.user_metadata.summary], [str])
        if event.event_type == EventType.EVENT_TYPE_TIMER_STARTED:
            found["timers"].append(text)
        elif event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
            found["activities"].append(text)
    return found


async def test_an_item_reads_in_chinese_through_its_stages_and_across_a_year_end(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    state = await item.state()
    description = await item.handle.describe()
    assert await description.static_summary() == f"{state.year}年第{number}号 {TITLE}"
    details = await current_details(item)
    assert details.startswith(f"**{state.year}年第{number}号 {TITLE}**")
    assert "办理阶段：已登记" in details and "当前承办：交办督办机构（审查、交办）" in details
    assert "主办单位：尚未交办" in details and "重点督办：否" in details

    state = await item.accept_and_assign(lead="U01")
    due = local_date(state.reply_due_at()).isoformat()
    details = await current_details(item)
    assert "办理阶段：办理中" in details and "当前承办：承办单位 U01" in details
    assert f"答复期限：{due}" in details and "预警等级：正常" in details
    line = (await item.handle.describe()).typed_search_attributes.get(sa.ITEM_LINE)
    assert line == f"{state.year}年第{number}号 · 办理中 · 正常 · 主办U01"  # the list's line: nothing personal
    seen = await summaries(item)
    assert "计算期限" in seen["activities"] and "写入台账" in seen["activities"]
    # A timer names the clock it waits for, that clock's last day, the rung and the unit: first the window for
    # asking to be relieved of the item, later the reply clock's first reminder.
    assert re.fullmatch(r"申请调整期限 \d{4}-\d{2}-\d{2} · 橙色预警（U01）", seen["timers"][-1]), seen["timers"]
    blue = state.pending_deadline(DeadlineKind.reply, "U01").ladder[0]
    assert blue.rung == Rung.blue
    await item.pass_until(blue.at)
    assert f"答复期限 {due} · 蓝色提醒（U01）" in (await summaries(item))["timers"]
    assert "预警等级：蓝色提醒" in await current_details(item)

    await item.prepare_reply("U01")
    target = local_date(await item.now()) + timedelta(days=400)
    await item.do(c.DraftReply(actor=handler("U01"), text="已列入明年计划。", result_class=ResultClass.B,
                               commitments=[Commitment(what="完成首批加装", due_on=target)], face_to_face=True,
                               replied_by="局长 王某", publish=False, no_publish_reason="涉及未公开的预算安排"))
    details = await current_details(item)
    assert "办理阶段：答复审核中" in details and "当前承办：承办单位负责人 U01（签发答复）" in details
    await item.do(c.SignOffReply(actor=head("U01")))
    assert "当前承办：交办督办机构（审核答复）" in await current_details(item)
    await item.do(c.CheckReply(actor=COORDINATOR, accept=True, unit="U01"))
    assert "当前承办：代表（满意度评价）" in await current_details(item)
    state = await item.rate(Verdict.satisfied)
    assert state.stage == Stage.follow_up
    assert "办理阶段：跟踪落实" in await current_details(item)

    # Across the year end (continue-as-new): the new run tells the same story, with one carry-over more.
    first_run = (await item.handle.describe()).run_id
    end, year = year_end(state), state.handling_year
    state = await item.pass_until(end)
    assert state.handling_year == year + 1
    details = await current_details(item)
    assert f"办理年度：{year + 1}年（{state.year}年提出，已结转1次）" in details and "办理阶段：跟踪落实" in details
    assert details.startswith(f"**{state.year}年第{number}号 {TITLE}**")
    described = await item.handle.describe()
    assert described.run_id != first_run
    assert re.fullmatch(rf"{state.year}年第{number}号 · 跟踪落实 · \S+ · 主办U01 · 结转1次",
                        described.typed_search_attributes.get(sa.ITEM_LINE))
    timers = (await summaries(item))["timers"]  # the new run's: it carries the patch marker of its own
    assert timers and all(re.search(r"(期限|年度结转) \d{4}-\d{2}-\d{2}", t) for t in timers), timers
