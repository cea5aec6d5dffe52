"""Bulk import (批量导入) of a session's suggestions from a spreadsheet: shared by the API and the CLI.

Every row is checked first and all its problems are reported with its row number;
good rows are registered (each starts its workflow), bad rows are not. A number
already in the ledger for the year is skipped, so importing a file again is safe.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import PurePath
from typing import Any

from openpyxl import Workbook, load_workbook
from pydantic import ValidationError
from sqlalchemy.orm import Session
from temporalio.client import Client

from core.errors import Problem, forbidden, invalid
from core.lanes import in_lanes
from core.settings import Settings
from domain.enums import Period, Role
from domain.fields import FIELDS, field_code
from domain.labels import ROLE_LABELS
from domain.limits import IMPORT_ROWS, UNPACKED_BYTES, Fault, schema_error_zh
from domain.models import NUMBER_RULE_ZH, Actor, suggestion_workflow_id
from ledger import directory
from ledger.directory import user_named
from ledger.queries import number_taken
from services.register import SuggestionInput, register

# Spreadsheet header → SuggestionInput field. 附议代表 may be left out: no co-signers.
COLUMNS = {
    "编号": "number",
    "标题": "title",
    "内容": "body",
    "领域": "field",
    "领衔代表": "lead_deputy",
    "附议代表": "co_signers",
    "收到日期": "received_on",
}
OPTIONAL = {"附议代表"}
HEADER_OF = {name: header for header, name in COLUMNS.items()}
MAX_ROWS = IMPORT_ROWS  # one session's suggestions; a larger file is a mistake, not a batch
RAW_ROWS = 2 * IMPORT_ROWS  # rows read at most, empty ones included
MAX_COLUMNS = 64  # columns read per row; the headers are among the first
CO_SIGNER_SEPARATORS = re.compile(r"[、,，;；\s]+")
DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
]


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


@dataclass
class Row:
    """One data row: its spreadsheet row number (the header is row 1) and its cells by column."""

    line: int
    cells: dict[str, Any]


def template_workbook() -> bytes:
    """An empty import file (导入模板): the column headers, one example row and what each column takes."""
    book = Workbook()
    sheet = book.active
    sheet.title = "建议"
    sheet.append(list(COLUMNS))
    sheet.append(["0001", "关于……的建议", "建议的正文", "教育", "领衔代表的姓名或代码", "附议代表，用顿号分隔（可不填）",
                  "2026-01-15"])
    for column, width in zip("ABCDEFG", (10, 30, 50, 12, 20, 30, 14), strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet("填写说明")
    for line in (["列名", "填写要求"], ["编号", "1至6位数字或字母开头的编号；同一年度内不能重复"],
                 ["标题", "必填，至多200字"], ["内容", "必填"], ["领域", "必填：" + "、".join(FIELDS.values())],
                 ["领衔代表", "必填：代表姓名（重名时填代码）或代码"], ["附议代表", "可不填；多人用顿号、逗号或空格分隔"],
                 ["收到日期", "必填：2026-03-05、2026/3/5 或 2026年3月5日"]):
        notes.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- reading the file --------------------------------------------------------------------


def read_rows(filename: str, content: bytes) -> list[Row]:
    """The non-empty data rows of an .xlsx (first sheet) or .csv file, by Chinese column header. CPU work on a
    file from outside: callers on an event loop run it in a thread (import_suggestions does)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        table = _xlsx_table(content)
    elif suffix == ".csv":
        table = _csv_table(content)
    else:
        raise invalid(f"cannot import {filename!r}: upload an .xlsx or .csv file",
                      zh=f"不能导入“{filename}”：请上传.xlsx或.csv文件", code="import.file_type")
    if not table:
        raise invalid(f"{filename!r} is empty: the first row must be the column headers",
                      zh=f"“{filename}”是空的：第一行应为列名（{'、'.join(COLUMNS)}）", code="import.empty")
    header = [_text(cell) for cell in table[0]]
    missing = [h for h in COLUMNS if h not in header and h not in OPTIONAL]
    if missing:
        raise invalid(f"{filename!r} lacks the column(s) {', '.join(missing)}; the first row must name them",
                      zh=f"“{filename}”缺少列：{'、'.join(missing)}。请在第一行写明这些列名", code="import.columns")
    positions = {h: header.index(h) for h in COLUMNS if h in header}
    rows = []
    for line, values in enumerate(table[1:], start=2):
        cells = {h: values[i] if i < len(values) else None for h, i in positions.items()}
        if any(_text(v) for v in cells.values()):
            rows.append(Row(line, cells))
    if len(rows) > MAX_ROWS:
        raise invalid(f"{filename!r} has {len(rows)} rows; import at most {MAX_ROWS} at a time",
                      zh=f"“{filename}”有{len(rows)}行，一次最多导入{MAX_ROWS}行，请拆分后分批导入", code="import.rows")
    return rows


