"""Reports in the console (报告): the annual report (printable page and spreadsheet), the unit evaluation
(单位评议) with its rating form for deputies and supervisors, and the carry-over ledger (跨年度跟踪督办台账) —
read through the same ledger functions as the JSON API, with the console's session.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.console.visitor import Visitor, checked_form, page, visitor
from api.deps import SessionDep, SettingsDep
from core.config_files import load_policy
from core.errors import Problem
from domain import evaluation as ev
from domain.calendar import SHANGHAI
from domain.enums import UNIT_ROLES, Role
from domain.limits import text_problem
from ledger.carry_over import carry_over_ledger
from ledger.directory import unit_names
from ledger.ratings import evaluation_report
from services import rate_units

router = APIRouter(include_in_schema=False)
READERS = (Role.coordinator, Role.supervisor, Role.admin, *UNIT_ROLES, Role.proposal_committee)  # as the JSON API's reports


def _year(value: int | None) -> int:
    return value or datetime.now(SHANGHAI).year


def _not_a_reader(request: Request, who: Visitor) -> HTMLResponse | None:
    if who.actor.role in READERS:
        return None
    return page(request, "missing.html", who, 403, what="报告", why="报告供交办督办机构、督办人和承办单位查看；"
                "代表可在“待办”中查看本人建议的办理情况，在“单位评议”中评议承办单位。")


@router.get("/console/reports", response_class=HTMLResponse)
def reports(request: Request, session: SessionDep, settings: SettingsDep, who: Visitor = Depends(visitor),
            year: int | None = Query(None, ge=2000, le=2100)) -> HTMLResponse:
    """报告: the year's reports to open, and the unit evaluation. The carry-over ledger, computed from every
    carried item's events (seconds with tens of thousands), is a report of its own (carry_over_page)."""
    if refused := _not_a_reader(request, who):
        return refused
    year = _year(year)
    policy = load_policy(settings.huiyin_policy, settings.huiyin_config_dir)
    only = who.user.unit_code if who.actor.role in UNIT_ROLES else None
    evaluation = evaluation_report(session, year, policy.evaluation, policy.ref, only_unit=only)
    return page(request, "reports.html", who, year=year, evaluation=evaluation, grades=ev.GRADE_LABELS)


@router.get("/console/reports/carry-over", response_class=HTMLResponse)
def carry_over_page(request: Request, session: SessionDep, who: Visitor = Depends(visitor),
                    year: int | None = Query(None, ge=2000, le=2100)) -> HTMLResponse:
    """跨年度跟踪督办台账: the items carried into the year, and how many carried B/C items became A."""
    if refused := _not_a_reader(request, who):
        return refused
    year = _year(year)
    carried = carry_over_ledger(session, who.actor, year)
    return page(request, "carry_over.html", who, year=year, carried=carried, units=unit_names(session))


@router.get("/console/evaluate", response_class=HTMLResponse)
def evaluate_form(request: Request, session: SessionDep, who: Visitor = Depends(visitor),
                  year: int | None = Query(None, ge=2000, le=2100), done: str = "") -> HTMLResponse:
    return _evaluate_page(request, session, who, _year(year), done=done)


def _evaluate_page(request: Request, session, who: Visitor, year: int, status: int = 200, **context) -> HTMLResponse:
    if who.actor.role not in ev.RATERS:
        return page(request, "missing.html", who, 403, what="单位评议", why="单位评议由人大代表和督办人进行。")
    codes = rate_units.rateable_units(session, who.actor, year)
    return page(request, "evaluate.html", who, status, year=year, codes=codes, names=unit_names(session, codes),
                mine=rate_units.my_ratings(session, who.actor, year), grades=ev.GRADE_LABELS, **context)


@router.post("/console/evaluate", response_class=HTMLResponse)
def evaluate(request: Request, session: SessionDep, who: Visitor = Depends(visitor),
             form=Depends(checked_form)) -> Response:
    year, unit = str(form.get("year") or ""), str(form.get("unit") or "")
    grade, comment = str(form.get("grade") or ""), str(form.get("comment") or "")
    if not year.isdigit() or not 2000 <= int(year) <= 2100:
        return _evaluate_page(request, session, who, _year(None), 422, problems=["请选择评议年度"])
    problems, status = ([] if grade in ev.GRADES else ["请选择评议等次：优秀、良好或一般"]), 422
    if (fault := text_problem("comment", comment, 2000)) is not None:
        problems.append(fault.zh)
    try:
        if not problems:
            rate_units.rate_unit(session, who.actor, unit, int(year), grade, comment)
    except Problem as refusal:
        problems, status = [refusal.zh or refusal.detail], refusal.status
    if problems:
        return _evaluate_page(request, session, who, int(year), status, problems=problems, failed=unit)
    return RedirectResponse(f"/console/evaluate?year={year}&done={unit}", status_code=303)
