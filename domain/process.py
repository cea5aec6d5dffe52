"""The life of one suggestion (docs/process.md, steps 1–8) as pure functions on its state.

Each action checks the actor and the state and then changes the state, or
raises a `Refusal` that says why not. The workflow's update validators run the
same function on a copy of the state, so "may I?" and "do it" never disagree.
New clocks are added with `due_at=None`; the workflow has them computed by an
activity (calendar data is I/O) and then waits on them.
"""

from __future__ import annotations

from datetime import datetime, time

from domain import commands as c
from domain import disclosure, follow_up, merging, supervision
from domain.calendar import SHANGHAI, local_date
from domain.clocks import (
    beijing,
    cancel_clocks,
    clock_recipients,
    due_now,
    end_clock,
    finish_duty,
    iso,
    last_deadline,
    notify,
    reach_rung,
    record,
    reopen,
    reply_rule,
    start_clock,
    warning_level,
)
from domain.enums import (
    TRACK_ORDER,
    AssignmentStatus,
    ContactPhase,
    DeadlineKind,
    DeadlineStatus,
    Period,
    ReplyStatus,
    ResultClass,
    Role,
    Rung,
    RungStatus,
    Stage,
    UnitRole,
    Verdict,
    WarningLevel,
)
from domain.guards import (
    Conflict,
    Forbidden,
    Invalid,
    own_assignment,
    pick_track,
    require_assigned,
    require_filing_reviews,
    require_open,
    require_review,
    require_role,
    stage_zh,
    unit_role_zh,
)
from domain.kinds import KINDS, Kind
from domain.models import (
    SYSTEM,
    Assignment,
    Contact,
    CoOpinion,
    Deadline,
    Feedback,
    NewSuggestion,
    RehandlingOrder,
    Reply,
    Request,
    SuggestionState,
)

# --- registration and review (stages 1–2) ------------------------------------------------


def register(new: NewSuggestion, workflow_id: str, now: datetime) -> SuggestionState:
    """登记: a new suggestion and, between sessions, its assignment clock."""
    state = SuggestionState(
        workflow_id=workflow_id,
        origin_year=new.year,
        handling_year=new.year,
        registered_at=now,
        **new.model_dump(exclude={"registered_by", "carried", "carried_attributes"}),
    )
    record(
        state,
        now,
        new.registered_by,
        "registered",
        number=new.number,
        year=new.year,
        period=new.period.value,
        field=new.field,
        policy=new.policy.ref,
        **({"kind": new.kind.value, "hearing": new.hearing} if new.kind != Kind.suggestion else {}),
    )
    if not KINDS[new.kind].reviewed:  # the hearing already put it to a unit: accepted as registered
        state.accepted_at = now
        record(state, now, new.registered_by, "accepted", reason=f"{new.hearing}交办")
    if new.period == Period.closed:
        received = datetime.combine(new.received_on, time(0), SHANGHAI)
        start_clock(
            state,
            DeadlineKind.assignment,
            None,
            received,
            state.policy.clocks.assignment_between_sessions,
        )
    return state


def accept(state: SuggestionState, cmd: c.Accept, now: datetime) -> None:
    require_role(cmd.actor, "accepting a suggestion", Role.coordinator)
    require_review(state)
    require_filing_reviews(state)  # a proposal is filed (立案) after its three review levels
    if state.stage != Stage.registered:
        raise Conflict(f"only a registered suggestion can be accepted; it is {state.stage.value}", f"只有已登记的建议可以审查受理；本件目前为{stage_zh(state.stage)}", "stage.not_registered")
    if state.accepted_at:
        raise Conflict(f"suggestion {state.number} was already accepted", f"第{state.number}号建议已审查受理", "item.already_accepted")
    state.accepted_at = now
    record(state, now, cmd.actor, "accepted")


def return_for_revision(state: SuggestionState, cmd: c.ReturnForRevision, now: datetime) -> None:
    require_role(cmd.actor, "returning a suggestion for revision", Role.coordinator)
    require_review(state)
    merging.require_no_merged(state, "退回完善")
    if state.stage != Stage.registered:
        raise Conflict(
            f"a suggestion can be returned for revision only before assignment; it is {state.stage.value}", f"建议只能在交办前退回完善；本件目前为{stage_zh(state.stage)}", "stage.after_assignment"
        )
    state.stage = Stage.returned_for_revision
    state.accepted_at = None
    cancel_clocks(state, now)
    record(state, now, cmd.actor, "returned_for_revision", reason=cmd.reason)


