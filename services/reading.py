"""Reading one item as its reader may see it: shared by the JSON API and the console.

A deputy sees only their own ratings (and the events that record them); everyone sees only the items their
role and unit or signature let them (ledger.queries)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.errors import not_found
from domain.enums import DEPUTY_ROLES
from domain.models import Actor, Contact, SuggestionState
from ledger import queries
from ledger.rows import SuggestionRow


def visible_item(session: Session, actor: Actor, workflow_id: str) -> SuggestionRow:
    row = queries.visible_suggestion(session, actor, workflow_id)
    if row is None:
        raise not_found(f"suggestion {workflow_id}")
    return row


def visible_stage(session: Session, actor: Actor, workflow_id: str) -> str:
    """Before an action: the item's stage, if the actor may see it (one column, not the whole row)."""
    stage = queries.visible_stage(session, actor, workflow_id)
    if stage is None:
        raise not_found(f"suggestion {workflow_id}")
    return stage


def item_view(session: Session, row: SuggestionRow, actor: Actor) -> dict[str, Any]:
    """The item's whole state with its contacts and timeline from the ledger, as this reader may see it."""
    state = {
        "id": row.workflow_id,
        **row.state,
        "contacts": [_contact(x) for x in queries.contacts_of(session, row.workflow_id)],
        "events": [_event(e) for e in queries.events_of(session, row.workflow_id)],
    }
    if actor.role in DEPUTY_ROLES:  # a deputy (or member) sees their own rating only
        state["feedback"] = [f for f in state["feedback"] if f["deputy"] in (actor.deputy, None)]
        state["events"] = [
            e for e in state["events"] if e["action"] != "feedback_given" or e["actor"].get("deputy") == actor.deputy
        ]
    return state


def item_state(session: Session, row: SuggestionRow) -> SuggestionState:
    """The item's state as the ledger holds it, with its contacts: what the rules need to say who may act."""
    contacts = [Contact(unit=c.unit, when=c.when, way=c.way, summary=c.summary, logged_by=c.logged_by, logged_at=c.when,
                        phase=c.phase)
                for c in queries.contacts_of(session, row.workflow_id)]
    return SuggestionState.model_validate({**row.state, "contacts": contacts})


def _event(row) -> dict[str, Any]:
    actor = {"user": row.actor_user, "role": row.actor_role, "unit": row.actor_unit, "deputy": row.actor_deputy}
    return {"seq": row.seq, "at": row.at, "action": row.action, "actor": actor, "unit": row.unit, "detail": row.payload}


def _contact(row) -> dict[str, Any]:
    return {"unit": row.unit, "when": row.when, "way": row.way, "summary": row.summary, "logged_by": row.logged_by,
            "phase": row.phase}
