"""The registers (名册): units and deputies, added by operators (users: services.users)."""

from __future__ import annotations

from pydantic import Field
from sqlalchemy.orm import Session

from core.errors import conflict
from domain.models import Model
from ledger.directory import add_row
from ledger.rows import DeputyRow, UnitRow


class UnitIn(Model):
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    name: str = Field(min_length=1, max_length=200)
    head_name: str = ""  # the principal head (主要负责人), as replies name them
    email: str = ""


class DeputyIn(Model):
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    name: str = Field(min_length=1, max_length=100)
    delegation: str = ""
    phone: str = ""
    email: str = ""


def add_unit(session: Session, body: UnitIn) -> UnitRow:
    if session.get(UnitRow, body.code):
        raise conflict(f"unit {body.code} already exists")
    row = UnitRow(**body.model_dump())
    add_row(session, row)
    return row


def add_deputy(session: Session, body: DeputyIn) -> DeputyRow:
    if session.get(DeputyRow, body.code):
        raise conflict(f"deputy {body.code} already exists")
    row = DeputyRow(**body.model_dump())
    add_row(session, row)
    return row