def resubmit(state: SuggestionState, cmd: c.Resubmit, now: datetime) -> None:
    require_role(cmd.actor, "resubmitting a suggestion", Role.deputy)
    if cmd.actor.deputy != state.lead_deputy:
        raise Forbidden("only the lead deputy of this suggestion can resubmit it", "只有本件建议的领衔代表可以重新提交", "deputy.not_lead")
    if state.stage != Stage.returned_for_revision:
        raise Conflict(
            f"only a suggestion returned for revision can be resubmitted; it is {state.stage.value}", f"只有退回完善的建议可以重新提交；本件目前为{stage_zh(state.stage)}", "stage.not_returned"
        )
    state.title, state.body = cmd.title, cmd.body
    state.revisions += 1
    state.stage = Stage.registered
    if state.period == Period.closed:
        start_clock(
            state, DeadlineKind.assignment, None, now, state.policy.clocks.assignment_between_sessions
        )
    record(state, now, cmd.actor, "resubmitted", revision=state.revisions)


def convert(state: SuggestionState, cmd: c.Convert, now: datetime) -> None:
    require_role(cmd.actor, "converting a suggestion", Role.coordinator)
    require_review(state)
    merging.require_no_merged(state, "转为参阅件")
    if state.stage not in (Stage.registered, Stage.returned_for_revision):
        raise Conflict(
            f"a suggestion can be converted to a reference letter only before assignment; it is {state.stage.value}", f"建议只能在交办前转为参阅件；本件目前为{stage_zh(state.stage)}", "stage.after_assignment"
        )
    state.stage = Stage.converted
    state.end_reason = cmd.reason
    record(state, now, cmd.actor, "converted", reason=cmd.reason)


# --- assignment and adjustment (stages 3–4) ------------------------------------------------


def _add_assignment(state: SuggestionState, unit: str, role: UnitRole, now: datetime) -> None:
    """A unit's part starts: its adjustment window and its own deadline (reply or co-opinion)."""
    assignment = Assignment(unit=unit, role=role, assigned_at=now)
    clocks = state.policy.clocks
    start_clock(state, DeadlineKind.adjustment_window, unit, now, clocks.adjustment_window)
    if assignment.replies_to_deputy:
        assignment.stage = Stage.handling
        start_clock(state, DeadlineKind.reply, unit, now, reply_rule(state))
    else:
        start_clock(state, DeadlineKind.co_opinion, unit, now, clocks.co_opinion)
    state.assignments.append(assignment)


def assign(state: SuggestionState, cmd: c.Assign, now: datetime) -> None:
    require_role(cmd.actor, "assigning a suggestion", Role.coordinator)
    if state.stage == Stage.returned_for_revision:
        raise Conflict("the deputy must resubmit the suggestion before it can be assigned", "须待代表修改后重新提交，才能交办", "stage.returned")
    if state.stage != Stage.registered:
        raise Conflict(f"suggestion {state.number} is already assigned ({state.stage.value})", f"第{state.number}号建议已交办（{stage_zh(state.stage)}）", "item.already_assigned")
    if not state.accepted_at:
        raise Conflict("accept the suggestion before assigning it", "请先审查受理，再交办", "item.not_accepted")
    if bool(cmd.lead_unit) == bool(cmd.separate_units):
        raise Invalid("assign either one lead unit (with co-handling units) or separate units, not both or neither", "请选择一个主办单位（可加协办单位），或两个以上分办单位，二者选其一", "assign.lead_or_separate")
    if cmd.separate_units:
        if cmd.co_units:
            raise Invalid("co-handling units go with a lead unit, not with separate handling", "协办单位须配合主办单位，分办时不设协办单位", "assign.co_without_lead")
        if len(cmd.separate_units) < 2:
            raise Invalid("separate handling needs at least two units; use lead_unit for one unit", "分办至少需要两个单位；只有一个单位时请设为主办单位", "assign.one_separate")
    units = [u for u in [cmd.lead_unit, *cmd.co_units, *cmd.separate_units] if u]
    if any(not u.strip() for u in units):
        raise Invalid("unit codes must not be blank", "单位代码不能为空", "assign.blank_unit")
    if len(set(units)) != len(units):
        raise Invalid("a unit may appear only once in an assignment", "同一单位在一次交办中只能出现一次", "assign.repeated_unit")

    if cmd.lead_unit:
        _add_assignment(state, cmd.lead_unit, UnitRole.lead, now)
        for unit in cmd.co_units:
            _add_assignment(state, unit, UnitRole.co_handling, now)
    else:
        for unit in cmd.separate_units:
            _add_assignment(state, unit, UnitRole.separate, now)
    finish_duty(state, DeadlineKind.assignment, None, now)
    record(
        state,
        now,
        cmd.actor,
        "assigned",
        lead_unit=cmd.lead_unit,
        co_units=cmd.co_units,
        separate_units=cmd.separate_units,
        notify=notify(state, units=units),
    )
    if KINDS[state.kind].tracked_monthly:  # a livelihood project reports monthly from the start (挂图作战)
        supervision.track_monthly(state, now)


