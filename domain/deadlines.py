"""Deadline maths (期限计算): from a clock's start and rule to the instant it runs out."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.calendar import WorkingCalendar, add_months, end_of_day, local_date
from domain.policy import Duration


def due_instant(start: datetime, rule: Duration, calendar: WorkingCalendar) -> datetime:
    """The last instant of a clock: 23:59:59 Beijing time of its last day, in UTC.

    Months count calendar months with month-end clamping, days count calendar
    days; either way a last day off work moves to the next working day.
    Working days count official working days after the start day.
    """
    first = local_date(start)
    if rule.unit == "working_days":
        last = calendar.add_working_days(first, rule.amount)
    elif rule.unit == "months":
        last = calendar.roll_forward(add_months(first, rule.amount))
    else:
        last = calendar.roll_forward(first + timedelta(days=rule.amount))
    return end_of_day(last)
