"""The annual report as a spreadsheet (annual.xlsx): the totals with every definition, the fields and
delegations, the key-supervision items, 三率一化, the class movement, one sheet per unit, and every item with its
stage."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from core.cells import clean, xlsx_row
from domain.calendar import SHANGHAI
from domain.fields import FIELDS
from domain.figures import (
    CLASS_NAMES,
    FEEDBACK_LABELS,
    KEY_LABELS,
    RATE_LABELS,
    THREE_RATES,
    AnnualReport,
    KindLine,
    Rates,
    Totals,
    count_rows,
)


def _put(sheet, values: list) -> None:
    """One row; text never becomes a formula (core.cells)."""
    sheet.append(xlsx_row(sheet, values))


def _sheet_title(text: str, taken: set[str]) -> str:
    name = "".join("_" if ch in '[]:*?/\\' else ch for ch in clean(text))[:31]
    title, n = name, 2
    while title in taken:
        suffix = f"~{n}"
        title, n = name[:31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def _line_sheet(sheet, heading: str, totals: Totals, rates: Rates) -> None:
    _put(sheet, [heading])
    sheet["A1"].font = Font(bold=True, size=13)
    _put(sheet, [])
    _put(sheet, ["指标", "分子", "分母", "比率"])
    for key, label in RATE_LABELS.items():
        rate = getattr(rates, key)
        _put(sheet, [label, rate.numerator, rate.denominator, rate.value])
        if rate.value is not None:
            sheet.cell(row=sheet.max_row, column=4).number_format = "0.00%"
    _put(sheet, [])
    _put(sheet, ["项目", "数值"])
    for label, value in count_rows(totals):
        _put(sheet, [label, value])
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value in ("指标", "分子", "分母", "比率", "项目", "数值"):
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 30
    for column in "BCD":
        sheet.column_dimensions[column].width = 12


def _group_sheet(sheet, name: str, code: str, lines: list[tuple[str, str, Totals, Rates]], counted: str = "建议件数") -> None:
    """One row per group (field, delegation): its counts and every rate."""
    _put(sheet, [name, *([code] if code else []), counted, "已答复", "A", "B", "C", *RATE_LABELS.values()])
    for label, value, totals, rates in lines:
        _put(sheet, [label, *([value] if code else []), totals.suggestions, totals.replied,
                     *(totals.classes.get(c, 0) for c in "ABC"), *(getattr(rates, k).value for k in RATE_LABELS)])
    sheet.column_dimensions["A"].width = 18


def _kind_sheet(sheet, section: KindLine) -> None:
    """Another kind's section: its year line, its units, and what only it counts."""
    _group_sheet(sheet, section.label, "单位代码", [("全部", "", section.totals, section.rates)]
                 + [(u.name, u.unit, u.totals, u.rates) for u in section.units], counted="件数")
    if section.exemplary is not None:
        _put(sheet, [])
        _put(sheet, ["评为优秀提案办理", section.exemplary])
    if votes := section.votes:  # a livelihood project's vote at the session (票决)
        _put(sheet, [])
        for label, value in (("候选项目", votes.candidates), ("票决入选", votes.voted_in), ("未入选", votes.voted_out),
                             ("待票决", votes.awaiting_vote), ("已视察督办的入选项目", votes.inspected),
                             ("月度进展报告（份）", section.totals.key_supervision.progress_reports)):
            _put(sheet, [label, value])


def _three_rates_sheet(sheet, report: AnnualReport) -> None:
    """三率一化 for the year and each unit: numerator, denominator and rate of each."""
    _put(sheet, ["范围", *(f"{label}（{part}）" for label in THREE_RATES.values() for part in ("分子", "分母", "比率"))])
    for name, rates in [("全年", report.rates), *((u.name, u.rates) for u in report.units)]:
        _put(sheet, [name, *(x for k in THREE_RATES for x in (getattr(rates, k).numerator, getattr(rates, k).denominator,
                                                               getattr(rates, k).value))])
    sheet.column_dimensions["A"].width = 18


