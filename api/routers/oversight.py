"""Ledger views for oversight: the carry-over ledger and the key-supervision list."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import SessionDep, UserDep, actor_of, parse_as_of, require_roles
from api.params import AsOf, Year, YearOrAll
from domain.enums import Role
from domain.figures import reply_outcome
from ledger import queries
from ledger.carry_over import CarryOverLedger, carry_over_ledger

router = APIRouter(tags=["ledger"])
Overseers = Depends(require_roles(Role.coordinator, Role.supervisor, Role.admin, Role.unit_handler, Role.unit_head))


@router.get("/ledger/carry-over", response_model=CarryOverLedger, dependencies=[Overseers])
def carry_over(session: SessionDep, user: UserDep, year: Year, as_of: AsOf = None):
    """跨年度跟踪督办台账: items carried into `year`, their class then and at `as_of` (default now; at most the
    year's end), and the conversion to A."""
    return carry_over_ledger(session, actor_of(user), year, now=parse_as_of(as_of))


@router.get("/key-supervision", dependencies=[Overseers])
def key_supervision(session: SessionDep, user: UserDep, year: YearOrAll = None) -> dict:
    """Key items (重点督办) grouped by theme with their status, whether replied and on time, the lead deputy's
    rating of each unit, and the escalation proposals awaiting a decision. The figures of the key items as a
    line (on-time, satisfaction and solved rates) are the annual report's `key_supervision`."""
    themes: dict[str, list[dict]] = {}
    proposals = []
    for row in queries.key_items(session, actor_of(user), year):
        key = row.state.get("key") or {}
        item = {
            "id": row.workflow_id, "number": row.number, "title": row.title, "lead_unit": row.lead_unit,
            "stage": row.stage, "result_class": row.result_class, "overdue": row.overdue,
            "warning_level": row.warning_level, "key_status": row.key_status, "source": key.get("source"),
            "council_member": key.get("council_member", ""), "government_leader": key.get("government_leader", ""),
            "reports": len(key.get("reports", [])), "last_report_at": (key.get("reports") or [{}])[-1].get("at"),
            "supervision_actions": len(key.get("actions", [])), "opinions": len(key.get("opinions", [])),
            "interview_due": row.state.get("interview_due", False),
            "consultation_due": row.state.get("consultation_due", False),
            **reply_outcome(row.state, row.lead_deputy),  # replied, on_time, ratings (the lead deputy's, per unit)
        }
        if row.key_status == "proposed":
            proposals.append(item)
        else:
            themes.setdefault(row.key_theme or "未分主题", []).append(item)
    return {
        "themes": [{"theme": theme, "items": items} for theme, items in themes.items()],
        "proposals": proposals,
        "total": sum(len(items) for items in themes.values()),
    }
