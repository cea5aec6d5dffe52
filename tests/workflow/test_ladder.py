"""Deadlines that bite: every rung of the reminder ladder, escalation and key supervision,
and the ladder moving with extension, reassignment, pause and calendar revision."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from core.config_files import load_calendar
from domain import commands as c
from domain.calendar import SHANGHAI, end_of_day, local_date
from domain.deadlines import due_instant
from domain.enums import DeadlineKind, Rung, RungStatus, SupervisionActionKind
from domain.models import CalendarRevision
from domain.policy import Duration
from tests.helpers import COORDINATOR, SUPERVISOR, Item, handler, new_suggestion
from worker import build_worker
from workflows import search_attributes as sa
from workflows.suggestion import SuggestionWorkflow as W


def actions(state) -> list[str]:
    return [e.action for e in state.events]


def events(state, action: str, deadline: str | None = None):
    return [e for e in state.events if e.action == action and deadline in (None, e.detail.get("deadline"))]


def steps(deadline) -> dict[Rung, object]:
    return {s.rung: s for s in deadline.ladder}


async def warning_attribute(item: Item) -> str:
    return (await item.handle.describe()).typed_search_attributes.get(sa.WARNING_LEVEL)


async def test_reply_clock_climbs_every_rung_then_key_supervision(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    state = await item.accept_and_assign(lead="U01")
    reply = state.pending_deadline(DeadlineKind.reply, "U01")
    ladder = steps(reply)
    due_day = local_date(reply.due_at)
    calendar = load_calendar()
    # Blue 15 days and orange 5 days before, at 09:00 Beijing; escalation 10 working days after.
    assert ladder[Rung.blue].at.astimezone(SHANGHAI).replace(tzinfo=None).isoformat() == f"{due_day - timedelta(days=15)}T09:00:00"
    assert local_date(ladder[Rung.orange].at) == due_day - timedelta(days=5)
    assert ladder[Rung.escalation].at == end_of_day(calendar.add_working_days(due_day, 10))
    set_event = events(state, "deadline_set")[-1]
    assert set_event.detail["ladder"]["blue"] == ladder[Rung.blue].at.isoformat()

    state = await item.pass_until(ladder[Rung.blue].at)
    assert actions(state)[-1] == "reminder_blue" and state.warning_level == "blue"
    blue = events(state, "reminder_blue", reply.key)[0]
    assert blue.detail["notify"]["roles"] == ["unit_handler", "unit_head"] and blue.detail["notify"]["units"] == ["U01"]
    assert await warning_attribute(item) == "blue"

    state = await item.pass_until(ladder[Rung.orange].at)
    orange = events(state, "reminder_orange", reply.key)[0]
    assert "coordinator" in orange.detail["notify"]["roles"] and state.warning_level == "orange"

    state = await item.pass_until(reply.due_at)
    assert state.overdue and state.warning_level == "red" and "reply_overdue" in actions(state)
    assert await warning_attribute(item) == "red"
    assert state.key is None  # not yet: escalation comes 10 working days later

    state = await item.pass_until(ladder[Rung.escalation].at)
    assert state.interview_due and state.key.status == "proposed" and state.key.source == "overdue"
    assert {"interview_due", "key_supervision_proposed"} <= set(actions(state))
    assert len(events(state, "reminder_blue", reply.key)) == 1  # each rung once
    assert len(events(state, "reminder_orange", reply.key)) == 1

    # The coordinator confirms the chairperson's council's decision; monthly reports start.
    state = await item.do(c.DesignateKeySupervision(
        actor=COORDINATOR, council_member="副主任 陈某", government_leader="副市长 李某", theme="老旧小区改造"))
    assert state.key_supervision and state.key.theme == "老旧小区改造"
    assert (await item.handle.describe()).typed_search_attributes.get(sa.KEY_SUPERVISION) is True
    report = state.pending_deadline(DeadlineKind.key_report, "U01")
    assert report.rule == "1 month"
    state = await item.do(c.ReportKeyProgress(actor=handler("U01"), text="已完成方案论证"))
    assert state.key.reports[-1].late is False
    next_report = state.pending_deadline(DeadlineKind.key_report, "U01")
    assert next_report.key != report.key
    state = await item.pass_until(next_report.due_at)
    assert "key_report_missed" in actions(state)
    assert state.pending_deadline(DeadlineKind.key_report, "U01") is not None  # the next month's clock runs
    state = await item.do(c.RecordSupervisionAction(
        actor=SUPERVISOR, kind=SupervisionActionKind.interview, when=await item.now(), summary="约谈局长"))
    assert not state.interview_due
    state = await item.do(c.AddSupervisionOpinion(actor=SUPERVISOR, text="请加快进度"))
    assert state.key.opinions[-1].text == "请加快进度"
    await item.refused(c.AddSupervisionOpinion(actor=COORDINATOR, text="x"), "forbidden", "supervisor")
    await item.refused(c.DesignateKeySupervision(
        actor=COORDINATOR, council_member="x", government_leader="y"), "conflict", "already under key supervision")


async def test_a_reply_before_a_rung_cancels_the_rest(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    state = await item.accept_and_assign(lead="U01")
    reply = state.pending_deadline(DeadlineKind.reply, "U01")
    state = await item.pass_until(steps(reply)[Rung.blue].at)
    assert state.warning_level == "blue"
    await item.prepare_reply("U01")
    state = await item.reply("U01")
    done = next(d for d in state.deadlines if d.key == reply.key)
    assert done.status == "met" and state.warning_level == "none"
    assert steps(done)[Rung.orange].status == RungStatus.cancelled
    assert steps(done)[Rung.escalation].status == RungStatus.cancelled
    await item.refused(c.DeclineKeySupervision(actor=COORDINATOR, reason="x"), "conflict", "no key-supervision proposal")
    state = await item.pass_until(done.due_at + timedelta(days=20))
    assert not events(state, "reminder_orange", reply.key) and "reply_overdue" not in actions(state)


async def test_extension_moves_every_later_rung(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    state = await item.accept_and_assign(lead="U01")
    first = state.pending_deadline(DeadlineKind.reply, "U01")
    await item.pass_until(steps(first)[Rung.blue].at)
    await item.do(c.RequestExtension(actor=handler("U01"), reason="涉及面广"))
    state = await item.do(c.DecideExtension(actor=COORDINATOR, approve=True))
    old = next(d for d in state.deadlines if d.key == first.key)
    new = state.pending_deadline(DeadlineKind.reply, "U01")
    assert old.status == "superseded" and all(s.status != RungStatus.pending for s in old.ladder)
    assert steps(new)[Rung.blue].at > old.due_at and steps(new)[Rung.blue].status == RungStatus.pending
    moved = events(state, "deadline_set")[-1]
    assert moved.detail["replaces"] == old.key and moved.detail["due_at"] == new.due_at.isoformat()
    assert state.warning_level == "none"
    state = await item.pass_until(old.due_at + timedelta(days=1))
    assert not events(state, "reminder_orange", old.key) and not state.overdue
    state = await item.pass_until(steps(new)[Rung.orange].at)
    assert len(events(state, "reminder_orange", new.key)) == 1


async def test_reassignment_starts_a_new_ladder_for_the_new_unit(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    state = await item.accept_and_assign(lead="U01")
    old = state.pending_deadline(DeadlineKind.reply, "U01")
    await item.do(c.RequestAdjustment(actor=handler("U01"), reason="非本单位职责"))
    await item.pass_days(2)
    state = await item.do(c.DecideAdjustment(actor=COORDINATOR, unit="U01", approve=True, new_unit="U02"))
    withdrawn = next(d for d in state.deadlines if d.key == old.key)
    assert withdrawn.status == "cancelled" and all(s.status == RungStatus.cancelled for s in withdrawn.ladder)
    new = state.pending_deadline(DeadlineKind.reply, "U02")
    assert new.start > old.start and new.due_at == due_instant(new.start, Duration.parse("3 months"), load_calendar())
    assert steps(new)[Rung.blue].status == RungStatus.pending
    state = await item.pass_until(steps(new)[Rung.blue].at)
    assert [e.unit for e in events(state, "reminder_blue")] == ["U02"]
    assert not events(state, "reminder_blue", old.key)


async def test_pause_shifts_deadlines_by_the_paused_working_time(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    state = await item.accept_and_assign(lead="U01")
    before = state.pending_deadline(DeadlineKind.reply, "U01")
    await item.pass_days(10)
    state = await item.do(c.PauseClock(actor=COORDINATOR, reason="等待代表补充材料"))
    paused_at = await item.now()
    assert state.pending_deadline(DeadlineKind.reply, "U01").paused
    await item.refused(c.PauseClock(actor=COORDINATOR, reason="again"), "conflict", "no running")
    await item.refused(c.PauseClock(actor=handler("U01"), reason="x"), "forbidden", "coordinator")
    await item.pass_days(14)
    state = await item.do(c.ResumeClock(actor=COORDINATOR, reason="代表已补充"))
    resumed_at = await item.now()
    after = state.pending_deadline(DeadlineKind.reply, "U01")
    calendar = load_calendar()
    stood = calendar.working_days_between(local_date(paused_at), local_date(resumed_at))
    assert stood >= 9
    assert after.due_at == end_of_day(calendar.add_working_days(local_date(before.due_at), stood))
    assert steps(after)[Rung.blue].at > steps(before)[Rung.blue].at
    moved = events(state, "deadline_moved")
    assert moved and moved[0].detail["old_due_at"] == before.due_at.isoformat()
    assert moved[0].detail["due_at"] == after.due_at.isoformat()
    await item.refused(c.ResumeClock(actor=COORDINATOR), "conflict", "no paused clock")


async def test_paused_clock_does_not_run_out(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    state = await item.accept_and_assign(lead="U01")
    due = state.pending_deadline(DeadlineKind.reply, "U01").due_at
    await item.do(c.PauseClock(actor=COORDINATOR, reason="等待代表澄清", unit="U01"))
    state = await item.pass_until(due + timedelta(days=5))
    assert not state.overdue and "reminder_blue" not in actions(state)


async def test_calendar_revision_moves_only_the_affected_deadlines(time_env, settings, number, tmp_path):
    # A worker of its own, reading holidays from a config dir this test may change.
    config = tmp_path / "config"
    shutil.copytree(settings.huiyin_config_dir, config)
    own = settings.model_copy(update={"huiyin_config_dir": config, "temporal_task_queue": f"cal-{number}"})
    with ThreadPoolExecutor(4) as executor:
        async with build_worker(time_env.client, own, executor):
            item = await Item.start(time_env, own.temporal_task_queue, new_suggestion(number))
            state = await item.accept_and_assign(lead="U01")
            reply = state.pending_deadline(DeadlineKind.reply, "U01")
            window = state.pending_deadline(DeadlineKind.adjustment_window, "U01")
            due_day = local_date(reply.due_at)
            year = due_day.year
            calendar = load_calendar(config)
            days_off = [d for d in (date(year, 1, 1) + timedelta(n) for n in range(366))
                        if d.year == year and not calendar.is_working_day(d) and d.weekday() < 5]
            workdays = [d for d in (date(year, 1, 1) + timedelta(n) for n in range(366))
                        if d.year == year and calendar.is_working_day(d) and d.weekday() >= 5]
            # The State Council's notice for that year, corrected: the due day becomes a holiday.
            quoted = lambda days: ", ".join(f'"{d}"' for d in days)  # noqa: E731
            (config / "holidays" / f"{year}.toml").write_text(
                f"year = {year}\nholidays = [{quoted([*days_off, due_day])}]\nworkdays = [{quoted(workdays)}]\n", "utf-8"
            )
            await item.handle.signal(W.calendar_revised, CalendarRevision(year=year))
            state = await item.pass_days(0.001)
            await item.handle.terminate("test over")  # nobody polls this queue afterwards
    moved = events(state, "deadline_moved")
    assert [e.detail["deadline"] for e in moved] == [reply.key]  # the adjustment window did not change
    new_due = state.pending_deadline(DeadlineKind.reply, "U01").due_at
    assert local_date(new_due) > due_day and moved[0].detail["reason"] == f"holiday calendar {year} revised"
    assert moved[0].detail["old_due_at"] == reply.due_at.isoformat()
    assert state.pending_deadline(DeadlineKind.adjustment_window, "U01").due_at == window.due_at
