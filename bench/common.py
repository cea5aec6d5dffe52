"""Shared machinery of the benchmarks: the embedded dev server, worker processes, machine facts,
statistics and the results files.

Every benchmark starts its own `temporal server start-dev` (huiyin.devserver: WAL pragmas and the
project's search attributes) on a temporary db file and a free port, runs the worker(s) as separate
processes (the real `worker.py` for Huiyin, `bench.bare_worker` for the baseline) and drives them
from this process, so the driver, the worker and the server each have their own interpreter / core
as in production.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CLK_TCK = os.sysconf("SC_CLK_TCK")
T = TypeVar("T")


# --- small helpers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: Sequence[float], p: float) -> float | None:
    """Linear-interpolated percentile (p in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: Sequence[float], digits: int = 4) -> dict:
    """n, mean, p50, p95, p99, max of a list of seconds."""
    if not values:
        return {"n": 0}
    r = lambda v: round(v, digits)  # noqa: E731
    return {
        "n": len(values),
        "mean": r(sum(values) / len(values)),
        "p50": r(percentile(values, 50)),
        "p95": r(percentile(values, 95)),
        "p99": r(percentile(values, 99)),
        "max": r(max(values)),
    }


def ratio(a: float | None, b: float | None, digits: int = 3) -> float | None:
    return round(a / b, digits) if a is not None and b else None


def log(*parts: object) -> None:
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


# --- processes: CPU and memory from /proc ---------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (and its waited-for children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    # after the command: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
    return sum(int(x) for x in fields[11:15]) / CLK_TCK


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class CpuMeter:
    """CPU seconds used by named processes between start() and stop()."""

    def __init__(self, pids: dict[str, int]):
        self.pids = pids
        self.before: dict[str, float] = {}
        self.used: dict[str, float] = {}

    def start(self) -> "CpuMeter":
        self.before = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self.wall = time.monotonic()
        return self

    def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self.wall
        self.used = {name: round(cpu_seconds(pid) - self.before[name], 2) for name, pid in self.pids.items()}
        self.used["wall"] = round(wall, 2)
        return self.used



@dataclass
class Tally:
    """What one side used over all its rounds: wall seconds, CPU seconds per process."""

    pids: dict[str, int]
    cpu: dict[str, float] = field(default_factory=dict)
    wall: float = 0.0

    async def measure(self, job: Awaitable[T]) -> T:
        meter = CpuMeter(self.pids).start()
        result = await job
        used = meter.stop()
        self.wall += used.pop("wall")
        for name, seconds in used.items():
            self.cpu[name] = self.cpu.get(name, 0.0) + seconds
        return result

    def cpu_s(self) -> dict[str, float]:
        return {**{name: round(seconds, 2) for name, seconds in self.cpu.items()}, "wall": round(self.wall, 2)}

    def cpu_s_per(self, count: int) -> dict[str, float]:
        return {name: round(seconds / count, 4) for name, seconds in self.cpu.items()}


async def interleaved(sides: dict[str, Callable[[int, int], Awaitable[None]]], items: int, rounds: int) -> None:
    """Run each side's `items` in `rounds` rounds, the sides taking turns and the first of each round
    alternating (A B, B A, A B, …): whatever else loads the shared machine meanwhile falls on both sides
    alike, instead of on whichever ran second. A side's round is called with (round, items in it)."""
    rounds = max(1, min(rounds, items))
    names = list(sides)
    for r in range(rounds):
        count = items // rounds + (1 if r < items % rounds else 0)
        for name in names if r % 2 == 0 else names[::-1]:
            log(f"round {r + 1}/{rounds}: {name}, {count} items")
            await sides[name](r, count)


