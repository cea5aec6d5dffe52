"""Across years: follow-up of B and C results, carry-over into the next handling year
(continue-as-new, same workflow id), and very long items starting fresh runs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.config_files import load_policy
from domain import commands as c
from domain.calendar import local_date
from domain.enums import DeadlineKind, ResultClass, Stage, Verdict
from domain.follow_up import year_end
from domain.models import Commitment
from ledger.rows import EventRow, SuggestionRow
from tests.helpers import COORDINATOR, Item, first_task_upserts, handler, new_suggestion
from workflows import search_attributes as sa


def ledger_events(sessions, workflow_id: str, action: str) -> list[EventRow]:
    with sessions() as session:
        return list(session.scalars(
            select(EventRow).where(EventRow.workflow_id == workflow_id, EventRow.action == action).order_by(EventRow.seq)
        ))


def projection(sessions, workflow_id: str) -> SuggestionRow:
    with sessions() as session:
        return session.get(SuggestionRow, workflow_id)


async def report(item: Item, unit: str = "U01", **extra):
    return await item.do(c.ReportProgress(actor=handler(unit), text="按计划推进", **extra))


async def test_b_item_over_three_handling_years(time_env, worker, settings, sessions, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    first_year = (await item.state()).handling_year
    target = local_date(await item.now()) + timedelta(days=40)
    await item.reply("U01", ResultClass.B, commitments=[Commitment(what="完成规划编制", due_on=target)])
    state = await item.rate(Verdict.satisfied)
    assert state.stage == Stage.follow_up and state.result_class() == ResultClass.B
    clock = state.pending_deadline(DeadlineKind.follow_up_report, "U01")
    assert clock.on == target  # the commitment date comes before the quarter

    # Report at each due date, quarterly after the commitment, until two year ends have passed.
    reports = 0
    while (state := await item.state()).handling_year < first_year + 2:
        clock = state.pending_deadline(DeadlineKind.follow_up_report, "U01")
        crossing = clock.due_at > year_end(state)
        if crossing:
            end, year = year_end(state), state.handling_year
            state = await item.pass_until(end)
            # At each year end: carried into the next year as the same workflow, on the carry-over ledger.
            assert state.handling_year == year + 1 and state.stage == Stage.follow_up
            # The new run starts with the search attributes the last one showed: it upserts none at first.
            assert not await first_task_upserts(item.env.client.get_workflow_handle(item.handle.id))
            carried = ledger_events(sessions, item.handle.id, "carried_over")[-1]
            assert carried.payload["from_year"] == year and carried.payload["tracked"] is True
            assert carried.payload["result_class"] == "B"
            row = projection(sessions, item.handle.id)
            assert row.state["handling_year"] == year + 1 and row.carry_over_count == state.carry_over_count
            continue
        await item.pass_until(clock.due_at - timedelta(days=1))
        state = await report(item)
        reports += 1
        assert not state.progress[-1].late
        assert state.pending_deadline(DeadlineKind.follow_up_report, "U01").rule == "3 months"
    assert state.carry_over_count == 2 and reports >= 4
    latest = await item.env.client.get_workflow_handle(item.handle.id).describe()  # the id stays; runs change
    assert latest.run_id != item.handle.run_id
    assert latest.typed_search_attributes.get(sa.CARRY_OVER_COUNT) == 2  # each run shows its own attributes
    assert latest.typed_search_attributes.get(sa.SUGGESTION_YEAR) == first_year + 2
    # Year 3: the work is done — re-classified to A, the deputy rates again, and it closes.
    state = await report(item, result_class=ResultClass.A)
    assert state.stage == Stage.awaiting_feedback and state.result_class() == ResultClass.A
    assert [(x.from_class, x.to_class) for x in state.class_changes] == [(None, "B"), ("B", "A")]
    state = await item.rate(Verdict.satisfied)
    assert state.stage == Stage.closed
    final = await item.handle.result()
    assert final.stage == Stage.closed and final.carry_over_count == 2
    assert len(ledger_events(sessions, item.handle.id, "carried_over")) == 2
    assert projection(sessions, item.handle.id).stage == "closed"


async def test_c_item_is_reviewed_yearly_and_missed_reviews_go_red(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    await item.reply("U01", ResultClass.C)
    state = await item.rate(Verdict.basically_satisfied)
    review = state.pending_deadline(DeadlineKind.follow_up_report, "U01")
    assert review.rule == "12 months"
    state = await item.pass_until(review.due_at)
    assert "follow_up_report_missed" in [e.action for e in state.events] and state.warning_level == "red"
    state = await report(item)
    assert state.progress[-1].late is True and state.warning_level == "none"
    # Re-classified to B, it needs commitments and then reports quarterly.
    await item.refused(c.ReportProgress(actor=handler("U01"), text="x", result_class=ResultClass.B),
                       "invalid", "needs the commitments")
    due = local_date(await item.now()) + timedelta(days=300)
    state = await report(item, result_class=ResultClass.B, commitments=[Commitment(what="列入明年预算", due_on=due)])
    assert state.result_class() == ResultClass.B
    assert state.pending_deadline(DeadlineKind.follow_up_report, "U01").rule == "3 months"
    await item.refused(c.ReportProgress(actor=handler("U02"), text="x"), "forbidden", "not assigned")


async def test_migrate_policy_recomputes_future_deadlines(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    state = await item.accept_and_assign(lead="U01")
    before = state.pending_deadline(DeadlineKind.reply, "U01")
    city = load_policy("city_example")
    admin = COORDINATOR.model_copy(update={"role": "admin", "user": "ops"})
    await item.refused(c.MigratePolicy(actor=COORDINATOR, policy=city, reason="x"), "forbidden", "admin")
    state = await item.do(c.MigratePolicy(actor=admin, policy=city, reason="市人大常委会修订办法"))
    after = state.pending_deadline(DeadlineKind.reply, "U01")
    assert state.policy.ref == city.ref and after.policy == city.ref
    assert after.rule == str(city.clocks.reply)
    assert any(e.action == "policy_migrated" and e.detail["to_policy"] == city.ref for e in state.events)
    window = state.pending_deadline(DeadlineKind.adjustment_window, "U01")
    assert window is None or window.rule == str(city.clocks.adjustment_window)
    await item.refused(c.MigratePolicy(actor=admin, policy=city, reason="again"), "conflict", "already runs under")
    assert before.policy == "national@2025.1"
