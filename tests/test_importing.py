"""Bulk import from .xlsx and .csv: reading, checking every row, importing the good ones once."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from core.errors import Problem
from domain.enums import Period, Role
from domain.models import Actor
from ledger.rows import DeputyRow, SignerRow, SuggestionRow
from services.importing import import_suggestions, parse_date, read_rows

YEAR = 2040  # a year no other test uses, so numbers never meet theirs
COORDINATOR = Actor(user="coord-import", role=Role.coordinator)
HEADER = ["编号", "标题", "内容", "领域", "领衔代表", "附议代表", "收到日期"]
DEPUTIES = {  # code: (name, delegation); two share a name on purpose
    "ID01": ("欧阳明远", "城区代表团"),
    "ID02": ("司马青云", "城区代表团"),
    "ID03": ("上官晓燕", "西山县代表团"),
    "ID04": ("同名代表", "东湖区代表团"),
    "ID05": ("同名代表", "南河县代表团"),
}


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def fresh_numbers(count: int) -> list[str]:
    prefix = "I" + uuid.uuid4().hex[:6].upper()  # a number not all digits starts with a letter
    return [f"{prefix}-{n:03d}" for n in range(1, count + 1)]


@pytest.fixture(scope="module")
def deputies(sessions):
    with sessions() as session:
        for code, (name, delegation) in DEPUTIES.items():
            if session.get(DeputyRow, code) is None:
                session.add(DeputyRow(code=code, name=name, delegation=delegation))
        session.commit()


async def run_import(client, sessions, settings, filename: str, content: bytes, calls: list | None = None):
    with sessions() as session:
        return await import_suggestions(
            client, session, settings, filename=filename, content=content,
            year=YEAR, period=Period.session, actor=COORDINATOR,
            progress=(lambda done, total: calls.append((done, total))) if calls is not None else None,
        )


# --- reading ------------------------------------------------------------------------------


def test_xlsx_headers_with_spaces_date_cells_and_empty_rows():
    content = xlsx([
        [" 编号 ", "标题 ", " 内容", "领域", "领衔代表", "附议代表", "收到日期", "备注"],
        ["0001", "关于加装电梯的建议", "建议简化审批。", "城建", "ID01", None, datetime(2040, 1, 15)],
        [None, None, None, None, None, None, None],
        [2, "关于校园午餐的建议", "建议建食堂。", "教育", "ID02", "ID01", "2040年1月16日"],
    ])
    rows = read_rows("建议汇总.XLSX", content)
    assert [r.line for r in rows] == [2, 4]
    assert rows[0].cells["标题"] == "关于加装电梯的建议"
    assert parse_date(rows[0].cells["收到日期"]) == date(2040, 1, 15)
    assert "备注" not in rows[0].cells


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_gb18030(encoding):
    content = csv_bytes([HEADER, ["0001", "关于整治河道污染的建议", "建议排查排污口。", "环保", "欧阳明远", "", "2040/1/15"]], encoding)
    [row] = read_rows("import.csv", content)
    assert row.line == 2 and row.cells["标题"] == "关于整治河道污染的建议" and row.cells["领衔代表"] == "欧阳明远"


@pytest.mark.parametrize("text, expected", [
    ("2040-01-15", date(2040, 1, 15)), ("2040/1/5", date(2040, 1, 5)), ("2040年1月5日", date(2040, 1, 5)),
    (date(2040, 2, 1), date(2040, 2, 1)), ("2040-02-30", None), ("15.01.2040", None), ("", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


async def test_unknown_extension_refused(sessions, settings):
    with pytest.raises(Problem) as refused:
        await run_import(None, sessions, settings, "建议.xls", b"\xd0\xcf\x11\xe0")
    assert refused.value.status == 422 and ".xlsx or .csv" in refused.value.detail


async def test_missing_columns_refused(sessions, settings):
    content = csv_bytes([["编号", "标题", "领域", "附议代表"], ["0001", "t", "教育", ""]], "utf-8")
    with pytest.raises(Problem) as refused:
        await run_import(None, sessions, settings, "a.csv", content)
    assert refused.value.status == 422
    assert "内容, 领衔代表, 收到日期" in refused.value.detail


async def test_damaged_xlsx_refused(sessions, settings):
    with pytest.raises(Problem) as refused:
        await run_import(None, sessions, settings, "a.xlsx", b"not a zip file")
    assert refused.value.status == 422 and "cannot read the spreadsheet" in refused.value.detail


# --- importing end to end -----------------------------------------------------------------


async def test_good_file_imports_every_row_once(time_env, worker, sessions, settings, deputies):
    n1, n2, n3 = fresh_numbers(3)
    content = xlsx([
        HEADER,
        [n1, "关于加快老旧小区加装电梯的建议", "建议简化审批流程，提高补贴标准。", "城市建设与管理", "ID01", "ID02、上官晓燕", datetime(2040, 1, 15)],
        [n2, "关于改善学生午餐的建议", "建议有条件的学校建设校内食堂。", "education", "司马青云", "ID01，ID03", "2040-01-16"],
        [n3, "关于加快农村公路提档升级的建议", "建议加宽通村公路。", "农业", "ID03", None, "2040年1月17日"],
    ])
    calls = []
    result = await run_import(time_env.client, sessions, settings, "2040年会议期间建议.xlsx", content, calls)
    assert (result.created, result.skipped, result.errors) == ([n1, n2, n3], [], [])
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]  # the rows in all once read, then each row done

    with sessions() as session:
        rows = {r.number: r for r in session.scalars(select(SuggestionRow).where(SuggestionRow.number.in_([n1, n2, n3])))}
        signers = session.execute(select(SignerRow.workflow_id, SignerRow.deputy, SignerRow.lead)).all()
    first = rows[n1]
    assert (first.year, first.period, first.stage, first.field) == (YEAR, "session", "registered", "urban_management")
    assert (first.lead_deputy, first.co_signers, first.delegation) == ("ID01", ["ID02", "ID03"], "城区代表团")
    assert first.received_on == date(2040, 1, 15) and first.title == "关于加快老旧小区加装电梯的建议"
    assert (rows[n2].field, rows[n2].lead_deputy, rows[n2].co_signers) == ("education", "ID02", ["ID01", "ID03"])
    assert (rows[n3].field, rows[n3].co_signers, rows[n3].received_on) == ("agriculture", [], date(2040, 1, 17))
    assert {(d, lead) for w, d, lead in signers if w == first.workflow_id} == {("ID01", True), ("ID02", False), ("ID03", False)}

    again = await run_import(time_env.client, sessions, settings, "2040年会议期间建议.xlsx", content)
    assert (again.created, again.skipped, again.errors) == ([], [n1, n2, n3], [])


async def test_bad_rows_reported_and_kept_out_good_rows_imported(time_env, worker, sessions, settings, deputies):
    good, no_title, bad_date, bad_field, unknown, lead_co, ambiguous, dup = fresh_numbers(8)
    content = csv_bytes([
        HEADER,
        [good, "关于治理清水河污染的建议", "建议排查入河排污口。", "生态环境", "ID01", "ID02；ID03", "2040/1/15"],
        [no_title, "", "内容", "教育", "ID01", "", "2040-01-15"],
        ["", "", "", "", "", "", ""],
        [bad_date, "标题", "内容", "教育", "ID01", "", "2040-13-01"],
        [bad_field, "标题", "内容", "航天", "ID01", "", "2040-01-15"],
        [unknown, "标题", "内容", "教育", "无名氏", "ID09", "2040-01-15"],
        [lead_co, "标题", "内容", "教育", "ID01", "ID02 欧阳明远", "2040-01-15"],
        [ambiguous, "标题", "内容", "教育", "同名代表", "", "2040-01-15"],
        ["12 3", "标题", "内容", "教育", "ID01", "", "2040-01-15"],
        [good, "重复编号", "内容", "教育", "ID02", "", "2040-01-15"],
        [dup, "标题", "内容", "教育", "ID01", "", ""],
    ], "gb18030")
    calls = []
    result = await run_import(time_env.client, sessions, settings, "bad.csv", content, calls)
    assert result.created == [good] and result.skipped == []
    assert calls[0] == (0, 10) and calls[-1] == (10, 10) and len(calls) == 11  # every data row, not the empty one
    errors = {e["row"]: e for e in result.errors}
    assert sorted(errors) == [3, 5, 6, 7, 8, 9, 10, 11, 12]
    english = {line: e["errors_en"] for line, e in errors.items()}  # the English beside, for programs
    assert errors[3]["number"] == no_title and english[3] == ["标题 is empty"]
    assert "is not a date" in english[5][0]
    assert english[6] == ["unknown 领域 '航天'"]
    assert english[7] == ["unknown deputy '无名氏'", "unknown deputy 'ID09'"]
    assert english[8] == ["the lead deputy (领衔代表) is also listed as a co-signer (附议代表)"]
    assert "shared by ID04, ID05" in english[9][0]
    assert "must be 1-6 digits (0123) or a letter" in english[10][0]
    assert english[11] == [f"编号 {good} already appears in row 2"]
    assert english[12] == ["收到日期 is empty"]
    # What the coordinator reads: each row's problems in Chinese, saying what to change.
    assert errors[3]["errors"] == ["“标题”没有填写"]
    assert errors[5]["errors"][0].startswith("收到日期“2040-13-01”不是日期")
    assert errors[6]["errors"][0].startswith("没有“航天”这个领域，请从以下选择：")
    assert errors[7]["errors"] == ["没有代表“无名氏”，请核对姓名或代码", "没有代表“ID09”，请核对姓名或代码"]
    assert errors[8]["errors"] == ["领衔代表又列为附议代表，请从附议代表中删去"]
    assert errors[9]["errors"] == ["有多位代表名叫“同名代表”（ID04、ID05），请改填代表代码"]
    assert errors[10]["errors"][0].startswith("编号“12 3”不符合规则")
    assert errors[11]["errors"] == [f"编号{good}与第2行重复"]
    assert errors[12]["errors"] == ["“收到日期”没有填写"]

    with sessions() as session:
        numbers = set(session.scalars(select(SuggestionRow.number).where(SuggestionRow.year == YEAR)))
    assert good in numbers
    assert not numbers & {no_title, bad_date, bad_field, unknown, lead_co, ambiguous, dup}


# --- imports started from the console (services.import_jobs) ---------------------------------


async def test_a_recorded_import_keeps_its_progress_and_result_in_the_ledger(time_env, worker, sessions, settings,
                                                                               deputies):
    from ledger import imports
    from ledger.rows import ImportRow
    from services import import_jobs

    good, bad = fresh_numbers(2)
    content = xlsx([HEADER, [good, "关于增设公交线路的建议", "建议增设社区公交。", "交通", "ID01", "", "2040-02-01"],
                    [bad, "", "内容", "教育", "ID01", "", "2040-02-01"]])
    with sessions() as session:
        job = imports.start(session, "coord-import", "公交.xlsx", YEAR, "session")
    await import_jobs.run(time_env.client, sessions, settings, job.id, filename="公交.xlsx", content=content,
                          year=YEAR, period=Period.session, actor=COORDINATOR)
    with sessions() as session:
        row = session.get(ImportRow, job.id)
        assert (row.status, row.total, row.done) == ("done", 2, 2) and row.finished_at is not None
        assert row.result["created"] == [good]
        assert row.result["errors"] == [{"row": 3, "number": bad, "errors": ["“标题”没有填写"],
                                         "errors_en": ["标题 is empty"]}]
        assert imports.owned(session, job.id, "someone-else") is None  # only who started it sees it
        assert [r.id for r in imports.recent(session, "coord-import")][0] == job.id


async def test_a_recorded_import_of_an_unreadable_file_fails_with_the_reason_in_chinese(time_env, sessions, settings):
    from ledger import imports
    from ledger.rows import ImportRow
    from services import import_jobs

    with sessions() as session:
        job = imports.start(session, "coord-import", "notes.txt", YEAR, "session")
    await import_jobs.run(time_env.client, sessions, settings, job.id, filename="notes.txt", content=b"hello",
                          year=YEAR, period=Period.session, actor=COORDINATOR)
    with sessions() as session:
        row = session.get(ImportRow, job.id)
        assert row.status == "failed" and row.problem == "不能导入“notes.txt”：请上传.xlsx或.csv文件"


def test_a_running_import_that_stopped_moving_is_shown_as_cut_off():
    from datetime import timedelta, timezone

    from ledger import imports
    from ledger.rows import ImportRow

    now = datetime(2040, 3, 1, 9, 0, tzinfo=timezone.utc)
    running = ImportRow(status="running", updated_at=now - timedelta(minutes=1))
    assert not imports.stalled(running, now)
    running.updated_at = now - imports.STALLED_AFTER - timedelta(seconds=1)
    assert imports.stalled(running, now)
    assert not imports.stalled(ImportRow(status="done", updated_at=running.updated_at), now)


def test_the_template_reads_back_as_an_import_file_with_its_example_row():
    from services.importing import template_workbook

    rows = read_rows("建议导入模板.xlsx", template_workbook())
    assert len(rows) == 1 and rows[0].cells["标题"] == "关于……的建议" and rows[0].cells["领域"] == "教育"