def sign_for_receipt(state: SuggestionState, cmd: c.SignForReceipt, now: datetime) -> None:
    require_open(state, "signing for receipt")
    assignment = own_assignment(state, cmd.actor, "signing for receipt")
    if assignment.signed_at:
        raise Conflict(f"unit {assignment.unit} already signed for this suggestion", f"单位{assignment.unit}已签收本件建议", "unit.already_signed")
    assignment.signed_by, assignment.signed_at = cmd.actor.user, now
    record(state, now, cmd.actor, "signed_for_receipt", assignment.unit)


def request_adjustment(state: SuggestionState, cmd: c.RequestAdjustment, now: datetime) -> None:
    require_open(state, "requesting an adjustment")
    assignment = own_assignment(state, cmd.actor, "requesting an adjustment")
    if state.pending_deadline(DeadlineKind.adjustment_window, assignment.unit) is None:
        window = last_deadline(state, DeadlineKind.adjustment_window, assignment.unit)
        closed = beijing(window.due_at) if window else "already"
        raise Conflict(
            f"the adjustment window closed at {closed} (Beijing time); unit {assignment.unit} must handle the item", f"申请调整期限已于{closed}（北京时间）届满，单位{assignment.unit}须承办本件", "adjustment.window_closed"
        )
    if assignment.adjustment and assignment.adjustment.approved is None:
        raise Conflict("an adjustment request of this unit already awaits the coordinator's decision", "本单位的调整申请正在等待交办机构决定", "adjustment.pending")
    assignment.adjustment = Request(reason=cmd.reason, requested_by=cmd.actor.user, requested_at=now)
    record(state, now, cmd.actor, "adjustment_requested", assignment.unit, reason=cmd.reason)


def decide_adjustment(state: SuggestionState, cmd: c.DecideAdjustment, now: datetime) -> None:
    require_role(cmd.actor, "deciding an adjustment request", Role.coordinator)
    require_open(state, "deciding an adjustment request")
    assignment = state.assignment(cmd.unit)
    request = assignment.adjustment if assignment else None
    if request is None or request.approved is not None:
        raise Conflict(f"unit {cmd.unit} has no adjustment request awaiting a decision", f"单位{cmd.unit}没有待决定的调整申请", "adjustment.none")
    if cmd.approve:
        if not cmd.new_unit:
            raise Invalid("approving an adjustment needs new_unit: the unit that takes the item over", "同意调整须指定改由哪个单位承办", "adjustment.no_new_unit")
        if state.assignment(cmd.new_unit):
            raise Invalid(f"unit {cmd.new_unit} is already assigned this suggestion", f"单位{cmd.new_unit}已承办本件建议", "adjustment.unit_already_assigned")
    elif not cmd.reason:
        raise Invalid("refusing an adjustment request needs a reason", "不同意调整须说明理由", "reason.missing")
    request.approved, request.decided_by, request.decided_at = cmd.approve, cmd.actor.user, now
    request.decision_reason = cmd.reason
    if not cmd.approve:
        record(state, now, cmd.actor, "adjustment_refused", cmd.unit, reason=cmd.reason)
        return
    assignment.status = AssignmentStatus.withdrawn
    cancel_clocks(state, now, cmd.unit)
    _add_assignment(state, cmd.new_unit, assignment.role, now)
    record(
        state,
        now,
        cmd.actor,
        "reassigned",
        cmd.unit,
        new_unit=cmd.new_unit,
        role=assignment.role.value,
        reason=cmd.reason,
        notify=notify(state, units=[cmd.unit, cmd.new_unit]),
    )


# --- handling (stage 5) ----------------------------------------------------------------------


