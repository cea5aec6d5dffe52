"""2. Action latency: concurrent staff clients sending actions through the API — p50/p95/p99 of the
HTTP round trip (update + ledger write + the state read back) — against the bare update round trip
at the same concurrency on the same server.

    .venv/bin/python -m bench.latency                      # 10 clients × 24 items each
    .venv/bin/python -m bench.latency --clients 10 --items-per-client 4   # quick

Each client works through its own items one after the other, one action at a time, as a clerk
does: register, accept, assign, sign-for-receipt, log-contact, draft-reply, sign-off-reply,
check-reply, give-feedback. The eight actions after registration are the samples. Bare: each
client starts a workflow and sends it 9 updates, one at a time; the update round trips are the
samples. The sides take turns in rounds (bare, Huiyin, Huiyin, bare, …), so that the load of whatever
else runs on the machine falls on both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
import uuid

from bench.bare import BareLifecycle
from bench.common import (
    BareRun,
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

UPDATES = 1 + len(ACTIONS)


class BareSide(BareRun):
    """Each client starts a workflow and sends it the same number of updates, one at a time."""

    def __init__(self, server, client, clients: int):
        super().__init__(server, client, "bare-latency")
        self.clients = clients
        self.run_id = uuid.uuid4().hex[:6]
        self.samples: list[float] = []

    async def clerk(self, c: int, items: int, prefix: str, record: bool) -> None:
        for i in range(items):
            handle = await self.client.start_workflow(BareLifecycle.run, UPDATES, id=f"bare-{self.run_id}-{prefix}-{c}-{i}",
                                                      task_queue=self.worker.task_queue)
            for _ in range(UPDATES):
                began = time.perf_counter()
                await handle.execute_update(BareLifecycle.act, "act")
                if record:
                    self.samples.append(time.perf_counter() - began)

    async def warm_up(self) -> None:
        await asyncio.gather(*(self.clerk(c, 1, "w", False) for c in range(self.clients)))

    async def round(self, r: int, per_client: int) -> None:
        await self.tally.measure(asyncio.gather(*(self.clerk(c, per_client, f"r{r}", True) for c in range(self.clients))))

    def results(self) -> dict:
        stats, per_s = summary(self.samples), round(len(self.samples) / self.tally.wall, 2)
        log(f"bare: update round trip {stats}; {per_s} updates/s")
        return {"update_round_trip_s": stats, "updates_per_s": per_s, "cpu_s": self.tally.cpu_s()}


class HuiyinSide(ApiRun):
    """Each client works through its items through the in-process API, as a clerk does."""

    def __init__(self, server, client, directory, clients: int):
        super().__init__(server, client, directory, "huiyin-latency")
        self.clients = clients
        self.run_id = uuid.uuid4().hex[:4].upper()

    async def clerk(self, c: int, items: int, prefix: str) -> None:
        for i in range(items):
            await self.http.lifecycle(f"{prefix}{self.run_id}{c:02d}{i:03d}")

    async def warm_up(self) -> None:
        await asyncio.gather(*(self.clerk(c, 1, "W") for c in range(self.clients)))
        self.http.timings.clear()

    async def round(self, r: int, per_client: int) -> None:
        await self.tally.measure(asyncio.gather(*(self.clerk(c, per_client, f"A{r}") for c in range(self.clients))))

    def results(self) -> dict:
        actions = [t for name, values in self.http.timings.items() if name != "register" for t in values]
        stats, per_s = summary(actions), round(len(actions) / self.tally.wall, 2)
        log(f"huiyin: action round trip {stats}; {per_s} actions/s")
        return {"action_round_trip_s": stats, "by_action_s": {n: summary(v) for n, v in self.http.timings.items()},
                "actions_per_s": per_s, "retries_503": self.retries, "cpu_s": self.tally.cpu_s()}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--items-per-client", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=4, help="rounds per side, the sides taking turns (default 4)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    info = machine()
    with workdir(args.keep) as directory:
        async with dev_server(directory) as server:
            client = await connect(server.address)
            log(f"dev server on {server.address}; {args.clients} clients × {args.items_per_client} items, "
                f"{args.rounds} rounds")
            sides = {"bare": BareSide(server, client, args.clients),
                     "huiyin": HuiyinSide(server, client, directory, args.clients)}
            async with contextlib.AsyncExitStack() as running:
                for side in sides.values():
                    await running.enter_async_context(side)
                    await side.warm_up()
                await interleaved({name: side.round for name, side in sides.items()}, args.items_per_client, args.rounds)
            bare, huiyin = sides["bare"].results(), sides["huiyin"].results()
    p99_ratio = ratio(huiyin["action_round_trip_s"]["p99"], bare["update_round_trip_s"]["p99"])
    figures = {
        "clients": args.clients, "items_per_client": args.items_per_client, "rounds": args.rounds, "bare": bare, "huiyin": huiyin,
        "p50_ratio": ratio(huiyin["action_round_trip_s"]["p50"], bare["update_round_trip_s"]["p50"]),
        "p95_ratio": ratio(huiyin["action_round_trip_s"]["p95"], bare["update_round_trip_s"]["p95"]),
        "p99_ratio": p99_ratio, "target": "p99 <= 2 x bare p99", "met": p99_ratio is not None and p99_ratio <= 2,
    }
    h, b = huiyin["action_round_trip_s"], bare["update_round_trip_s"]
    write_results("latency", info, figures, {
        "clients": args.clients, "samples": h["n"],
        "huiyin p50/p95/p99 s": f"{h['p50']:.3f} / {h['p95']:.3f} / {h['p99']:.3f}",
        "bare p50/p95/p99 s": f"{b['p50']:.3f} / {b['p95']:.3f} / {b['p99']:.3f}",
        "p99 ratio (≤ 2)": p99_ratio,
        "actions/s huiyin vs bare updates/s": f"{huiyin['actions_per_s']} vs {bare['updates_per_s']}",
    })


if __name__ == "__main__":
    asyncio.run(main())
