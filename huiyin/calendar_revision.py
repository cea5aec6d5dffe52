"""Telling running items that a year's official holidays changed (节假日安排调整).

The operator installs the new holiday file (`huiyin load-holidays`), then every running
suggestion — found by a visibility query — gets the `calendar_revised` signal and computes
its clocks again; each item records only the deadlines that actually moved.
"""

from __future__ import annotations

from temporalio.client import Client

from domain.models import CalendarRevision
from workflows.suggestion import SuggestionWorkflow

RUNNING_SUGGESTIONS = "WorkflowType = 'SuggestionWorkflow' AND ExecutionStatus = 'Running'"


async def announce_calendar_revision(client: Client, year: int) -> int:
    """Signal every running suggestion; returns how many were told."""
    told = 0
    async for execution in client.list_workflows(RUNNING_SUGGESTIONS):
        await client.get_workflow_handle(execution.id).signal(SuggestionWorkflow.calendar_revised, CalendarRevision(year=year))
        told += 1
    return told
