"""Replaying live histories against this code (`huiyin replay-check`): any non-determinism is a failure.

The histories of live items of every kind (a visibility query, or named ids) are replayed
with the temporalio Replayer in the strict sandbox (workflows.sandbox), with the client's data
converter, so encrypted histories replay too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Replayer

from core.errors import not_found
from workflows.by_kind import ALL_WORKFLOWS
from workflows.sandbox import sandbox_runner
from workflows.search_attributes import RUNNING_SUGGESTIONS


@dataclass
class ReplayReport:
    checked: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)  # workflow id -> why

    @property
    def ok(self) -> bool:
        return not self.failures


def replayer_for(client: Client, workflows: Sequence[type] | None = None) -> Replayer:
    return Replayer(
        workflows=list(workflows or ALL_WORKFLOWS),
        data_converter=client.data_converter,  # with the payload codec: histories are encrypted
        workflow_runner=sandbox_runner(),
    )


async def replay_check(
    client: Client,
    *,
    query: str | None = None,
    workflow_ids: Sequence[str] = (),
    workflows: Sequence[type] | None = None,
    save_dir: Path | None = None,
    limit: int | None = None,
) -> ReplayReport:
    """Replay histories (those ``query`` finds, every running item by default, or the named ids) with the current
    code; collect every failure."""
    report = ReplayReport()
    run_to_workflow: dict[str, str] = {}
    if save_dir is not None:
        save_dir.mkdir(parents=True, exist_ok=True)

    async def histories() -> AsyncIterator[WorkflowHistory]:
        async for history in _fetch(client, query or RUNNING_SUGGESTIONS, workflow_ids, limit):
            run_to_workflow[history.run_id] = history.workflow_id
            report.checked.append(history.workflow_id)
            if save_dir is not None:
                (save_dir / f"{history.workflow_id}.json").write_text(history.to_json(), encoding="utf-8")
            yield history

    results = await replayer_for(client, workflows).replay_workflows(histories(), raise_on_replay_failure=False)
    for run_id, error in results.replay_failures.items():
        workflow_id = run_to_workflow.get(run_id, run_id)
        report.failures[workflow_id] = f"{type(error).__name__}: {error}"
    return report


async def _fetch(client: Client, query: str, workflow_ids: Sequence[str], limit: int | None) -> AsyncIterator[WorkflowHistory]:
    if workflow_ids:
        for workflow_id in workflow_ids[:limit] if limit else workflow_ids:
            try:
                yield await client.get_workflow_handle(workflow_id).fetch_history()
            except RPCError as error:
                if error.status == RPCStatusCode.NOT_FOUND:
                    raise not_found(f"workflow {workflow_id}") from None
                raise
        return
    count = 0
    async for execution in client.list_workflows(query):
        if limit is not None and count >= limit:
            return
        count += 1
        yield await client.get_workflow_handle(execution.id, run_id=execution.run_id).fetch_history()
