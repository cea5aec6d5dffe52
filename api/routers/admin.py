"""Units, deputies and users: the operators' (admin) registers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy import func, select

from api.deps import SessionDep, UserDep, require_roles
from api.schemas import DeputyIn, DeputyOut, Page, UnitIn, UnitOut, UserOut
from core.errors import conflict
from domain.enums import Role
from ledger.rows import DeputyRow, UnitRow, UserRow
from services.users import UserIn, add_user

router = APIRouter(tags=["admin"])
Admin = Depends(require_roles(Role.admin))
Staff = Depends(require_roles(Role.admin, Role.coordinator, Role.supervisor))
PageNo = Annotated[int, Query(ge=1)]
PageSize = Annotated[int, Query(ge=1, le=500)]


def _page(session, stmt, page: int, page_size: int, out):
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.offset((page - 1) * page_size).limit(page_size)).all()
    return {"items": [out.model_validate(r) for r in rows], "total": total, "page": page, "page_size": page_size}


@router.post("/units", status_code=status.HTTP_201_CREATED, response_model=UnitOut, dependencies=[Admin])
def create_unit(body: UnitIn, session: SessionDep) -> UnitOut:
    if session.get(UnitRow, body.code):
        raise conflict(f"unit {body.code} already exists")
    session.add(UnitRow(**body.model_dump()))
    session.commit()
    return UnitOut(**body.model_dump())


@router.get("/units", response_model=Page[UnitOut])
def list_units(session: SessionDep, user: UserDep, page: PageNo = 1, page_size: PageSize = 100):
    """Every signed-in user may read the list of units (no personal data)."""
    return _page(session, select(UnitRow).order_by(UnitRow.code), page, page_size, UnitOut)


@router.post("/deputies", status_code=status.HTTP_201_CREATED, response_model=DeputyOut, dependencies=[Admin])
def create_deputy(body: DeputyIn, session: SessionDep) -> DeputyOut:
    if session.get(DeputyRow, body.code):
        raise conflict(f"deputy {body.code} already exists")
    session.add(DeputyRow(**body.model_dump()))
    session.commit()
    return DeputyOut(**body.model_dump())


@router.get("/deputies", response_model=Page[DeputyOut], dependencies=[Staff])
def list_deputies(session: SessionDep, page: PageNo = 1, page_size: PageSize = 100):
    return _page(session, select(DeputyRow).order_by(DeputyRow.code), page, page_size, DeputyOut)


@router.post("/users", status_code=status.HTTP_201_CREATED, response_model=UserOut, dependencies=[Admin])
def create_user(body: UserIn, session: SessionDep) -> UserOut:
    return UserOut.model_validate(add_user(session, body))


@router.get("/users", response_model=Page[UserOut], dependencies=[Admin])
def list_users(session: SessionDep, page: PageNo = 1, page_size: PageSize = 100):
    return _page(session, select(UserRow).order_by(UserRow.username), page, page_size, UserOut)