def contact_phase(state: SuggestionState, assignment: Assignment) -> ContactPhase:
    """Which of the four contacts (四沟通) one logged now is, from the unit's progress in its current round."""
    replies = [r for r in state.replies if r.unit == assignment.unit and r.round == assignment.round]
    if any(r.status == ReplyStatus.accepted for r in replies):
        return ContactPhase.after
    if replies:
        return ContactPhase.at_reply
    round_began = assignment.rehandling.ordered_at if assignment.round > 1 and assignment.rehandling else assignment.assigned_at
    if any(x.unit == assignment.unit and x.logged_at >= round_began for x in state.contacts):
        return ContactPhase.during
    return ContactPhase.before


def log_contact(state: SuggestionState, cmd: c.LogContact, now: datetime) -> None:
    require_open(state, "logging a contact")
    assignment = own_assignment(state, cmd.actor, "logging a contact")
    if cmd.when.tzinfo is None:
        raise Invalid("give the contact time with its time zone, e.g. 2026-03-05T10:00:00+08:00", "沟通时间须带时区，如 2026-03-05T10:00:00+08:00", "time.no_zone")
    if cmd.when > now:
        raise Invalid("a contact cannot be logged for a time in the future", "不能记录将来时间的沟通", "time.future")
    state.contacts.append(
        Contact(
            unit=assignment.unit,
            when=cmd.when,
            way=cmd.way,
            summary=cmd.summary,
            logged_by=cmd.actor.user,
            logged_at=now,
            phase=cmd.phase or contact_phase(state, assignment),
        )
    )
    record(
        state, now, cmd.actor, "contact_logged", assignment.unit, way=cmd.way.value, when=iso(cmd.when),
        phase=state.contacts[-1].phase.value,
    )


def submit_co_opinion(state: SuggestionState, cmd: c.SubmitCoOpinion, now: datetime) -> None:
    require_assigned(state, "submitting a co-opinion")
    assignment = own_assignment(state, cmd.actor, "submitting a co-opinion")
    if assignment.role != UnitRole.co_handling:
        raise Conflict(f"unit {assignment.unit} is a {assignment.role.value} unit; only co-handling units send co-opinions", f"单位{assignment.unit}是{unit_role_zh(assignment.role)}单位；只有协办单位提交协办意见", "co_opinion.not_co_unit")
    if assignment.co_opinion:
        raise Conflict(f"unit {assignment.unit} already sent its co-opinion", f"单位{assignment.unit}已提交协办意见", "co_opinion.already_sent")
    lead = next(t for t in state.tracks() if t.role == UnitRole.lead)
    if lead.stage != Stage.handling or lead.round != 1:
        raise Conflict("the lead unit's reply has already been drafted; the co-opinion comes too late to be included", "主办单位已起草答复，协办意见已来不及纳入", "co_opinion.too_late")
    late = finish_duty(state, DeadlineKind.co_opinion, assignment.unit, now)
    assignment.co_opinion = CoOpinion(
        unit=assignment.unit, text=cmd.text, submitted_by=cmd.actor.user, submitted_at=now, late=late
    )
    record(state, now, cmd.actor, "co_opinion_submitted", assignment.unit, late=late)


def request_extension(state: SuggestionState, cmd: c.RequestExtension, now: datetime) -> None:
    require_assigned(state, "requesting an extension")
    assignment = own_assignment(state, cmd.actor, "requesting an extension")
    if not assignment.replies_to_deputy:
        raise Conflict("a co-handling unit has no reply deadline to extend", "协办单位没有答复期限，无需延期", "extension.co_unit")
    if assignment.stage != Stage.handling or assignment.round != 1:
        raise Conflict("an extension can be asked only while the first reply is being handled", "只有在首次答复办理期间才能申请延期", "extension.not_first_round")
    deadline = state.pending_deadline(DeadlineKind.reply, assignment.unit)
    if deadline is None:
        raise Conflict("the reply deadline has passed; an extension must be asked before it", "答复期限已过；延期须在期限届满前申请", "extension.too_late")
    if assignment.extension:
        raise Conflict("this unit has already asked for an extension; only one request is allowed", "本单位已申请过延期，只能申请一次", "extension.already_asked")
    assignment.extension = Request(reason=cmd.reason, requested_by=cmd.actor.user, requested_at=now)
    record(state, now, cmd.actor, "extension_requested", assignment.unit, reason=cmd.reason)


