"""The worker's side of operations: Temporal SDK metrics for Prometheus, and the item on every activity's log line.

- ``worker_runtime(settings)``: a temporalio Runtime whose metrics (task latencies,
  slots, sticky cache, poll results, activity/workflow failures…) Prometheus scrapes at
  ``http://HUIYIN_METRICS_HOST:HUIYIN_WORKER_METRICS_PORT/metrics``; None when the port is 0.
- ``ItemLogInterceptor``: runs every activity (local ones too, e.g. the ledger write)
  inside huiyin.logs.item_context(workflow id, actor of the events it records).
"""

from __future__ import annotations

import logging
from typing import Any

from temporalio import activity
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from huiyin.logs import item_context
from huiyin.settings import Settings

log = logging.getLogger("huiyin.worker")


def worker_runtime(settings: Settings) -> Runtime | None:
    """A Runtime exporting SDK metrics for Prometheus, or None (metrics off: HUIYIN_WORKER_METRICS_PORT=0)."""
    if not settings.huiyin_worker_metrics_port:
        return None
    address = f"{settings.huiyin_metrics_host}:{settings.huiyin_worker_metrics_port}"
    return Runtime(
        telemetry=TelemetryConfig(
            metrics=PrometheusConfig(bind_address=address, durations_as_seconds=True),
            global_tags={"service": "huiyin-worker"},
        )
    )


def _actor_of(args: Any) -> Any:
    """The actor of the last event an activity records (ItemChanges), if any."""
    for arg in args or ():
        events = getattr(arg, "events", None)
        if events:
            return getattr(events[-1], "actor", None)
    return None


class _ItemActivityInbound(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info = activity.info()
        with item_context(info.workflow_id, _actor_of(input.args)):
            return await self.next.execute_activity(input)


class ItemLogInterceptor(Interceptor):
    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _ItemActivityInbound(next)
