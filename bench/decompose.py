"""Diagnosis (not one of the six benchmarks): where the server's and the worker's time goes, by
adding Huiyin's costs to the bare lifecycle one at a time, and the history of one lifecycle each.

    .venv/bin/python -m bench.decompose               # 200 lifecycles per variant, 50 in flight

Variants of bench.bare.BareShaped (start + 9 updates, a timer restarted on each): the bare one;
+ a query after each update (what the API does to return the state); + one local activity per
update (the ledger write) with an 8 KB payload (ItemChanges carries the item's whole state);
+ a search-attribute upsert per update; + an 8 KB start input; and all of them together. Then one
real lifecycle through the API and one bare one, with their history events counted by type.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import uuid
from collections import Counter

from bench.bare import BareLifecycle, BareShaped, Shape
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
    started,
    workdir,
    write_results,
)
from bench.huiyin_api import api_settings, running_api, seed

UPDATES = 9
KB8 = 8 * 1024
VARIANTS = {
    "bare": (Shape(UPDATES), False),
    "+query after each update": (Shape(UPDATES), True),
    "+local activity (0 B)": (Shape(UPDATES, local_activity_bytes=0), False),
    "+local activity (8 KB)": (Shape(UPDATES, local_activity_bytes=KB8), False),
    "+search attribute upsert": (Shape(UPDATES, search_attribute=True), False),
    "+8 KB start input": (Shape(UPDATES, state_bytes=KB8), False),
    "all of the above": (Shape(UPDATES, local_activity_bytes=KB8, search_attribute=True, state_bytes=KB8), True),
}


async def variant(server, client, worker, name: str, shape: Shape, query: bool, items: int, concurrency: int) -> dict:
    run = uuid.uuid4().hex[:6]

    async def lifecycle(i: int) -> None:
        handle = await client.start_workflow(BareShaped.run, args=[shape, "s" * shape.state_bytes], id=f"shaped-{run}-{i}",
                                             task_queue=worker.task_queue)
        for _ in range(shape.updates):
            await handle.execute_update(BareShaped.act, "act")
            if query:
                await handle.query(BareShaped.get_state)

    await bounded([lambda i=i: lifecycle(-1 - i) for i in range(10)], concurrency)
    meter = CpuMeter({"server": server.proc.pid, "worker": worker.pid, "driver": os.getpid()}).start()
    await bounded([lambda i=i: lifecycle(i) for i in range(items)], concurrency)
    cpu = meter.stop()
    result = {"items_per_s": round(items / cpu["wall"], 2),
              "cpu_ms_per_item": {k: round(1000 * v / items, 1) for k, v in cpu.items() if k != "wall"}}
    log(f"{name}: {result}")
    return result


async def history_of(handle) -> dict:
    history = await handle.fetch_history()
    kinds = Counter(e.WhichOneof("attributes").removesuffix("_event_attributes") for e in history.events)
    size = sum(e.ByteSize() for e in history.events)
    return {"events": len(history.events), "bytes": size, "by_type": dict(kinds.most_common())}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    info = machine()
    figures: dict = {"items": args.items, "concurrency": args.concurrency, "variants": {}}
    with workdir(args.keep) as directory:
        async with dev_server(directory) as server:
            client = await connect(server.address)
            worker = await started(client, bare_worker(server, "decompose"))
            for name, (shape, query) in VARIANTS.items():
                figures["variants"][name] = await variant(server, client, worker, name, shape, query, args.items, args.concurrency)
            handle = await client.start_workflow(BareLifecycle.run, UPDATES, id=f"bare-history-{uuid.uuid4().hex[:6]}",
                                                 task_queue=worker.task_queue)
            for _ in range(UPDATES):
                await handle.execute_update(BareLifecycle.act, "act")
            await handle.result()
            figures["history_bare"] = await history_of(handle)
            worker.stop()
            url = ledger_url(directory)
            seed(url)
            hworker = await started(client, huiyin_worker(server, "decompose-huiyin", url))
            async with running_api(api_settings(url, "decompose-huiyin", server.address), client) as http:
                sid = await http.register("H000001")
                for action in ("accept", "assign", "sign-for-receipt", "log-contact", "draft-reply", "sign-off-reply",
                               "check-reply", "give-feedback"):
                    await http.act(sid, action)
            # Closed now; the workflow itself still waits out the co-signers' feedback window, so its
            # history is read as it stands rather than awaiting its end.
            handle = client.get_workflow_handle(sid)
            figures["history_huiyin"] = await history_of(handle)
            hworker.stop()
    log(f"history: bare {figures['history_bare']}; huiyin {figures['history_huiyin']}")
    base = figures["variants"]["bare"]
    write_results("decompose", info, figures, {
        name: f"{v['items_per_s']}/s, server {v['cpu_ms_per_item']['server']} ms, worker {v['cpu_ms_per_item']['worker']} ms"
        for name, v in figures["variants"].items()
    } | {"history events bare / huiyin": f"{figures['history_bare']['events']} / {figures['history_huiyin']['events']}",
         "history KB bare / huiyin": f"{figures['history_bare']['bytes'] // 1024} / {figures['history_huiyin']['bytes'] // 1024}"})
    del base


if __name__ == "__main__":
    asyncio.run(main())
