"""1. Lifecycle throughput: N suggestions through the HTTP API from registration to closure, against
the bare baseline (start + the same number of updates + completion) on the same server.

    .venv/bin/python -m bench.lifecycle                 # N = 1,000
    .venv/bin/python -m bench.lifecycle --items 200     # quick run

Huiyin: register (start + wait-for-ledger update), then accept, assign, sign-for-receipt,
log-contact, draft-reply, sign-off-reply, check-reply, give-feedback (each an update; every answer is
the item's state read back from the ledger),
through the in-process API (httpx ASGI) with a separate `worker.py`. Bare: start + 9 updates, each
restarting a timer, completing after the last; a separate default SDK worker. Both with the same
number of lifecycles in flight, in rounds that take turns (bare, Huiyin, Huiyin, bare, …) so that
the load of whatever else runs on the machine falls on both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
import uuid

from sqlalchemy import func, select

from bench.bare import BareLifecycle
from bench.common import (
    BareRun,
    bounded,
    connect,
    dev_server,
    interleaved,
    log,
    machine,
    ratio,
    summary,
    workdir,
    write_results,
)
from bench.huiyin_api import ACTIONS, ApiRun

UPDATES_PER_LIFECYCLE = 1 + len(ACTIONS)  # the registration's wait-for-ledger update + 8 actions


class BareSide(BareRun):
    """Start + the same number of updates, each restarting a timer, then completion; the SDK's defaults."""

    def __init__(self, server, client, concurrency: int):
        super().__init__(server, client, "bare-lifecycle")
        self.concurrency = concurrency
        self.run_id = uuid.uuid4().hex[:6]
        self.latencies: list[float] = []
        self.done = 0

    async def lifecycle(self, name: str, record: bool) -> None:
        handle = await self.client.start_workflow(BareLifecycle.run, UPDATES_PER_LIFECYCLE, id=f"bare-{self.run_id}-{name}",
                                                  task_queue=self.worker.task_queue)
        for _ in range(UPDATES_PER_LIFECYCLE):
            began = time.perf_counter()
            await handle.execute_update(BareLifecycle.act, "act")
            if record:
                self.latencies.append(time.perf_counter() - began)

    async def warm_up(self, count: int) -> None:
        await bounded([lambda i=i: self.lifecycle(f"w{i}", False) for i in range(count)], self.concurrency)

    async def round(self, r: int, count: int) -> None:
        first, self.done = self.done, self.done + count
        await self.tally.measure(bounded([lambda i=i: self.lifecycle(str(i), True) for i in range(first, self.done)],
                                         self.concurrency))

    def results(self) -> dict:
        items, elapsed = self.done, self.tally.wall
        log(f"bare: {items} lifecycles in {elapsed:.1f}s = {items / elapsed:.2f}/s; cpu {self.tally.cpu_s()}")
        return {"elapsed_s": round(elapsed, 2), "items_per_s": round(items / elapsed, 3),
                "update_latency_s": summary(self.latencies), "cpu_s": self.tally.cpu_s(),
                "cpu_s_per_item": self.tally.cpu_s_per(items)}


class HuiyinSide(ApiRun):
    """Each lifecycle through the in-process API, with the real worker writing the ledger."""

    def __init__(self, server, client, directory, concurrency: int):
        super().__init__(server, client, directory, "huiyin-lifecycle")
        self.concurrency = concurrency
        self.run_id = uuid.uuid4().hex[:4].upper()
        self.stages: list[str] = []
        self.done = 0

    async def warm_up(self, count: int) -> None:
        await bounded([lambda i=i: self.http.lifecycle(f"W{self.run_id}{i:05d}") for i in range(count)], self.concurrency)
        self.http.timings.clear()

    async def round(self, r: int, count: int) -> None:
        first, self.done = self.done, self.done + count
        self.stages += await self.tally.measure(bounded(
            [lambda i=i: self.http.lifecycle(f"L{self.run_id}{i:05d}") for i in range(first, self.done)], self.concurrency
        ))

    def results(self) -> dict:
        from ledger.db import session_factory
        from ledger.rows import SuggestionRow

        with session_factory(self.url)() as session:
            closed = session.scalar(select(func.count()).select_from(SuggestionRow).where(SuggestionRow.stage == "closed"))
        assert set(self.stages) == {"closed"}, set(self.stages)
        items, elapsed = self.done, self.tally.wall
        log(f"huiyin: {items} lifecycles in {elapsed:.1f}s = {items / elapsed:.2f}/s; cpu {self.tally.cpu_s()}; "
            f"ledger closed {closed}")
        return {"elapsed_s": round(elapsed, 2), "items_per_s": round(items / elapsed, 3), "closed_in_ledger": closed,
                "retries_503": self.retries, "action_latency_s": {n: summary(v) for n, v in self.http.timings.items()},
                "cpu_s": self.tally.cpu_s(), "cpu_s_per_item": self.tally.cpu_s_per(items)}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=1000, help="lifecycles per side (default 1,000)")
    parser.add_argument("--concurrency", type=int, default=50, help="lifecycles in flight (default 50)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4, help="rounds per side, the sides taking turns (default 4)")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory (server db, ledger, logs)")
    parser.add_argument("--only", choices=["bare", "huiyin"], help="run one side only (e.g. to profile); no results written")
    args = parser.parse_args()
    info = machine()
    with workdir(args.keep) as directory:
        async with dev_server(directory) as server:
            client = await connect(server.address)
            log(f"dev server on {server.address}; {args.items} lifecycles per side, {args.concurrency} in flight, "
                f"{args.rounds} rounds")
            sides = {"bare": BareSide(server, client, args.concurrency),
                     "huiyin": HuiyinSide(server, client, directory, args.concurrency)}
            if args.only:
                sides = {args.only: sides[args.only]}
            async with contextlib.AsyncExitStack() as running:
                for side in sides.values():
                    await running.enter_async_context(side)
                    await side.warm_up(args.warmup)
                await interleaved({name: side.round for name, side in sides.items()}, args.items, args.rounds)
            results = {name: side.results() for name, side in sides.items()}
    if args.only:
        return
    bare, huiyin = results["bare"], results["huiyin"]
    r = ratio(huiyin["items_per_s"], bare["items_per_s"])
    figures = {
        "items": args.items, "concurrency": args.concurrency, "rounds": args.rounds,
        "updates_per_lifecycle": UPDATES_PER_LIFECYCLE,
        "bare": bare, "huiyin": huiyin, "ratio_to_bare": r, "target": ">= 0.5", "met": r is not None and r >= 0.5,
    }
    write_results("lifecycle", info, figures, {
        "N": args.items, "in flight": args.concurrency, "bare items/s": bare["items_per_s"],
        "huiyin items/s": huiyin["items_per_s"], "ratio (≥ 0.5)": r,
        "server cpu-s/item bare→huiyin": f"{bare['cpu_s_per_item']['server']}→{huiyin['cpu_s_per_item']['server']}",
        "worker cpu-s/item bare→huiyin": f"{bare['cpu_s_per_item']['worker']}→{huiyin['cpu_s_per_item']['worker']}",
        "driver+API cpu-s/item": huiyin["cpu_s_per_item"]["driver"],
    })


if __name__ == "__main__":
    asyncio.run(main())