def decide_extension(state: SuggestionState, cmd: c.DecideExtension, now: datetime) -> None:
    require_role(cmd.actor, "deciding an extension request", Role.coordinator)
    require_assigned(state, "deciding an extension request")
    waiting = [a for a in state.tracks() if a.extension and a.extension.approved is None]
    assignment = pick_track(state, waiting, cmd.unit, "no extension request awaits a decision")
    if not cmd.approve and not cmd.reason:
        raise Invalid("refusing an extension needs a reason", "不同意延期须说明理由", "reason.missing")
    request = assignment.extension
    request.approved, request.decided_by, request.decided_at = cmd.approve, cmd.actor.user, now
    request.decision_reason = cmd.reason
    if not cmd.approve:
        record(
            state, now, cmd.actor, "extension_refused", assignment.unit, reason=cmd.reason, deputy_informed=True,
            notify=notify(state, units=[assignment.unit], deputies=True),
        )
        return
    # The long limit counts from assignment, like the short one (代表法第五十一条).
    old = last_deadline(state, DeadlineKind.reply, assignment.unit)
    end_clock(old, DeadlineStatus.superseded, now)
    old.status = DeadlineStatus.superseded  # also when it had already run out
    assignment.overdue = False
    start_clock(
        state,
        DeadlineKind.reply,
        assignment.unit,
        assignment.assigned_at,
        state.policy.clocks.reply_extended,
        replaces=old.key,
    )
    record(
        state, now, cmd.actor, "extension_approved", assignment.unit, reason=cmd.reason, deputy_informed=True,
        notify=notify(state, units=[assignment.unit], deputies=True),
    )


# --- reply (stage 6) ---------------------------------------------------------------------------


def _reply_deadline_kind(assignment: Assignment) -> DeadlineKind:
    return DeadlineKind.reply if assignment.round == 1 else DeadlineKind.second_reply


def draft_reply(state: SuggestionState, cmd: c.DraftReply, now: datetime) -> None:
    require_assigned(state, "drafting a reply")
    require_role(cmd.actor, "drafting a reply", Role.unit_handler)
    assignment = own_assignment(state, cmd.actor, "drafting a reply")
    unit = assignment.unit
    if not assignment.replies_to_deputy:
        raise Conflict(f"unit {unit} co-handles this item: it sends a co-opinion to the lead unit, not a reply", f"单位{unit}是本件的协办单位：向主办单位提交协办意见，不直接答复", "reply.co_unit")
    if assignment.stage == Stage.rehandling and assignment.rehandling is None:
        raise Conflict("re-handling has not been ordered yet", "尚未交办二次办理", "rehandling.not_ordered")
    if assignment.stage not in (Stage.handling, Stage.rehandling):
        raise Conflict(f"a reply can be drafted only while handling; unit {unit}'s part is {assignment.stage.value}", f"只有在办理中才能起草答复；单位{unit}目前为{stage_zh(assignment.stage)}", "reply.not_handling")
    if not assignment.signed_at:
        raise Conflict(f"unit {unit} must sign for receipt before replying", f"单位{unit}须先签收，再答复", "reply.not_signed_for")
    if assignment.round == 1 and not any(x.unit == unit for x in state.contacts):
        raise Conflict(f"contact the deputy before replying (办前沟通): unit {unit} has logged no contact", f"答复前须与代表沟通（办前沟通）：单位{unit}尚未记录沟通情况", "reply.no_contact")
    if assignment.role == UnitRole.lead:
        for co in state.active_assignments():
            if co.role == UnitRole.co_handling and not co.co_opinion and state.pending_deadline(DeadlineKind.co_opinion, co.unit):
                due = state.pending_deadline(DeadlineKind.co_opinion, co.unit).due_at
                raise Conflict(
                    f"the reply must state the co-handling units' views: unit {co.unit}'s opinion is due by {beijing(due)}", f"答复须吸收协办单位意见：单位{co.unit}的协办意见应在{beijing(due)}前提交", "reply.co_opinion_pending"
                )
    if cmd.result_class.value not in state.policy.result_classes:
        allowed = ", ".join(state.policy.result_classes)
        raise Invalid(f"result class {cmd.result_class.value} is not used by policy {state.policy.ref} ({allowed})", f"办理规则{state.policy.ref}不使用{cmd.result_class.value}类（可用：{allowed}）", "class.not_in_policy")
    if cmd.result_class == ResultClass.B and not cmd.commitments:
        raise Invalid("a class B reply must list its commitments, each with a target date", "B类答复须列明承诺事项及各自的完成时限", "commitments.missing")
    if any(x.due_on < local_date(now) for x in cmd.commitments):
        raise Invalid("a commitment's target date cannot be in the past", "承诺事项的完成时限不能早于今天", "commitments.past")
    if cmd.face_to_face and not cmd.replied_by:
        raise Invalid("a face-to-face reply must say who gave it (replied_by)", "当面答复须写明面复人", "reply.no_replied_by")
    if cmd.publish and not cmd.public_text:
        raise Invalid("a reply to be published needs public_text", "同意公开的答复须填写公开文本", "reply.no_public_text")
    if not cmd.publish and not cmd.no_publish_reason:
        raise Invalid("a reply not to be published needs no_publish_reason", "不公开的答复须说明不公开的理由", "reply.no_private_reason")
    reply = Reply(
        unit=unit,
        round=assignment.round,
        drafted_by=cmd.actor.user,
        drafted_at=now,
        **cmd.model_dump(exclude={"actor"}),
    )
    state.replies.append(reply)
    assignment.stage = Stage.reply_review
    record(
        state,
        now,
        cmd.actor,
        "reply_drafted",
        unit,
        round=reply.round,
        result_class=reply.result_class.value,
        face_to_face=reply.face_to_face,
        publish=reply.publish,
    )


