"""6. Years: N open B items (results in follow-up, 跟踪落实) carried over one year end — the time
from the year end until every item has continued-as-new and the carry-over ledger is complete
(N `carried_over` events, ledger.carry_over.carry_over_ledger lists them all) — against a bare
burst of N workflows that continue-as-new at one instant after one local activity.

    .venv/bin/python -m bench.years                 # N = 1,000
    .venv/bin/python -m bench.years --items 200     # quick

Under a drill profile a handling year lasts 12 × month_seconds from registration
(domain.follow_up.year_end). Registrations are spread over minutes, so the items are built by the
domain functions with one registration instant (bench.items.b_in_follow_up: registered, accepted,
assigned, signed for, contacted, replied B with a commitment, signed off, checked, rated
satisfied), their events written to the ledger as the workflow's activity writes them, and
started as carried runs: all N year ends fall on the same instant. "Continued-as-new" is the close
time of the old run (visibility: ExecutionStatus = 'ContinuedAsNew'), for both sides.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from bench.bare import BareYear
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
from bench.huiyin_api import seed
from bench.items import COORDINATOR, YEAR, b_in_follow_up, carried, record_in_ledger, year_policy
from domain.follow_up import year_end
from ledger.db import session_factory
from ledger.rows import EventRow
from workflows.suggestion import SuggestionWorkflow as W


async def continued(client, workflow_type: str, items: int, at: float, timeout: float = 900) -> list[float]:
    """Seconds from `at` to each old run's close, once all N have continued-as-new."""
    query = f"WorkflowType = '{workflow_type}' AND ExecutionStatus = 'ContinuedAsNew'"
    deadline = time.monotonic() + timeout
    while (await client.count_workflows(query)).count < items and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    return [w.close_time.timestamp() - at async for w in client.list_workflows(query) if w.close_time]


async def bare_phase(server, client, items: int, concurrency: int, margin: float) -> dict:
    worker = await started(client, bare_worker(server, "bare-years"))
    run = uuid.uuid4().hex[:6]
    at = time.time() + margin + items / 60
    began = time.perf_counter()
    await bounded([lambda i=i: client.start_workflow(BareYear.run, args=[at, 0], id=f"bare-{run}-{i}",
                                                     task_queue=worker.task_queue) for i in range(items)], concurrency)
    log(f"bare: {items} started in {time.perf_counter() - began:.1f}s; year end in {at - time.time():.1f}s")
    await asyncio.sleep(max(0.0, at - time.time()))
    meter = CpuMeter({"server": server.proc.pid, "worker": worker.pid}).start()
    lags = await continued(client, "BareYear", items, at)
    cpu = meter.stop()
    worker.check()
    worker.stop()
    stats = summary(lags, 3)
    log(f"bare: continued-as-new lag {stats}")
    return {"continue_as_new_lag_s": stats, "cpu_s": cpu}


async def huiyin_phase(server, client, directory, items: int, concurrency: int, margin: float) -> dict:
    url = ledger_url(directory)
    seed(url)
    sessions = session_factory(url)
    task_queue = "huiyin-years"
    worker = await started(client, huiyin_worker(server, task_queue, url))
    run = uuid.uuid4().hex[:4].upper()
    now = datetime.now(timezone.utc)
    lead = margin + 0.08 * items  # building, recording and starting take < 80 ms an item
    month = max(60, round((lead + 90) / 3) + 1)  # the first follow-up report falls after the year end and its burst
    policy = year_policy(month)
    instant = now + timedelta(seconds=lead)
    registered_at = instant - timedelta(seconds=12 * month)
    began = time.perf_counter()
    states = [b_in_follow_up(f"Y{run}{i:05d}", policy, registered_at, now - timedelta(seconds=10)) for i in range(items)]
    assert {year_end(s) for s in states} == {instant} and {s.result_class().value for s in states} == {"B"}
    built = time.perf_counter() - began
    record_in_ledger(sessions, states)
    recorded = time.perf_counter() - began - built
    handles = await bounded([lambda s=s: client.start_workflow(W.run, carried(s), id=s.workflow_id, task_queue=task_queue)
                             for s in states], concurrency)
    await bounded([lambda h=h: h.execute_update(W.current_state) for h in handles], concurrency)
    setup = {"build": round(built, 1), "ledger": round(recorded, 1), "start": round(time.perf_counter() - began - built - recorded, 1)}
    late = datetime.now(timezone.utc) >= instant
    log(f"huiyin: setup {setup}; year end in {(instant - datetime.now(timezone.utc)).total_seconds():.1f}s"
        + (" — WARNING: passed during the setup; raise --margin" if late else ""))
    await asyncio.sleep(max(0.0, (instant - datetime.now(timezone.utc)).total_seconds()))
    meter = CpuMeter({"server": server.proc.pid, "worker": worker.pid}).start()
    lags = await continued(client, "SuggestionWorkflow", items, instant.timestamp())
    cpu = meter.stop()
    with sessions() as session:
        events = session.execute(select(EventRow.workflow_id, EventRow.recorded_at).where(EventRow.action == "carried_over")).all()
        ledger_lags = [(at - instant).total_seconds() for _, at in events]
        from ledger.carry_over import carry_over_ledger

        t = time.perf_counter()
        book = carry_over_ledger(session, COORDINATOR, YEAR + 1)
        book_s = time.perf_counter() - t
        new_runs = session.scalar(select(func.count()).select_from(EventRow).where(EventRow.action == "carried_over"))
    worker.check()
    worker.stop()
    stats = summary(lags, 3)
    log(f"huiyin: continued-as-new lag {stats}; carried_over events {len(events)}; carry-over ledger {len(book.items)} items "
        f"({book_s:.2f}s)")
    return {"setup": setup, "late_setup": late, "month_seconds": month, "continue_as_new_lag_s": stats,
            "carried_over_event_lag_s": summary(ledger_lags, 3), "carried_over_events": new_runs,
            "carry_over_ledger_items": len(book.items), "carry_over_ledger_read_s": round(book_s, 3),
            "by_class_at_carry_over": book.by_class_at_carry_over, "cpu_s": cpu}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--margin", type=float, default=20.0)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    info = machine()
    with workdir(args.keep) as directory:
        async with dev_server(directory) as server:
            client = await connect(server.address)
            log(f"dev server on {server.address}; {args.items} items")
            bare = await bare_phase(server, client, args.items, args.concurrency, args.margin)
            huiyin = await huiyin_phase(server, client, directory, args.items, args.concurrency, args.margin)
    h, b = huiyin["continue_as_new_lag_s"], bare["continue_as_new_lag_s"]
    r = ratio(h.get("max"), b.get("max"))
    figures = {"items": args.items, "bare": bare, "huiyin": huiyin, "last_item_ratio": r,
               "p50_ratio": ratio(h.get("p50"), b.get("p50"))}
    write_results("years", info, figures, {
        "N": args.items,
        "huiyin CAN lag p50/p99/last s": f"{h.get('p50')} / {h.get('p99')} / {h.get('max')}",
        "bare CAN lag p50/p99/last s": f"{b.get('p50')} / {b.get('p99')} / {b.get('max')}",
        "last-item ratio": r,
        "carried_over events / carry-over ledger items": f"{huiyin['carried_over_events']} / {huiyin['carry_over_ledger_items']}",
    })


if __name__ == "__main__":
    asyncio.run(main())