def _movement_sheet(sheet, report: AnnualReport) -> None:
    """The classes at both instants and the items that moved from each class to each other."""
    m = report.class_movement
    start, end = (t.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") for t in (m.from_at, m.to_at))
    _put(sheet, ["类别", *(CLASS_NAMES[c] for c in m.at_from)])
    _put(sheet, [start, *m.at_from.values()])
    _put(sheet, [end, *(m.at_to.get(c, 0) for c in m.at_from)])
    _put(sheet, [])
    _put(sheet, ["原类别", "现类别", "件数"])
    for move in m.moves:
        _put(sheet, [CLASS_NAMES[move.from_class], CLASS_NAMES[move.to_class], move.items])
    sheet.column_dimensions["A"].width = 18


def annual_xlsx(report: AnnualReport) -> bytes:
    """One sheet for the totals (with every definition), one per field summary, one per unit,
    and one listing every item with its stage."""
    as_of = report.as_of.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    book = Workbook()
    taken: set[str] = set()
    totals = book.active
    totals.title = _sheet_title("总体", taken)
    scope = "全部" if report.scope == "all" else f"单位 {report.scope}"
    _line_sheet(totals, f"{report.year}年度代表建议办理情况（截至{as_of}，北京时间；范围：{scope}）", report.totals, report.rates)
    _put(totals, [])
    _put(totals, ["未落实“主要负责人面复”要求的单位", "、".join(report.principal_head_rule.units_breaking) or "无"])
    _put(totals, [])
    _put(totals, ["口径", "说明"])
    totals.cell(row=totals.max_row, column=1).font = Font(bold=True)
    for key, text in report.definitions.items():
        _put(totals, [key, text])

    _group_sheet(book.create_sheet(_sheet_title("领域", taken)), "领域", "代码",
                 [(f.label, f.field, f.totals, f.rates) for f in report.fields])
    _group_sheet(book.create_sheet(_sheet_title("代表团", taken)), "代表团", "",
                 [(d.delegation or "未注明", "", d.totals, d.rates) for d in report.delegations])
    key = report.key_supervision
    _line_sheet(book.create_sheet(_sheet_title("重点督办", taken)), f"重点督办件（{len(key.items)}件）", key.totals, key.rates)
    _three_rates_sheet(book.create_sheet(_sheet_title("三率一化", taken)), report)
    _movement_sheet(book.create_sheet(_sheet_title("分类变动", taken)), report)
    for section in report.kinds:  # each other kind: its own sheet
        _kind_sheet(book.create_sheet(_sheet_title(section.label, taken)), section)

    for line in report.units:
        sheet = book.create_sheet(_sheet_title(f"{line.unit} {line.name}", taken))
        _line_sheet(sheet, f"{line.name}（{line.unit}）", line.totals, line.rates)
        head = line.principal_head
        _put(sheet, [])
        _put(sheet, ["主要负责人面复", f"应面复 {head.required} 件，实际 {head.actual} 件，"
                      f"{'达到要求' if head.satisfied else '未达到要求'}（负责人：{head.head_name or '未登记'}）"])

    items = book.create_sheet(_sheet_title("建议清单", taken))
    _put(items, ["编号", "标题", "领域", "答复单位", "当前阶段", "类别（截至日）", "已答复", "按时", "面复",
                  "领衔代表评价", "超期天数", "二次办理", "重点督办"])
    yes = {True: "是", False: "否", None: ""}
    for item in report.items:
        _put(items, [
            item.number, item.title, FIELDS.get(item.field, item.field), "、".join(item.units), item.stage_label,
            item.result_class or "", yes[item.replied], yes[item.on_time], yes[item.face_to_face],
            "；".join(f"{u}:{FEEDBACK_LABELS.get(v, '') if v else '未评价'}" for u, v in item.ratings.items()),
            item.overdue_days, yes[item.second_handling], KEY_LABELS.get(item.key_status, "") if item.key_status else "",
        ])
    for cell in items[1]:
        cell.font = Font(bold=True)
    items.column_dimensions["B"].width = 40
    items.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
