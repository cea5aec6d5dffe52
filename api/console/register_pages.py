"""The registers' pages (名册): units (承办单位), deputies (代表) and users (用户).

Kept by the congress office: coordinators and admins add and edit units and deputies, coordinators create the
units' and deputies' logins, admins any login and disable or enable users (services.registers, services.users
— the same rules as the JSON API). Supervisors read the units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.console.visitor import Visitor, checked_form, page, visitor
from api.deps import SessionDep
from core.errors import Problem
from domain import labels
from domain.enums import Role
from domain.limits import schema_error_zh
from ledger import directory
from ledger.rows import DeputyRow, UnitRow
from services import registers, users

router = APIRouter(include_in_schema=False)
KEEPERS = (Role.coordinator, Role.admin)
PAGE_SIZE = 100
CODE = r"^[A-Za-z0-9_-]{1,32}$"


@dataclass(frozen=True)
class Register:
    """One register as its pages show it: its fields in order, with their Chinese names."""

    name: str  # units | deputies
    title: str
    fields: dict[str, str]
    readers: tuple[Role, ...]
    row: type
    model: type
    listed: Any  # directory's page function
    add: Any
    update: Any


REGISTERS = {
    "units": Register("units", "承办单位", {"code": "单位代码", "name": "单位名称", "head_name": "主要负责人",
                                            "email": "电子邮箱（接收通知）"},
                      (*KEEPERS, Role.supervisor), UnitRow, registers.UnitIn, directory.units_page,
                      registers.add_unit, registers.update_unit),
    "deputies": Register("deputies", "人大代表", {"code": "代表代码", "name": "姓名", "delegation": "所在代表团",
                                                  "phone": "电话", "email": "电子邮箱（接收通知）"},
                         KEEPERS, DeputyRow, registers.DeputyIn, directory.deputies_page,
                         registers.add_deputy, registers.update_deputy),
}


def _refused(request: Request, who: Visitor, what: str) -> HTMLResponse:
    return page(request, "missing.html", who, 403, what=what, why=f"{what}由交办督办机构或系统管理员维护。")


@router.get("/console/registers")
def registers_home() -> RedirectResponse:
    return RedirectResponse("/console/registers/units", status_code=303)


@router.get("/console/registers/{name}", response_class=HTMLResponse)
def register_list(request: Request, session: SessionDep, name: str = Path(pattern="^(units|deputies)$"),
                  page_no: int = Query(1, alias="page", ge=1, le=10_000), who: Visitor = Depends(visitor),
                  done: str = "") -> HTMLResponse:
    return _list_page(request, session, who, REGISTERS[name], page_no, done=done)


def _list_page(request: Request, session, who: Visitor, register: Register, page_no: int = 1, status: int = 200,
               **context) -> HTMLResponse:
    if who.actor.role not in register.readers:
        return _refused(request, who, register.title + "名册")
    rows, total = register.listed(session, page_no, PAGE_SIZE)
    return page(request, "register_list.html", who, status, register=register, rows=rows, total=total,
                page_no=page_no, pages=(total + PAGE_SIZE - 1) // PAGE_SIZE, may_edit=who.actor.role in KEEPERS,
                **context)


@router.post("/console/registers/{name}", response_class=HTMLResponse)
def register_add(request: Request, session: SessionDep, name: str = Path(pattern="^(units|deputies)$"),
                 who: Visitor = Depends(visitor), form=Depends(checked_form)) -> Response:
    register = REGISTERS[name]
    if who.actor.role not in KEEPERS:
        return _refused(request, who, register.title + "名册")
    values = {field: str(form.get(field) or "").strip() for field in register.fields}
    try:
        register.add(session, register.model(**values))
    except (ValidationError, Problem) as error:
        return _list_page(request, session, who, register, status=_status(error), problems=_problems(error),
                          typed=values)
    return RedirectResponse(f"/console/registers/{name}?done={values['code']}", status_code=303)


@router.get("/console/registers/{name}/{code}", response_class=HTMLResponse)
def register_entry(request: Request, session: SessionDep, name: str = Path(pattern="^(units|deputies)$"),
                   code: str = Path(pattern=CODE), who: Visitor = Depends(visitor)) -> HTMLResponse:
    register = REGISTERS[name]
    if who.actor.role not in KEEPERS:
        return _refused(request, who, register.title + "名册")
    row = session.get(register.row, code)
    if row is None:
        return page(request, "missing.html", who, 404, what=f"{register.title}{code}")
    return page(request, "register_entry.html", who, register=register, typed={f: getattr(row, f) for f in register.fields})


@router.post("/console/registers/{name}/{code}", response_class=HTMLResponse)
def register_update(request: Request, session: SessionDep, name: str = Path(pattern="^(units|deputies)$"),
                    code: str = Path(pattern=CODE), who: Visitor = Depends(visitor),
                    form=Depends(checked_form)) -> Response:
    register = REGISTERS[name]
    if who.actor.role not in KEEPERS:
        return _refused(request, who, register.title + "名册")
    values = {field: str(form.get(field) or "").strip() for field in register.fields} | {"code": code}
    try:
        register.update(session, code, register.model(**values))
    except (ValidationError, Problem) as error:
        session.rollback()
        return page(request, "register_entry.html", who, _status(error), register=register, typed=values,
                    problems=_problems(error))
    return RedirectResponse(f"/console/registers/{name}?done={code}", status_code=303)


# --- users -------------------------------------------------------------------------------------------------


@router.get("/console/users", response_class=HTMLResponse)
def user_list(request: Request, session: SessionDep, page_no: int = Query(1, alias="page", ge=1, le=10_000),
              who: Visitor = Depends(visitor), done: str = "") -> HTMLResponse:
    return _users_page(request, session, who, page_no, done=done)


def _users_page(request: Request, session, who: Visitor, page_no: int = 1, status: int = 200, **context) -> HTMLResponse:
    if who.actor.role not in KEEPERS:
        return _refused(request, who, "用户名册")
    rows, total = directory.users_page(session, page_no, PAGE_SIZE)
    creatable = list(Role) if who.actor.role == Role.admin else list(users.COORDINATOR_CREATES)
    return page(request, "users.html", who, status, rows=rows, total=total, page_no=page_no,
                pages=(total + PAGE_SIZE - 1) // PAGE_SIZE, units=directory.unit_names(session),
                deputies=directory.deputy_names(session),
                roles=[(r.value, labels.ROLE_LABELS[r.value]) for r in creatable if r != Role.system], **context)


@router.post("/console/users", response_class=HTMLResponse)
def user_add(request: Request, session: SessionDep, who: Visitor = Depends(visitor),
             form=Depends(checked_form)) -> Response:
    if who.actor.role not in KEEPERS:
        return _refused(request, who, "用户名册")
    values = {key: str(form.get(key) or "").strip() or None
              for key in ("username", "password", "role", "unit_code", "deputy_code", "email")}
    values["email"] = values["email"] or ""
    try:
        users.add_user(session, users.UserIn(**{k: v for k, v in values.items() if v is not None}),
                       by=who.actor.role)
    except (ValidationError, Problem) as error:
        session.rollback()
        return _users_page(request, session, who, status=_status(error), problems=_problems(error),
                           typed={k: v for k, v in values.items() if k != "password"})
    return RedirectResponse(f"/console/users?done={values['username']}", status_code=303)


@router.post("/console/users/{username}/active", response_class=HTMLResponse)
def user_active(request: Request, session: SessionDep, username: str = Path(pattern=r"^[A-Za-z0-9_.@-]{3,100}$"),
                who: Visitor = Depends(visitor), form=Depends(checked_form)) -> Response:
    if who.actor.role != Role.admin:
        return page(request, "missing.html", who, 403, what="停用用户", why="停用或启用用户由系统管理员办理。")
    try:
        users.set_active(session, username, form.get("active") == "1", by=who.user.username)
    except Problem as refusal:
        return _users_page(request, session, who, status=refusal.status, problems=[refusal.zh or refusal.detail])
    return RedirectResponse(f"/console/users?done={username}", status_code=303)


def _status(error: Exception) -> int:
    return error.status if isinstance(error, Problem) else 422


def _problems(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return [schema_error_zh(e) for e in error.errors()]
    return [error.zh or error.detail]
