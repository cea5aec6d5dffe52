"""Saved oversight views (在 Temporal 中查看): the Temporal UI's list filtered by a query over the items' search
attributes, for one unit or the whole year. The README's queries are the same ones, spelled for a reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.calendar import add_months

RUNNING = "ExecutionStatus = 'Running'"  # an item's current run: its earlier years' runs have ended


@dataclass(frozen=True)
class View:
    label: str  # what the supervisor clicks, in Chinese
    query: str  # the UI's list filter (Temporal's visibility query language)


def this_month(today: date) -> str:
    first = today.replace(day=1)
    last = date.fromordinal(add_months(first, 1).toordinal() - 1)
    return f"ReplyDueAt BETWEEN '{first.isoformat()}T00:00:00Z' AND '{last.isoformat()}T23:59:59Z'"


def readme_queries(year: int, today: date) -> list[tuple[str, str]]:
    """The README's table (section "Oversight in the Temporal UI"), with this year and this month."""
    return [
        ("all red items of one unit", "WarningLevel = 'red' AND LeadUnit = 'U01'"),
        ("every unit's items, not only as lead", f"Units = 'U01' AND {RUNNING}"),
        ("overdue key items", "KeySupervision = true AND Overdue = true"),
        ("replies due this month", this_month(today)),
        ("items carried over twice or more", "CarryOverCount >= 2"),
        ("this year's items still in handling", f"SuggestionYear = {year} AND Stage = 'handling'"),
        ("open B items of one field", f"ResultClass = 'B' AND Field = 'urban_management' AND {RUNNING}"),
    ]


def unit_views(unit: str, today: date) -> list[View]:
    """One unit's items as it handles them (lead, co-handling or separate)."""
    return [
        View("红色（超期）件", f"WarningLevel = 'red' AND Units = '{unit}' AND {RUNNING}"),
        View("橙色预警件", f"WarningLevel = 'orange' AND Units = '{unit}' AND {RUNNING}"),
        View("全部在办件（含协办、分办）", f"Units = '{unit}' AND {RUNNING}"),
        View("本月到期的答复", f"Units = '{unit}' AND {this_month(today)} AND {RUNNING}"),
        View("跟踪落实中的B类件", f"ResultClass = 'B' AND Units = '{unit}' AND {RUNNING}"),
    ]


def year_views(year: int, today: date) -> list[View]:
    """The whole year, for the office and the supervisors."""
    return [
        View("本年度全部在办件", f"SuggestionYear = {year} AND {RUNNING}"),
        View("红色（超期）件", f"WarningLevel = 'red' AND {RUNNING}"),
        View("超期的重点督办件", f"KeySupervision = true AND Overdue = true AND {RUNNING}"),
        View("重点督办件", f"KeySupervision = true AND {RUNNING}"),
        View("本月到期的答复", f"{this_month(today)} AND {RUNNING}"),
        View("本年度仍在办理中", f"SuggestionYear = {year} AND Stage = 'handling' AND {RUNNING}"),
        View("结转两次及以上", f"CarryOverCount >= 2 AND {RUNNING}"),
        View("以往年度结转来的件", f"OriginYear < {year} AND {RUNNING}"),
    ]