def sign_off_reply(state: SuggestionState, cmd: c.SignOffReply, now: datetime) -> None:
    require_assigned(state, "signing off a reply")
    require_role(cmd.actor, "signing off a reply", Role.unit_head)
    assignment = own_assignment(state, cmd.actor, "signing off a reply")
    reply = state.current_reply(assignment.unit)
    if reply is None or reply.status != ReplyStatus.draft:
        raise Conflict(f"no drafted reply of unit {assignment.unit} awaits sign-off", f"单位{assignment.unit}没有待审签的答复", "reply.none_to_sign_off")
    reply.status, reply.signed_off_by, reply.signed_off_at = ReplyStatus.signed_off, cmd.actor.user, now
    kind = _reply_deadline_kind(assignment)
    reply.late = finish_duty(state, kind, assignment.unit, now)
    assignment.overdue = False
    record(state, now, cmd.actor, "reply_signed_off", assignment.unit, round=reply.round, late=reply.late)


def check_reply(state: SuggestionState, cmd: c.CheckReply, now: datetime) -> None:
    require_role(cmd.actor, "checking a reply", Role.coordinator)
    require_assigned(state, "checking a reply")
    signed = [
        a for a in state.tracks()
        if (r := state.current_reply(a.unit)) and r.status == ReplyStatus.signed_off
    ]
    drafts = [a.unit for a in state.tracks() if (r := state.current_reply(a.unit)) and r.status == ReplyStatus.draft]
    nothing, nothing_zh = "no signed-off reply awaits your check", "没有已审签、待审核的答复"
    if drafts and not signed:
        nothing += f" (unit {', '.join(drafts)}'s reply is not signed off by its head yet)"
        nothing_zh += f"（单位{'、'.join(drafts)}的答复尚未经单位负责人审签）"
    assignment = pick_track(state, signed, cmd.unit, nothing, nothing_zh)
    reply = state.current_reply(assignment.unit)
    if not cmd.accept and not cmd.reason:
        raise Invalid("sending a reply back needs a reason", "退回答复须说明理由", "reason.missing")
    reply.checked_by, reply.checked_at, reply.check_reason = cmd.actor.user, now, cmd.reason
    if cmd.accept:
        reply.status = ReplyStatus.accepted
        follow_up.set_class(state, assignment, reply.result_class, reply.commitments, now)
        follow_up.ask_for_rating(state, assignment, now)
        record(
            state, now, cmd.actor, "reply_accepted", assignment.unit, round=reply.round,
            result_class=reply.result_class.value, notify=notify(state, deputies=True),
        )
        disclosure.schedule(state, assignment.unit, reply, now)
        return
    reply.status = ReplyStatus.sent_back
    assignment.stage = Stage.handling if assignment.round == 1 else Stage.rehandling
    # The reply is not given until it passes the check: its clock runs again.
    deadline = last_deadline(state, _reply_deadline_kind(assignment), assignment.unit)
    if deadline:
        reopen(deadline, now)
        assignment.overdue = deadline.status == DeadlineStatus.missed
    record(state, now, cmd.actor, "reply_sent_back", assignment.unit, round=reply.round, reason=cmd.reason)


# --- feedback and second handling (stages 7–8) ------------------------------------------------


