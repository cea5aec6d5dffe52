"""The worker process: runs suggestion workflows and their activities.

    python worker.py    # against TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE and HUIYIN_DATABASE_URL
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities.recording import RecordingActivities
from activities.scheduling import SchedulingActivities
from core.logs import configure_logging
from core.settings import Settings, get_settings
from core.telemetry import ItemLogInterceptor, worker_runtime
from core.temporal import connect
from ledger.db import session_factory
from ledger.schema import upgrade_database
from ledger.writes import LedgerWriter
from notify.dispatcher import Dispatcher
from workflows.by_kind import ALL_WORKFLOWS


def build_worker(client: Client, settings: Settings, executor: ThreadPoolExecutor) -> Worker:
    recording = RecordingActivities(LedgerWriter(session_factory(settings.huiyin_database_url)))
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=ALL_WORKFLOWS,
        activities=[SchedulingActivities(settings.huiyin_config_dir).compute_schedules, recording.record_changes],
        activity_executor=executor,
        # Running items are not sandboxed: with the workflow module shared the sandbox restricted nothing of
        # ours and still cost CPU on every payload (bench/README.md); the strict replays (workflows.sandbox)
        # catch what it would.
        workflow_runner=UnsandboxedWorkflowRunner(),
        interceptors=[ItemLogInterceptor()],
        max_cached_workflows=settings.huiyin_worker_max_cached_workflows,
        max_concurrent_workflow_task_polls=settings.huiyin_worker_workflow_task_polls or None,
        max_concurrent_workflow_tasks=settings.huiyin_worker_workflow_tasks,
    )


async def main() -> None:
    settings = get_settings()
    configure_logging(settings.huiyin_log_level, settings.huiyin_log_format)
    upgrade_database(settings.huiyin_database_url)
    runtime = worker_runtime(settings)
    if settings.huiyin_worker_metrics_port:
        logging.info("worker metrics on %s:%s/metrics", settings.huiyin_metrics_host, settings.huiyin_worker_metrics_port)
    client = await connect(settings, runtime=runtime)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # Notifications go out from the outbox the ledger writes fill (notify/dispatcher.py).
    notifier = asyncio.create_task(Dispatcher.from_settings(settings).run(stop)) if settings.huiyin_notify_enabled else None
    with ThreadPoolExecutor(max_workers=settings.huiyin_worker_activity_threads) as executor:
        worker = build_worker(client, settings, executor)
        # What start-up made lives as long as the process: the collector need not walk it again and again
        # (bench/README.md).
        gc.collect()
        gc.freeze()
        async with worker:
            logging.info("worker polling task queue %r on %s", settings.temporal_task_queue, settings.temporal_address)
            await stop.wait()
            logging.info("worker shutting down: finishing the tasks in hand")
    if notifier is not None:
        await notifier  # returns once `stop` is set and the pass in hand is done


if __name__ == "__main__":
    asyncio.run(main())
