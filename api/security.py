"""Bearer tokens (JWT signed with HUIYIN_SECRET_KEY). Passwords and users: services.users."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache

import jwt

TOKEN_LIFETIME = timedelta(hours=12)
ALGORITHM = "HS256"


def create_token(username: str, secret: str, now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    claims = {"sub": username, "iat": now, "exp": now + TOKEN_LIFETIME}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def token_subject(token: str, secret: str, now: datetime | None = None) -> str | None:
    """The username a valid token was issued to, or None for an invalid or expired one."""
    verified = _verified(token, secret)
    if verified is None or verified[1] <= (now or datetime.now(timezone.utc)).timestamp():
        return None
    return verified[0]


@lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> tuple[str, float] | None:
    """A token's subject and expiry, if its signature holds. Kept for the token's next requests (each is
    checked twice: for the log line and for the user), so that only its expiry is checked again."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
    except jwt.PyJWTError:
        return None
    subject, expiry = claims["sub"], claims["exp"]
    # Signed by us, but typed anyway: a claim of the wrong type is an invalid token, not an error.
    if not isinstance(subject, str) or isinstance(expiry, bool) or not isinstance(expiry, (int, float)):
        return None
    return subject, float(expiry)
