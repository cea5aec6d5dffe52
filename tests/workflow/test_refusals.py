"""Every action refuses, with a reason, what the state or the actor does not allow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.service import RPCError

from domain import commands as c
from domain.enums import ContactWay, DeadlineKind, ResultClass, Stage, Verdict
from domain.models import Commitment
from tests.helpers import COORDINATOR, LEAD_DEPUTY, SUPERVISOR, Item, draft, handler, head, new_suggestion


async def test_refusals_before_assignment(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    cases = [
        (c.Accept(actor=handler("U01")), "forbidden", "done by the coordinator"),
        (c.ReturnForRevision(actor=LEAD_DEPUTY, reason="x"), "forbidden", "coordinator"),
        (c.Convert(actor=SUPERVISOR, reason="x"), "forbidden", "coordinator"),
        (c.Resubmit(actor=LEAD_DEPUTY, title="t", body="b"), "conflict", "only a suggestion returned for revision"),
        (c.Assign(actor=COORDINATOR, lead_unit="U01"), "conflict", "accept the suggestion before assigning"),
        (c.SignForReceipt(actor=handler("U01")), "forbidden", "not assigned to unit U01"),
        (c.RequestAdjustment(actor=handler("U01"), reason="x"), "forbidden", "not assigned to unit U01"),
        (c.DecideAdjustment(actor=COORDINATOR, unit="U01", approve=False, reason="x"), "conflict", "no adjustment request"),
        (c.SubmitCoOpinion(actor=handler("U02"), text="x"), "conflict", "has not been assigned yet"),
        (c.RequestExtension(actor=handler("U01"), reason="x"), "conflict", "has not been assigned yet"),
        (c.DecideExtension(actor=COORDINATOR, approve=True), "conflict", "has not been assigned yet"),
        (draft("U01"), "conflict", "has not been assigned yet"),
        (c.SignOffReply(actor=head("U01")), "conflict", "has not been assigned yet"),
        (c.CheckReply(actor=COORDINATOR, accept=True), "conflict", "has not been assigned yet"),
        (c.GiveFeedback(actor=LEAD_DEPUTY, verdict=Verdict.satisfied), "conflict", "has not been assigned yet"),
        (c.OrderRehandling(actor=COORDINATOR, reason="x", leader_in_charge="y"), "conflict", "has not been assigned yet"),
    ]
    for cmd, kind, text in cases:
        await item.refused(cmd, kind, text)
    await item.do(c.Accept(actor=COORDINATOR))
    await item.refused(c.Accept(actor=COORDINATOR), "conflict", "already accepted")
    for bad in (
        c.Assign(actor=COORDINATOR),
        c.Assign(actor=COORDINATOR, lead_unit="U01", separate_units=["U02", "U03"]),
        c.Assign(actor=COORDINATOR, separate_units=["U02"]),
        c.Assign(actor=COORDINATOR, lead_unit="U01", co_units=["U01"]),
    ):
        await item.refused(bad, "invalid", "")
    # Nothing above changed the item: refusals lose nothing and add nothing.
    state = await item.state()
    assert state.stage == Stage.registered
    assert [e.action for e in state.events] == ["registered", "accepted"]


async def test_refusals_while_handling(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01", co=["U02"])
    now = await item.now()
    cases = [
        (c.Accept(actor=COORDINATOR), "conflict", "only a registered suggestion"),
        (c.Convert(actor=COORDINATOR, reason="x"), "conflict", "only before assignment"),
        (c.ReturnForRevision(actor=COORDINATOR, reason="x"), "conflict", "only before assignment"),
        (c.Assign(actor=COORDINATOR, lead_unit="U03"), "conflict", "already assigned"),
        (c.SignForReceipt(actor=handler("U09")), "forbidden", "not assigned to unit U09"),
        (c.SignForReceipt(actor=COORDINATOR), "forbidden", "unit_handler or unit_head"),
        (c.LogContact(actor=handler("U01"), when=now + timedelta(days=2), way=ContactWay.phone, summary="x"), "invalid", "future"),
        (c.LogContact(actor=handler("U09"), when=now, way=ContactWay.phone, summary="x"), "forbidden", "not assigned"),
        (draft("U01"), "conflict", "must sign for receipt"),
        (draft("U02"), "conflict", "co-handles this item"),
        (c.DraftReply(**{**draft("U01").model_dump(), "actor": head("U01")}), "forbidden", "unit_handler"),
        (c.SignOffReply(actor=head("U01")), "conflict", "no drafted reply"),
        (c.CheckReply(actor=COORDINATOR, accept=True), "conflict", "no signed-off reply"),
        (c.GiveFeedback(actor=LEAD_DEPUTY, verdict=Verdict.satisfied), "conflict", "no reply awaits"),
        (c.GiveFeedback(actor=handler("U01"), verdict=Verdict.satisfied), "forbidden", "deputy"),
        (c.OrderRehandling(actor=COORDINATOR, reason="x", leader_in_charge="y"), "conflict", "no unsatisfied reply"),
        (c.RequestExtension(actor=handler("U02"), reason="x"), "conflict", "co-handling unit has no reply deadline"),
        (c.DecideExtension(actor=handler("U01"), approve=True), "forbidden", "coordinator"),
        (c.SubmitCoOpinion(actor=LEAD_DEPUTY, text="x"), "forbidden", "unit_handler or unit_head"),
        (c.Resubmit(actor=LEAD_DEPUTY, title="t", body="b"), "conflict", "only a suggestion returned"),
    ]
    for cmd, kind, text in cases:
        await item.refused(cmd, kind, text)
    await item.prepare_reply("U01")
    await item.do(c.SubmitCoOpinion(actor=handler("U02"), text="同意"))
    await item.refused(c.SignForReceipt(actor=head("U01")), "conflict", "already signed")
    invalid_drafts = [
        (draft("U01", ResultClass.B, commitments=[]), "must list its commitments"),
        (draft("U01", ResultClass.B, commitments=[Commitment(what="x", due_on=now.date() - timedelta(days=30))]), "in the past"),
        (draft("U01", face_to_face=True, replied_by=""), "who gave it"),
        (draft("U01", publish=True, public_text=""), "needs public_text"),
        (draft("U01", publish=False, no_publish_reason=""), "needs no_publish_reason"),
        (draft("U01", ResultClass.D), "not used by policy national"),
    ]
    for cmd, text in invalid_drafts:
        await item.refused(cmd, "invalid", text)
    state = await item.state()
    assert state.stage == Stage.handling and state.replies == []


async def test_closed_item_takes_no_more_actions(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    state = await item.reply("U01")
    window = state.pending_deadline(DeadlineKind.feedback, "U01").due_at
    state = await item.rate(Verdict.satisfied)
    assert state.stage == Stage.closed
    # Open only for its co-signers' ratings until the feedback window ends; everything else is refused.
    await item.refused(c.GiveFeedback(actor=LEAD_DEPUTY, verdict=Verdict.satisfied), "conflict", "has ended")
    await item.refused(c.LogContact(actor=handler("U01"), when=await item.now(), way=ContactWay.phone,
                                                   summary="x"), "conflict", "has ended")
    await item.pass_until(window)
    # The workflow has completed: the server itself refuses further updates (the API says 409).
    with pytest.raises(RPCError):
        await item.handle.execute_update("give_feedback", c.GiveFeedback(actor=LEAD_DEPUTY, verdict=Verdict.satisfied))
    assert (await item.state()).stage == Stage.closed