def give_feedback(state: SuggestionState, cmd: c.GiveFeedback, now: datetime) -> None:
    require_role(cmd.actor, "rating a reply", Role.deputy)
    deputy = cmd.actor.deputy
    if deputy != state.lead_deputy and deputy not in state.co_signers:
        raise Forbidden("only the deputies who signed this suggestion rate its replies", "只有本件建议的领衔代表和附议代表可以评价答复", "deputy.not_signer")
    if deputy == state.lead_deputy or state.stage in (Stage.registered, Stage.returned_for_revision, Stage.converted):
        require_assigned(state, "rating a reply")
        waiting = [a for a in state.tracks() if a.stage == Stage.awaiting_feedback]
    else:  # a co-signer may rate while the feedback window is open, even after the lead deputy has
        waiting = [a for a in state.tracks() if a.stage == Stage.awaiting_feedback or _window_open(state, a, now)]
        if not waiting and state.ended:
            raise Conflict(f"rating a reply: suggestion {state.number} has ended and its feedback window has closed", f"评价答复：第{state.number}号建议已办结，评价期限已过", "feedback.window_closed")
    assignment = pick_track(state, waiting, cmd.unit, "no reply awaits your feedback")
    if cmd.verdict == Verdict.unsatisfied and not cmd.reasons.strip():
        raise Invalid("an 'unsatisfied' rating needs reasons", "评价为“不满意”须说明理由", "feedback.no_reasons")
    request = assignment.feedback_requests
    if any(f.deputy == deputy and f.unit == assignment.unit and f.request == request for f in state.feedback):
        raise Conflict(f"you have already rated unit {assignment.unit}'s reply", f"您已评价过单位{assignment.unit}的答复", "feedback.already_given")
    state.feedback.append(
        Feedback(
            unit=assignment.unit,
            round=assignment.round,
            deputy=deputy,
            verdict=cmd.verdict,
            reasons=cmd.reasons,
            at=now,
            request=request,
        )
    )
    record(state, now, cmd.actor, "feedback_given", assignment.unit, round=assignment.round, verdict=cmd.verdict.value)
    # The lead deputy's rating moves the item on; co-signers' ratings are recorded beside it.
    if deputy == state.lead_deputy:
        finish_duty(state, DeadlineKind.feedback, assignment.unit, now)
        settle(state, assignment, cmd.verdict, now)


def _window_open(state: SuggestionState, assignment: Assignment, now: datetime) -> bool:
    """The feedback window of the unit's latest result is still open."""
    deadline = last_deadline(state, DeadlineKind.feedback, assignment.unit)
    return (
        deadline is not None
        and deadline.status in (DeadlineStatus.pending, DeadlineStatus.met)
        and deadline.due_at is not None
        and now <= deadline.due_at
    )


def co_signers_have_rated(state: SuggestionState) -> bool:
    """Every co-signer has rated every unit's latest result."""
    rated = {(f.deputy, f.unit, f.request) for f in state.feedback}
    return all(
        (deputy, track.unit, track.feedback_requests) in rated for deputy in state.co_signers for track in state.tracks()
    )


def co_signers_window_end(state: SuggestionState) -> datetime | None:
    """Until when co-signers may still rate a closed item: the end of its last feedback window."""
    if not state.co_signers:
        return None
    ends = [d.due_at for t in state.tracks() if (d := last_deadline(state, DeadlineKind.feedback, t.unit)) and d.due_at]
    return max(ends) if ends else None


def settle(state: SuggestionState, assignment: Assignment, verdict: Verdict | None, now: datetime) -> None:
    """What a rating (or its absence) means for the unit's track."""
    deemed = verdict is None and state.policy.no_feedback_deemed_satisfied
    if assignment.rerating:
        follow_up.rerated(state, assignment, verdict, now)
        return
    if verdict == Verdict.unsatisfied:
        if assignment.round == 1:
            assignment.stage = Stage.rehandling
            start_clock(state, DeadlineKind.rehandling_order, assignment.unit, now, state.policy.clocks.rehandling_order)
            return
        # A second "unsatisfied": a face-to-face consultation (约见/面商) and a key-supervision proposal.
        state.consultation_due = True
        assignment.outcome = "unsatisfied_twice"
        record(
            state, now, SYSTEM, "consultation_due", assignment.unit,
            notify=notify(state, units=[assignment.unit], heads_only=True, coordinator=True),
        )
        supervision.propose(state, "second_unsatisfied", assignment.unit, now)
        follow_up.start(state, assignment, now)  # problems not solved, no letting go
        return
    assignment.outcome = verdict.value if verdict else ("deemed_satisfied" if deemed else "no_feedback")
    if assignment.result_class == ResultClass.A:
        assignment.stage = Stage.closed
    else:
        follow_up.start(state, assignment, now)