# --- machine facts --------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine() -> dict:
    import temporalio

    from huiyin.devserver import find_temporal_binary

    try:
        server = subprocess.run([find_temporal_binary(), "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception as error:  # noqa: BLE001 - facts only
        server = f"unknown ({error})"
    mem = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem / 2**30, 1),
        "python": platform.python_version(),
        "temporalio": temporalio.__version__,
        "server": server,
        "platform": platform.platform(),
        "git": _git("rev-parse", "--short", "HEAD") + ("-dirty" if _git("status", "--porcelain", "--", ".", ":!bench") else ""),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# --- results ----------------------------------------------------------------------------------------


def write_results(name: str, info: dict, figures: dict, row: dict[str, object]) -> Path:
    """bench/results/<name>.json (the latest run, with the machine) and one line in
    bench/results/<name>.md (a table with every run)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    info = {**info, "loadavg_at_end": [round(x, 2) for x in os.getloadavg()]}
    document = {"benchmark": name, "machine": info, "figures": figures}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    table = RESULTS / f"{name}.md"
    columns = ["date", "machine", "git", *row.keys()]
    cells = [
        info["date"][:16].replace("T", " "),
        f"{info['cpu']} ×{info['cores']}, py {info['python']}, temporalio {info['temporalio']}, "
        f"{info['server'].split('(')[-1].rstrip(')') if '(' in info['server'] else info['server']}, "
        f"load {info['loadavg_at_start'][0]}",
        info["git"],
        *(_cell(v) for v in row.values()),
    ]
    if not table.exists():
        table.write_text(f"# {name}\n\n| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n")
    with table.open("a") as out:
        out.write("| " + " | ".join(cells) + " |\n")
    print(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
    log(f"results written to {path.relative_to(ROOT)} and {table.relative_to(ROOT)}")
    return path


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value).replace("|", "/")


# --- the dev server ---------------------------------------------------------------------------------


@dataclass
class DevServer:
    port: int
    proc: subprocess.Popen
    workdir: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@contextlib.contextmanager
def workdir(keep: bool = False):
    path = Path(tempfile.mkdtemp(prefix="huiyin-bench-"))
    try:
        yield path
    finally:
        if not keep:
            import shutil

            shutil.rmtree(path, ignore_errors=True)
        else:
            log(f"kept {path}")


@contextlib.asynccontextmanager
async def dev_server(directory: Path) -> AsyncIterator[DevServer]:
    """`temporal server start-dev` on a temp db file and a free port, with the project's search attributes."""
    from huiyin.devserver import devserver_command, wait_for_port

    port = free_port()
    cmd = devserver_command(directory / "temporal.db", port=port, headless=True)
    logfile = (directory / "temporal.log").open("w")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        await wait_for_port("127.0.0.1", port, timeout=60, process=proc)
        yield DevServer(port, proc, directory)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        logfile.close()


async def connect(address: str, timeout: float = 60.0):
    """A client with the project's (pydantic) converter, once the frontend answers."""
    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter

    deadline = time.monotonic() + timeout
    while True:
        try:
            return await Client.connect(address, data_converter=pydantic_data_converter)
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)


async def wait_for_pollers(client, task_queue: str, timeout: float = 90.0) -> None:
    """Until a worker polls the task queue for workflow tasks."""
    from temporalio.api.enums.v1 import TaskQueueType
    from temporalio.api.taskqueue.v1 import TaskQueue
    from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

    deadline = time.monotonic() + timeout
    while True:
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace, task_queue=TaskQueue(name=task_queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            )
        )
        if response.pollers:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"no worker polls {task_queue!r} after {timeout:g}s")
        await asyncio.sleep(0.3)


# --- worker processes --------------------------------------------------------------------------------


