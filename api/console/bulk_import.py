"""The import pages (批量导入): a coordinator uploads a session's spreadsheet, watches it go row by row, and
reads the rows that could not be registered with their problems in Chinese.

The import runs beside the page (services.import_jobs) and its progress is kept in the ledger; the page
reloads itself each second while it runs, without JavaScript.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from api.console.visitor import Visitor, checked_form, page, visitor
from api.deps import SessionDep, SettingsDep, TemporalDep
from domain import labels
from domain.calendar import SHANGHAI
from domain.enums import Period, Role
from domain.limits import UPLOAD_BYTES
from ledger import imports
from services import import_jobs
from services.importing import COLUMNS, OPTIONAL, template_workbook

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WHY_NOT = "批量导入由交办督办机构办理。"


@router.get("/console/import", response_class=HTMLResponse)
def import_form(request: Request, session: SessionDep, who: Visitor = Depends(visitor)) -> HTMLResponse:
    return _form_page(request, session, who)


def _form_page(request: Request, session, who: Visitor, status: int = 200, **context) -> HTMLResponse:
    if who.actor.role != Role.coordinator:
        return page(request, "missing.html", who, 403, what="批量导入", why=WHY_NOT)
    return page(request, "import.html", who, status, recent=imports.recent(session, who.user.username),
                year=datetime.now(SHANGHAI).year, periods=labels.PERIOD_LABELS, columns=COLUMNS, optional=OPTIONAL,
                limit_mb=UPLOAD_BYTES // 2**20, stalled=imports.stalled, **context)


@router.get("/console/import/template.xlsx")
def import_template(who: Visitor = Depends(visitor)) -> Response:
    return Response(template_workbook(), media_type=XLSX,
                    headers={"Content-Disposition": "attachment; filename*=UTF-8''%E5%BB%BA%E8%AE%AE%E5%AF%BC%E5%85%A5"
                                                    "%E6%A8%A1%E6%9D%BF.xlsx"})  # 建议导入模板.xlsx


@router.post("/console/import", response_class=HTMLResponse)
async def upload(request: Request, session: SessionDep, settings: SettingsDep, temporal: TemporalDep,
                 who: Visitor = Depends(visitor), form=Depends(checked_form)) -> Response:
    if who.actor.role != Role.coordinator:
        return page(request, "missing.html", who, 403, what="批量导入", why=WHY_NOT)
    file, problems = form.get("file"), []
    year = str(form.get("year") or "")
    if not year.isdigit() or not 2000 <= int(year) <= 2100:
        problems.append("请填写2000—2100之间的年度")
    if form.get("period") not in labels.PERIOD_LABELS:
        problems.append("请选择提出时间（会议期间或闭会期间）")
    content = await file.read() if isinstance(file, UploadFile) else b""
    if not isinstance(file, UploadFile) or not file.filename:
        problems.append("请选择要导入的文件（.xlsx或.csv）")
    elif not content:
        problems.append(f"“{file.filename}”是空文件，请选择填好的表格")
    if problems:
        return _form_page(request, session, who, 422, problems=problems)
    session.commit()  # the import uses its own sessions
    import_id = import_jobs.start(temporal, request.app.state.sessions, settings, username=who.user.username,
                                  filename=file.filename, content=content, year=int(year),
                                  period=Period(form.get("period")), actor=who.actor)
    return RedirectResponse(f"/console/import/{import_id}", status_code=303)


@router.get("/console/import/{import_id}", response_class=HTMLResponse)
def import_progress(request: Request, session: SessionDep, import_id: str = Path(pattern=r"^[0-9a-f]{32}$"),
                    who: Visitor = Depends(visitor)) -> HTMLResponse:
    found = imports.owned(session, import_id, who.user.username)
    if found is None:
        return page(request, "missing.html", who, 404, what="这次导入")
    return page(request, "import_progress.html", who, job=found, stalled=imports.stalled(found),
                percent=round(100 * found.done / found.total) if found.total else 0)
