"""Machinery for the durability drills: a dev server, worker processes, items driven to the end, the ledger check."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError

from core.settings import PROJECT_ROOT, Settings
from core.temporal import converter_for
from domain import commands as c
from domain.actions import action_of
from domain.enums import ContactWay, Stage, Verdict
from domain.models import SuggestionState, suggestion_workflow_id
from huiyin.devserver import devserver_command, wait_for_port
from ledger.db import session_factory
from ledger.rows import EventRow
from tests.devserver import connect_when_ready
from tests.helpers import CO_SIGNER, COORDINATOR, LEAD_DEPUTY, draft, handler, head, new_suggestion
from tests.ops.support import free_port
from workflows.suggestion import SuggestionWorkflow

STEP_DEADLINE = 50.0  # seconds one action may take to go through, outages included


class DevServer:
    """`temporal server start-dev` on a file, stoppable and restartable on the same file and port."""

    def __init__(self, db: Path, log: Path):
        self.db, self.log, self.port = db, log, free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        cmd = devserver_command(self.db, port=self.port, headless=True)
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
        await wait_for_port("127.0.0.1", self.port, timeout=30, process=self.proc)

    def stop(self, sig: int = signal.SIGINT) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class WorkerProcess:
    """`python worker.py` as production runs it, against the drill's server and ledger."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log = env, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self._mark = self.log.stat().st_size if self.log.exists() else 0
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "worker.py"], cwd=PROJECT_ROOT, env=self.env,
                stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True,
            )

    async def polling(self, timeout: float = 30) -> None:
        """Wait for its 'worker polling' line."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited with {self.proc.returncode}:\n{self.tail()}")
            with open(self.log, "rb") as f:
                f.seek(self._mark)
                if b"worker polling task queue" in f.read():
                    return
            await asyncio.sleep(0.1)
        raise TimeoutError(f"worker did not start polling within {timeout}s:\n{self.tail()}")

    def kill(self) -> None:
        """kill -9: no goodbye, tasks in hand are lost mid-flight."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def tail(self, n: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:]) if self.log.exists() else ""

    def log_lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines()


@dataclass
class Drill:
    """One drill's world: server, worker env, settings (with encryption on, as in production), client."""

    server: DevServer
    settings: Settings
    worker_env: dict[str, str]
    work: Path
    client: Client | None = None
    workers: list[WorkerProcess] = field(default_factory=list)

    @classmethod
    def prepare(cls, work: Path, database_url: str, codec_keys: str) -> "Drill":
        server = DevServer(work / "temporal.db", work / "server.log")
        task_queue = f"drill-{uuid.uuid4().hex[:8]}"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("HUIYIN_", "TEMPORAL_"))},
            "TEMPORAL_ADDRESS": server.address,
            "TEMPORAL_NAMESPACE": "default",
            "TEMPORAL_TASK_QUEUE": task_queue,
            "HUIYIN_DATABASE_URL": database_url,
            "HUIYIN_CODEC_KEYS": codec_keys,
            "HUIYIN_LOG_FORMAT": "json",
            "HUIYIN_METRICS_HOST": "127.0.0.1",
            "HUIYIN_WORKER_METRICS_PORT": str(free_port()),
            "PYTHONUNBUFFERED": "1",
        }
        settings = Settings(
            temporal_address=server.address, temporal_task_queue=task_queue, huiyin_database_url=database_url,
            huiyin_codec_keys=codec_keys,
        )
        return cls(server, settings, env, work)

    def worker(self) -> WorkerProcess:
        w = WorkerProcess(self.worker_env, self.work / f"worker-{len(self.workers) + 1}.log")
        self.workers.append(w)
        return w

    async def connect(self) -> Client:
        self.client = await connect_when_ready(self.server.port, data_converter=converter_for(self.settings))
        return self.client

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        self.server.stop()


# --- driving items --------------------------------------------------------------------------


