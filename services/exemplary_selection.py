"""Selecting the year's exemplary handled items (评选优秀提案办理): the coordinator's choice among the closed items
of a kind that has the selection (domain.kind_steps), kept in the ledger (ledger.exemplary)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy.orm import Session

from core.errors import conflict, forbidden, invalid, not_found
from domain.enums import Role
from domain.kind_steps import exemplary_refusal
from domain.models import Actor
from ledger import exemplary
from services.act import problem_of
from services.reading import item_state, visible_item


def _coordinator(actor: Actor) -> None:
    if actor.role != Role.proposal_committee:
        raise forbidden("exemplary items are selected by the proposals committee",
                        "优秀提案办理由政协提案委员会评选", "role.not_allowed")


def select_exemplary(session: Session, actor: Actor, workflow_id: str, year: int, reason: str,
                     now: datetime | None = None) -> dict[str, Any]:
    _coordinator(actor)
    row = visible_item(session, actor, workflow_id)
    if not reason.strip():
        raise invalid("give the reason it is exemplary", "请填写评为优秀提案办理的理由", "exemplary.reason")
    if refusal := exemplary_refusal(item_state(session, row), year):
        raise problem_of(refusal)
    if done := exemplary.selection_of(session, workflow_id):
        raise conflict(f"{workflow_id} is already selected as exemplary of {done.year}",
                       f"本件已评为{done.year}年度优秀提案办理", "exemplary.already")
    chosen = exemplary.add_selection(session, workflow_id, year, reason, actor.user, now or datetime.now(timezone.utc))
    return as_dict(chosen)


def withdraw_exemplary(session: Session, actor: Actor, workflow_id: str) -> None:
    _coordinator(actor)
    visible_item(session, actor, workflow_id)
    chosen = exemplary.selection_of(session, workflow_id)
    if chosen is None:
        raise not_found(f"exemplary selection of {workflow_id}", "本件未评为优秀提案办理")
    exemplary.withdraw_selection(session, chosen)


def year_list(session: Session, year: int) -> list[dict[str, Any]]:
    return [as_dict(chosen) | {"number": item.number, "title": item.title, "lead_unit": item.lead_unit}
            for chosen, item in exemplary.selected(session, year)]


def as_dict(chosen) -> dict[str, Any]:
    return {"id": chosen.workflow_id, "year": chosen.year, "reason": chosen.reason, "selected_by": chosen.selected_by,
            "selected_at": chosen.selected_at}
