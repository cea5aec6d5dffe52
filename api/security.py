"""Passwords (argon2), bearer tokens (JWT signed with HUIYIN_SECRET_KEY) and the first admin."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.enums import Role
from huiyin.settings import VAR_DIR, Settings
from ledger.models import UserRow

log = logging.getLogger("huiyin.api")
_hasher = PasswordHasher()
TOKEN_LIFETIME = timedelta(hours=12)
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except VerificationError:
        return False


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
    return claims["sub"], claims["exp"]


def new_user(username: str, password: str, role: Role, unit_code: str | None = None,
             deputy_code: str | None = None, email: str = "") -> UserRow:
    return UserRow(
        username=username,
        password_hash=hash_password(password),
        role=role.value,
        unit_code=unit_code,
        deputy_code=deputy_code,
        email=email,
        created_at=datetime.now(timezone.utc),
    )


def ensure_first_admin(session: Session, settings: Settings, var_dir: Path = VAR_DIR) -> str | None:
    """Create the first admin once. Returns a generated password to show, if one was made.

    From HUIYIN_ADMIN_USERNAME / HUIYIN_ADMIN_PASSWORD when set; otherwise an `admin`
    with a random password, printed once and kept in var/ (never a fixed default).
    """
    if session.scalar(select(UserRow.id).where(UserRow.role == Role.admin.value).limit(1)):
        return None
    username = settings.huiyin_admin_username or "admin"
    password = settings.huiyin_admin_password
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(16)
        var_dir.mkdir(parents=True, exist_ok=True)
        keep = var_dir / "admin-password.txt"
        keep.write_text(f"{username}\n{password}\n")
        keep.chmod(0o600)
        log.warning("created the first admin %r with a random password (also in %s): %s", username, keep, password)
    session.add(new_user(username, password, Role.admin))
    session.commit()
    return generated
