"""Run the whole system: `python -m huiyin.run` (what `make run` does).

One supervised group of processes, started in this order:

1. the Temporal dev server (huiyin.devserver; state in var/temporal.db, UI :8233),
2. the worker (`python worker.py`),
3. the API (`python -m uvicorn --factory api.app:create_app`).

Ctrl-C or SIGTERM stops the API and the worker first, then the server (each gets
SIGINT, then SIGTERM after a grace period, then SIGKILL) and exits 0. A child that dies
on its own is started again after a backoff (1, 2, 4 … 30 s); one that keeps dying right
after it starts (five times in a row) stops everything with a non-zero exit code. A second
Ctrl-C during shutdown skips the remaining grace periods.

Payloads are encrypted with a key kept in var/codec-keys (made on the first start), as the
first admin's password and the token key are kept there; production sets them in the
environment.

Each child runs in its own session/process group, so a Ctrl-C in the terminal reaches
only this supervisor, which then stops the children in order.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from core.codec import new_key_entry
from core.settings import EMBEDDED_CODEC_KEYS, PROJECT_ROOT, VAR_DIR, get_settings
from huiyin import devserver
from ledger.schema import upgrade_database

POLL_INTERVAL = 0.2
UI_PATH = "/temporal"  # the Temporal UI's path, the same on the dev server and behind the console (api.temporal_ui)
SERVER_START_TIMEOUT = 60.0
GRACE_SIGINT = 10.0  # seconds after SIGINT before SIGTERM
GRACE_SIGTERM = 5.0  # seconds after SIGTERM before SIGKILL
RESTART_BACKOFF, RESTART_BACKOFF_MAX = 1.0, 30.0  # a child that dies is started again after 1, 2, 4 … 30 s
HEALTHY_RUN = 60.0  # a child that ran this long before dying starts its backoff from 1 s again
RESTART_LIMIT = 5  # quick deaths in a row after which the supervisor gives up (a broken setup, not a crash)


def log(msg: str) -> None:
    print(f"[huiyin.run] {msg}", file=sys.stderr, flush=True)


def _die_with_parent() -> None:
    """In the child (Linux): get SIGTERM if the supervisor itself dies (e.g. SIGKILL)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except Exception:
        pass


