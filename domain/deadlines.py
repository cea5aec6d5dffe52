"""Deadline maths (期限计算): from a clock's start and rule to the instant it runs out,
and the instants of its reminder ladder (提醒梯次)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from domain.calendar import (
    SHANGHAI,
    WorkingCalendar,
    add_months,
    end_of_day,
    local_date,
)
from domain.enums import Rung
from domain.models import LadderStep, Model, Pause
from domain.policy import DrillScale, Duration, Ladder

NOTICE_TIME = time(9, 0)  # reminders go out at the start of a Beijing working morning


class Schedule(Model):
    due_at: datetime
    ladder: list[LadderStep]


def due_instant(start: datetime, rule: Duration, calendar: WorkingCalendar) -> datetime:
    """The last instant of a clock: 23:59:59 Beijing time of its last day, in UTC.

    Months count calendar months with month-end clamping, days count calendar
    days; either way a last day off work moves to the next working day.
    Working days count official working days after the start day.
    """
    return end_of_day(_after(local_date(start), rule, calendar))


def _after(day: date, rule: Duration, calendar: WorkingCalendar) -> date:
    if rule.unit == "working_days":
        return calendar.add_working_days(day, rule.amount)
    if rule.unit == "months":
        return calendar.roll_forward(add_months(day, rule.amount))
    return calendar.roll_forward(day + timedelta(days=rule.amount))


def _before(day: date, rule: Duration, calendar: WorkingCalendar) -> date:
    if rule.unit == "working_days":
        return calendar.subtract_working_days(day, rule.amount)
    if rule.unit == "months":
        return add_months(day, -rule.amount)
    return day - timedelta(days=rule.amount)


def _morning(day: date) -> datetime:
    return datetime.combine(day, NOTICE_TIME, SHANGHAI).astimezone(timezone.utc)


def schedule(
    start: datetime,
    rule: Duration | None,
    ladder: Ladder | None,
    pauses: list[Pause],
    drill: DrillScale | None,
    calendar: WorkingCalendar,
    on: date | None = None,
) -> Schedule:
    """When a clock runs out, shifted by its finished pauses, and when each rung of its ladder fires.
    A clock with a fixed last day (`on`, e.g. a commitment date) ignores the rule."""
    if drill and not on:
        return _drill_schedule(start, rule, ladder, pauses, drill)
    last_day = calendar.roll_forward(on) if on else _after(local_date(start), rule, calendar)
    for pause in pauses:
        if pause.resumed_at:
            # The clock stood still for the working days it was paused.
            stood = calendar.working_days_between(local_date(pause.paused_at), local_date(pause.resumed_at))
            if stood > 0:
                last_day = calendar.add_working_days(last_day, stood)
    steps = []
    if ladder and ladder.blue:
        steps.append(LadderStep(rung=Rung.blue, at=_morning(_before(last_day, ladder.blue, calendar))))
    if ladder and ladder.orange:
        steps.append(LadderStep(rung=Rung.orange, at=_morning(_before(last_day, ladder.orange, calendar))))
    if ladder and ladder.escalate_after:
        steps.append(LadderStep(rung=Rung.escalation, at=end_of_day(_after(last_day, ladder.escalate_after, calendar))))
    return Schedule(due_at=end_of_day(last_day), ladder=steps)


def _drill_schedule(
    start: datetime, rule: Duration, ladder: Ladder | None, pauses: list[Pause], drill: DrillScale
) -> Schedule:
    def length(duration: Duration) -> timedelta:
        unit = drill.month_seconds if duration.unit == "months" else drill.day_seconds
        return timedelta(seconds=duration.amount * unit)

    due = start + length(rule)
    for pause in pauses:
        if pause.resumed_at:
            due += pause.resumed_at - pause.paused_at
    steps = []
    if ladder and ladder.blue:
        steps.append(LadderStep(rung=Rung.blue, at=due - length(ladder.blue)))
    if ladder and ladder.orange:
        steps.append(LadderStep(rung=Rung.orange, at=due - length(ladder.orange)))
    if ladder and ladder.escalate_after:
        steps.append(LadderStep(rung=Rung.escalation, at=due + length(ladder.escalate_after)))
    return Schedule(due_at=due, ladder=steps)
