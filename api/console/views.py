"""The console's pages (工作台): log in, the worklist (待办), an item with its timeline, clocks and the actions
allowed now (each refused one with the rule's reason), registering a suggestion, changing one's password.

Every page works without JavaScript: plain forms, POST then redirect. What may be done comes from the rules
themselves (domain.actions.availability); what is done goes through services.act like the JSON API's actions.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.console import bulk_import, forms
from api.console.session import close_session, open_session
from api.console.visitor import LoginRequired, Visitor, checked_form, page, visitor
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.params import PRINTABLE, SUGGESTION_ID
from api.render.pages import render_page
from core.errors import TITLES_ZH, Problem, invalid
from domain import labels
from domain.actions import ACTIONS, BY_NAME, availability
from domain.calendar import SHANGHAI
from domain.enums import DEPUTY_ROLES, STAGE_LABELS, Role, Stage
from domain.kind_steps import exemplary_refusal
from domain.kinds import KINDS, Kind
from domain.limits import input_problems, schema_error_zh
from ledger import directory, queries
from ledger.exemplary import selection_of as exemplary_selection
from ledger.similar import similar_items
from services import merge_items
from services.act import perform
from services.exemplary_selection import select_exemplary as choose_exemplary
from services.reading import item_state, item_view, visible_item
from services.register import SuggestionInput, register, registration_refusal
from services.users import authenticate, change_password

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
MEETINGS_SHOWN = 50  # the oversight board lists the most urgent interviews and consultations due, and counts all
ACTION_ROUTES = [a for a in ACTIONS if not a.own_route]  # migrate-policy is an operator's command (huiyin CLI)


# --- signing in and out ----------------------------------------------------------------------------------


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/console", status_code=303)


@router.get("/console/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/console") -> HTMLResponse:
    return page(request, "login.html", None, back=_local(next))


@router.post("/console/login", response_class=HTMLResponse)
async def login(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    form = await request.form()
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    back = _local(str(form.get("next") or "/console"))
    throttle, address = request.app.state.login_throttle, request.client.host if request.client else "-"
    if wait := throttle.wait(username, address):
        return page(request, "login.html", None, 429, back=back, username=username,
                    error=f"登录失败次数过多，请 {wait} 秒后再试。")
    user = authenticate(session, username, password)
    if user is None:
        throttle.failed(username, address)
        return page(request, "login.html", None, 401, back=back, username=username, error="用户名或密码不正确，请重新输入。")
    throttle.succeeded(username)
    response = RedirectResponse(back, status_code=303)
    open_session(response, request, user, settings.huiyin_secret_key)
    return response


@router.post("/console/logout")
def logout(form=Depends(checked_form)) -> Response:
    response = RedirectResponse("/console/login", status_code=303)
    close_session(response)
    return response


def _local(path: str) -> str:
    """Only a path of this site to go back to after logging in (never another site)."""
    return path if path.startswith("/console") and "//" not in path and "\\" not in path else "/console"


# --- the worklist -----------------------------------------------------------------------------------------


NOTICES = {"password": "密码已修改，其他地方的登录已失效。"}


@router.get("/console", response_class=HTMLResponse)
def worklist(request: Request, session: SessionDep, who: Visitor = Depends(visitor),
             page_no: int = Query(1, alias="page", ge=1, le=10_000), done: str | None = None,
             kind: Kind | None = None) -> HTMLResponse:
    """待办: the open items this user sees (of one kind: its own worklist, or all), most urgent first, each with
    what this user may do on it now."""
    rows, total = queries.worklist(session, who.actor, page_no, PAGE_SIZE, kind.value if kind else None)
    now = datetime.now(timezone.utc)
    lines = []
    for row in rows:
        allowed = [name for name, why in availability(item_state(session, row), who.actor, now).items()
                   if why is None and name in BY_NAME and not BY_NAME[name].own_route]
        lines.append({"row": row, "todo": allowed})
    lines.sort(key=lambda line: not line["todo"])  # within the page: what waits on this user first
    units = directory.unit_names(session)
    pages = {"prev": page_no - 1 if page_no > 1 else None, "next": page_no + 1 if page_no * PAGE_SIZE < total else None}
    return page(request, "worklist.html", who, lines=lines, total=total, units=units, pages=pages,
                registrable=[k.value for k in Kind if _may_register(who, k)], notice=NOTICES.get(done or ""),
                kind=kind.value if kind else "")


# --- every item I see, and the oversight board --------------------------------------------------------------


@router.get("/console/items", response_class=HTMLResponse)
def all_items(request: Request, session: SessionDep, who: Visitor = Depends(visitor),
              q: str | None = Query(None, max_length=100, pattern=PRINTABLE), year: int | None = Query(None, ge=2000, le=2100),
              stage: str | None = Query(None, max_length=30), unit: str | None = Query(None, pattern=r"^[A-Za-z0-9_-]{1,32}$"),
              page_no: int = Query(1, alias="page", ge=1, le=10_000), kind: Kind | None = None) -> HTMLResponse:
    """全部事项: every item (of every kind, or one) this user sees (a deputy: the ones they lead or co-signed), closed ones too, searchable."""
    filters = queries.SuggestionFilters(year=year, stage=stage if stage in STAGE_LABELS else None, q=q or None, unit=unit,
                                        kind=kind.value if kind else None)
    rows, total = queries.list_suggestions(session, who.actor, filters, page_no, PAGE_SIZE)
    query = {k: v for k, v in {"q": q, "year": year, "stage": filters.stage, "unit": unit, "kind": filters.kind}.items() if v}
    pages = {"prev": urlencode({**query, "page": page_no - 1}) if page_no > 1 else None,
             "next": urlencode({**query, "page": page_no + 1}) if page_no * PAGE_SIZE < total else None}
    return page(request, "items.html", who, rows=rows, total=total, units=directory.unit_names(session), pages=pages,
                q=q or "", year=year or "", stage=filters.stage or "", unit=unit or "", kind=filters.kind or "")


@router.get("/console/oversight", response_class=HTMLResponse)
def oversight(request: Request, session: SessionDep, who: Visitor = Depends(visitor)) -> HTMLResponse:
    """督办: warnings per unit, key items by theme with their monthly reports, interviews and consultations due."""
    if who.actor.role not in (Role.coordinator, Role.supervisor, Role.admin):
        return page(request, "missing.html", who, 403, what="督办看板", why="督办看板供交办督办机构和督办人使用。")
    key = [row for row in queries.key_items(session, who.actor) if row.stage not in ("closed", "converted")]
    themes: dict[str, list] = {}
    for row in key:
        if row.key_status == "designated":
            themes.setdefault(row.key_theme or "未分主题", []).append(row)
    proposed = [row for row in key if row.key_status == "proposed"]
    due, due_total = queries.meetings_due(session, who.actor, MEETINGS_SHOWN)
    return page(request, "oversight.html", who, by_unit=queries.warnings_by_unit(session, who.actor), themes=themes,
                due=due, due_total=due_total, proposed=proposed, units=directory.unit_names(session))


# --- one item ---------------------------------------------------------------------------------------------


@router.get("/console/items/{suggestion_id}", response_class=HTMLResponse)
def item_page(request: Request, suggestion_id: str, session: SessionDep, who: Visitor = Depends(visitor),
              done: str | None = None) -> HTMLResponse:
    return _item(request, session, who, suggestion_id, done_step=done)


def _item(request: Request, session: Session, who: Visitor, suggestion_id: str, status: int = 200,
          **context: Any) -> HTMLResponse:
    if not _is_item_id(suggestion_id):
        return page(request, "missing.html", who, 404, what=suggestion_id)
    try:
        row = visible_item(session, who.actor, suggestion_id)
    except Problem:
        return page(request, "missing.html", who, 404, what=suggestion_id)
    state = item_state(session, row)
    answers = availability(state, who.actor, datetime.now(timezone.utc))
    units = directory.unit_names(session)
    item_units = state.unit_codes()
    steps = [a for a in ACTION_ROUTES if state.kind in a.kinds]  # the steps this kind of item has
    offered = [(a, forms.form_fields(a.command, units, item_units, state.kind)) for a in steps if answers[a.name] is None]
    refused = [(a, answers[a.name]) for a in steps if answers[a.name] is not None and who.actor.role not in DEPUTY_ROLES]
    view = item_view(session, row, who.actor)
    deputies = directory.deputy_names(session, [state.lead_deputy, *state.co_signers])
    similar = similar_items(session, who.actor, row)  # 相似建议: duplicates before assigning, earlier answers
    if (done := context.pop("done_step", None)) is not None:  # what was just done, as this kind calls it
        context["done"] = {"registered": "登记", "exemplary": "评为优秀提案办理", "merge": "并案",
                           "unmerge": "撤销并案"}.get(done) or (
            KINDS[state.kind].label_of(done, BY_NAME[done].label) if done in BY_NAME else None)
    chosen = exemplary_selection(session, row.workflow_id) if KINDS[state.kind].exemplary else None
    may_choose = (KINDS[state.kind].exemplary and chosen is None and who.actor.role == KINDS[state.kind].office[0]
                  and exemplary_refusal(state, state.handling_year) is None)
    # 并案: a coordinator merges similar items of the same kind into this one while neither is assigned.
    may_merge = who.actor.role == KINDS[state.kind].office[0] and state.stage == Stage.registered
    return page(request, "item.html", who, status, item=view, row=row, state=state, offered=offered, refused=refused,
                units=units, deputies=deputies, similar=similar, exemplary=chosen, may_choose=may_choose,
                may_merge=may_merge, **context)


def _is_item_id(value: str) -> bool:
    import re

    return re.fullmatch(SUGGESTION_ID, value) is not None


@router.post("/console/items/{suggestion_id}/act/{name}", response_class=HTMLResponse)
async def act(request: Request, suggestion_id: str, name: str, session: SessionDep, temporal: TemporalDep,
              who: Visitor = Depends(visitor), form=Depends(checked_form)) -> Response:
    """One action from its form: done, then back to the item (POST, redirect, GET); refused, the item again
    with the rule's reason and what was typed."""
    action = BY_NAME.get(name)
    if action is None or action.own_route or not _is_item_id(suggestion_id):
        return page(request, "missing.html", who, 404, what=name)
    try:
        visible_item(session, who.actor, suggestion_id)
    except Problem:
        return page(request, "missing.html", who, 404, what=suggestion_id)
    cmd, problems = forms.command_from_form(action.command, form, who.actor)
    if cmd is not None:
        problems = [p.zh for p in input_problems(cmd)]
    if not problems:
        session.commit()  # give the connection back while the workflow works
        try:
            await perform(temporal, suggestion_id, cmd)
        except Problem as refusal:
            problems = [refusal.zh or refusal.detail]
            status = refusal.status
        else:
            return RedirectResponse(f"/console/items/{suggestion_id}?done={quote(name)}", status_code=303)
    else:
        status = 422
    return _item(request, session, who, suggestion_id, status=status, failed=action.name, problems=problems,
                 typed=dict(form))


