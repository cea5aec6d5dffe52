"""Reports: the annual handling report (JSON, .xlsx, printable HTML) and unit evaluation.

Who reads: coordinators, supervisors and admins see everything; a unit's staff see their own
unit's figures only; deputies do not read these reports. Units are rated by deputies (the units
that handled their own suggestions that year) and by supervisors (any unit).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Depends, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.deps import SessionDep, SettingsDep, UserDep, actor_of, parse_as_of, require_roles
from api.params import SUGGESTION_ID, AsOf, SuggestionId, UnitCode, Year
from api.render.pages import annual_report_page
from api.render.report_xlsx import annual_xlsx
from core.config_files import load_policy
from core.errors import invalid
from domain import evaluation as ev
from domain.enums import UNIT_ROLES, Role
from domain.figures import AnnualReport
from domain.limits import schema_refusal, text_problem
from ledger.annual_report import annual_report
from ledger.directory import unit_names
from ledger.ratings import evaluation_report
from services import exemplary_selection, rate_units

router = APIRouter(tags=["reports"])
Readers = Depends(require_roles(Role.coordinator, Role.supervisor, Role.admin, Role.unit_handler, Role.unit_head,
                                Role.proposal_committee))
Raters = Depends(require_roles(*ev.RATERS))

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(session, user, year: int, as_of: str | None, movement_from: str | None = None,
            with_items: bool = False) -> AnnualReport:
    instant, start = parse_as_of(as_of), parse_as_of(movement_from, "movement_from", "分类变动的起点")
    if start is not None and start > (instant or datetime.now(timezone.utc)):
        raise invalid("movement_from is after as_of: the class movement runs forward", "分类变动的起点晚于截止时间，"
                      "请把起点改在截止时间之前", "movement_from.after_as_of")
    return annual_report(session, actor_of(user), year, as_of=instant, with_items=with_items, movement_from=start)


@router.get("/reports/annual", dependencies=[Readers])
def annual(session: SessionDep, user: UserDep, year: Year, as_of: AsOf = None, movement_from: AsOf = None) -> dict[str, Any]:
    """办理工作报告: the year's figures — the year, its key-supervision items, each unit, field and delegation —
    each rate with numerator and denominator, and how the classes moved from `movement_from` (default the start
    of the year) to `as_of`. `definitions` says exactly what each figure counts."""
    return _report(session, user, year, as_of, movement_from).model_dump(mode="json", exclude={"items"})


@router.get("/reports/annual.xlsx", dependencies=[Readers], response_class=Response,
            responses={200: {"content": {XLSX: {}}}})
def annual_spreadsheet(session: SessionDep, user: UserDep, year: Year, as_of: AsOf = None,
                       movement_from: AsOf = None) -> Response:
    """The report as a spreadsheet: totals, fields, one sheet per unit, every item with its stage."""
    report = _report(session, user, year, as_of, movement_from, with_items=True)
    name = f"annual-report-{year}" + (f"-{report.scope}" if report.scope != "all" else "") + ".xlsx"
    return Response(annual_xlsx(report), media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/reports/annual.html", dependencies=[Readers], response_class=HTMLResponse)
def annual_page(session: SessionDep, user: UserDep, year: Year, as_of: AsOf = None,
                movement_from: AsOf = None) -> HTMLResponse:
    """The report as a printable page in Chinese, with its charts inline (SVG)."""
    return HTMLResponse(annual_report_page(_report(session, user, year, as_of, movement_from)))


# --- the year's exemplary handled proposals (优秀提案办理) --------------------------------------------------


class ExemplaryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SUGGESTION_ID, max_length=64, description="the item: proposal-<year>-ZX<number>")
    year: int = Field(ge=2000, le=2100, description="the handling year it is an exemplary item of")
    reason: str = Field(min_length=1, max_length=2000)

    @field_validator("reason")
    @classmethod
    def _printable(cls, value: str) -> str:
        if problem := text_problem("reason", value, 2000):
            raise schema_refusal([problem])
        return value


@router.post("/reports/exemplary", status_code=status.HTTP_201_CREATED,
             dependencies=[Depends(require_roles(Role.proposal_committee))])
def select_exemplary(body: ExemplaryIn, session: SessionDep, user: UserDep) -> dict[str, Any]:
    """Select a closed proposal as one of the year's exemplary handled ones (评为优秀提案办理), with the reason."""
    return exemplary_selection.select_exemplary(session, actor_of(user), body.id, body.year, body.reason)


@router.delete("/reports/exemplary/{suggestion_id}", status_code=status.HTTP_204_NO_CONTENT,
               dependencies=[Depends(require_roles(Role.proposal_committee))])
def withdraw_exemplary(suggestion_id: SuggestionId, session: SessionDep, user: UserDep) -> Response:
    """Take an item off the exemplary list (撤销优秀提案办理)."""
    exemplary_selection.withdraw_exemplary(session, actor_of(user), suggestion_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/reports/exemplary", dependencies=[Readers])
def exemplary_list(session: SessionDep, year: Year) -> list[dict[str, Any]]:
    """The year's exemplary handled items, in number order, each with its reason."""
    return exemplary_selection.year_list(session, year)


# --- unit evaluation (单位评议) ------------------------------------------------------------------------


class EvaluationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100)
    grade: ev.Grade
    comment: str = Field(default="", max_length=2000)

    @field_validator("comment")
    @classmethod
    def _printable(cls, value: str) -> str:
        problem = text_problem("comment", value, 2000)
        if problem:
            raise schema_refusal([problem])
        return value


@router.post("/units/{code}/evaluations", status_code=status.HTTP_201_CREATED, response_model=ev.EvaluationOut,
             dependencies=[Raters])
def rate_unit(code: UnitCode, body: EvaluationIn, session: SessionDep, user: UserDep) -> ev.EvaluationOut:
    """Rate a unit's year: excellent / good / average (优秀/良好/一般) with a comment. Once per rater,
    unit and year: a second rating replaces the first, which is kept (`replaces` names it)."""
    return rate_units.rate_unit(session, actor_of(user), code, body.year, body.grade, body.comment)


@router.get("/evaluations/rateable", dependencies=[Raters])
def rateable(session: SessionDep, user: UserDep, year: Year) -> dict[str, Any]:
    """The units you may rate for `year`, with the rating you gave each (if any)."""
    actor = actor_of(user)
    codes = rate_units.rateable_units(session, actor, year)
    names = unit_names(session, codes)
    mine = rate_units.my_ratings(session, actor, year)
    return {
        "year": year,
        "units": [
            {"code": code, "name": names.get(code, code), "my_grade": mine[code].grade if code in mine else None,
             "my_comment": mine[code].comment if code in mine else None}
            for code in codes
        ],
    }


@router.get("/reports/evaluations", response_model=ev.EvaluationReport, dependencies=[Readers])
def evaluations_report(session: SessionDep, user: UserDep, settings: SettingsDep, year: Year) -> ev.EvaluationReport:
    """Ratings of each unit by rater group (deputies / supervisors), the group grades and the overall
    grade by the policy profile's [evaluation] rule. A unit's staff see their own unit only."""
    policy = load_policy(settings.huiyin_policy, settings.huiyin_config_dir)
    only = user.unit_code if Role(user.role) in UNIT_ROLES else None
    return evaluation_report(session, year, policy.evaluation, policy.ref, only_unit=only)
