"""2. Action latency: concurrent staff clients sending actions through the API — p50/p95/p99 of the
HTTP round trip (update + ledger write + the state read back) — against the bare update round trip
at the same concurrency on the same server.

    .venv/bin/python -m bench.latency                      # 10 clients × 12 items each
    .venv/bin/python -m bench.latency --clients 10 --items-per-client 4   # quick

Each client works through its own items one after the other, one action at a time, as a clerk
does: register, accept, assign, sign-for-receipt, log-contact, draft-reply, sign-off-reply,
check-reply, give-feedback. The eight actions after registration are the samples. Bare: each
client starts a workflow and sends it 9 updates, one at a time; the update round trips are the
samples.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid

from bench.bare import BareLifecycle
from bench.common import (
    CpuMeter,
    bare_worker,
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

UPDATES = 1 + len(ACTIONS)


async def bare_phase(server, client, clients: int, per_client: int) -> dict:
    worker = await started(client, bare_worker(server, "bare-latency"))
    run = uuid.uuid4().hex[:6]
    samples: list[float] = []

    async def clerk(c: int, items: int, record: bool) -> None:
        for i in range(items):
            handle = await client.start_workflow(BareLifecycle.run, UPDATES, id=f"bare-{run}-{c}-{i}-{record}",
                                                 task_queue=worker.task_queue)
            for _ in range(UPDATES):
                began = time.perf_counter()
                await handle.execute_update(BareLifecycle.act, "act")
                if record:
                    samples.append(time.perf_counter() - began)

    await asyncio.gather(*(clerk(c, 1, False) for c in range(clients)))  # warm-up
    meter = CpuMeter({"server": server.proc.pid, "worker": worker.pid, "driver": os.getpid()}).start()
    await asyncio.gather(*(clerk(c, per_client, True) for c in range(clients)))
    cpu = meter.stop()
    worker.check()
    worker.stop()
    stats = summary(samples)
    log(f"bare: update round trip {stats}; {len(samples) / cpu['wall']:.1f} updates/s")
    return {"update_round_trip_s": stats, "updates_per_s": round(len(samples) / cpu["wall"], 2), "cpu_s": cpu}


async def huiyin_phase(server, client, directory, clients: int, per_client: int) -> dict:
    url = ledger_url(directory)
    seed(url)
    task_queue = "huiyin-latency"
    worker = await started(client, huiyin_worker(server, task_queue, url))
    run = uuid.uuid4().hex[:4].upper()
    async with running_api(api_settings(url, task_queue, server.address), client) as http:

        async def clerk(c: int, items: int, prefix: str) -> None:
            for i in range(items):
                await http.lifecycle(f"{prefix}{run}{c:02d}{i:03d}")

        await asyncio.gather(*(clerk(c, 1, "W") for c in range(clients)))  # warm-up
        http.timings.clear()
        meter = CpuMeter({"server": server.proc.pid, "worker": worker.pid, "driver": os.getpid()}).start()
        await asyncio.gather(*(clerk(c, per_client, "A") for c in range(clients)))
        cpu = meter.stop()
        actions = [t for name, values in http.timings.items() if name != "register" for t in values]
        by_action = {name: summary(values) for name, values in http.timings.items()}
    worker.check()
    worker.stop()
    stats = summary(actions)
    log(f"huiyin: action round trip {stats}; {len(actions) / cpu['wall']:.1f} actions/s")
    return {"action_round_trip_s": stats, "by_action_s": by_action, "actions_per_s": round(len(actions) / cpu["wall"], 2),
            "retries_503": http.retries, "cpu_s": cpu}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--items-per-client", type=int, default=12)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    info = machine()
    with workdir(args.keep) as directory:
        async with dev_server(directory) as server:
            client = await connect(server.address)
            log(f"dev server on {server.address}; {args.clients} clients × {args.items_per_client} items")
            bare = await bare_phase(server, client, args.clients, args.items_per_client)
            huiyin = await huiyin_phase(server, client, directory, args.clients, args.items_per_client)
    p99_ratio = ratio(huiyin["action_round_trip_s"]["p99"], bare["update_round_trip_s"]["p99"])
    figures = {
        "clients": args.clients, "items_per_client": args.items_per_client, "bare": bare, "huiyin": huiyin,
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
