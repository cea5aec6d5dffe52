"""The worker process: runs suggestion workflows and their activities.

    python worker.py    # against TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE and HUIYIN_DATABASE_URL
"""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.deadlines import compute_due_instants
from activities.ledger import LedgerActivities
from huiyin.settings import Settings, get_settings
from huiyin.temporal import connect
from ledger.db import session_factory
from ledger.schema import upgrade_database
from workflows.suggestion import SuggestionWorkflow

# Deterministic modules shared with the sandbox instead of re-imported per workflow run.
PASSTHROUGH = ("domain", "pydantic", "pydantic_core", "annotated_types", "chinese_calendar")


def build_worker(client: Client, settings: Settings, executor: ThreadPoolExecutor) -> Worker:
    ledger = LedgerActivities(session_factory(settings.huiyin_database_url))
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=[SuggestionWorkflow],
        activities=[compute_due_instants, ledger.record_changes],
        activity_executor=executor,
        workflow_runner=SandboxedWorkflowRunner(
            restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH)
        ),
    )


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    upgrade_database(settings.huiyin_database_url)
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=8) as executor:
        worker = build_worker(client, settings, executor)
        async with worker:
            logging.info("worker polling task queue %r on %s", settings.temporal_task_queue, settings.temporal_address)
            await stop.wait()
            logging.info("worker shutting down: finishing the tasks in hand")


if __name__ == "__main__":
    asyncio.run(main())
