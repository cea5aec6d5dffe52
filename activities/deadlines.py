"""Deadline computation as a local activity: the calendar comes from files an operator maintains."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from temporalio import activity

from domain.deadlines import due_instant
from domain.policy import Duration
from huiyin.config_files import load_calendar


class DueRequest(BaseModel):
    start: datetime
    rule: Duration


@activity.defn
async def compute_due_instants(requests: list[DueRequest]) -> list[datetime]:
    calendar = load_calendar()
    return [due_instant(r.start, r.rule, calendar) for r in requests]