@router.post("/console/items/{suggestion_id}/exemplary", response_class=HTMLResponse)
def select_exemplary(request: Request, suggestion_id: str, session: SessionDep, who: Visitor = Depends(visitor),
                     form=Depends(checked_form)) -> Response:
    """评为优秀提案办理 from the item's page: done, back to the item; refused, the item with the reason."""
    if not _is_item_id(suggestion_id):
        return page(request, "missing.html", who, 404, what=suggestion_id)
    year = str(form.get("year") or "")
    try:
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            raise invalid(f"year {year!r} is not a year", "请填写评选年度（如2026）", "exemplary.year")
        choose_exemplary(session, who.actor, suggestion_id, int(year), str(form.get("reason") or ""))
    except Problem as refusal:
        return _item(request, session, who, suggestion_id, status=refusal.status, failed="select-exemplary",
                     problems=[refusal.zh or refusal.detail], typed=dict(form))
    return RedirectResponse(f"/console/items/{suggestion_id}?done=exemplary", status_code=303)


@router.post("/console/items/{suggestion_id}/{operation}", response_class=HTMLResponse)
async def merge_from_page(request: Request, suggestion_id: str, operation: str, session: SessionDep,
                          temporal: TemporalDep, who: Visitor = Depends(visitor), form=Depends(checked_form)) -> Response:
    """并案 (merge) or 撤销并案 (unmerge) on the main item's page, the other item named in the form: done, back
    to the main item; refused, the page again with the reason."""
    other = str(form.get("item") or "")
    if operation not in ("merge", "unmerge") or not (_is_item_id(suggestion_id) and _is_item_id(other)):
        return page(request, "missing.html", who, 404, what=operation)
    try:
        for workflow_id in (suggestion_id, other):
            visible_item(session, who.actor, workflow_id)
    except Problem:
        return page(request, "missing.html", who, 404, what=other)
    try:
        await (merge_items.merge if operation == "merge" else merge_items.undo)(
            temporal, session, who.actor, suggestion_id, other)
    except Problem as refusal:
        return _item(request, session, who, suggestion_id, status=refusal.status,
                     failed="并案" if operation == "merge" else "撤销并案", problems=[refusal.zh or refusal.detail])
    return RedirectResponse(f"/console/items/{suggestion_id}?done={operation}", status_code=303)


