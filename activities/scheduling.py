"""Computing deadlines (计算期限) as the workflows' local activity: the calendar comes from files an operator
maintains (config/holidays), re-read when one changes; the maths is domain.deadlines."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel
from temporalio import activity
from temporalio.exceptions import ApplicationError

from core.config_files import load_calendar
from domain.deadlines import Schedule, schedule
from domain.models import Pause
from domain.policy import DrillScale, Duration, Ladder


class DueRequest(BaseModel):
    start: datetime
    rule: Duration | None = None
    on: date | None = None  # a fixed last day instead of a rule
    ladder: Ladder | None = None
    pauses: list[Pause] = []
    drill: DrillScale | None = None


class SchedulingActivities:
    def __init__(self, config_dir: Path):
        self.config_dir = config_dir

    @activity.defn(name="compute_schedules")  # the name recorded histories hold
    async def compute_schedules(self, requests: list[DueRequest]) -> list[Schedule]:
        calendar = load_calendar(self.config_dir)  # re-read when an operator loads a holiday year
        try:
            return [schedule(r.start, r.rule, r.ladder, r.pauses, r.drill, calendar, r.on) for r in requests]
        except (ValueError, OverflowError) as error:
            # A date no calendar holds (the year 10000 …) fails the same way on every attempt: say so once.
            raise ApplicationError(f"a deadline cannot be computed: {error}", type="invalid", non_retryable=True) from None
