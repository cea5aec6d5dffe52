"""What every console page shares: the signed-in visitor (or a redirect to the login), the CSRF-checked form,
and rendering a page with the helpers its template uses."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from api.console.session import ConsoleSession, read_session, renew
from api.deps import SessionDep, SettingsDep, actor_of
from api.render.pages import render_page
from core.errors import Problem
from domain import labels
from domain.actions import BY_NAME
from domain.calendar import SHANGHAI
from domain.enums import STAGE_LABELS
from domain.fields import FIELDS
from domain.kinds import FILING_LEVEL_LABELS, KINDS
from ledger import directory
from ledger.rows import UserRow


class LoginRequired(Exception):
    def __init__(self, back: str):
        self.back = back


class Visitor:
    """The signed-in user of a console page, with their session (for the CSRF token and its renewal)."""

    def __init__(self, user: UserRow, session: ConsoleSession):
        self.user, self.session = user, session
        self.actor = actor_of(user)

    @property
    def role_label(self) -> str:
        return labels.ROLE_LABELS.get(self.user.role, self.user.role)


def signed_in(request: Request, session, settings) -> Visitor | None:
    """The console's signed-in user, if the request carries a live session for an active user."""
    found = read_session(request, settings.huiyin_secret_key)
    user = directory.user_named(session, found.username) if found else None
    if found is None or user is None or not user.active or user.token_version != found.version:
        return None
    return Visitor(user, found)


def visitor(request: Request, session: SessionDep, settings: SettingsDep) -> Visitor:
    found = signed_in(request, session, settings)
    if found is None:
        raise LoginRequired(request.url.path)
    return found


async def checked_form(request: Request, who: Visitor = Depends(visitor)):
    """The posted form, if it carries this session's CSRF token (a form from elsewhere does not)."""
    form = await request.form()
    if form.get("csrf") != who.session.csrf:
        raise Problem(403, "Forbidden", "这个表单已过期或并非来自本系统：请回到页面刷新后重新提交。")
    return form


def page(request: Request, template: str, who: Visitor | None, status: int = 200, **context: Any) -> HTMLResponse:
    response = HTMLResponse(render_page(f"console/{template}", who=who, request=request, **_helpers(), **context),
                            status_code=status)
    if who is not None:
        renew(response, request, who.session, request.app.state.settings.huiyin_secret_key)
    return response


def _helpers() -> dict[str, Any]:
    return {"labels": labels, "stages": STAGE_LABELS, "fields": FIELDS, "beijing": beijing, "actions": BY_NAME,
            "this_year": datetime.now(SHANGHAI).year, "kinds": {kind.value: rules for kind, rules in KINDS.items()},
            "filing_levels": FILING_LEVEL_LABELS}


def beijing(value: Any, with_time: bool = True) -> str:
    """An instant as people here read it: Beijing time."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return str(value)
    local = value.astimezone(SHANGHAI) if value.tzinfo else value.replace(tzinfo=timezone.utc).astimezone(SHANGHAI)
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
