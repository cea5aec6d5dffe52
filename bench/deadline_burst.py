"""3. Deadline burst: N items assigned together whose reply deadline falls on the same instant —
the lag from the instant until each is overdue in the ledger (suggestions.overdue, a
`reply_overdue` event with notify, the U01 handler's notification row), against a bare burst of N
workflows whose timer fires at one instant and runs one local activity. Then the notification
dispatcher runs against an SMTP server and the messages are counted (a digest, not N mails).

    .venv/bin/python -m bench.deadline_burst               # N = 2,000
    .venv/bin/python -m bench.deadline_burst --items 300   # quick

How the instant is made: the items are registered under the national policy and accepted and
assigned to U01 with real updates (`accept`/`assign`). Their assignment times
differ by the time the server takes to assign N items, so each is then moved (`migrate_policy`, an
admin's update) to a drill-scaled copy of the policy whose reply clock lasts exactly the whole
seconds from its assignment to the chosen instant T (bench.items.burst_policy: one drill day = 1 s,
no reminder rungs). Every reply deadline then lies within ±0.5 s of T. Lags are measured from each
item's own deadline (and from T for the bare side): the ledger's `events.recorded_at` of the
`reply_overdue` event (written in the same transaction as suggestions.overdue and the notification
rows) vs the wall time the bare workflow's local activity ran.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import time
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from bench.bare import BareTimer
from bench.common import (
    CpuMeter,
    bare_worker,
    bounded,
    connect,
    dev_server,
    free_port,
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
from bench.items import ADMIN, COORDINATOR, burst_policy, new_suggestion
from domain import commands as c
from domain.models import Outcome, suggestion_workflow_id
from ledger.db import session_factory
from ledger.rows import DeliveryRow, EventRow, NotificationRow, SuggestionRow
from workflows.suggestion import SuggestionWorkflow as W

HANDLER_EMAIL = "h-u01@units.example"


async def bare_phase(server, client, items: int, concurrency: int, margin: float) -> dict:
    worker = await started(client, bare_worker(server, "bare-burst"))
    run = uuid.uuid4().hex[:6]
    # Starting N workflows takes N / (starts per second): the instant comes after all have started.
    at = time.time() + margin + items / 60
    began = time.perf_counter()
    handles = await bounded([
        lambda i=i: client.start_workflow(BareTimer.run, at, id=f"bare-{run}-{i}", task_queue=worker.task_queue)
        for i in range(items)
    ], concurrency)
    setup = time.perf_counter() - began
    if time.time() > at:
        log(f"bare: WARNING the instant passed during the starts ({setup:.1f}s); raise --margin")
    log(f"bare: {items} timers started in {setup:.1f}s; instant in {at - time.time():.1f}s")
    await asyncio.sleep(max(0.0, at - time.time()))
    meter = CpuMeter({"server": server.proc.pid, "worker": worker.pid}).start()
    stamps = await bounded([lambda h=h: h.result() for h in handles], 50)
    done_wall = time.time() - at
    cpu = meter.stop()
    worker.check()
    worker.stop()
    lags = [s - at for s in stamps]
    stats = summary(lags, 3)
    log(f"bare: lag {stats}")
    return {"setup_s": round(setup, 1), "lag_s": stats, "all_results_back_s": round(done_wall, 2), "cpu_s": cpu}


async def huiyin_phase(server, client, directory, items: int, concurrency: int, margin: float, setup_mode: str) -> dict:
    url = ledger_url(directory)
    seed(url, users={"h-u01": seed_user()}, emails={"h-u01": HANDLER_EMAIL})
    sessions = session_factory(url)
    task_queue = "huiyin-burst"
    worker = await started(client, huiyin_worker(server, task_queue, url))
    run = uuid.uuid4().hex[:4].upper()
    numbers = [f"D{run}{i:05d}" for i in range(items)]
    if setup_mode == "carried":
        setup, instant, due, late = await carried_setup(client, sessions, task_queue, numbers, concurrency, margin)
    else:
        setup, instant, due, late = await updates_setup(client, task_queue, numbers, concurrency, margin)
    spread = max(due.values()) - min(due.values())
    log(f"huiyin: setup {setup}; deadlines within {spread.total_seconds():.2f}s; "
        f"instant in {(instant - datetime.now(timezone.utc)).total_seconds():.1f}s; late {late}")

    # Notifications of the setup (assignment, moved deadlines) go out before the instant, as they would have.
    sink, controller = smtp_sink()
    before = drain(sessions, controller, sink)
    log(f"setup notifications: {before}")
    sink.messages.clear()

    await asyncio.sleep(max(0.0, (instant - datetime.now(timezone.utc)).total_seconds()))
    meter = CpuMeter({"server": server.proc.pid, "worker": worker.pid}).start()
    recorded: dict[str, datetime] = {}
    deadline = time.monotonic() + 900
    while len(recorded) < items and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        with sessions() as session:
            for wid, at in session.execute(select(EventRow.workflow_id, EventRow.recorded_at).where(EventRow.action == "reply_overdue")):
                recorded.setdefault(wid, at)
    cpu = meter.stop()
    worker.check()
    with sessions() as session:
        overdue = session.scalar(select(func.count()).select_from(SuggestionRow).where(SuggestionRow.overdue.is_(True)))
        notified = session.scalar(select(func.count()).select_from(NotificationRow).where(NotificationRow.action == "reply_overdue"))
        deliveries = session.scalar(select(func.count()).select_from(DeliveryRow).join(
            NotificationRow, NotificationRow.id == DeliveryRow.notification_id).where(NotificationRow.action == "reply_overdue"))
    lags = [(recorded[w] - due[w]).total_seconds() for w in recorded]
    from_instant = [(recorded[w] - instant).total_seconds() for w in recorded]
    stats = summary(lags, 3)
    log(f"huiyin: {len(recorded)}/{items} overdue in the ledger; lag {stats}; overdue rows {overdue}; notifications {notified}")

    # The dispatcher once after the burst (its digest window waited out), then until the outbox is empty.
    first = dispatch_once(sessions, controller)
    first_messages = len(sink.messages)
    rest = drain(sessions, controller, sink)
    controller.stop()
    subjects = sorted({m["Subject"] for m in sink.messages})
    worker.stop()
    return {
        "setup": setup_mode, "setup_s": setup,
        "deadline_spread_s": round(spread.total_seconds(), 2), "late_setups": late,
        "overdue_in_ledger": len(recorded), "suggestions_overdue": overdue, "notifications": notified,
        "deliveries": deliveries, "lag_s": stats, "lag_from_instant_s": summary(from_instant, 3), "cpu_s": cpu,
        "setup_notifications": before,
        "dispatcher": {
            "first_pass": {**first, "messages_received": first_messages},
            "until_empty": {**rest, "messages_received_total": first_messages + rest["messages"]},
            "subjects": subjects[:5],
        },
    }


async def carried_setup(client, sessions, task_queue, numbers, concurrency, margin):
    """Items assigned at one instant by the domain functions, their events in the ledger, then started
    as carried runs (bench.items): every reply deadline is exactly the same instant."""
    from bench.items import assigned, carried, record_in_ledger

    assigned_at = datetime.now(timezone.utc)
    reply_seconds = round(margin + 0.05 * len(numbers))  # building, recording and starting: < 50 ms an item
    policy = burst_policy(reply_seconds)
    instant = assigned_at + timedelta(seconds=reply_seconds)
    began = time.perf_counter()
    states = [assigned(n, policy, assigned_at) for n in numbers]
    built = time.perf_counter() - began
    record_in_ledger(sessions, states)
    recorded = time.perf_counter() - began - built
    handles = await bounded([
        lambda s=s: client.start_workflow(W.run, carried(s), id=s.workflow_id, task_queue=task_queue) for s in states
    ], concurrency)
    await bounded([lambda h=h: h.execute_update(W.current_state) for h in handles], concurrency)
    total = time.perf_counter() - began
    late = len(numbers) if datetime.now(timezone.utc) >= instant else 0
    due = {s.workflow_id: s.reply_due_at() for s in states}
    return ({"build": round(built, 1), "ledger": round(recorded, 1), "start": round(total - built - recorded, 1)},
            instant, due, late)


async def updates_setup(client, task_queue, numbers, concurrency, margin):
    """Registered, accepted and assigned with real updates; then each moved (migrate_policy) onto a
    policy whose reply clock ends on the chosen instant."""
    assigned_at: dict[str, datetime] = {}

    async def register_and_assign(number: str) -> None:
        new = new_suggestion(number)
        handle = await client.start_workflow(W.run, new, id=suggestion_workflow_id(new.year, number), task_queue=task_queue)
        await handle.execute_update("accept", c.Accept(actor=COORDINATOR))
        outcome = await handle.execute_update("assign", c.Assign(actor=COORDINATOR, lead_unit="U01"), result_type=Outcome)
        assigned_at[handle.id] = next(e.at for e in outcome.events if e.action == "assigned")

    began = time.perf_counter()
    await bounded([lambda n=n: register_and_assign(n) for n in numbers], concurrency)
    setup = time.perf_counter() - began
    rate = 3 * len(numbers) / setup  # starts + updates per second, to plan the migrations
    log(f"huiyin: {len(numbers)} registered, accepted and assigned in {setup:.1f}s")
    instant = datetime.now(timezone.utc) + timedelta(seconds=margin + 1.5 * len(numbers) / rate)
    due: dict[str, datetime] = {}
    late = 0

    async def migrate(wid: str) -> None:
        nonlocal late
        seconds = round((instant - assigned_at[wid]).total_seconds())
        due[wid] = assigned_at[wid] + timedelta(seconds=seconds)
        await client.get_workflow_handle(wid).execute_update(
            "migrate_policy", c.MigratePolicy(actor=ADMIN, policy=burst_policy(seconds), reason="benchmark: one instant"))
        if datetime.now(timezone.utc) >= due[wid]:
            late += 1

    began = time.perf_counter()
    await bounded([lambda w=w: migrate(w) for w in list(assigned_at)], concurrency)
    migrated = time.perf_counter() - began
    return {"register_accept_assign": round(setup, 1), "migrate": round(migrated, 1)}, instant, due, late


def seed_user():
    from domain.enums import Role

    return (Role.unit_handler, "U01", None)


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def smtp_sink():
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    return sink, controller


def dispatcher(sessions, controller):
    from core.settings import Settings
    from notify.dispatcher import Dispatcher

    settings = Settings(huiyin_smtp_host=controller.hostname, huiyin_smtp_port=controller.port)
    return Dispatcher(sessions, settings), settings


def dispatch_once(sessions, controller) -> dict:
    """One pass, as the worker's dispatcher would make once the digest window has passed."""
    d, settings = dispatcher(sessions, controller)
    now = datetime.now(timezone.utc) + timedelta(seconds=settings.huiyin_notify_digest_window + 1)
    report = d.run_once(now)
    return {"claimed": report.claimed, "sent": report.sent, "messages": report.messages,
            "undeliverable": report.undeliverable, "errors": report.errors[:3]}


