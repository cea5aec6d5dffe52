"""Units, deputies and users: the registers, kept by the congress office (coordinators) and admins. A
coordinator adds and edits units and deputies and creates the units' and deputies' logins; staff logins and
disabling anyone are an admin's."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status

from api.deps import SessionDep, UserDep, require_roles
from api.params import PageNo, PageSize, UnitCode, Username
from api.schemas import DeputyOut, Page, UnitOut, UserOut
from domain.enums import Role
from domain.models import Model
from ledger import directory
from services import registers
from services.registers import DeputyIn, UnitIn
from services.users import UserIn, add_user, set_active

router = APIRouter(tags=["admin"])
Admin = Depends(require_roles(Role.admin))
Staff = Depends(require_roles(Role.admin, Role.coordinator, Role.supervisor))
Keepers = Depends(require_roles(Role.admin, Role.coordinator))


def _page(rows_and_total: tuple[list, int], page: int, page_size: int, out) -> dict:
    rows, total = rows_and_total
    return {"items": [out.model_validate(r) for r in rows], "total": total, "page": page, "page_size": page_size}


@router.post("/units", status_code=status.HTTP_201_CREATED, response_model=UnitOut, dependencies=[Keepers])
def create_unit(body: UnitIn, session: SessionDep) -> UnitOut:
    return UnitOut.model_validate(registers.add_unit(session, body))


@router.put("/units/{code}", response_model=UnitOut, dependencies=[Keepers])
def update_unit(code: UnitCode, body: UnitIn, session: SessionDep) -> UnitOut:
    """A unit's name, head and address; its code stays."""
    return UnitOut.model_validate(registers.update_unit(session, code, body))


@router.get("/units", response_model=Page[UnitOut])
def list_units(session: SessionDep, user: UserDep, page: PageNo = 1, page_size: PageSize = 100):
    """Every signed-in user may read the list of units (no personal data)."""
    return _page(directory.units_page(session, page, page_size), page, page_size, UnitOut)


@router.post("/deputies", status_code=status.HTTP_201_CREATED, response_model=DeputyOut, dependencies=[Keepers])
def create_deputy(body: DeputyIn, session: SessionDep) -> DeputyOut:
    return DeputyOut.model_validate(registers.add_deputy(session, body))


@router.put("/deputies/{code}", response_model=DeputyOut, dependencies=[Keepers])
def update_deputy(code: UnitCode, body: DeputyIn, session: SessionDep) -> DeputyOut:
    """A deputy's name, delegation and contacts; their code stays."""
    return DeputyOut.model_validate(registers.update_deputy(session, code, body))


@router.get("/deputies", response_model=Page[DeputyOut], dependencies=[Staff])
def list_deputies(session: SessionDep, page: PageNo = 1, page_size: PageSize = 100):
    return _page(directory.deputies_page(session, page, page_size), page, page_size, DeputyOut)


@router.post("/users", status_code=status.HTTP_201_CREATED, response_model=UserOut, dependencies=[Keepers])
def create_user(body: UserIn, session: SessionDep, user: UserDep) -> UserOut:
    """A coordinator creates unit staff's and deputies' logins; an admin any."""
    return UserOut.model_validate(add_user(session, body, by=Role(user.role)))


@router.get("/users", response_model=Page[UserOut], dependencies=[Keepers])
def list_users(session: SessionDep, page: PageNo = 1, page_size: PageSize = 100):
    return _page(directory.users_page(session, page, page_size), page, page_size, UserOut)


class UserActive(Model):
    active: bool


@router.patch("/users/{username}", response_model=UserOut, dependencies=[Admin])
def set_user_active(username: Username, body: UserActive, session: SessionDep, user: UserDep) -> UserOut:
    """Disable a user (their tokens stop working at once) or enable them again."""
    return UserOut.model_validate(set_active(session, username, body.active, by=user.username))