# --- registering a suggestion -----------------------------------------------------------------------------


def _may_register(who: Visitor, kind: Kind = Kind.suggestion) -> bool:
    """The kind's office registers it; a deputy their own suggestions, a member their own proposals."""
    return registration_refusal(who.actor, kind, None) is None


@router.get("/console/register", response_class=HTMLResponse)
def register_form(request: Request, session: SessionDep, who: Visitor = Depends(visitor),
                  kind: Kind = Kind.suggestion) -> HTMLResponse:
    return _register_page(request, session, who, kind=kind)


def _register_page(request: Request, session: Session, who: Visitor, status: int = 200, kind: Kind = Kind.suggestion,
                   **context: Any) -> HTMLResponse:
    label = KINDS[kind].label
    if refusal := registration_refusal(who.actor, kind, None):
        return page(request, "missing.html", who, 403, what=f"登记{label}", why=refusal.zh + "。")
    today = datetime.now(SHANGHAI).date()
    return page(request, "register.html", who, status, deputies=directory.deputy_names(session), year=today.year,
                today=today.isoformat(), periods=labels.PERIOD_LABELS, kind=kind.value, rules=KINDS[kind], **context)


@router.post("/console/register", response_class=HTMLResponse)
async def register_suggestion(request: Request, session: SessionDep, settings: SettingsDep, temporal: TemporalDep,
                              who: Visitor = Depends(visitor), form=Depends(checked_form)) -> Response:
    kind = Kind(form.get("kind")) if form.get("kind") in set(Kind) else Kind.suggestion
    if not _may_register(who, kind):
        return _register_page(request, session, who, kind=kind)  # the page that says who registers it
    values = {key: form.get(key) or None for key in ("year", "period", "title", "body", "field", "lead_deputy",
                                                     "received_on", "number", "delegation", "hearing")}
    values["kind"] = kind.value
    values["co_signers"] = [v for v in form.getlist("co_signers") if v and v != values["lead_deputy"]]
    if who.actor.role in DEPUTY_ROLES:
        values["lead_deputy"] = who.actor.deputy  # a deputy (a member) registers their own
    try:
        data = SuggestionInput.model_validate({k: v for k, v in values.items() if v is not None})
        outcome = await register(temporal, session, settings, data, who.actor)
    except Problem as refusal:
        return _register_page(request, session, who, refusal.status, kind, problems=[refusal.zh or refusal.detail],
                              typed=dict(form))
    except ValidationError as error:
        problems = [schema_error_zh(e) for e in error.errors()]
        return _register_page(request, session, who, 422, kind, problems=problems, typed=dict(form))
    return RedirectResponse(f"/console/items/{outcome.workflow_id}?done=registered", status_code=303)


