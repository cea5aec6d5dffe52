"""Deadline computation as a local activity: the calendar comes from files an operator maintains."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from temporalio import activity

from domain.deadlines import Schedule, schedule
from domain.models import Pause
from domain.policy import DrillScale, Duration, Ladder
from huiyin.config_files import load_calendar


class DueRequest(BaseModel):
    start: datetime
    rule: Duration
    ladder: Ladder | None = None
    pauses: list[Pause] = []
    drill: DrillScale | None = None


@activity.defn
async def compute_schedules(requests: list[DueRequest]) -> list[Schedule]:
    calendar = load_calendar()
    return [schedule(r.start, r.rule, r.ladder, r.pauses, r.drill, calendar) for r in requests]
