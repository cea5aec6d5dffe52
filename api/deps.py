"""FastAPI dependencies: settings, database session, Temporal client, the current user."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session
from temporalio.client import Client

from api.console.session import read_session
from api.security import token_claims
from core.errors import Problem, forbidden, invalid
from core.settings import Settings
from domain.enums import Role
from domain.figures import as_of_instant
from domain.guards import role_zh
from domain.models import Actor
from ledger.directory import user_named
from ledger.rows import UserRow

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def app_settings(request: Request) -> Settings:
    """The settings the app was created with (tests give their own)."""
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_temporal(request: Request) -> Client:
    return request.app.state.temporal


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(app_settings)]
TemporalDep = Annotated[Client, Depends(get_temporal)]


def unauthorized(detail: str, zh: str = "请先登录（令牌无效、已过期或用户已停用时请重新登录）", code: str = "login.required") -> Problem:
    return Problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": "Bearer"}, zh=zh, code=code)


def current_user(
    request: Request, session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> UserRow:
    if token:
        return user_of_token(session, settings, token)
    # A page or file opened from the console (the annual report, its spreadsheet) carries the console's session
    # cookie instead; only for reading: a change always needs the token, or a console form with its CSRF token.
    if request.method in ("GET", "HEAD") and (found := read_session(request, settings.huiyin_secret_key)):
        user = user_named(session, found.username)
        if user is not None and user.active and user.token_version == found.version:
            return user
    raise unauthorized("log in first: send 'Authorization: Bearer <token>' from POST /api/v1/auth/token, "
                       "or open this from the console (/console) after logging in there")


def user_of_token(session: Session, settings: Settings, token: str) -> UserRow:
    """The active user a valid token names, at their current token version (a password change or disabling
    raises it: older tokens stop working); 401 otherwise."""
    claims = token_claims(token, settings.huiyin_secret_key) if settings.huiyin_secret_key else None
    user = user_named(session, claims.username) if claims else None
    if user is None or not user.active or user.token_version != claims.version:
        raise unauthorized("the token is invalid or expired, or the user is disabled; log in again")
    return user


UserDep = Annotated[UserRow, Depends(current_user)]


def actor_of(user: UserRow) -> Actor:
    """The actor a workflow sees: from the token's user, never from a request body."""
    return Actor(user=user.username, role=Role(user.role), unit=user.unit_code, deputy=user.deputy_code)


def require_roles(*roles: Role):
    """A dependency that lets only these roles through."""

    def check(user: UserDep) -> UserRow:
        if Role(user.role) not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise forbidden(f"this needs one of the roles: {allowed}; you are {user.role}",
                            f"此项由{'或'.join(role_zh(r) for r in roles)}办理，您的身份是{role_zh(user.role)}", "role.not_allowed")
        return user

    return check


def parse_as_of(value: str | None, name: str = "as_of", name_zh: str = "截止时间") -> datetime | None:
    """`as_of` (or another instant, `name`) as the API takes it: a date (the end of that day, Beijing time) or an
    ISO instant (without a zone: Beijing time); None or empty: now. 422 for anything else."""
    if not value:
        return None
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parsed = parse(value)
        except ValueError:
            continue
        if not 2000 <= parsed.year <= 2100:
            raise invalid(f"{name} {value!r} is not within 2000–2100", f"{name_zh} {value} 不在2000至2100年之间",
                          f"{name}.range")
        return as_of_instant(parsed)
    raise invalid(f"{name} {value!r} is neither a date (2025-06-30) nor an ISO instant (2025-06-30T18:00:00+08:00)",
                  f"{name_zh} {value} 不是日期（如 2025-06-30）或时间（如 2025-06-30T18:00:00+08:00）", f"{name}.format")
