"""1. Lifecycle throughput: N suggestions through the HTTP API from registration to closure, against
the bare baseline (start + the same number of updates + completion) on the same server.

    .venv/bin/python -m bench.lifecycle                 # N = 1,000
    .venv/bin/python -m bench.lifecycle --items 200     # quick run

Huiyin: register (start + wait-for-ledger update), then accept, assign, sign-for-receipt,
log-contact, draft-reply, sign-off-reply, check-reply, give-feedback (each an update; every answer is
the item's state read back from the ledger),
through the in-process API (httpx ASGI) with a separate `worker.py`. Bare: start + 9 updates, each
restarting a timer, completing after the last; a separate default SDK worker. Both with the same
number of lifecycles in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid

from sqlalchemy import func, select

from bench.bare import BareLifecycle
from bench.common import (
    CpuMeter,
    bare_worker,
    bounded,
    connect,
    dev_server,
    huiyin_worker,
    ledger_url,
    log,
    machine,
    ratio,
    started,
    summary,
    workdir,
    write_results,
)
from bench.huiyin_api import ACTIONS, api_settings, running_api, seed

UPDATES_PER_LIFECYCLE = 1 + len(ACTIONS)  # the registration's wait-for-ledger update + 8 actions


async def bare_phase(server, client, items: int, concurrency: int, warmup: int) -> dict:
    worker = await started(client, bare_worker(server, "bare-lifecycle"))
    run = uuid.uuid4().hex[:6]
    latencies: list[float] = []

    async def lifecycle(i: int, record: bool) -> None:
        handle = await client.start_workflow(BareLifecycle.run, UPDATES_PER_LIFECYCLE, id=f"bare-{run}-{i}",
                                             task_queue=worker.task_queue)
        for _ in range(UPDATES_PER_LIFECYCLE):
            began = time.perf_counter()
            await handle.execute_update(BareLifecycle.act, "act")
            if record:
                latencies.append(time.perf_counter() - began)

    await bounded([lambda i=i: lifecycle(-1 - i, False) for i in range(warmup)], concurrency)
    meter = CpuMeter({"server": server.proc.pid, "worker": worker.pid, "driver": os.getpid()}).start()
    began = time.perf_counter()
    await bounded([lambda i=i: lifecycle(i, True) for i in range(items)], concurrency)
    elapsed = time.perf_counter() - began
    cpu = meter.stop()
    worker.check()
    worker.stop()
    log(f"bare: {items} lifecycles in {elapsed:.1f}s = {items / elapsed:.2f}/s; cpu {cpu}")
    return {"elapsed_s": round(elapsed, 2), "items_per_s": round(items / elapsed, 3), "update_latency_s": summary(latencies),
            "cpu_s": cpu, "cpu_s_per_item": {k: round(v / items, 4) for k, v in cpu.items() if k != "wall"}}


async def huiyin_phase(server, client, directory, items: int, concurrency: int, warmup: int) -> dict:
    url = ledger_url(directory)
    seed(url)
    task_queue = "huiyin-lifecycle"
    worker = await started(client, huiyin_worker(server, task_queue, url))
    settings = api_settings(url, task_queue, server.address)
    run = uuid.uuid4().hex[:4].upper()
    async with running_api(settings, client) as http:
        stages = await bounded([lambda i=i: http.lifecycle(f"W{run}{i:05d}") for i in range(warmup)], concurrency)
        http.timings.clear()
        meter = CpuMeter({"server": server.proc.pid, "worker": worker.pid, "driver": os.getpid()}).start()
        began = time.perf_counter()
        stages = await bounded([lambda i=i: http.lifecycle(f"L{run}{i:05d}") for i in range(items)], concurrency)
        elapsed = time.perf_counter() - began
        cpu = meter.stop()
        timings = {name: summary(values) for name, values in http.timings.items()}
        retries = http.retries
    worker.check()
    worker.stop()
    from ledger.db import session_factory
    from ledger.models import SuggestionRow

    with session_factory(url)() as session:
        closed = session.scalar(select(func.count()).select_from(SuggestionRow).where(SuggestionRow.stage == "closed"))
    assert set(stages) == {"closed"}, set(stages)
    log(f"huiyin: {items} lifecycles in {elapsed:.1f}s = {items / elapsed:.2f}/s; cpu {cpu}; ledger closed {closed}")
    return {"elapsed_s": round(elapsed, 2), "items_per_s": round(items / elapsed, 3), "closed_in_ledger": closed,
            "retries_503": retries, "action_latency_s": timings, "cpu_s": cpu,
            "cpu_s_per_item": {k: round(v / items, 4) for k, v in cpu.items() if k != "wall"}}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=1000, help="lifecycles per side (default 1,000)")
    parser.add_argument("--concurrency", type=int, default=50, help="lifecycles in flight (default 50)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the temp directory (server db, ledger, logs)")
    parser.add_argument("--only", choices=["bare", "huiyin"], help="run one side only (e.g. to profile); no results written")
    args = parser.parse_args()
    info = machine()
    with workdir(args.keep) as directory:
        async with dev_server(directory) as server:
            client = await connect(server.address)
            log(f"dev server on {server.address}; {args.items} lifecycles per side, {args.concurrency} in flight")
            if args.only != "huiyin":
                bare = await bare_phase(server, client, args.items, args.concurrency, args.warmup)
            if args.only != "bare":
                huiyin = await huiyin_phase(server, client, directory, args.items, args.concurrency, args.warmup)
    if args.only:
        return
    r = ratio(huiyin["items_per_s"], bare["items_per_s"])
    figures = {
        "items": args.items, "concurrency": args.concurrency, "updates_per_lifecycle": UPDATES_PER_LIFECYCLE,
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