def drain(sessions, controller, sink) -> dict:
    passes = claimed = messages = 0
    while True:
        report = dispatch_once(sessions, controller)
        if not report["claimed"]:
            break
        passes += 1
        claimed += report["claimed"]
        messages += report["messages"]
    return {"passes": passes, "claimed": claimed, "messages": messages}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=100, help="starts/updates in flight during the setup")
    parser.add_argument("--margin", type=float, default=20.0, help="seconds between the end of the setup and the instant")
    parser.add_argument("--setup", choices=["carried", "updates"], default="carried",
                        help="carried: items built at one instant and started as carried runs (fast, exact); "
                             "updates: real accept/assign updates, then migrate_policy onto the instant (slow)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    info = machine()
    with workdir(args.keep) as directory:
        async with dev_server(directory) as server:
            client = await connect(server.address)
            log(f"dev server on {server.address}; {args.items} items")
            bare = await bare_phase(server, client, args.items, args.concurrency, args.margin)
            huiyin = await huiyin_phase(server, client, directory, args.items, args.concurrency, args.margin, args.setup)
    r = ratio(huiyin["lag_s"].get("max"), bare["lag_s"].get("max"))
    figures = {"items": args.items, "bare": bare, "huiyin": huiyin, "last_item_ratio": r,
               "p50_ratio": ratio(huiyin["lag_s"].get("p50"), bare["lag_s"].get("p50")),
               "target": "last item <= 1.5 x bare", "met": r is not None and r <= 1.5}
    h, b, d = huiyin["lag_s"], bare["lag_s"], huiyin["dispatcher"]
    write_results("deadline_burst", info, figures, {
        "N": args.items, "setup": args.setup, "overdue/notified": f"{huiyin['suggestions_overdue']}/{huiyin['notifications']}",
        "huiyin lag p50/p99/last s": f"{h.get('p50')} / {h.get('p99')} / {h.get('max')}",
        "bare lag p50/p99/last s": f"{b.get('p50')} / {b.get('p99')} / {b.get('max')}",
        "last-item ratio (≤ 1.5)": r,
        "mails: first pass / to drain": f"{d['first_pass']['messages_received']} ({d['first_pass']['claimed']} items) / "
                                        f"{d['until_empty']['messages_received_total']} in {d['until_empty']['passes'] + 1} passes",
    })


if __name__ == "__main__":
    asyncio.run(main())
