"""Structured logs: one JSON object per line, with the item (workflow id) and the actor on every line about an item.

    configure_logging()                      # once, at process start (worker.py, the API app)
    with item_context(workflow_id, actor):   # around the work on one item
        log.info("assigned")                 # -> {"ts": ..., "level": "INFO", "msg": "assigned",
                                             #     "workflow_id": "suggestion-2026-A001", "actor": "coord (coordinator)", ...}

Lines from inside workflows and activities get the workflow id from the Temporal
SDK's own log extras (``temporal_workflow`` / ``temporal_activity``) even without
an item_context. No payloads are logged: a line names an item, never its text.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from core.settings import get_settings

_workflow_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("huiyin_workflow_id", default=None)
_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("huiyin_actor", default=None)

# LogRecord attributes that are not "extra" fields.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName", "color_message"}
_HANDLER_MARK = "_huiyin_handler"


def describe_actor(actor: Any) -> str | None:
    """'coord (coordinator)', 'handler-U01 (unit_handler, U01)' for a domain Actor; str(x) for anything else."""
    if actor is None:
        return None
    user = getattr(actor, "user", None)
    if user is None:
        return str(actor)
    role = getattr(actor, "role", None)
    role = getattr(role, "value", role)
    where = getattr(actor, "unit", None) or getattr(actor, "deputy", None)
    inside = ", ".join(str(x) for x in (role, where) if x)
    return f"{user} ({inside})" if inside else str(user)


@contextmanager
def item_context(workflow_id: str | None, actor: Any = None) -> Iterator[None]:
    """Every log line inside names this item and actor (contextvars: safe across tasks and threads)."""
    tokens = [_workflow_id.set(workflow_id) if workflow_id is not None else None,
              _actor.set(describe_actor(actor)) if actor is not None else None]
    try:
        yield
    finally:
        if tokens[1] is not None:
            _actor.reset(tokens[1])
        if tokens[0] is not None:
            _workflow_id.reset(tokens[0])


def current_item() -> tuple[str | None, str | None]:
    return _workflow_id.get(), _actor.get()


class ItemFilter(logging.Filter):
    """Puts ``workflow_id`` and ``actor`` on every record (from item_context or the Temporal SDK's extras)."""

    def filter(self, record: logging.LogRecord) -> bool:
        workflow_id, actor = current_item()
        if workflow_id is None:
            for extra in ("temporal_workflow", "temporal_activity"):
                info = getattr(record, extra, None)
                if isinstance(info, dict) and info.get("workflow_id"):
                    workflow_id = info["workflow_id"]
                    break
        if getattr(record, "workflow_id", None) is None:
            record.workflow_id = workflow_id
        if getattr(record, "actor", None) is None:
            record.actor = actor
        return True


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, workflow_id, actor, then any extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "workflow_id": getattr(record, "workflow_id", None),
            "actor": getattr(record, "actor", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out and not key.startswith("_"):
                out[key] = _jsonable(value)
        if record.exc_info:
            out["exc"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.exc_text:
            out["exc"] = record.exc_text
        return json.dumps(out, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(workflow_id)s %(actor)s] %(message)s")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(level: str | int | None = None, fmt: str | None = None) -> logging.Handler:
    """One stderr handler on the root logger (replacing ours from an earlier call, leaving others alone).

    Defaults from settings: HUIYIN_LOG_LEVEL, HUIYIN_LOG_FORMAT ("json" or "text").
    uvicorn's loggers are routed through it too, so every line of the API is JSON.
    """
    if level is None or fmt is None:
        settings = get_settings()
        level = level if level is not None else settings.huiyin_log_level
        fmt = fmt if fmt is not None else settings.huiyin_log_format
    if fmt not in ("json", "text"):
        raise ValueError(f"log format {fmt!r}: use 'json' or 'text'")
    handler = _StderrHandler()
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(ItemFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    logging.captureWarnings(True)  # Python warnings become log lines too
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # The API logs each request itself (with item and actor); uvicorn's access line would repeat it as text.
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    return handler