@dataclass
class WorkerProcess:
    name: str
    proc: subprocess.Popen
    logfile: Path
    task_queue: str
    profiled: bool = False  # run under `py-spy record` (BENCH_PROFILE=<dir>): the worker is py-spy's child
    samples: list = field(default_factory=list)

    @property
    def pid(self) -> int:
        if self.profiled:
            for _ in range(100):
                with contextlib.suppress(OSError):
                    children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
                    if children:
                        return int(children[0])
                time.sleep(0.05)
        return self.proc.pid

    def check(self) -> None:
        if self.proc.poll() is not None:
            tail = self.logfile.read_text()[-3000:]
            raise RuntimeError(f"worker {self.name} exited with {self.proc.returncode}:\n{tail}")

    def rss(self) -> int:
        return rss_bytes(self.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _spawn(name: str, cmd: list[str], env: dict[str, str], directory: Path, task_queue: str) -> WorkerProcess:
    logfile = directory / f"{name}.log"
    profile_dir = os.environ.get("BENCH_PROFILE")
    if profile_dir:
        Path(profile_dir).mkdir(parents=True, exist_ok=True)
        out_file = Path(profile_dir) / f"{name}-{time.strftime('%H%M%S')}.txt"
        cmd = [str(Path(sys.executable).parent / "py-spy"), "record", "--format", "raw", "--rate", "50",
               *(os.environ.get("BENCH_PROFILE_ARGS", "").split()), "--nonblocking", "-o", str(out_file), "--", *cmd]
    with logfile.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    worker = WorkerProcess(name, proc, logfile, task_queue, profiled=bool(profile_dir))
    _SPAWNED.append(worker)
    return worker


# Workers run in their own session (so Ctrl-C reaches only the benchmark): stop any still running
# when the benchmark exits, also when it fails.
_SPAWNED: list[WorkerProcess] = []


@atexit.register
def _stop_spawned() -> None:
    for worker in _SPAWNED:
        with contextlib.suppress(Exception):
            worker.stop()


def huiyin_worker(server: DevServer, task_queue: str, database_url: str, *, cache: int | None = None,
                  name: str = "huiyin-worker", env: dict[str, str] | None = None) -> WorkerProcess:
    """The real `python worker.py`, configured through its environment (dispatcher and metrics off)."""
    settings = {
        "TEMPORAL_ADDRESS": server.address,
        "TEMPORAL_TASK_QUEUE": task_queue,
        "HUIYIN_DATABASE_URL": database_url,
        "HUIYIN_WORKER_METRICS_PORT": "0",
        "HUIYIN_NOTIFY_ENABLED": "false",
        "HUIYIN_LOG_LEVEL": "WARNING",
        "HUIYIN_LOG_FORMAT": "text",
        **({"HUIYIN_WORKER_MAX_CACHED_WORKFLOWS": str(cache)} if cache else {}),
        **(env or {}),
    }
    settings.pop("HUIYIN_CODEC_KEYS", None)
    return _spawn(name, [sys.executable, str(ROOT / "worker.py")], settings, server.workdir, task_queue)


def bare_worker(server: DevServer, task_queue: str, *, cache: int | None = None, name: str = "bare-worker") -> WorkerProcess:
    cmd = [sys.executable, "-m", "bench.bare_worker", "--address", server.address, "--task-queue", task_queue]
    if cache:
        cmd += ["--max-cached-workflows", str(cache)]
    return _spawn(name, cmd, {}, server.workdir, task_queue)


async def started(client, worker: WorkerProcess) -> WorkerProcess:
    try:
        await wait_for_pollers(client, worker.task_queue)
    except TimeoutError:
        worker.check()
        raise
    worker.check()
    return worker



class BareRun:
    """One side of an interleaved benchmark: the bare worker process and what it, the server and this
    process use (`tally`). Subclasses add the rounds."""

    def __init__(self, server, client, name: str):
        self.server, self.client, self.name = server, client, name

    async def __aenter__(self):
        self.worker = await started(self.client, bare_worker(self.server, self.name))
        self.tally = Tally({"server": self.server.proc.pid, "worker": self.worker.pid, "driver": os.getpid()})
        return self

    async def __aexit__(self, *exc) -> None:
        self.worker.check()
        self.worker.stop()

# --- running many coroutines with bounded concurrency -------------------------------------------------


async def bounded(jobs: Iterable, concurrency: int) -> list:
    """Await coroutine factories (callables returning awaitables) with at most `concurrency` at once."""
    jobs = list(jobs)
    results: list = [None] * len(jobs)
    next_index = 0

    async def lane() -> None:
        nonlocal next_index
        while next_index < len(jobs):
            i = next_index
            next_index += 1
            results[i] = await jobs[i]()

    await asyncio.gather(*(lane() for _ in range(min(concurrency, len(jobs)))))
    return results


def ledger_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'ledger.db'}"