# --- my password --------------------------------------------------------------------------------------------


@router.get("/console/password", response_class=HTMLResponse)
def password_form(request: Request, who: Visitor = Depends(visitor)) -> HTMLResponse:
    return page(request, "password.html", who)


@router.post("/console/password", response_class=HTMLResponse)
def new_password(request: Request, session: SessionDep, settings: SettingsDep, who: Visitor = Depends(visitor),
                 form=Depends(checked_form)) -> Response:
    try:
        user = change_password(session, who.user, str(form.get("current") or ""), str(form.get("new") or ""))
    except Problem as refusal:
        return page(request, "password.html", who, refusal.status, problems=[refusal.zh or refusal.detail])
    response = RedirectResponse("/console?done=password", status_code=303)
    open_session(response, request, user, settings.huiyin_secret_key)
    return response


def install(app) -> None:
    """The pages, and where a page that needs a login sends a visitor without one."""
    app.include_router(router)
    app.include_router(bulk_import.router)

    answer_problem = app.exception_handlers[Problem]

    @app.exception_handler(Problem)
    async def _problem(request: Request, problem: Problem) -> Response:
        """On a console page a refusal is a page in Chinese, not problem JSON."""
        if not request.url.path.startswith("/console"):
            return await answer_problem(request, problem)
        return HTMLResponse(render_page("console/missing.html", who=None, why=problem.zh or problem.detail,
                                        heading=TITLES_ZH.get(problem.title)), status_code=problem.status)

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, error: LoginRequired) -> RedirectResponse:
        return RedirectResponse("/console/login?" + urlencode({"next": error.back}), status_code=303)
