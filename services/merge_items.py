"""Merging items (并案) and undoing a merge: each touches two items, and each item is a workflow of its own.

The main item's half goes first — its validator is the gate (not yet assigned) — then the merged item's; if the
second is refused, the first is taken back. Both halves are idempotent, so a merge or an undo cut short (a crash
between the halves) is completed by asking again. domain.merging has the rules.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from temporalio.client import Client

from core.errors import Problem
from domain import commands as c
from domain.enums import Role
from domain.guards import Refusal, require_role
from domain.merging import merge_refusal
from domain.models import Actor, SuggestionState
from services.act import perform, problem_of, recorded_state


async def merge(client: Client, session: Session, actor: Actor, main_id: str, item_id: str) -> None:
    """Merge `item_id` into `main_id` (both visible to `actor`, checked by the caller)."""
    _coordinator(actor, "merging items")
    main, item = recorded_state(session, main_id), recorded_state(session, item_id)
    session.commit()  # give the connection back while the workflows work
    absorbed = any(m.workflow_id == item_id for m in main.merged)
    if item.merged_into == main_id and absorbed:
        return  # done already
    if not absorbed:
        if item.merged_into != main_id and (refusal := merge_refusal(main, item)):
            raise problem_of(refusal)
        await perform(client, main_id, _absorb(actor, item))
    if item.merged_into != main_id:
        try:
            await perform(client, item_id, c.MergeInto(actor=actor, into=main_id, into_number=main.number))
        except Problem:
            await perform(client, main_id, c.ReleaseItem(actor=actor, item=item_id))  # take the first half back
            raise


def _coordinator(actor: Actor, doing: str) -> None:
    try:
        require_role(actor, doing, Role.coordinator)
    except Refusal as refusal:
        raise problem_of(refusal) from None


def _absorb(actor: Actor, item: SuggestionState) -> c.AbsorbItem:
    return c.AbsorbItem(actor=actor, item=item.workflow_id, number=item.number, title=item.title,
                        lead_deputy=item.lead_deputy, co_signers=item.co_signers)


async def undo(client: Client, session: Session, actor: Actor, main_id: str, item_id: str) -> None:
    """Undo the merge of `item_id` into `main_id`, before the main item is assigned."""
    _coordinator(actor, "undoing a merge")
    main, item = recorded_state(session, main_id), recorded_state(session, item_id)
    session.commit()
    if any(m.workflow_id == item_id for m in main.merged):
        await perform(client, main_id, c.ReleaseItem(actor=actor, item=item_id))  # refused once main is assigned
    if item.merged_into == main_id:
        await perform(client, item_id, c.UndoMerge(actor=actor))
    elif not any(m.workflow_id == item_id for m in main.merged):
        raise Problem(409, "Conflict", f"{item_id} is not merged into {main_id}", zh="该件未并入本件，无需撤销",
                      code="merge.not_merged")
