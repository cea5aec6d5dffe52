"""The worker's side of operations: Temporal SDK metrics for Prometheus, and the item on every activity's log line.

- ``worker_runtime(settings)``: a temporalio Runtime whose metrics (task latencies,
  slots, sticky cache, poll results, activity/workflow failures…) Prometheus scrapes at
  ``http://HUIYIN_METRICS_HOST:HUIYIN_WORKER_METRICS_PORT/metrics`` (none when the port is 0).
- ``ItemLogInterceptor``: runs every activity (local ones too, e.g. the ledger write)
  inside core.logs.item_context(workflow id, actor of the events it records).
"""

from __future__ import annotations

import logging
from typing import Any

from temporalio import activity
from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from core.logs import item_context
from core.settings import Settings

log = logging.getLogger("huiyin.worker")


def worker_runtime(settings: Settings) -> Runtime:
    """The worker's Runtime: SDK metrics for Prometheus (unless HUIYIN_WORKER_METRICS_PORT=0), and the SDK core's
    own warnings forwarded into Python logging (logger ``temporalio.core``), so they are JSON lines too."""
    def runtime(metrics: PrometheusConfig | None) -> Runtime:
        return Runtime(
            telemetry=TelemetryConfig(
                logging=LoggingConfig(
                    filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
                    forwarding=LogForwardingConfig(logger=logging.getLogger("temporalio.core")),
                ),
                metrics=metrics,
                global_tags={"service": "huiyin-worker"},
            )
        )

    if not settings.huiyin_worker_metrics_port:
        return runtime(None)
    address = f"{settings.huiyin_metrics_host}:{settings.huiyin_worker_metrics_port}"
    try:
        return runtime(PrometheusConfig(bind_address=address, durations_as_seconds=True))
    except Exception as error:  # e.g. the port is taken: run without metrics rather than not at all
        log.error("worker metrics cannot listen on %s (%s); running without metrics", address, error)
        return runtime(None)


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
