"""Every path of one suggestion through stages 1–8, on the time-skipping server."""

from __future__ import annotations

from sqlalchemy import select

from domain import commands as c
from domain.calendar import local_date
from domain.enums import DeadlineKind, DeadlineStatus, Period, ResultClass, Stage, Verdict
from ledger.rows import EventRow, SuggestionRow
from tests.helpers import CO_SIGNER, COORDINATOR, LEAD_DEPUTY, OTHER_DEPUTY, Item, draft, handler, head, new_suggestion


async def test_accept_assign_reply_a_satisfied_closes(time_env, worker, settings, sessions, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    state = await item.accept_and_assign(lead="U01")
    assert state.stage == Stage.handling
    reply_deadline = state.pending_deadline(DeadlineKind.reply, "U01")
    assert reply_deadline.rule == "3 months" and reply_deadline.policy == "national@2025.1"
    assert reply_deadline.due_at is not None

    await item.prepare_reply("U01")
    state = await item.reply("U01", ResultClass.A)
    assert state.stage == Stage.awaiting_feedback
    assert state.pending_deadline(DeadlineKind.feedback, "U01").rule == "15 working_days"

    state = await item.rate(Verdict.satisfied)
    assert state.stage == Stage.closed
    assert state.assignments[0].outcome == "satisfied"
    assert all(d.status != DeadlineStatus.pending for d in state.deadlines)
    final = await item.handle.result()
    assert final.stage == Stage.closed

    with sessions() as session:
        row = session.get(SuggestionRow, item.handle.id)
        assert row.stage == "closed" and row.result_class == "A" and row.lead_unit == "U01"
        actions = session.scalars(
            select(EventRow.action).where(EventRow.workflow_id == item.handle.id).order_by(EventRow.seq)
        ).all()
    assert actions == [e.action for e in final.events]
    assert [a for a in actions if a != "deadline_set"] == [
        "registered", "accepted", "assigned", "signed_for_receipt", "contact_logged",
        "reply_drafted", "reply_signed_off", "reply_accepted", "feedback_given",
        "reply_published",  # closing publishes at once, within the 20 working days
    ]


async def test_return_for_revision_then_resubmit(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    state = await item.do(c.ReturnForRevision(actor=COORDINATOR, reason="建议内容不够具体"))
    assert state.stage == Stage.returned_for_revision
    await item.refused(c.Assign(actor=COORDINATOR, lead_unit="U01"), "conflict", "must resubmit")
    await item.refused(
        c.Resubmit(actor=CO_SIGNER, title="t", body="b"), "forbidden", "only the lead deputy"
    )
    state = await item.do(c.Resubmit(actor=LEAD_DEPUTY, title="关于加装电梯的建议（修改稿）", body="具体措施如下……"))
    assert state.stage == Stage.registered and state.revisions == 1
    assert state.title == "关于加装电梯的建议（修改稿）"
    state = await item.accept_and_assign()
    assert state.stage == Stage.handling


async def test_convert_to_reference_letter_ends_it(time_env, worker, settings, number):
    today = local_date(await time_env.get_current_time())
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number, Period.closed, received_on=today))
    state = await item.state()
    assert state.pending_deadline(DeadlineKind.assignment).rule == "5 working_days"
    state = await item.do(c.Convert(actor=COORDINATOR, reason="属于个人诉求，转为来信办理"))
    assert state.stage == Stage.converted and state.end_reason == "属于个人诉求，转为来信办理"
    assert state.deadlines[0].status == DeadlineStatus.cancelled
    assert (await item.handle.result()).stage == Stage.converted


async def test_between_sessions_assignment_clock_runs_out(time_env, worker, settings, number):
    today = local_date(await time_env.get_current_time())
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number, Period.closed, received_on=today))
    assert (await item.state()).deadlines[0].status == DeadlineStatus.pending
    state = await item.pass_days(30)
    assert state.deadlines[0].status == DeadlineStatus.missed
    assert "assignment_overdue" in [e.action for e in state.events]
    state = await item.accept_and_assign()
    assert state.stage == Stage.handling