def order_rehandling(state: SuggestionState, cmd: c.OrderRehandling, now: datetime) -> None:
    require_role(cmd.actor, "ordering re-handling", Role.coordinator)
    require_assigned(state, "ordering re-handling")
    waiting = [a for a in state.tracks() if a.stage == Stage.rehandling and a.rehandling is None]
    assignment = pick_track(state, waiting, cmd.unit, "no unsatisfied reply awaits a re-handling order")
    late = finish_duty(state, DeadlineKind.rehandling_order, assignment.unit, now)
    assignment.rehandling = RehandlingOrder(
        reason=cmd.reason, leader_in_charge=cmd.leader_in_charge, ordered_by=cmd.actor.user, ordered_at=now
    )
    assignment.round = 2
    start_clock(state, DeadlineKind.second_reply, assignment.unit, now, state.policy.clocks.second_reply)
    record(
        state, now, cmd.actor, "rehandling_ordered", assignment.unit,
        reason=cmd.reason, leader_in_charge=cmd.leader_in_charge, late=late,
    )


# --- clocks running out -------------------------------------------------------------------------

MISSED_ACTION = {
    DeadlineKind.assignment: "assignment_overdue",
    DeadlineKind.co_opinion: "co_opinion_late",
    DeadlineKind.reply: "reply_overdue",
    DeadlineKind.second_reply: "reply_overdue",
    DeadlineKind.rehandling_order: "rehandling_order_late",
    DeadlineKind.key_report: "key_report_missed",
    DeadlineKind.follow_up_report: "follow_up_report_missed",
}


def _deadline_passed(state: SuggestionState, deadline: Deadline, now: datetime) -> None:
    """What happens when one clock runs out: recorded, people told, and the item moves on as docs/process.md says."""
    unit, kind = deadline.unit, deadline.kind
    detail = {"deadline": deadline.key, "kind": kind.value, "due_at": iso(deadline.due_at)}
    deadline.closed_at = now
    if kind == DeadlineKind.publication:
        disclosure.publish(state, deadline, now)
    elif kind == DeadlineKind.adjustment_window:
        deadline.status, deadline.level = DeadlineStatus.expired, WarningLevel.none
        record(state, now, SYSTEM, "adjustment_window_closed", unit, **detail)
    elif kind == DeadlineKind.feedback:
        deadline.status, deadline.level = DeadlineStatus.expired, WarningLevel.none
        assignment = state.assignment(unit)
        state.feedback.append(
            Feedback(unit=unit, round=assignment.round, deputy=None, verdict=None, at=now, request=assignment.feedback_requests)
        )
        record(state, now, SYSTEM, "no_feedback", unit, **detail, notify=notify(state, coordinator=True))
        settle(state, assignment, None, now)
    else:
        # A duty not done in time: red until it is done.
        deadline.status, deadline.level = DeadlineStatus.missed, WarningLevel.red
        if kind in (DeadlineKind.reply, DeadlineKind.second_reply):
            state.assignment(unit).overdue = True
        record(
            state, now, SYSTEM, MISSED_ACTION[kind], unit, **detail, level="red",
            notify=clock_recipients(state, deadline, WarningLevel.red),
        )
        if kind == DeadlineKind.key_report:
            supervision.key_report_missed(state, deadline, now)
        if kind == DeadlineKind.follow_up_report:
            follow_up.report_missed(state, deadline, now)


def on_time_passed(state: SuggestionState, now: datetime) -> None:
    """Handle every clock and reminder rung whose time has come by `now`, earliest first."""
    for _, deadline, step in due_now(state, now):
        if step is None:
            if deadline.status == DeadlineStatus.pending:  # an earlier one may have settled it
                _deadline_passed(state, deadline, now)
        elif step.status == RungStatus.pending and deadline.running:
            step.status = RungStatus.fired
            if step.rung == Rung.escalation:
                supervision.escalate(state, deadline, now)
            else:
                reach_rung(state, deadline, step.rung, now)
    refresh(state, now)


# --- derived state ----------------------------------------------------------------------------------


def refresh(state: SuggestionState, now: datetime) -> None:
    """Recompute what follows from the tracks: stage, overdue, warning level; end clocks of an ended item."""
    tracks = state.tracks()
    if tracks:  # only assigned items have tracks
        state.stage = min((t.stage for t in tracks), key=TRACK_ORDER.index)
    state.overdue = any(t.overdue for t in tracks)
    if state.ended:
        disclosure.publish_now(state, now)  # "within 20 working days": an ending item publishes at once
        cancel_clocks(state, now)
    state.warning_level = warning_level(state)