def _bounded(rows: Iterator, filename: str = "the file") -> list:
    """At most RAW_ROWS rows read (data rows, empty ones and the header): a file with more is refused before
    its rest is read."""
    table = list(islice(rows, RAW_ROWS + 1))
    if len(table) > RAW_ROWS:
        raise invalid(f"{filename} has more than {RAW_ROWS:,} rows; import at most {MAX_ROWS:,} suggestions at a time",
                      zh=f"文件超过{RAW_ROWS}行，一次最多导入{MAX_ROWS}件建议，请拆分后分批导入", code="import.rows")
    return table


def _xlsx_table(content: bytes) -> list[tuple]:
    _check_unpacked_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            return _bounded(workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS), "the spreadsheet")
        finally:
            workbook.close()
    except Problem:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise invalid(f"cannot read the spreadsheet: {error}", zh="无法读取该表格：文件已损坏或不是Excel表格，请另存为.xlsx后重试",
                      code="import.unreadable") from None


def _check_unpacked_size(content: bytes) -> None:
    """An .xlsx is a zip: refuse one that would unpack past the limit (a small file can hold gigabytes of rows)
    from its directory, before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise invalid("cannot read the spreadsheet: it is not an .xlsx file (not a zip archive)",
                      zh="无法读取该表格：它不是.xlsx文件，请用Excel另存为.xlsx后重试", code="import.unreadable") from None
    if unpacked > UNPACKED_BYTES:
        raise invalid(f"the spreadsheet unpacks to {unpacked / 2**20:,.0f} MB; at most {UNPACKED_BYTES // 2**20} MB "
                      f"are read: split it, or save it without empty formatted rows",
                      zh=f"该表格解压后有{unpacked / 2**20:,.0f} MB，最多读取{UNPACKED_BYTES // 2**20} MB："
                         f"请拆分，或删去带格式的空行后另存", code="import.too_large")


def _csv_table(content: bytes) -> list[list[str]]:
    # Excel in Chinese offices saves CSV as GB18030 (ANSI); others save UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise invalid("cannot read the CSV file: it is neither UTF-8 nor GB18030 text",
                      zh="无法读取该CSV文件：它既不是UTF-8也不是GB18030编码的文本", code="import.unreadable")
    try:
        return _bounded(csv.reader(io.StringIO(text, newline="")), "the CSV file")
    except csv.Error as error:
        raise invalid(f"cannot read the CSV file: {error}", zh="无法读取该CSV文件：格式有误，请用Excel另存后重试",
                      code="import.unreadable") from None


def _text(value: Any) -> str:
    """A cell as text: spreadsheets give numbers for numbers, dates for dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value: Any) -> date | None:
    """收到日期: an Excel date cell, or YYYY-MM-DD, YYYY/MM/DD, YYYY年M月D日; None if not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in DATE_PATTERNS:
        if match := pattern.match(text):
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


# --- checking the rows -------------------------------------------------------------------


class Deputies:
    """The deputies table, to find a deputy by code or by a name only one deputy has."""

    def __init__(self, session: Session):
        rows = directory.deputies(session)
        self.delegation = {code: delegation for code, _, delegation in rows}
        self.by_name: dict[str, list[str]] = {}
        for code, name, _ in rows:
            self.by_name.setdefault(name, []).append(code)

    def resolve(self, value: str, errors: list[Fault]) -> str | None:
        if value in self.delegation:
            return value
        codes = self.by_name.get(value, [])
        if len(codes) == 1:
            return codes[0]
        if codes:
            errors.append(Fault(f"deputy name {value!r} is shared by {', '.join(codes)}: give the code",
                                f"有多位代表名叫“{value}”（{'、'.join(codes)}），请改填代表代码"))
        else:
            errors.append(Fault(f"unknown deputy {value!r}", f"没有代表“{value}”，请核对姓名或代码"))
        return None


def check_row(row: Row, year: int, period: Period, deputies: Deputies) -> tuple[SuggestionInput | None, list[Fault]]:
    """A row as a registration, or every problem found in it."""
    errors: list[Fault] = []
    text = {h: _text(v) for h, v in row.cells.items()}
    for header in COLUMNS:
        if header not in OPTIONAL and not text.get(header):
            errors.append(Fault(f"{header} is empty", f"“{header}”没有填写"))
    number = text["编号"]
    if number:
        try:
            suggestion_workflow_id(year, number)
        except ValueError as error:
            errors.append(Fault(str(error), f"编号“{number}”不符合规则：应为{NUMBER_RULE_ZH}"))
    received_on = parse_date(row.cells["收到日期"])
    if text["收到日期"] and received_on is None:
        errors.append(Fault(
            f"收到日期 {text['收到日期']!r} is not a date (use YYYY-MM-DD, YYYY/MM/DD or YYYY年M月D日)",
            f"收到日期“{text['收到日期']}”不是日期，请写成2026-03-05、2026/3/5或2026年3月5日"))
    if text["领域"] and field_code(text["领域"]) is None:
        errors.append(Fault(f"unknown 领域 {text['领域']!r}",
                            f"没有“{text['领域']}”这个领域，请从以下选择：{'、'.join(FIELDS.values())}"))
    lead = deputies.resolve(text["领衔代表"], errors) if text["领衔代表"] else None
    names = [n for n in CO_SIGNER_SEPARATORS.split(text.get("附议代表", "")) if n]
    co_signers = list(dict.fromkeys(deputies.resolve(n, errors) for n in names))
    if lead and lead in co_signers:
        errors.append(Fault("the lead deputy (领衔代表) is also listed as a co-signer (附议代表)",
                            "领衔代表又列为附议代表，请从附议代表中删去"))
    if errors:
        return None, errors
    try:
        data = SuggestionInput(
            year=year,
            period=period,
            number=number,
            title=text["标题"],
            body=text["内容"],
            field=field_code(text["领域"]),
            lead_deputy=lead,
            co_signers=co_signers,
            received_on=received_on,
            delegation=deputies.delegation[lead],
        )
    except ValidationError as error:
        return None, [_validation_fault(e) for e in error.errors()]
    return data, []


def _validation_fault(error: dict) -> Fault:
    name = str(error["loc"][0]) if error["loc"] else ""
    return Fault(f"{HEADER_OF.get(name, name)}: {error['msg']}", schema_error_zh(error))


def _duplicates(rows: list[Row]) -> dict[int, Fault]:
    """Rows repeating a number seen in an earlier row: line → message."""
    first: dict[str, int] = {}
    repeated = {}
    for row in rows:
        number = _text(row.cells["编号"])
        if not number:
            continue
        if number in first:
            repeated[row.line] = Fault(f"编号 {number} already appears in row {first[number]}",
                                       f"编号{number}与第{first[number]}行重复")
        else:
            first[number] = row.line
    return repeated


# --- importing ---------------------------------------------------------------------------

OPERATOR = Actor(user="cli", role=Role.coordinator)  # an import from the command line names no one else
# Rows registered at once. A registration waits on the server, the worker's first task and its ledger write,
# each on another process: one at a time kept one core busy (50 ms a row on 2 cores, bench.console_import).
# The lanes share the caller's session: a row's reads end with register()'s commit before it waits.
IN_FLIGHT = 8


def importing_actor(session: Session, username: str | None) -> Actor:
    """The coordinator an import is recorded as; the built-in operator when none is named."""
    if username is None:
        return OPERATOR
    user = user_named(session, username)
    if user is None or not user.active:
        raise invalid(f"user {username!r} does not exist or is disabled", zh=f"用户“{username}”不存在或已停用",
                      code="import.user")
    if user.role != Role.coordinator:
        raise forbidden(f"user {username!r} is a {user.role}; imports are done as a coordinator",
                        zh=f"用户“{username}”是{ROLE_LABELS.get(user.role, user.role)}，导入须由交办督办机构进行",
                        code="import.role")
    return Actor(user=user.username, role=Role.coordinator)



async def import_suggestions(
    client: Client,
    session: Session,
    settings: Settings,
    *,
    filename: str,
    content: bytes,
    year: int,
    period: Period,
    actor: Actor,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Register every good row of the file; skip numbers already in the ledger; report bad rows. `progress` is
    told (rows done, rows in all) once the file is read and after each row."""
    if not 2000 <= year <= 2100:
        raise invalid(f"year {year} is out of range (2000-2100)", zh=f"年度{year}不在2000—2100年之间",
                      code="import.year")
    rows = await asyncio.to_thread(read_rows, filename, content)  # off the event loop: the API keeps answering
    if progress:
        progress(0, len(rows))
    deputies = Deputies(session)
    duplicates = _duplicates(rows)
    checked = []
    for row in rows:  # check everything before starting anything
        data, errors = check_row(row, year, period, deputies)
        if row.line in duplicates:
            data, errors = None, [*errors, duplicates[row.line]]
        checked.append((row, data, errors))

    outcomes = [ImportResult() for _ in checked]
    done = 0

    async def one(i: int) -> None:
        nonlocal done
        row, data, errors = checked[i]
        if data is not None:
            errors = await _import_one(client, session, settings, data, actor, outcomes[i])
        if errors:
            outcomes[i].errors.append({"row": row.line, "number": _text(row.cells["编号"]) or None,
                                       "errors": [getattr(e, "zh", e) for e in errors],
                                       "errors_en": [str(e) for e in errors]})
        done += 1
        if progress:
            progress(done, len(checked))

    await in_lanes(range(len(checked)), one, IN_FLIGHT)  # every row has its own number (编号 is required): none collide
    result = ImportResult()  # in the file's order, whichever row finished first
    for outcome in outcomes:
        result.created += outcome.created
        result.skipped += outcome.skipped
        result.errors += outcome.errors
    return result


async def _import_one(
    client: Client, session: Session, settings: Settings, data: SuggestionInput, actor: Actor, result: ImportResult
) -> list[Fault]:
    """Register one checked row; returns the errors that kept it out, if any."""
    if number_taken(session, data.year, data.number):
        result.skipped.append(data.number)
        return []
    try:
        await register(client, session, settings, data, actor)
    except Problem as problem:
        if problem.status == 409:  # started meanwhile (another import): already there
            result.skipped.append(data.number)
            return []
        return [Fault(problem.detail, problem.zh or problem.detail)]
    result.created.append(data.number)
    return []
