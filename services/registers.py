"""The registers (名册): units and deputies, kept by the congress office (coordinators) and admins (users:
services.users). A code, once given, stays: items and users refer to it."""

from __future__ import annotations

from pydantic import Field, model_validator
from sqlalchemy.orm import Session

from core.errors import conflict, invalid, not_found
from domain import limits
from domain.limits import schema_refusal, text_problem
from domain.models import Model
from ledger.directory import add_row
from ledger.rows import DeputyRow, UnitRow


class Register(Model):
    """A register entry: bounded texts without control characters (docs/limits.md)."""

    @model_validator(mode="after")
    def _clean_text(self) -> "Register":
        problems = [p for name, value in self if isinstance(value, str) and (p := text_problem(name, value, 200))]
        if problems:
            raise schema_refusal(problems)
        return self


class UnitIn(Register):
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    name: str = Field(min_length=1, max_length=200)
    head_name: str = Field(default="", max_length=limits.NAME)  # the principal head (主要负责人), as replies name them
    email: str = Field(default="", max_length=200)


class DeputyIn(Register):
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    name: str = Field(min_length=1, max_length=limits.NAME)
    delegation: str = Field(default="", max_length=limits.NAME)
    phone: str = Field(default="", max_length=50)
    email: str = Field(default="", max_length=200)


def add_unit(session: Session, body: UnitIn) -> UnitRow:
    if session.get(UnitRow, body.code):
        raise conflict(f"unit {body.code} already exists", f"单位代码{body.code}已存在", "unit.exists")
    row = UnitRow(**body.model_dump())
    add_row(session, row)
    return row


def add_deputy(session: Session, body: DeputyIn) -> DeputyRow:
    if session.get(DeputyRow, body.code):
        raise conflict(f"deputy {body.code} already exists", f"代表代码{body.code}已存在", "deputy.exists")
    row = DeputyRow(**body.model_dump())
    add_row(session, row)
    return row


def update_unit(session: Session, code: str, body: UnitIn) -> UnitRow:
    """A unit's name, head and address changed (its code stays)."""
    return _update(session, session.get(UnitRow, code), code, body, f"单位{code}")


def update_deputy(session: Session, code: str, body: DeputyIn) -> DeputyRow:
    """A deputy's name, delegation and contacts changed (their code stays)."""
    return _update(session, session.get(DeputyRow, code), code, body, f"代表{code}")


def _update(session: Session, row: UnitRow | DeputyRow | None, code: str, body: Register, what_zh: str):
    if row is None:
        raise not_found(code, what_zh)
    if body.code != code:
        raise invalid(f"the code {code} cannot be changed (items and users refer to it)",
                      f"代码{code}不能修改：建议和用户都以它为准。如确需改代码，请新增一条", "register.code_fixed")
    for name, value in body.model_dump(exclude={"code"}).items():
        setattr(row, name, value)
    session.commit()
    return row