def lifecycle() -> list[tuple[str, object]]:
    """Start to close: accept, assign, sign, contact, draft, sign off, check, both signers rate."""
    contact_at = datetime.now(timezone.utc) - timedelta(minutes=5)
    return [
        ("accept", c.Accept(actor=COORDINATOR)),
        ("assign", c.Assign(actor=COORDINATOR, lead_unit="U01")),
        ("sign", c.SignForReceipt(actor=handler("U01"))),
        ("contact",
         c.LogContact(actor=handler("U01"), when=contact_at, way=ContactWay.visit, summary="上门走访代表")),
        ("draft", draft("U01")),
        ("sign-off", c.SignOffReply(actor=head("U01"))),
        ("check", c.CheckReply(actor=COORDINATOR, accept=True, unit="U01")),
        ("rate", c.GiveFeedback(actor=LEAD_DEPUTY, verdict=Verdict.satisfied)),
        # The co-signer rates too, so the closed item need not wait out its feedback window.
        ("co-rate", c.GiveFeedback(actor=CO_SIGNER, verdict=Verdict.satisfied)),
    ]


async def _until_through(what: str, call):
    """Retry a call through an outage (server down, RPC timeouts); a refusal is never retried."""
    deadline = time.monotonic() + STEP_DEADLINE
    while True:
        try:
            return await call()
        except WorkflowUpdateFailedError:
            raise
        except (RPCError, RuntimeError, asyncio.TimeoutError) as error:
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} did not go through within {STEP_DEADLINE}s: {error}") from error
            await asyncio.sleep(0.5)


@dataclass
class Run:
    workflow_id: str
    done: list[str] = field(default_factory=list)


async def drive(client: Client, task_queue: str, run: Run, pause: float = 0.0) -> SuggestionState:
    """One item from start to close. Update ids make every retry idempotent (the server dedupes them)."""
    number = run.workflow_id.rsplit("-", 1)[1]
    await _until_through(f"start {run.workflow_id}", lambda: client.start_workflow(
        SuggestionWorkflow.run, new_suggestion(number), id=run.workflow_id, task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    ))
    handle = client.get_workflow_handle_for(SuggestionWorkflow.run, run.workflow_id)
    for name, cmd in lifecycle():
        await _until_through(f"{name} on {run.workflow_id}", lambda: handle.execute_update(
            action_of(cmd).update, cmd, id=f"{run.workflow_id}:{name}"
        ))
        run.done.append(name)
        if pause:
            await asyncio.sleep(pause)
    return await _until_through(f"result of {run.workflow_id}", handle.result)


def new_runs(n: int) -> list[Run]:
    tag = uuid.uuid4().hex[:6].upper()
    return [Run(suggestion_workflow_id(2026, f"D{tag}{i}")) for i in range(n)]


async def check_ledger(client: Client, database_url: str, runs: list[Run]) -> None:
    """Every item closed, and the ledger holds each of its events exactly once, as the workflow has them."""
    sessions = session_factory(database_url)
    for run in runs:
        handle = client.get_workflow_handle_for(SuggestionWorkflow.run, run.workflow_id)
        state = await _until_through("query", lambda: handle.query(SuggestionWorkflow.get_state))
        assert state.stage == Stage.closed, f"{run.workflow_id} ended in {state.stage}"
        with sessions() as session:
            rows = session.scalars(
                select(EventRow).where(EventRow.workflow_id == run.workflow_id).order_by(EventRow.seq)
            ).all()
        ledger = [(r.id, r.seq, r.action) for r in rows]
        workflow = [(f"{run.workflow_id}:{e.seq}", e.seq, e.action) for e in state.events]
        assert ledger == workflow, f"{run.workflow_id}: ledger {ledger} != workflow {workflow}"
        assert len({seq for _, seq, _ in ledger}) == len(ledger) == state.events[-1].seq


def json_lines(lines: list[str]) -> list[dict]:
    """Every line a worker wrote is one JSON object (the Temporal core's own lines included)."""
    parsed = []
    for line in lines:
        if not line.strip():
            continue
        try:
            parsed.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"not a JSON log line: {line!r}") from None
    return parsed
