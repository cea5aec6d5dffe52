"""`make run`'s supervisor (huiyin.run): a child that dies is started again with backoff, one that keeps dying
stops the rest; and the whole system as `make run` starts it keeps payloads encrypted and survives a killed
worker (issue "nothing a user sends can break it", items 11 and 12)."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from core.settings import PROJECT_ROOT
from huiyin import run
from workflows.item import ITEM_KINDS, OVERSIGHT_SUMMARIES


def sleeper(name: str) -> run.Child:
    return run.Child(name, [sys.executable, "-c", "import time; time.sleep(60)"])


def test_a_child_that_dies_is_started_again_after_a_growing_wait():
    sup = run.Supervisor()
    child = sleeper("worker")
    sup.start(child, dict(os.environ))
    try:
        for expected in (1.0, 2.0, 4.0):
            first_pid = child.proc.pid
            child.signal(signal.SIGKILL)
            child.proc.wait()
            dead = sup.dead_child()
            assert dead is child and sup.schedule_restart(child, now=child.started_at + 1)
            assert child.restart_at == pytest.approx(child.started_at + 1 + expected)
            assert sup.dead_child() is None  # waiting for its restart, not dead to the watcher
            sup.restart_due(now=child.restart_at)
            assert child.running() and child.proc.pid != first_pid
        # Once it ran a minute, the next death waits 1 s again.
        child.signal(signal.SIGKILL)
        child.proc.wait()
        assert sup.schedule_restart(child, now=child.started_at + run.HEALTHY_RUN + 1)
        assert child.restart_at == pytest.approx(child.started_at + run.HEALTHY_RUN + 2)
    finally:
        sup.restart_due(now=float("inf"))
        sup.stop_all()
    assert not child.running()


def test_a_child_that_keeps_dying_at_once_is_given_up():
    sup = run.Supervisor()
    child = run.Child("api", [sys.executable, "-c", "raise SystemExit(3)"])
    sup.start(child, dict(os.environ))
    child.proc.wait()
    verdicts = []
    for _ in range(run.RESTART_LIMIT + 1):
        verdicts.append(sup.schedule_restart(child, now=child.started_at + 0.1))
        sup.restart_due(now=float("inf"))
        child.proc.wait()
    assert verdicts == [True] * run.RESTART_LIMIT + [False]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def running_system(tmp_path):
    """`python -m huiyin.run` as `make run` starts it, in a var/ of its own and on free ports."""
    temporal, api = _free_port(), _free_port()
    env = {**os.environ, "HUIYIN_VAR_DIR": str(tmp_path), "HUIYIN_API_PORT": str(api), "HUIYIN_WORKER_METRICS_PORT": "0",
           "HUIYIN_LOG_FORMAT": "text"}
    for name in ("HUIYIN_CODEC_KEYS", "HUIYIN_SECRET_KEY", "TEMPORAL_ADDRESS", "HUIYIN_DATABASE_URL", "HUIYIN_CONFIG_DIR"):
        env.pop(name, None)
    log = open(tmp_path / "run.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "huiyin.run", "--headless", "--temporal-port", str(temporal),
                             "--db-filename", str(tmp_path / "temporal.db")],
                            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(lambda: httpx.get(f"http://127.0.0.1:{api}/readyz", timeout=2).status_code == 200, 90, tmp_path)
        yield proc, f"http://127.0.0.1:{api}", temporal, tmp_path
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _wait_for(check, seconds: float, tmp_path: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, OSError, ValueError):
            pass
        time.sleep(0.5)
    raise AssertionError("not ready in time:\n" + (tmp_path / "run.log").read_text()[-3000:])


def test_make_run_encrypts_payloads_and_starts_a_killed_worker_again(running_system):
    proc, base, temporal_port, var = running_system
    assert (var / "codec-keys").stat().st_mode & 0o777 == 0o600
    admin, password = (var / "admin-password.txt").read_text().split()
    token = httpx.post(f"{base}/api/v1/auth/token", data={"username": admin, "password": password}).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    for path, body in (("/api/v1/units", {"code": "R01", "name": "市测试局"}),
                       ("/api/v1/deputies", {"code": "RD1", "name": "赵某", "phone": "13812345678"}),
                       ("/api/v1/users", {"username": "clerk", "password": "clerk-password-1", "role": "coordinator"})):
        assert httpx.post(base + path, json=body, headers=auth).status_code == 201
    token = httpx.post(f"{base}/api/v1/auth/token", data={"username": "clerk", "password": "clerk-password-1"}).json()
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    year = time.localtime().tm_year
    item = {"year": year, "period": "session", "title": "关于加装电梯的建议", "body": "请联系13812345678。",
            "field": "urban_management", "lead_deputy": "RD1", "received_on": f"{year}-01-05"}
    created = httpx.post(f"{base}/api/v1/suggestions", json=item, headers=auth, timeout=30)
    assert created.status_code == 201, created.text

    history = subprocess.run(
        [str(Path(sys.executable).parent / "temporal"), "workflow", "show", "--address", f"127.0.0.1:{temporal_port}",
         "--workflow-id", created.json()["id"], "--output", "json"], capture_output=True, text=True, check=True).stdout
    payloads = list(_payloads(json.loads(history)))
    encrypted = [p for p in payloads if base64.b64decode(p["metadata"]["encoding"]) == b"binary/encrypted"]
    plain = [base64.b64decode(p["data"]).decode() for p in payloads if p not in encrypted]
    assert len(encrypted) >= 3  # the item's input, the ledger writes' and the update's results
    # What stays plain is the SDK's own note on each local activity (its type, attempt, time) and on the patch it
    # took (its name): nothing of the item.
    notes = [json.loads(note) for note in plain]
    assert plain and all(n.get("activity_type") or n.get("id") in (OVERSIGHT_SUMMARIES, ITEM_KINDS) for n in notes), plain
    assert not any(secret in note for note in plain for secret in ("13812345678", "电梯", "赵某"))

    worker = _child_pid(proc.pid, "worker.py")
    os.kill(worker, signal.SIGKILL)
    _wait_for(lambda: _child_pid(proc.pid, "worker.py") not in (None, worker), 30, var)
    accepted = httpx.post(f"{base}/api/v1/suggestions/{created.json()['id']}/accept", headers=auth, timeout=30)
    assert accepted.status_code == 200 and accepted.json()["accepted_at"]
    assert proc.poll() is None


def _payloads(node):
    """Every payload of a history but the search attributes (no personal data there, and never encrypted)."""
    if isinstance(node, dict):
        if "metadata" in node and "data" in node and "encoding" in node["metadata"]:
            yield node
        for key, value in node.items():
            if key != "searchAttributes":
                yield from _payloads(value)
    elif isinstance(node, list):
        for value in node:
            yield from _payloads(value)


def _child_pid(parent: int, script: str) -> int | None:
    """The pid of the supervisor's child running `script`."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if int(stat[1]) == parent and any(part.endswith(script.encode()) for part in cmdline):
                return int(entry.name)
    return None
