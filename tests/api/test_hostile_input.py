"""What a careless or hostile user sends cannot break an item or the system (issue "nothing a user sends can
break it", docs/limits.md): each class of input that once broke something, refused with a reason, and nothing
lost — the ledger and the workflow agree afterwards."""

from __future__ import annotations

import asyncio
import csv
import io
import time
import zipfile
from datetime import date, datetime, timezone

import openpyxl
import pytest
from temporalio.exceptions import ApplicationError

from activities.scheduling import DueRequest, SchedulingActivities
from core.errors import Problem
from domain.enums import Period
from domain.limits import STATE_BUDGET, TEXT
from domain.policy import Duration
from ledger.queries import next_number
from ledger.rows import SuggestionRow
from services.export import ExportFormat, export_ledger
from services.register import start_suggestion
from tests.helpers import new_suggestion

# --- 1. dates no calendar holds -------------------------------------------------------------------


async def test_an_impossible_received_date_is_refused_and_burns_no_number(http, sessions):
    """received_on 9999-12-31 once made the deadline activity fail for ever, left the item in Temporal but
    not in the ledger, and stuck the year's numbering."""
    for received_on in ("9999-12-31", "1900-01-01", f"{http.year + 3}-01-01"):
        await http.problem("coord", "/suggestions", _body(http, received_on=received_on), 422, "received_on")
    first = await http.register(None)
    second = await http.register(None)
    assert int(first.rsplit("-", 1)[1]) + 1 == int(second.rsplit("-", 1)[1])  # numbering goes on


async def test_a_deadline_no_calendar_holds_fails_once_not_for_ever(settings):
    """The activity says once, non-retryably, that the date cannot be computed (a retry cannot help)."""
    request = DueRequest(start=datetime(9999, 12, 30, tzinfo=timezone.utc), rule=Duration.model_validate("5 working_days"))
    with pytest.raises(ApplicationError) as failure:
        await SchedulingActivities(settings.huiyin_config_dir).compute_schedules([request])
    assert failure.value.non_retryable and failure.value.type == "invalid"


async def test_a_registration_that_fails_in_the_workflow_is_refused_and_its_number_stays_free(
    time_env, worker, settings, sessions, number
):
    """Past the edge (a caller that skips its checks): the workflow cannot compute the clock, the caller gets a
    refusal instead of waiting for ever, and the same number registers afterwards."""
    year = date.today().year
    bad = new_suggestion(number).model_copy(update={"year": year, "period": Period.closed, "received_on": date(9999, 12, 31)})
    with pytest.raises(Problem) as refused:
        await start_suggestion(time_env.client, settings.temporal_task_queue, bad)
    assert refused.value.status == 422 and "cannot be computed" in refused.value.detail
    good = bad.model_copy(update={"received_on": date(year, 1, 5)})
    outcome = await start_suggestion(time_env.client, settings.temporal_task_queue, good)
    assert outcome.workflow_id == f"suggestion-{year}-{number}"


# --- 2. numbers that poisoned the allocation ------------------------------------------------------


async def test_a_long_all_digit_number_is_refused_and_cannot_stick_the_numbering(http, sessions):
    for odd in ("1" * 32, "1234567", "12-34", "-1", "A" * 13):
        await http.problem("coord", "/suggestions", _body(http, number=odd), 422, "1-6 digits")
    with sessions() as session:  # even a number written into the ledger by other means is not counted
        session.add(SuggestionRow(**_row(http.year, "9" * 32)))
        session.commit()
        allocated = next_number(session, http.year)
    assert allocated is not None and len(allocated) <= 6
    assert await http.register(None)


# --- 3. texts that outgrew Temporal's limits --------------------------------------------------------


async def test_text_longer_than_its_limit_is_refused_before_it_reaches_the_item(http, sessions):
    sid = await http.register(_fresh(http))
    await http.to_handling(sid)
    await http.post("h-u01", f"/suggestions/{sid}/sign-for-receipt")
    when = datetime.now(timezone.utc).isoformat()
    huge = {"when": when, "way": "phone", "summary": "沟" * 250_000}  # ≈ 750 KB
    problem = await http.problem("h-u01", f"/suggestions/{sid}/log-contact", huge, 422, "summary")
    assert str(TEXT) in problem["detail"]
    for bad in ("a\x00b", "a\x1b[31mb"):
        await http.problem("h-u01", f"/suggestions/{sid}/log-contact", {**huge, "summary": bad}, 422, "control character")
    item = await http.get("coord", f"/suggestions/{sid}")
    assert item["contacts"] == []
    await _ledger_agrees_with_the_workflow(http, sid)