@dataclass
class Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen | None = field(default=None, repr=False)
    env: dict[str, str] = field(default_factory=dict, repr=False)
    started_at: float = 0.0
    quick_deaths: int = 0  # deaths in a row, each soon after its start
    restart_at: float | None = None  # when a dead child is started again

    def start(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.started_at, self.restart_at = env, time.monotonic(), None
        self.proc = subprocess.Popen(
            self.argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # own process group: terminal Ctrl-C is not delivered here
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int) -> None:
        if not self.running():
            return
        try:
            os.killpg(self.proc.pid, sig)  # the whole group: grandchildren too
        except ProcessLookupError:
            pass
        except PermissionError:
            self.proc.send_signal(sig)


class Supervisor:
    def __init__(self) -> None:
        self.children: list[Child] = []
        self.stop_signals = 0  # how many Ctrl-C / SIGTERM received

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.stop_signals += 1
        if self.stop_signals == 1:
            log(f"{signal.Signals(signum).name} received: stopping (Ctrl-C again to hurry)")
        else:
            log(f"{signal.Signals(signum).name} received again: hurrying")

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, self._on_signal)

    def start(self, child: Child, env: dict[str, str]) -> None:
        log(f"starting {child.name}: {subprocess.list2cmdline(child.argv)}")
        child.start(env, PROJECT_ROOT)
        self.children.append(child)

    def dead_child(self) -> Child | None:
        for child in self.children:
            if not child.running() and child.restart_at is None:
                return child
        return None

    def schedule_restart(self, child: Child, now: float | None = None) -> bool:
        """A child died on its own: start it again after a backoff (1, 2, 4 … 30 s; from 1 s again once it ran a
        minute). False when it died quickly RESTART_LIMIT times in a row: something is wrong that waiting won't fix."""
        now = time.monotonic() if now is None else now
        child.quick_deaths = child.quick_deaths + 1 if now - child.started_at < HEALTHY_RUN else 1
        if child.quick_deaths > RESTART_LIMIT:
            return False
        delay = min(RESTART_BACKOFF * 2 ** (child.quick_deaths - 1), RESTART_BACKOFF_MAX)
        child.restart_at = now + delay
        log(f"{child.name} exited with code {child.proc.returncode}; starting it again in {delay:g} s")
        return True

    def restart_due(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        for child in self.children:
            if child.restart_at is not None and now >= child.restart_at and not self.stop_signals:
                log(f"starting {child.name} again")
                child.start(child.env, PROJECT_ROOT)

    def stop_group(self, group: list[Child]) -> None:
        """SIGINT, then SIGTERM, then SIGKILL; each step only for those still running."""
        group = [c for c in group if c.running()]
        if not group:
            return
        log("stopping " + ", ".join(c.name for c in group))
        signals_seen = self.stop_signals
        for sig, grace in (
            (signal.SIGINT, GRACE_SIGINT),
            (signal.SIGTERM, GRACE_SIGTERM),
            (signal.SIGKILL, None),
        ):
            alive = [c for c in group if c.running()]
            if not alive:
                break
            if sig != signal.SIGINT:
                log(f"{', '.join(c.name for c in alive)} still running: sending {sig.name}")
            for c in alive:
                c.signal(sig)
            if grace is None:
                for c in alive:
                    c.proc.wait()
                break
            deadline = time.monotonic() + grace
            while any(c.running() for c in alive) and time.monotonic() < deadline:
                if self.stop_signals > signals_seen:  # another Ctrl-C: next step now
                    signals_seen = self.stop_signals
                    break
                time.sleep(0.05)

    def stop_all(self) -> None:
        server = [c for c in self.children if c.name == "temporal"]
        others = [c for c in self.children if c.name != "temporal"]
        self.stop_group(others)  # API and worker first: they still talk to the server
        self.stop_group(server)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m huiyin.run", description=__doc__.split("\n")[0])
    p.add_argument(
        "--db-filename",
        type=Path,
        default=devserver.DEFAULT_DB_FILENAME,
        help="Temporal dev server state file (default: var/temporal.db)",
    )
    p.add_argument("--temporal-port", type=int, default=devserver.DEFAULT_PORT)
    p.add_argument("--ui-port", type=int, default=devserver.DEFAULT_UI_PORT)
    p.add_argument("--headless", action="store_true", help="no Temporal Web UI")
    return p.parse_args(argv)


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host


def _safe_url(url: str) -> str:
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(set)"


def embedded_secret_key() -> str:
    """The embedded default's token key: made once, kept in var/ (mode 600). Production sets HUIYIN_SECRET_KEY."""
    path = VAR_DIR / "secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _busy_ports(args: argparse.Namespace, api_host: str, api_port: int) -> list[tuple[str, int]]:
    """The ports we need that something else already listens on."""
    ip = devserver.DEFAULT_IP
    wanted = [
        ("Temporal gRPC", ip, args.temporal_port),
        ("Temporal UI", ip, None if args.headless else args.ui_port),
        ("API", api_host, api_port),
    ]
    return [(what, port) for what, host, port in wanted if port is not None and devserver.port_is_open(host, port)]


def _children_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TEMPORAL_ADDRESS", f"{devserver.DEFAULT_IP}:{args.temporal_port}")
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.setdefault("HUIYIN_LOG_FORMAT", "text")  # a terminal: lines for people (containers set json)
    if not env.get("HUIYIN_SECRET_KEY"):
        env["HUIYIN_SECRET_KEY"] = embedded_secret_key()
    if not env.get("HUIYIN_CODEC_KEYS"):  # deputies' names, phones and notes never sit in Temporal in the clear
        env["HUIYIN_CODEC_KEYS"] = embedded_codec_keys()
    # One rehearsal clock for every process of this run (a drill item's years end together): it starts now.
    env.setdefault("HUIYIN_DRILL_EPOCH", datetime.now(timezone.utc).isoformat())
    return env


def _server_ready(sup: Supervisor, server: Child, port: int) -> int | None:
    """Wait for the dev server's port: None once it is open, else the exit code to stop with."""
    ip = devserver.DEFAULT_IP
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not devserver.port_is_open(ip, port):
        if sup.stop_signals:
            return 0
        if not server.running():
            log(f"temporal dev server exited with code {server.proc.returncode} while starting")
            return 1
        if time.monotonic() > deadline:
            log(f"temporal dev server did not open {ip}:{port} within {SERVER_START_TIMEOUT:g}s")
            return 1
        time.sleep(0.1)
    log(f"Temporal dev server ready on {ip}:{port}")
    return None


def _banner(args: argparse.Namespace, settings, api_host: str) -> str:
    ip = devserver.DEFAULT_IP
    db = args.db_filename
    try:
        db = db.resolve().relative_to(PROJECT_ROOT)
    except ValueError:
        pass
    admin = VAR_DIR / "admin-password.txt"
    if admin.is_file():
        name, password = (admin.read_text().split() + ["", ""])[:2]
        first_admin = f"  First admin    {name} / {password}   (kept in var/admin-password.txt; change it in the console)"
    else:
        first_admin = "  First admin    as HUIYIN_ADMIN_USERNAME / HUIYIN_ADMIN_PASSWORD say"
    return "\n".join([
        "Huiyin is running:",
        f"  Console        http://{api_host}:{settings.huiyin_api_port}/console   (工作台: log in here)",
        first_admin,
        f"  API            http://{api_host}:{settings.huiyin_api_port}/docs",
        "  Temporal UI    " + ("(headless)" if args.headless else
                                 f"http://{api_host}:{settings.huiyin_api_port}{UI_PATH}/   (监督台: after logging into "
                                 f"the console, decoded for coordinators, supervisors and admins; "
                                 f"undecoded at http://{ip}:{args.ui_port}{UI_PATH})"),
        f"  Temporal gRPC  {ip}:{args.temporal_port}  (namespace {settings.temporal_namespace}, state {db})",
        f"  Ledger DB      {_safe_url(settings.huiyin_database_url)}",
        "Press Ctrl-C to stop.",
    ])


def _watch(sup: Supervisor, banner: Callable[[], str], api_host: str, api_port: int) -> str:
    """Until Ctrl-C; a child that dies is started again (with backoff), unless it keeps dying at once (its name is
    returned). The banner once the API answers."""
    announced = False
    while not sup.stop_signals:
        dead = sup.dead_child()
        if dead is not None and not sup.schedule_restart(dead):
            log(f"{dead.name} keeps exiting (code {dead.proc.returncode}) right after it starts; stopping the others")
            return dead.name
        sup.restart_due()
        if not announced and devserver.port_is_open(api_host, api_port):
            announced = True
            print(banner(), flush=True)  # now: the API made the first admin as it started
        time.sleep(POLL_INTERVAL)
    return ""


def embedded_codec_keys() -> str:
    """The embedded default's payload key: made once, kept in var/ (mode 600) where `huiyin` commands beside
    `make run` find it too (core.settings.with_embedded_codec_keys). Production sets HUIYIN_CODEC_KEYS."""
    if not EMBEDDED_CODEC_KEYS.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        EMBEDDED_CODEC_KEYS.write_text(new_key_entry("k1"))
        EMBEDDED_CODEC_KEYS.chmod(0o600)
    return EMBEDDED_CODEC_KEYS.read_text().strip()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = get_settings()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    args.db_filename.parent.mkdir(parents=True, exist_ok=True)
    api_host = _display_host(settings.huiyin_api_host)
    busy = _busy_ports(args, api_host, settings.huiyin_api_port)
    for what, port in busy:
        log(f"port {port} ({what}) is already in use: is Huiyin (or another Temporal) running?")
    if busy:
        return 1
    try:
        server_cmd = devserver.devserver_command(
            args.db_filename, port=args.temporal_port, ui_port=args.ui_port, ip=devserver.DEFAULT_IP,
            namespace=settings.temporal_namespace, headless=args.headless, ui_public_path=UI_PATH,
            ui_codec_endpoint=f"http://{api_host}:{settings.huiyin_api_port}/codec",
        )
    except devserver.TemporalCLINotFound as e:
        log(str(e))
        return 1
    env = _children_env(args)
    if not args.headless:  # the console passes /temporal/… on to the UI, so the UI decodes with the console's login
        env.setdefault("HUIYIN_TEMPORAL_UI_URL", f"http://{devserver.DEFAULT_IP}:{args.ui_port}{UI_PATH}")
    # Migrate once here, so the worker and the API never race to create the ledger's tables.
    upgrade_database(settings.huiyin_database_url)

    sup = Supervisor()
    sup.install_signal_handlers()
    failed = ""
    try:
        server = Child("temporal", server_cmd)
        sup.start(server, env)
        stopped = _server_ready(sup, server, args.temporal_port)
        if stopped is not None:
            return stopped
        if not sup.stop_signals:
            sup.start(Child("worker", [sys.executable, "worker.py"]), env)
        if not sup.stop_signals:
            sup.start(Child("api", [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app",
                                    "--host", settings.huiyin_api_host, "--port", str(settings.huiyin_api_port)]), env)
        failed = _watch(sup, lambda: _banner(args, settings, api_host), api_host, settings.huiyin_api_port)
    finally:
        sup.stop_all()
    if not failed:
        log("stopped")
        return 0
    log(f"stopped because {failed} kept exiting (see its output above); exit code 1")
    return 1


if __name__ == "__main__":
    sys.exit(main())
