"""What operations need from the API: /readyz, Prometheus metrics, one JSON log line per request, the codec endpoint.

``install_operations(app, settings)`` adds all of it to the app (api.app.create_app calls it):

- ``GET /readyz``: 200 when the ledger database and Temporal answer, else 503 problem JSON
  naming what is down (``/healthz`` only says the process is up).
- metrics: ``huiyin_api_requests_total{method,route,status}``,
  ``huiyin_api_request_duration_seconds{method,route}``, ``huiyin_api_refusals_total{status,title}``
  (every problem response, by its title) — at ``GET /metrics`` on the API port when
  HUIYIN_API_METRICS_PORT is 0, else on that port alone (HUIYIN_METRICS_HOST).
- a request log line (logger ``huiyin.api.access``) with the item and the actor: the
  item from the path (``/suggestions/{suggestion_id}/…``), the actor from the bearer
  token, both kept in core.logs.item_context for every line logged while serving it.
- the codec endpoint (api.codec_server) with CORS for the Temporal UI's origins only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
)
from sqlalchemy import text
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest

from api.edge import BodyLimit, SecurityHeaders, send_problem
from api.problems import MEDIA_TYPE, BodyTooLarge, problem_response, too_large
from api.security import token_subject
from core.errors import Problem
from core.logs import item_context
from core.settings import Settings

log = logging.getLogger("huiyin.api")
access_log = logging.getLogger("huiyin.api.access")
READY_TIMEOUT = 3.0  # seconds per dependency
ITEM_PATH = re.compile(r"^/api/v1/suggestions/([^/]+)")
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
NOT_ITEMS = {"import"}


# --- metrics ------------------------------------------------------------------------------


class ApiMetrics:
    """One registry per app (tests build several apps in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "huiyin_api_requests", "HTTP requests served", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "huiyin_api_request_duration_seconds", "Time to serve a request", ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=self.registry,
        )
        self.refusals = Counter(
            "huiyin_api_refusals", "Requests answered with a problem (RFC 9457), by status and problem title",
            ["status", "title"], registry=self.registry,
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


# --- the per-request middleware ------------------------------------------------------------


class RequestObserver:
    """Pure ASGI middleware: item context for the logs, a log line, metrics, refusal counts."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics, secret: Callable[[], str | None]):
        self.app, self.metrics, self.secret = app, metrics, secret

    @staticmethod
    def _item_of(scope: Scope) -> str | None:
        """The suggestion a request is about, from its path (before routing, so every line carries it)."""
        found = ITEM_PATH.match(scope.get("path", ""))
        return found.group(1) if found and found.group(1) not in NOT_ITEMS else None

    @staticmethod
    def _route_of(scope: Scope) -> str:
        """The route template, e.g. /api/v1/suggestions/{suggestion_id}/assign: bounded label values."""
        if scope.get("route") is None:
            return "<unmatched>"
        path = scope.get("path", "")
        for name, value in sorted((scope.get("path_params") or {}).items(), key=lambda kv: -len(str(kv[1]))):
            if value not in (None, ""):
                path = path.replace(f"/{value}", f"/{{{name}}}")
        return path

    def _actor_of(self, scope: Scope) -> str | None:
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                secret = self.secret()
                if scheme.lower() == "bearer" and token and secret:
                    return token_subject(token.strip(), secret)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        status_sent: int | None = None
        problem_body: list[bytes] | None = None

        async def observe(message: Message) -> None:
            nonlocal status, status_sent, problem_body
            if message["type"] == "http.response.start":
                status = status_sent = message["status"]
                headers = dict(message.get("headers", ()))
                if headers.get(b"content-type", b"").startswith(MEDIA_TYPE.encode()):
                    problem_body = []
            elif message["type"] == "http.response.body" and problem_body is not None:
                problem_body.append(message.get("body", b""))
            await send(message)

        with item_context(self._item_of(scope), self._actor_of(scope)):
            crashed = False
            try:
                await self.app(scope, receive, observe)
            except BodyTooLarge as error:  # raised while the body was read (api.edge)
                status = 413
                if problem_body is None:
                    await send_problem(send, scope, too_large(error.limit))
            except Exception:
                crashed, status = True, 500
                log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
                if problem_body is None and status_sent is None:
                    # Answered here, not re-raised: the server then keeps the connection open for the next request.
                    await send_problem(send, scope, Problem(
                        500, "Internal error", "an unexpected error occurred; it has been logged",
                        zh="系统出现意外错误，已记录在日志中：请稍后重试；如仍不行，请联系系统管理员", code="internal"))
                else:
                    raise
            finally:
                elapsed = time.perf_counter() - started
                route = self._route_of(scope)
                method = scope.get("method", "")
                method = method if method in METHODS else "OTHER"  # a label per made-up method would grow for ever
                self.metrics.requests.labels(method, route, str(status)).inc()
                self.metrics.latency.labels(method, route).observe(elapsed)
                title = "Internal error" if crashed else None
                if problem_body is not None:
                    title = _problem_title(b"".join(problem_body))
                if title:
                    self.metrics.refusals.labels(str(status), title).inc()
                extra: dict[str, Any] = {"method": method, "path": scope.get("path"), "route": route,
                                         "status": status, "duration_ms": round(elapsed * 1000, 1)}
                if title:
                    extra["problem"] = title
                access_log.log(logging.WARNING if status >= 500 else logging.INFO,
                               "%s %s %s", method, scope.get("path"), status, extra=extra)


def _problem_title(body: bytes) -> str:
    """The problem's English title (a bounded label, whatever language the detail was in)."""
    try:
        problem = json.loads(body)
        return str(problem.get("title_en") or problem.get("title") or "Error")
    except (ValueError, AttributeError):
        return "Error"


class PathCORS:
    """CORS on one path prefix only (the codec endpoint), so the rest of the API stays same-origin."""

    def __init__(self, app: ASGIApp, prefix: str, **cors: Any):
        self.app, self.prefix = app, prefix
        self.cors = CORSMiddleware(app, **cors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(self.prefix):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


# --- readiness -------------------------------------------------------------------------------


async def _check_database(app: FastAPI) -> str:
    def ping() -> None:
        with app.state.sessions() as session:
            session.execute(text("SELECT 1"))

    await asyncio.wait_for(asyncio.to_thread(ping), READY_TIMEOUT)
    return "ok"


async def _check_temporal(app: FastAPI) -> str:
    client = app.state.temporal
    await client.workflow_service.get_system_info(
        GetSystemInfoRequest(), timeout=timedelta(seconds=READY_TIMEOUT)
    )
    return "ok"


async def readiness(app: FastAPI) -> dict[str, str]:
    """{"database": "ok" | why not, "temporal": "ok" | why not}."""
    checks: dict[str, str] = {}
    for name, check in (("database", _check_database), ("temporal", _check_temporal)):
        try:
            checks[name] = await check(app)
        except asyncio.TimeoutError:
            checks[name] = f"no answer within {READY_TIMEOUT:g}s"
        except Exception as error:  # any failure means not ready; say which
            checks[name] = f"{type(error).__name__}: {str(error)[:200]}" if str(error) else type(error).__name__
    return checks


# --- installing it all -------------------------------------------------------------------------


def _origins(settings: Settings) -> list[str]:
    return [o.strip().rstrip("/") for o in settings.huiyin_codec_cors_origins.split(",") if o.strip()]


def install_operations(app: FastAPI, settings: Settings) -> None:
    from api import codec_server

    metrics = ApiMetrics()
    app.state.metrics = metrics
    codec_server.install(app, settings)

    @app.get("/readyz", tags=["health"], responses={503: {"description": "a dependency is down (problem JSON)"}})
    async def readyz(request: Request) -> Any:
        """Ready to serve: the ledger database and Temporal both answer."""
        checks = await readiness(request.app)
        down = {k: v for k, v in checks.items() if v != "ok"}
        if down:
            detail = "; ".join(f"{k}: {v}" for k, v in down.items())
            return problem_response(Problem(503, "Not ready", detail, checks=checks))
        return {"status": "ready", "checks": checks}

    if settings.huiyin_api_metrics_port == 0:
        @app.get("/metrics", tags=["health"], include_in_schema=False)
        def metrics_endpoint() -> Response:
            return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(
        PathCORS, prefix="/codec/", allow_origins=_origins(settings), allow_credentials=True,
        allow_methods=["POST", "DELETE"], allow_headers=["content-type", "x-namespace", "authorization"],
    )
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    # Outermost of ours: every request is logged and counted, the size limit's 413 and an unexpected error's 500 too.
    app.add_middleware(RequestObserver, metrics=metrics, secret=lambda: settings.huiyin_secret_key)

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app_: FastAPI) -> AsyncIterator[Any]:
        server = None
        if settings.huiyin_api_metrics_port:
            server, _thread = start_http_server(
                settings.huiyin_api_metrics_port, addr=settings.huiyin_metrics_host, registry=metrics.registry
            )
            log.info("API metrics on %s:%s/metrics", settings.huiyin_metrics_host, settings.huiyin_api_metrics_port)
        try:
            async with inner(app_) as state:
                yield state
        finally:
            if server is not None:
                server.shutdown()
                server.server_close()

    app.router.lifespan_context = lifespan
