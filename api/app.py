"""The HTTP API (FastAPI): staff and deputies act here; OpenAPI at /docs.

    python -m uvicorn --factory api.app:create_app --host 127.0.0.1 --port 8000
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from temporalio.client import Client

from api import temporal_ui
from api.console import register_pages, report_pages, temporal_views
from api.console import views as console
from api.operations import install_operations
from api.problems import document_problems, install_problem_handlers
from api.render.pages import STATIC
from api.routers import admin, auth, notifications, oversight, public, reports, suggestions
from api.security import LoginThrottle
from core.logs import configure_logging
from core.settings import Settings, get_settings
from core.temporal import connect
from ledger.db import session_factory
from ledger.schema import upgrade_database
from services import import_jobs
from services.users import ensure_first_admin

log = logging.getLogger("huiyin.api")


def create_app(settings: Settings | None = None, temporal: Client | None = None) -> FastAPI:
    """The app; tests pass their own settings and Temporal client."""
    settings = settings or get_settings()
    configure_logging(settings.huiyin_log_level, settings.huiyin_log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if not settings.huiyin_secret_key:
            raise RuntimeError("HUIYIN_SECRET_KEY is not set: tokens cannot be signed (make run sets one in var/)")
        upgrade_database(settings.huiyin_database_url)
        app.state.sessions = session_factory(settings.huiyin_database_url)
        with app.state.sessions() as session:
            ensure_first_admin(session, settings)
        app.state.temporal = temporal or await connect(settings)
        yield
        await import_jobs.stop_all()  # an import cut off by the shutdown is recorded as such

    # Swagger UI and ReDoc from the app's own copies (fastapi-offline): /docs works without internet.
    app = FastAPIOffline(title="Huiyin 回音", version="0.1.0", lifespan=lifespan, static_url="/static/docs",
                         description="Every deputy's suggestion gets an echo (件件有回音).")
    app.state.settings = settings
    app.state.login_throttle = LoginThrottle()
    install_problem_handlers(app)
    document_problems(app)
    for router in (auth.router, admin.router, suggestions.router, oversight.router):
        app.include_router(router, prefix="/api/v1")
    app.include_router(notifications.router, prefix="/api/v1")
    app.include_router(reports.router, prefix="/api/v1")
    app.include_router(public.router)  # no login: /public/v1/... and /public/replies

    # The console's pages and their stylesheet, served by the app itself.
    app.mount("/static/console", StaticFiles(directory=STATIC), name="console-static")
    console.install(app)
    app.include_router(register_pages.router)  # the registers' pages (名册)
    app.include_router(report_pages.router)  # reports and the unit evaluation (报告, 单位评议)
    temporal_ui.install(app, settings)  # the Temporal UI behind the console's login (/temporal/…)
    app.include_router(temporal_views.router)  # 在 Temporal 中查看: saved oversight views

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    install_operations(app, settings)  # /readyz, metrics, request logs, codec endpoint (api/operations.py)

    return app