async def test_an_item_refuses_what_would_push_its_record_past_its_budget_and_keeps_working(http, time_env):
    sid = await http.register(_fresh(http))
    await http.to_handling(sid)
    await http.post("h-u01", f"/suggestions/{sid}/sign-for-receipt")
    contact = {"when": datetime.now(timezone.utc).isoformat(), "way": "visit", "summary": "走访" * (TEXT // 2)}
    refused = None
    for _ in range(STATE_BUDGET // (TEXT * 3) + 5):  # each contact adds ≈ 15 KB
        response = await http.api.post(f"/api/v1/suggestions/{sid}/log-contact", json=contact, headers=http.tokens["h-u01"])
        if response.status_code != 200:
            refused = response
            break
    assert refused is not None and refused.status_code == 422, "the budget was never reached"
    assert "budget" in refused.json()["detail"]
    # The item still answers and still takes what fits.
    await http.post("h-u01", f"/suggestions/{sid}/log-contact", {**contact, "summary": "电话回访"})
    state = await time_env.client.get_workflow_handle(sid).query("get_state")
    assert len(state["contacts"]) == len((await http.get("coord", f"/suggestions/{sid}"))["contacts"])
    await _ledger_agrees_with_the_workflow(http, sid)


# --- helpers --------------------------------------------------------------------------------------


def _body(http, **extra) -> dict:
    return {"year": http.year, "period": "session", "title": "关于增设公交站点的建议", "body": "建议增设站点。",
            "field": "transport", "lead_deputy": "D001", "received_on": f"{http.year}-01-06", **extra}


def _fresh(http) -> str:
    import uuid

    return "H" + uuid.uuid4().hex[:8]


def _row(year: int, number: str) -> dict:
    return dict(workflow_id=f"suggestion-{year}-odd{number[:6]}", year=year, number=number, period="session",
                title="x", body="x", field="other", lead_deputy="D001", received_on=date(year, 1, 1), policy="national@x",
                stage="registered", origin_year=year, handling_year=year, state={}, updated_at=datetime.now(timezone.utc))


async def _ledger_agrees_with_the_workflow(http, sid: str) -> None:
    """Every event the workflow's timeline has is in the ledger, and no other."""
    ledger = [e["seq"] for e in await http.get("coord", f"/suggestions/{sid}/events")]
    assert ledger == list(range(1, len(ledger) + 1))
    item = await http.get("coord", f"/suggestions/{sid}")
    assert item["last_event_seq"] == ledger[-1]


# --- 4. spreadsheet cells -------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1:A9)", "=cmd|' /C calc'!A0"]


async def test_formula_looking_titles_stay_text_in_every_spreadsheet(http, api, tokens, sessions, tmp_path):
    numbers = {}
    for title in FORMULAS:
        numbers[title] = (await http.post("coord", "/suggestions", _body(http, title=title), status=201))["number"]
    await http.problem("coord", "/suggestions", _body(http, title="关于\x00建议"), 422, "control character")
    with sessions() as session:  # a title with control characters that came in before the edge checked them
        session.add(SuggestionRow(**{**_row(http.year, "C1"), "title": "旧\x01数据\x1b[31m"}))
        session.commit()

    response = await api.get("/api/v1/reports/annual.xlsx", params={"year": http.year}, headers=tokens["coord"])
    assert response.status_code == 200, response.text
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = {c.value: c for row in book["建议清单"].iter_rows() for c in row if isinstance(c.value, str)}
    for title in FORMULAS:
        assert cells[title].data_type == "s", title  # text, not a formula

    with sessions() as session:
        export_ledger(session, ExportFormat.xlsx, tmp_path / "ledger.xlsx", year=http.year)
        export_ledger(session, ExportFormat.csv, tmp_path / "csv", year=http.year)
    exported = openpyxl.load_workbook(tmp_path / "ledger.xlsx")
    texts = {c.value: c for row in exported["suggestions"].iter_rows() for c in row if isinstance(c.value, str)}
    assert all(texts[title].data_type == "s" for title in FORMULAS)
    assert "旧数据[31m" in texts
    with open(tmp_path / "csv" / "suggestions.csv", encoding="utf-8-sig", newline="") as f:
        titles = {row["title"] for row in csv.DictReader(f)}
    assert {"'" + title for title in FORMULAS} <= titles and "旧数据[31m" in titles


# --- 8. uploads that unpack to more than they look ---------------------------------------------------------


def _xlsx(rows: int, filler: str = "") -> bytes:
    """A real .xlsx whose sheet has `rows` rows (written into its XML directly, as a bomb would be)."""
    book = openpyxl.Workbook()
    book.active.append(["编号", "标题", "内容", "领域", "领衔代表", "收到日期"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>X{n}</t></is></c>' \
                      '<c r="E{n}" t="inlineStr"><is><t>D404' + filler + '</t></is></c></row>'
                body = "".join(row.format(n=n) for n in range(2, rows + 2)).encode()
                data = data.replace(b"</sheetData>", body + b"</sheetData>")
                data = data.replace(b'<dimension ref="A1:F1" />', f'<dimension ref="A1:F{rows + 1}" />'.encode())
            target.writestr(entry, data)
    return out.getvalue()


async def test_an_upload_that_unpacks_to_too_much_is_refused_from_its_directory(api, tokens, http):
    bomb = _xlsx(1_000, filler=" " * 60_000)  # ≈ 60 MB of sheet in ≈ 100 KB
    assert len(bomb) < 1024 * 1024
    started = time.perf_counter()
    response = await api.post("/api/v1/suggestions/import", files={"file": ("bomb.xlsx", bomb)},
                              data={"year": str(http.year)}, headers=tokens["coord"])
    assert response.status_code == 422 and "unpacks to" in response.json()["detail"]
    assert time.perf_counter() - started < 5  # refused before unpacking


async def test_an_upload_with_too_many_rows_is_refused_and_the_api_answers_meanwhile(api, tokens, http):
    many = _xlsx(12_000)
    upload = api.post("/api/v1/suggestions/import", files={"file": ("many.xlsx", many)},
                      data={"year": str(http.year)}, headers=tokens["coord"])
    importing = asyncio.create_task(upload)
    await asyncio.sleep(0.05)
    health = await api.get("/healthz")  # served while the file is parsed in a thread
    assert health.status_code == 200
    response = await importing
    assert response.status_code == 422 and "rows" in response.json()["detail"]
