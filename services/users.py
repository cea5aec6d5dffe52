"""Users (用户): passwords, creating a user with its checks, and the first admin.

Shared by the API (admin registers, login), the CLI (`huiyin create-user`) and the demo.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timezone
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import Field, model_validator
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import conflict, forbidden, invalid, not_found
from core.settings import VAR_DIR, Settings
from domain.enums import DEPUTY_ROLES, UNIT_ROLES, Role
from domain.labels import ROLE_LABELS
from domain.limits import Fault, schema_refusal, text_problem
from domain.models import Model
from ledger.directory import has_admin, user_named
from ledger.rows import DeputyRow, UnitRow, UserRow

log = logging.getLogger("huiyin.users")
_hasher = PasswordHasher()
PASSWORD_MAX = 128  # longer ones are not hashed (docs/limits.md)


class UserIn(Model):
    """A new user: a unit role names its unit, a deputy their deputy code, and nobody else either."""

    username: str = Field(pattern=r"^[A-Za-z0-9_.@-]{3,100}$")
    password: str = Field(min_length=8, max_length=PASSWORD_MAX)
    role: Role
    unit_code: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,32}$")
    deputy_code: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,32}$")
    email: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _scope(self) -> "UserIn":
        if problem := text_problem("email", self.email, 200):
            raise schema_refusal([problem])
        if self.role == Role.system:
            raise schema_refusal([Fault("the system role is not for users", "“系统”角色不能分配给用户")])
        if (self.role in UNIT_ROLES) != bool(self.unit_code):
            raise schema_refusal([Fault("unit_code is required for unit roles and only for them",
                                        "承办单位的角色须填写单位代码，其他角色不填")])
        if (self.role in DEPUTY_ROLES) != bool(self.deputy_code):
            raise schema_refusal([Fault("deputy_code is required for deputies and CPPCC members and only for them",
                                        "人大代表和政协委员须填写代表（委员）代码，其他角色不填")])
        return self


COORDINATOR_CREATES = (Role.unit_handler, Role.unit_head, Role.deputy)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Checked when the user is unknown, so that an unknown name costs the same time as a wrong password.
_NOBODY = _hasher.hash(secrets.token_urlsafe(16))


def authenticate(session: Session, username: str, password: str) -> UserRow | None:
    """The active user with this name and password; None otherwise, after the same work either way."""
    user = user_named(session, username) if len(username) <= 100 and not text_problem("username", username) else None
    if len(password) > PASSWORD_MAX:
        password = ""  # never hash a huge input; still verified below, so the time is the same
    matches = verify_password(user.password_hash if user else _NOBODY, password)
    return user if user is not None and user.active and matches else None


def change_password(session: Session, user: UserRow, current: str, new: str) -> UserRow:
    """A user's own new password; every token issued before stops working (token_version)."""
    if authenticate(session, user.username, current) is None:
        raise forbidden("the current password is wrong", "当前密码不正确", "password.wrong")
    if not 8 <= len(new) <= PASSWORD_MAX:
        raise invalid(f"a password has 8 to {PASSWORD_MAX} characters", f"密码须为8至{PASSWORD_MAX}个字符", "password.length")
    if new == current:
        raise invalid("the new password is the same as the current one", "新密码不能与当前密码相同", "password.same")
    user.password_hash = hash_password(new)
    user.token_version += 1
    session.commit()
    return user


def set_active(session: Session, username: str, active: bool, by: str) -> UserRow:
    """Disable (every token of the user stops working) or enable a user; an admin does not disable themselves."""
    user = user_named(session, username)
    if user is None:
        raise not_found(f"user {username}", f"用户{username}")
    if not active and username == by:
        raise conflict("you cannot disable your own account; ask another admin", "不能停用自己的账号，请由其他管理员办理",
                       "user.self")
    if user.active and not active:
        user.token_version += 1
    user.active = active
    session.commit()
    return user


def new_user(username: str, password: str, role: Role, unit_code: str | None = None,
             deputy_code: str | None = None, email: str = "") -> UserRow:
    """A user row with its password hashed; nothing checked (add_user checks)."""
    return UserRow(
        username=username,
        password_hash=hash_password(password),
        role=role.value,
        unit_code=unit_code,
        deputy_code=deputy_code,
        email=email,
        created_at=datetime.now(timezone.utc),
    )


def add_user(session: Session, body: UserIn, by: Role = Role.admin) -> UserRow:
    """Create a user: 409 when the name is taken, 422 for an unknown unit or deputy. A coordinator creates the
    units' and deputies' logins; staff logins (coordinator, supervisor, admin) only an admin."""
    if by != Role.admin and body.role not in COORDINATOR_CREATES:
        raise forbidden(f"only an admin creates {body.role} users", f"{ROLE_LABELS.get(body.role, body.role)}账号"
                        "须由系统管理员创建", "user.staff_only")
    if user_named(session, body.username) is not None:
        raise conflict(f"user {body.username} already exists", f"用户名{body.username}已存在", "user.exists")
    if body.unit_code and not session.get(UnitRow, body.unit_code):
        raise invalid(f"unknown unit {body.unit_code}", f"没有单位{body.unit_code}", "unit.unknown")
    if body.deputy_code and not session.get(DeputyRow, body.deputy_code):
        raise invalid(f"unknown deputy {body.deputy_code}", f"没有代表{body.deputy_code}", "deputy.unknown")
    user = new_user(body.username, body.password, body.role, body.unit_code, body.deputy_code, body.email)
    session.add(user)
    try:
        session.commit()
    except IntegrityError:  # the same name created at the same moment, or a register row removed meanwhile
        session.rollback()
        raise conflict(f"user {body.username} could not be created; check the name, unit and deputy and try again") from None
    return user


def ensure_first_admin(session: Session, settings: Settings, var_dir: Path = VAR_DIR) -> str | None:
    """Create the first admin once. Returns a generated password to show, if one was made.

    From HUIYIN_ADMIN_USERNAME / HUIYIN_ADMIN_PASSWORD when set; otherwise an `admin`
    with a random password, printed once and kept in var/ (never a fixed default).
    """
    if has_admin(session):
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
