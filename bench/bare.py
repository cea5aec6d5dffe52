"""The bare baseline: minimal workflows doing the same starts, updates, timers, local activities and
continue-as-new as a suggestion, with no ledger, API, notifications, validators or search attributes.

Run by `bench.bare_worker` (the default SDK worker: sandbox, cache 1,000); driven by the benchmarks.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from temporalio import activity, workflow

FAR = timedelta(days=90)  # a reply clock: a timer that is cancelled by the next action


@activity.defn
async def stamp() -> float:
    """The one local activity: returns the wall time it ran at (the side effect's instant)."""
    return time.time()


@workflow.defn
class BareLifecycle:
    """Started, then `updates` updates, each restarting a timer as a suggestion's clocks do; completes after the last."""

    def __init__(self) -> None:
        self.count = 0

    @workflow.run
    async def run(self, updates: int) -> int:
        while self.count < updates:
            seen = self.count
            try:
                await workflow.wait_condition(lambda: self.count != seen, timeout=FAR)
            except asyncio.TimeoutError:
                pass
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.count

    @workflow.update
    async def act(self, action: str) -> int:
        self.count += 1
        return self.count


@workflow.defn
class BareTimer:
    """A timer to one instant; on firing, one local activity; then completes with the activity's wall time."""

    @workflow.run
    async def run(self, at_epoch: float) -> float:
        delay = at_epoch - workflow.now().timestamp()
        if delay > 0:
            await workflow.sleep(delay)
        return await workflow.execute_local_activity(stamp, start_to_close_timeout=timedelta(seconds=30))


@workflow.defn
class BareYear:
    """A timer to the year end; then one local activity and continue-as-new; the new run waits on."""

    @workflow.run
    async def run(self, at_epoch: float, carried: int = 0) -> None:
        if carried:
            await workflow.sleep(FAR)
            return
        delay = at_epoch - workflow.now().timestamp()
        if delay > 0:
            await workflow.sleep(delay)
        await workflow.execute_local_activity(stamp, start_to_close_timeout=timedelta(seconds=30))
        workflow.continue_as_new(args=[at_epoch, 1])


WORKFLOWS = [BareLifecycle, BareTimer, BareYear]
ACTIVITIES = [stamp]


# --- for bench.decompose: the bare lifecycle with one of Huiyin's costs added at a time ----------------

from dataclasses import dataclass  # noqa: E402

from temporalio.common import SearchAttributeKey  # noqa: E402

STAGE = SearchAttributeKey.for_keyword("Stage")  # one of the project's search attributes (registered on the dev server)


@dataclass
class Shape:
    updates: int
    local_activity_bytes: int = -1  # ≥ 0: every update runs one local activity with this much payload
    search_attribute: bool = False  # every update upserts a search attribute
    state_bytes: int = 0  # the start input (and query result) carries this much


@activity.defn
async def echo(payload: str) -> int:
    return len(payload)


@workflow.defn
class BareShaped:
    @workflow.init
    def __init__(self, shape: Shape, state: str = "") -> None:
        self.count = 0
        self.shape, self.state = shape, state

    @workflow.run
    async def run(self, shape: Shape, state: str = "") -> int:
        if shape.search_attribute:
            workflow.upsert_search_attributes([STAGE.value_set("registered")])
        while self.count < shape.updates:
            seen = self.count
            try:
                await workflow.wait_condition(lambda: self.count != seen, timeout=FAR)
            except asyncio.TimeoutError:
                pass
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.count

    @workflow.update
    async def act(self, action: str) -> int:
        self.count += 1
        if self.shape.local_activity_bytes >= 0:
            await workflow.execute_local_activity(echo, "x" * self.shape.local_activity_bytes,
                                                  start_to_close_timeout=timedelta(seconds=30))
        if self.shape.search_attribute:
            workflow.upsert_search_attributes([STAGE.value_set(f"step-{self.count}")])
        return self.count

    @workflow.query
    def get_state(self) -> str:
        return self.state


WORKFLOWS.append(BareShaped)
ACTIVITIES.append(echo)
