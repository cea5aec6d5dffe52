"""The directory in the ledger: units (承办单位), deputies (代表) and users; and the paging every list shares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ledger.rows import DeputyRow, UnitRow, UserRow


def page_of(session: Session, stmt: Select, page: int, page_size: int) -> tuple[list[Any], int]:
    """One page of a statement's rows, and how many rows there are in all."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.scalars(stmt.offset((page - 1) * page_size).limit(page_size)).all()
    return list(rows), total


def units_page(session: Session, page: int, page_size: int) -> tuple[list[UnitRow], int]:
    return page_of(session, select(UnitRow).order_by(UnitRow.code), page, page_size)


def deputies_page(session: Session, page: int, page_size: int) -> tuple[list[DeputyRow], int]:
    return page_of(session, select(DeputyRow).order_by(DeputyRow.code), page, page_size)


def users_page(session: Session, page: int, page_size: int) -> tuple[list[UserRow], int]:
    return page_of(session, select(UserRow).order_by(UserRow.username), page, page_size)


def unit_names(session: Session, codes: Iterable[str] | None = None) -> dict[str, str]:
    """Unit code → name, of the given codes (every unit when None), in code order."""
    stmt = select(UnitRow.code, UnitRow.name).order_by(UnitRow.code)
    if codes is not None:
        stmt = stmt.where(UnitRow.code.in_(list(codes)))
    return dict(session.execute(stmt).all())


def user_named(session: Session, username: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.username == username))


def add_row(session: Session, row: UnitRow | DeputyRow) -> None:
    session.add(row)
    session.commit()


def deputies(session: Session) -> list[tuple[str, str, str]]:
    """Every deputy as (code, name, delegation)."""
    return [tuple(r) for r in session.execute(select(DeputyRow.code, DeputyRow.name, DeputyRow.delegation))]


def has_admin(session: Session) -> bool:
    return session.scalar(select(UserRow.id).where(UserRow.role == "admin").limit(1)) is not None


def deputy_names(session: Session, codes: Iterable[str] | None = None) -> dict[str, str]:
    """Deputy code → name, of the given codes (every deputy when None)."""
    stmt = select(DeputyRow.code, DeputyRow.name).order_by(DeputyRow.code)
    if codes is not None:
        stmt = stmt.where(DeputyRow.code.in_(list(codes)))
    return dict(session.execute(stmt).all())
