"""Imports started from the console (批量导入): run beside the page that started them, their progress and
result kept in the ledger (ledger.imports) so the page can show them as they go.

Importing the same file again is safe (numbers already registered are skipped), so an import cut off by a
restart is simply started again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable

from sqlalchemy.orm import Session
from temporalio.client import Client

from core.errors import Problem
from core.settings import Settings
from domain.enums import Period
from domain.models import Actor
from ledger import imports
from services.importing import import_suggestions

log = logging.getLogger("huiyin.import")
PROGRESS_EVERY = 0.5  # seconds between progress writes: the page refreshes each second
RUNNING: set[asyncio.Task] = set()  # held here so that a running import is not garbage-collected
CUT_OFF = "服务重启，导入中断：请重新导入同一文件，已登记的建议会自动跳过，不会重复。"
BROKEN = "导入因系统错误中断：已登记的建议不会重复，请稍后重新导入同一文件；如仍失败，请联系系统管理员。"


def start(client: Client, sessions: Callable[[], Session], settings: Settings, *, username: str, filename: str,
          content: bytes, year: int, period: Period, actor: Actor) -> str:
    """Record the import and start it; returns its id at once (the page then follows its progress)."""
    with sessions() as session:
        import_id = imports.start(session, username, filename, year, period.value).id
    task = asyncio.create_task(run(client, sessions, settings, import_id, filename=filename, content=content,
                                   year=year, period=period, actor=actor))
    RUNNING.add(task)
    task.add_done_callback(RUNNING.discard)
    return import_id


async def run(client: Client, sessions: Callable[[], Session], settings: Settings, import_id: str, *,
              filename: str, content: bytes, year: int, period: Period, actor: Actor) -> None:
    """The import, its progress written as it goes; a refusal of the whole file (unreadable, too many rows)
    ends it as failed with the reason in Chinese."""
    try:
        with sessions() as session:
            result = await import_suggestions(client, session, settings, filename=filename, content=content,
                                              year=year, period=period, actor=actor,
                                              progress=_progress_writer(sessions, import_id))
    except Problem as refusal:
        _record(sessions, imports.fail, import_id, refusal.zh or refusal.detail)
    except asyncio.CancelledError:
        _record(sessions, imports.fail, import_id, CUT_OFF)
        raise
    except Exception:
        log.exception("import %s failed", import_id)
        _record(sessions, imports.fail, import_id, BROKEN)
    else:
        _record(sessions, imports.finish, import_id, dataclasses.asdict(result))


def _progress_writer(sessions: Callable[[], Session], import_id: str) -> Callable[[int, int], None]:
    last = 0.0

    def write(done: int, total: int) -> None:
        nonlocal last
        if done in (0, total) or time.monotonic() - last >= PROGRESS_EVERY:
            last = time.monotonic()
            _record(sessions, imports.advance, import_id, done, total)

    return write


def _record(sessions: Callable[[], Session], change: Callable, import_id: str, *args) -> None:
    with sessions() as session:
        change(session, import_id, *args)


async def stop_all() -> None:
    """At shutdown: cut off running imports, each recorded as such."""
    for task in list(RUNNING):
        task.cancel()
    await asyncio.gather(*RUNNING, return_exceptions=True)
