"""在 Temporal 中查看: the saved oversight views (domain.saved_views) as ready links into the Temporal UI, which
the console passes on behind its login (api/temporal_ui.py) — per unit and for the whole year, so a supervisor
reaches "red items of my unit" in one click."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api.codec_server import ALLOWED as DECODERS
from api.console.visitor import Visitor, page, visitor
from api.deps import SessionDep, SettingsDep
from api.temporal_ui import PATH, STAFF
from domain.calendar import local_date
from domain.enums import UNIT_ROLES
from domain.saved_views import unit_views, year_views
from ledger import directory

router = APIRouter(include_in_schema=False)


def ui_link(namespace: str, query: str) -> str:
    """The UI's workflow list filtered by `query` (the UI reads its filter from the address)."""
    return f"{PATH}/namespaces/{quote(namespace)}/workflows?query={quote(query)}"


@router.get("/console/temporal", response_class=HTMLResponse)
def temporal_views(request: Request, session: SessionDep, settings: SettingsDep,
                   who: Visitor = Depends(visitor)) -> HTMLResponse:
    if who.actor.role not in STAFF:
        return page(request, "missing.html", who, 403, what="在 Temporal 中查看",
                    why="Temporal 监督台供交办督办机构、督办人和承办单位使用；代表请在“待办”中查看本人建议的办理情况。")
    today = local_date(datetime.now(timezone.utc))
    namespace = settings.temporal_namespace
    own = who.user.unit_code if who.actor.role in UNIT_ROLES else None
    units = directory.unit_names(session, [own] if own else None)
    per_unit = [(code, name, [(v.label, ui_link(namespace, v.query), v.query) for v in unit_views(code, today)])
                for code, name in units.items()]
    whole_year = [] if own else [(v.label, ui_link(namespace, v.query), v.query) for v in year_views(today.year, today)]
    return page(request, "temporal.html", who, per_unit=per_unit, whole_year=whole_year, year=today.year,
                configured=request.app.state.temporal_ui is not None,
                decoded=who.actor.role in DECODERS)
