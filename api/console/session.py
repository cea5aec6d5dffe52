"""The console's cookie session: a signed token in an HttpOnly, SameSite=Lax cookie, ended after 30 idle
minutes (each page renews it) and after 12 hours in any case; it carries the user's token version (a password
change or disabling ends it) and the CSRF token every form must send back."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import Request, Response

from ledger.rows import UserRow

COOKIE = "huiyin_session"
IDLE = timedelta(minutes=30)
LONGEST = timedelta(hours=12)
ALGORITHM = "HS256"


@dataclass(frozen=True)
class ConsoleSession:
    username: str
    version: int
    csrf: str
    started: datetime


def open_session(response: Response, request: Request, user: UserRow, secret: str,
                 now: datetime | None = None) -> ConsoleSession:
    now = now or datetime.now(timezone.utc)
    session = ConsoleSession(user.username, user.token_version, secrets.token_urlsafe(24), now)
    _set_cookie(response, request, session, secret, now)
    return session


def renew(response: Response, request: Request, session: ConsoleSession, secret: str) -> None:
    """Another 30 idle minutes (never past the 12 hours)."""
    _set_cookie(response, request, session, secret, datetime.now(timezone.utc))


def _set_cookie(response: Response, request: Request, session: ConsoleSession, secret: str, now: datetime) -> None:
    expires = min(now + IDLE, session.started + LONGEST)
    claims = {"sub": session.username, "ver": session.version, "csrf": session.csrf,
              "start": int(session.started.timestamp()), "exp": expires}
    response.set_cookie(
        COOKIE, jwt.encode(claims, secret, algorithm=ALGORITHM), max_age=int((expires - now).total_seconds()),
        path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https",
    )


def close_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


def read_session(request: Request, secret: str) -> ConsoleSession | None:
    """The session the request's cookie holds, if it is genuine and not expired (idle or too old)."""
    token = request.cookies.get(COOKIE)
    if not token or not secret:
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp", "csrf", "start"]})
    except jwt.PyJWTError:
        return None
    started = claims["start"]
    if not isinstance(started, int) or not isinstance(claims["sub"], str) or not isinstance(claims["csrf"], str):
        return None
    started_at = datetime.fromtimestamp(started, timezone.utc)
    if datetime.now(timezone.utc) > started_at + LONGEST:
        return None
    version = claims.get("ver", 0)
    return ConsoleSession(claims["sub"], version if isinstance(version, int) else -1, claims["csrf"], started_at)