async def test_adjustment_approved_reassigns_and_restarts_clocks(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01", co=["U02"])
    await item.pass_days(1)
    await item.do(c.RequestAdjustment(actor=handler("U01"), reason="该事项属住建部门职责"))
    await item.refused(
        c.RequestAdjustment(actor=handler("U01"), reason="again"), "conflict", "already awaits"
    )
    await item.refused(
        c.DecideAdjustment(actor=COORDINATOR, unit="U01", approve=True),
        "invalid", "needs new_unit",
    )
    await item.refused(
        c.DecideAdjustment(actor=handler("U01"), unit="U01", approve=True, new_unit="U03"),
        "forbidden", "coordinator",
    )
    old_reply = (await item.state()).pending_deadline(DeadlineKind.reply, "U01")
    state = await item.do(
        c.DecideAdjustment(actor=COORDINATOR, unit="U01", approve=True, new_unit="U03")
    )
    assert state.lead_unit() == "U03"
    assert state.pending_deadline(DeadlineKind.reply, "U01") is None
    new_reply = state.pending_deadline(DeadlineKind.reply, "U03")
    assert new_reply.start > old_reply.start and new_reply.due_at >= old_reply.due_at
    assert state.pending_deadline(DeadlineKind.adjustment_window, "U03") is not None
    # The withdrawn unit can no longer act on it.
    await item.refused(c.SignForReceipt(actor=handler("U01")), "forbidden", "not assigned to unit U01")
    assert "reassigned" in [e.action for e in state.events]


async def test_adjustment_refused_and_too_late(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01", co=["U02"])
    await item.do(c.RequestAdjustment(actor=head("U02"), reason="非本单位职责"))
    await item.refused(
        c.DecideAdjustment(actor=COORDINATOR, unit="U02", approve=False),
        "invalid", "needs a reason",
    )
    state = await item.do(
        c.DecideAdjustment(actor=COORDINATOR, unit="U02", approve=False, reason="该单位负有配合职责"),
    )
    assert state.assignment("U02").adjustment.approved is False
    assert "adjustment_refused" in [e.action for e in state.events]
    state = await item.pass_days(10)  # 5 working days have passed
    assert "adjustment_window_closed" in [e.action for e in state.events]
    await item.refused(
        c.RequestAdjustment(actor=handler("U01"), reason="late"),
        "conflict", "adjustment window closed",
    )


async def test_co_opinion_late_is_recorded_and_reply_can_then_proceed(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01", co=["U02"])
    await item.prepare_reply("U01")
    await item.refused(draft("U01"), "conflict", "unit U02's opinion is due")
    await item.refused(
        c.SubmitCoOpinion(actor=handler("U01"), text="x"), "conflict", "only co-handling units"
    )
    state = await item.pass_days(35)
    assert "co_opinion_late" in [e.action for e in state.events]
    assert state.pending_deadline(DeadlineKind.co_opinion, "U02") is None
    state = await item.do(c.SubmitCoOpinion(actor=handler("U02"), text="同意主办单位意见"))
    assert state.assignment("U02").co_opinion.late is True
    await item.refused(
        c.SubmitCoOpinion(actor=handler("U02"), text="again"), "conflict", "already sent"
    )
    state = await item.reply("U01")
    assert state.stage == Stage.awaiting_feedback


async def test_extension_approved_moves_reply_deadline_to_six_months(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    state = await item.accept_and_assign(lead="U01")
    first = state.pending_deadline(DeadlineKind.reply, "U01")
    await item.do(c.RequestExtension(actor=handler("U01"), reason="涉及多部门，需统筹资金"))
    await item.refused(
        c.RequestExtension(actor=handler("U01"), reason="again"), "conflict", "already asked"
    )
    state = await item.do(c.DecideExtension(actor=COORDINATOR, approve=True, reason="同意"))
    extended = state.pending_deadline(DeadlineKind.reply, "U01")
    assert extended.rule == "6 months" and extended.start == first.start and extended.replaces == first.key
    assert extended.due_at > first.due_at
    assert next(d for d in state.deadlines if d.key == first.key).status == DeadlineStatus.superseded
    state = await item.pass_days(100)  # past the 3-month limit, inside the 6-month one
    assert not state.overdue and state.pending_deadline(DeadlineKind.reply, "U01") is not None
    state = await item.pass_days(90)
    assert state.overdue and state.assignment("U01").overdue
    assert "reply_overdue" in [e.action for e in state.events]


async def test_extension_refused_and_overdue_then_late_reply(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01")
    await item.do(c.RequestExtension(actor=handler("U01"), reason="需要更多时间"))
    await item.refused(c.DecideExtension(actor=COORDINATOR, approve=False), "invalid", "needs a reason")
    state = await item.do(
        c.DecideExtension(actor=COORDINATOR, approve=False, reason="不属于涉及面广、难度大的情形")
    )
    assert state.pending_deadline(DeadlineKind.reply, "U01").rule == "3 months"
    await item.refused(c.DecideExtension(actor=COORDINATOR, approve=True), "conflict", "no extension request")
    state = await item.pass_days(95)
    assert state.overdue
    await item.refused(
        c.RequestExtension(actor=handler("U01"), reason="late"), "conflict", "deadline has passed"
    )
    await item.prepare_reply("U01")
    state = await item.reply("U01")
    assert not state.overdue and state.replies[-1].late is True


async def test_reply_sent_back_then_redone(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    await item.do(draft("U01"))
    await item.refused(c.CheckReply(actor=COORDINATOR, accept=True), "conflict", "not signed off")
    await item.refused(c.SignOffReply(actor=handler("U01")), "forbidden", "unit_head")
    await item.do(c.SignOffReply(actor=head("U01")))
    await item.refused(c.CheckReply(actor=COORDINATOR, accept=False), "invalid", "needs a reason")
    state = await item.do(c.CheckReply(actor=COORDINATOR, accept=False, reason="未说明协办意见，分类依据不足"))
    assert state.stage == Stage.handling
    assert state.replies[-1].status == "sent_back"
    assert state.pending_deadline(DeadlineKind.reply, "U01") is not None  # the clock runs again
    state = await item.reply("U01")
    assert state.stage == Stage.awaiting_feedback and len(state.replies) == 2


async def test_no_feedback_in_window(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    await item.reply("U01", ResultClass.B)
    state = await item.pass_days(30)
    assert "no_feedback" in [e.action for e in state.events]
    assert state.feedback[-1].verdict is None
    assert state.stage == Stage.follow_up  # B stays open for follow-up
    await item.refused(c.GiveFeedback(actor=LEAD_DEPUTY, verdict=Verdict.satisfied), "conflict", "no reply awaits")


async def test_unsatisfied_second_handling_then_satisfied(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    await item.reply("U01", ResultClass.A)
    await item.refused(
        c.GiveFeedback(actor=LEAD_DEPUTY, verdict=Verdict.unsatisfied), "invalid", "needs reasons"
    )
    await item.refused(
        c.GiveFeedback(actor=OTHER_DEPUTY, verdict=Verdict.satisfied), "forbidden", "only the deputies"
    )
    state = await item.rate(Verdict.basically_satisfied, actor=CO_SIGNER)
    assert state.stage == Stage.awaiting_feedback  # a co-signer's rating is recorded beside the lead's
    state = await item.rate(Verdict.unsatisfied, reasons="补贴标准仍未落实")
    assert state.stage == Stage.rehandling
    await item.refused(draft("U01"), "conflict", "not been ordered")
    state = await item.do(
        c.OrderRehandling(actor=COORDINATOR, reason="代表不满意", leader_in_charge="副市长 李某")
    )
    second = state.pending_deadline(DeadlineKind.second_reply, "U01")
    assert second.rule == "1 month"
    state = await item.reply("U01", ResultClass.A)
    assert state.replies[-1].round == 2
    state = await item.rate(Verdict.satisfied)
    assert state.stage == Stage.closed and not state.key_supervision


async def test_unsatisfied_twice_proposes_key_supervision(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    await item.reply("U01", ResultClass.A)
    await item.rate(Verdict.unsatisfied, reasons="没有实质进展")
    state = await item.pass_days(10)
    assert "rehandling_order_late" in [e.action for e in state.events]
    state = await item.do(
        c.OrderRehandling(actor=COORDINATOR, reason="代表不满意", leader_in_charge="局长")
    )
    assert any(e.action == "rehandling_ordered" and e.detail["late"] for e in state.events)
    await item.reply("U01", ResultClass.C)
    state = await item.rate(Verdict.unsatisfied, reasons="仍未解决")
    assert state.consultation_due and state.stage == Stage.follow_up
    assert state.key.status == "proposed" and state.key.source == "second_unsatisfied"
    assert not state.key_supervision  # a proposal until the coordinator confirms it
    assert {"consultation_due", "key_supervision_proposed"} <= {e.action for e in state.events}
    state = await item.do(
        c.DesignateKeySupervision(actor=COORDINATOR, council_member="副主任 陈某", government_leader="副市长 李某"),
    )
    assert state.key_supervision and state.key.status == "designated" and state.key.source == "second_unsatisfied"


async def test_separate_handling_one_reply_and_feedback_per_unit(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    state = await item.accept_and_assign(lead=None, separate=["U01", "U02"])
    assert {a.unit for a in state.tracks()} == {"U01", "U02"}
    assert state.lead_unit() is None
    for unit in ("U01", "U02"):
        await item.prepare_reply(unit)
    await item.reply("U01", ResultClass.A)
    state = await item.reply("U02", ResultClass.B)
    await item.refused(c.GiveFeedback(actor=LEAD_DEPUTY, verdict=Verdict.satisfied), "invalid", "name the unit")
    state = await item.rate(Verdict.satisfied, unit="U01")
    assert state.assignment("U01").stage == Stage.closed
    assert state.stage == Stage.awaiting_feedback  # the item waits on its least advanced unit
    state = await item.rate(Verdict.basically_satisfied, unit="U02")
    assert state.assignment("U02").stage == Stage.follow_up
    assert state.stage == Stage.follow_up


async def test_publishable_reply_goes_public_on_its_timer_and_can_be_withdrawn(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    state = await item.reply("U01", ResultClass.B)
    clock = state.pending_deadline(DeadlineKind.publication, "U01")
    assert clock.rule == "20 working_days"
    await item.rate(Verdict.satisfied)
    state = await item.pass_until(clock.due_at)
    published = [e for e in state.events if e.action == "reply_published"]
    assert len(published) == 1 and published[0].detail["public_text"] == "已纳入年度民生实事。"
    assert state.replies[-1].published_at is not None
    await item.refused(c.WithdrawPublication(actor=handler("U01"), reason="x"),
                       "forbidden", "coordinator")
    state = await item.do(c.WithdrawPublication(actor=COORDINATOR, reason="涉及个人隐私"))
    assert state.replies[-1].withdrawn_at is not None and state.events[-1].action == "publication_withdrawn"
    await item.refused(c.WithdrawPublication(actor=COORDINATOR, reason="again"),
                       "conflict", "no published or scheduled reply")


async def test_reply_not_for_publication_records_why_and_an_ending_item_publishes_at_once(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01", co=[])
    await item.prepare_reply("U01")
    state = await item.reply("U01", ResultClass.A, publish=False, public_text="", no_publish_reason="涉及个人事项")
    assert state.pending_deadline(DeadlineKind.publication, "U01") is None
    assert [e.detail["reason"] for e in state.events if e.action == "reply_not_published"] == ["涉及个人事项"]
    other = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number + "P"))
    await other.accept_and_assign(lead="U01")
    await other.prepare_reply("U01")
    await other.reply("U01", ResultClass.A)
    state = await other.rate(Verdict.satisfied)  # closes long before the 20 working days
    assert state.stage == Stage.closed and [e.action for e in state.events].count("reply_published") == 1
    state = await other.do(c.WithdrawPublication(actor=COORDINATOR, reason="涉及隐私"))
    assert state.replies[-1].withdrawn_at is not None  # still possible while the closed item waits for co-signers


async def test_co_signer_may_still_rate_after_the_lead_deputy_closed_the_item(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    await item.reply("U01", ResultClass.A)
    state = await item.rate(Verdict.satisfied)
    assert state.stage == Stage.closed
    await item.refused(c.GiveFeedback(actor=LEAD_DEPUTY, verdict=Verdict.satisfied),
                       "conflict", "has ended")
    state = await item.rate(Verdict.basically_satisfied, actor=CO_SIGNER)
    assert [(f.deputy, f.verdict) for f in state.feedback] == [("D001", "satisfied"), ("D002", "basically_satisfied")]
    assert (await item.handle.result()).stage == Stage.closed  # every signer has rated: the workflow ends


async def test_a_closed_item_ends_when_its_feedback_window_does(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    state = await item.reply("U01", ResultClass.A)
    window = state.pending_deadline(DeadlineKind.feedback, "U01").due_at
    await item.rate(Verdict.satisfied)
    await item.pass_until(window)
    assert (await item.handle.result()).stage == Stage.closed
