"""The life of one suggestion (DOMAIN.md stages 1–8) as pure functions on its state.

Each action checks the actor and the state and then changes the state, or
raises a `Refusal` that says why not. The workflow's update validators run the
same function on a copy of the state, so "may I?" and "do it" never disagree.
New clocks are added with `due_at=None`; the workflow has them computed by an
activity (calendar data is I/O) and then waits on them.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, Callable

from domain import commands as c
from domain.calendar import SHANGHAI, local_date
from domain.enums import (
    TRACK_ORDER,
    UNIT_ROLES,
    AssignmentStatus,
    DeadlineKind,
    DeadlineStatus,
    Period,
    ReplyStatus,
    ResultClass,
    Role,
    Stage,
    UnitRole,
    Verdict,
    WarningLevel,
)
from domain.models import (
    SYSTEM,
    Actor,
    Assignment,
    Contact,
    CoOpinion,
    Deadline,
    Event,
    Feedback,
    NewSuggestion,
    RehandlingOrder,
    Reply,
    Request,
    SuggestionState,
)
from domain.policy import Duration


class Refusal(Exception):
    """An action the state or the actor does not allow; `kind` tells the API which 4xx."""

    kind = "conflict"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Conflict(Refusal):
    """The state does not allow it now (409)."""

    kind = "conflict"


class Forbidden(Refusal):
    """This actor may not do it (403)."""

    kind = "forbidden"


class Invalid(Refusal):
    """The input itself is wrong (422)."""

    kind = "invalid"


# --- helpers --------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _beijing(value: datetime | None) -> str:
    """A deadline as staff read it: Beijing time."""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else "(not yet computed)"


def record(
    state: SuggestionState,
    now: datetime,
    actor: Actor,
    action: str,
    unit: str | None = None,
    **detail: Any,
) -> None:
    state.last_event_seq += 1
    state.events.append(
        Event(seq=state.last_event_seq, at=now, action=action, actor=actor, unit=unit, detail=detail)
    )


def start_clock(
    state: SuggestionState,
    kind: DeadlineKind,
    unit: str | None,
    start: datetime,
    rule: Duration,
    replaces: str | None = None,
) -> Deadline:
    number = 1 + sum(1 for d in state.deadlines if d.kind == kind and d.unit == unit)
    deadline = Deadline(
        key=f"{kind}:{unit or '-'}:{number}",
        kind=kind,
        unit=unit,
        start=start,
        rule=str(rule),
        policy=state.policy.ref,
        replaces=replaces,
    )
    state.deadlines.append(deadline)
    return deadline


def close_clock(
    state: SuggestionState,
    kind: DeadlineKind,
    unit: str | None,
    now: datetime,
    status: DeadlineStatus = DeadlineStatus.met,
) -> Deadline | None:
    deadline = state.pending_deadline(kind, unit)
    if deadline:
        deadline.status = status
        deadline.closed_at = now
    return deadline


def _met_late(deadline: Deadline | None, now: datetime) -> bool:
    """Whether a duty closed by close_clock was done after its deadline."""
    return deadline is None or (deadline.due_at is not None and now > deadline.due_at)


def _last_deadline(state: SuggestionState, kind: DeadlineKind, unit: str | None) -> Deadline | None:
    return next((d for d in reversed(state.deadlines) if d.kind == kind and d.unit == unit), None)


def _require_role(actor: Actor, action: str, *roles: Role) -> None:
    if actor.role not in roles:
        allowed = " or ".join(r.value for r in roles)
        raise Forbidden(f"{action} is done by the {allowed}, not by a {actor.role.value}")


def _own_assignment(state: SuggestionState, actor: Actor, action: str) -> Assignment:
    """The actor's unit's part in this item; another unit's item is not theirs to touch."""
    _require_role(actor, action, *UNIT_ROLES)
    assignment = state.assignment(actor.unit)
    if assignment is None:
        raise Forbidden(f"suggestion {state.number} is not assigned to unit {actor.unit}")
    return assignment


def _require_open(state: SuggestionState, action: str) -> None:
    if state.ended:
        raise Conflict(f"{action}: suggestion {state.number} has ended ({state.stage.value})")


def _require_assigned(state: SuggestionState, action: str) -> None:
    _require_open(state, action)
    if state.stage in (Stage.registered, Stage.returned_for_revision):
        raise Conflict(f"{action}: suggestion {state.number} has not been assigned yet")


def _pick_track(
    state: SuggestionState,
    candidates: list[Assignment],
    unit: str | None,
    nothing: str,
) -> Assignment:
    """Choose the unit a coordinator's or deputy's action is about."""
    if unit is not None:
        candidates = [a for a in candidates if a.unit == unit]
    if not candidates:
        raise Conflict(nothing + (f" for unit {unit}" if unit else ""))
    if len(candidates) > 1:
        units = ", ".join(a.unit for a in candidates)
        raise Invalid(f"several units qualify ({units}): name the unit")
    return candidates[0]


# --- registration and review (stages 1–2) ------------------------------------------------


def register(new: NewSuggestion, workflow_id: str, now: datetime) -> SuggestionState:
    """登记: a new suggestion and, between sessions, its assignment clock."""
    state = SuggestionState(
        workflow_id=workflow_id,
        origin_year=new.year,
        **new.model_dump(exclude={"registered_by"}),
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
    )
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
    _require_role(cmd.actor, "accepting a suggestion", Role.coordinator)
    if state.stage != Stage.registered:
        raise Conflict(f"only a registered suggestion can be accepted; it is {state.stage.value}")
    if state.accepted_at:
        raise Conflict(f"suggestion {state.number} was already accepted")
    state.accepted_at = now
    record(state, now, cmd.actor, "accepted")


def return_for_revision(state: SuggestionState, cmd: c.ReturnForRevision, now: datetime) -> None:
    _require_role(cmd.actor, "returning a suggestion for revision", Role.coordinator)
    if state.stage != Stage.registered:
        raise Conflict(
            f"a suggestion can be returned for revision only before assignment; it is {state.stage.value}"
        )
    state.stage = Stage.returned_for_revision
    state.accepted_at = None
    close_clock(state, DeadlineKind.assignment, None, now, DeadlineStatus.cancelled)
    record(state, now, cmd.actor, "returned_for_revision", reason=cmd.reason)


def resubmit(state: SuggestionState, cmd: c.Resubmit, now: datetime) -> None:
    _require_role(cmd.actor, "resubmitting a suggestion", Role.deputy)
    if cmd.actor.deputy != state.lead_deputy:
        raise Forbidden("only the lead deputy of this suggestion can resubmit it")
    if state.stage != Stage.returned_for_revision:
        raise Conflict(
            f"only a suggestion returned for revision can be resubmitted; it is {state.stage.value}"
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
    _require_role(cmd.actor, "converting a suggestion", Role.coordinator)
    if state.stage not in (Stage.registered, Stage.returned_for_revision):
        raise Conflict(
            f"a suggestion can be converted to a reference letter only before assignment; it is {state.stage.value}"
        )
    state.stage = Stage.converted
    state.end_reason = cmd.reason
    record(state, now, cmd.actor, "converted", reason=cmd.reason)


# --- assignment and adjustment (stages 3–4) ------------------------------------------------


def _reply_rule(state: SuggestionState) -> Duration:
    clocks = state.policy.clocks
    if state.period == Period.closed and clocks.reply_between_sessions:
        return clocks.reply_between_sessions
    return clocks.reply


def _add_assignment(state: SuggestionState, unit: str, role: UnitRole, now: datetime) -> None:
    """A unit's part starts: its adjustment window and its own deadline (reply or co-opinion)."""
    assignment = Assignment(unit=unit, role=role, assigned_at=now)
    clocks = state.policy.clocks
    start_clock(state, DeadlineKind.adjustment_window, unit, now, clocks.adjustment_window)
    if assignment.replies_to_deputy:
        assignment.stage = Stage.handling
        start_clock(state, DeadlineKind.reply, unit, now, _reply_rule(state))
    else:
        start_clock(state, DeadlineKind.co_opinion, unit, now, clocks.co_opinion)
    state.assignments.append(assignment)


def assign(state: SuggestionState, cmd: c.Assign, now: datetime) -> None:
    _require_role(cmd.actor, "assigning a suggestion", Role.coordinator)
    if state.stage == Stage.returned_for_revision:
        raise Conflict("the deputy must resubmit the suggestion before it can be assigned")
    if state.stage != Stage.registered:
        raise Conflict(f"suggestion {state.number} is already assigned ({state.stage.value})")
    if not state.accepted_at:
        raise Conflict("accept the suggestion before assigning it")
    if bool(cmd.lead_unit) == bool(cmd.separate_units):
        raise Invalid("assign either one lead unit (with co-handling units) or separate units, not both or neither")
    if cmd.separate_units:
        if cmd.co_units:
            raise Invalid("co-handling units go with a lead unit, not with separate handling")
        if len(cmd.separate_units) < 2:
            raise Invalid("separate handling needs at least two units; use lead_unit for one unit")
    units = [u for u in [cmd.lead_unit, *cmd.co_units, *cmd.separate_units] if u]
    if any(not u.strip() for u in units):
        raise Invalid("unit codes must not be blank")
    if len(set(units)) != len(units):
        raise Invalid("a unit may appear only once in an assignment")

    if cmd.lead_unit:
        _add_assignment(state, cmd.lead_unit, UnitRole.lead, now)
        for unit in cmd.co_units:
            _add_assignment(state, unit, UnitRole.co_handling, now)
    else:
        for unit in cmd.separate_units:
            _add_assignment(state, unit, UnitRole.separate, now)
    close_clock(state, DeadlineKind.assignment, None, now)
    record(
        state,
        now,
        cmd.actor,
        "assigned",
        lead_unit=cmd.lead_unit,
        co_units=cmd.co_units,
        separate_units=cmd.separate_units,
    )


def sign_for_receipt(state: SuggestionState, cmd: c.SignForReceipt, now: datetime) -> None:
    _require_open(state, "signing for receipt")
    assignment = _own_assignment(state, cmd.actor, "signing for receipt")
    if assignment.signed_at:
        raise Conflict(f"unit {assignment.unit} already signed for this suggestion")
    assignment.signed_by, assignment.signed_at = cmd.actor.user, now
    record(state, now, cmd.actor, "signed_for_receipt", assignment.unit)


def request_adjustment(state: SuggestionState, cmd: c.RequestAdjustment, now: datetime) -> None:
    _require_open(state, "requesting an adjustment")
    assignment = _own_assignment(state, cmd.actor, "requesting an adjustment")
    if state.pending_deadline(DeadlineKind.adjustment_window, assignment.unit) is None:
        window = _last_deadline(state, DeadlineKind.adjustment_window, assignment.unit)
        closed = _beijing(window.due_at) if window else "already"
        raise Conflict(
            f"the adjustment window closed at {closed} (Beijing time); unit {assignment.unit} must handle the item"
        )
    if assignment.adjustment and assignment.adjustment.approved is None:
        raise Conflict("an adjustment request of this unit already awaits the coordinator's decision")
    assignment.adjustment = Request(reason=cmd.reason, requested_by=cmd.actor.user, requested_at=now)
    record(state, now, cmd.actor, "adjustment_requested", assignment.unit, reason=cmd.reason)


def decide_adjustment(state: SuggestionState, cmd: c.DecideAdjustment, now: datetime) -> None:
    _require_role(cmd.actor, "deciding an adjustment request", Role.coordinator)
    _require_open(state, "deciding an adjustment request")
    assignment = state.assignment(cmd.unit)
    request = assignment.adjustment if assignment else None
    if request is None or request.approved is not None:
        raise Conflict(f"unit {cmd.unit} has no adjustment request awaiting a decision")
    if cmd.approve:
        if not cmd.new_unit:
            raise Invalid("approving an adjustment needs new_unit: the unit that takes the item over")
        if state.assignment(cmd.new_unit):
            raise Invalid(f"unit {cmd.new_unit} is already assigned this suggestion")
    elif not cmd.reason:
        raise Invalid("refusing an adjustment request needs a reason")
    request.approved, request.decided_by, request.decided_at = cmd.approve, cmd.actor.user, now
    request.decision_reason = cmd.reason
    if not cmd.approve:
        record(state, now, cmd.actor, "adjustment_refused", cmd.unit, reason=cmd.reason)
        return
    assignment.status = AssignmentStatus.withdrawn
    for deadline in state.deadlines:
        if deadline.unit == cmd.unit and deadline.status == DeadlineStatus.pending:
            deadline.status, deadline.closed_at = DeadlineStatus.cancelled, now
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
    )


# --- handling (stage 5) ----------------------------------------------------------------------


def log_contact(state: SuggestionState, cmd: c.LogContact, now: datetime) -> None:
    _require_open(state, "logging a contact")
    assignment = _own_assignment(state, cmd.actor, "logging a contact")
    if cmd.when.tzinfo is None:
        raise Invalid("give the contact time with its time zone, e.g. 2026-03-05T10:00:00+08:00")
    if cmd.when > now:
        raise Invalid("a contact cannot be logged for a time in the future")
    state.contacts.append(
        Contact(
            unit=assignment.unit,
            when=cmd.when,
            way=cmd.way,
            summary=cmd.summary,
            logged_by=cmd.actor.user,
            logged_at=now,
        )
    )
    record(
        state, now, cmd.actor, "contact_logged", assignment.unit, way=cmd.way.value, when=_iso(cmd.when)
    )


def submit_co_opinion(state: SuggestionState, cmd: c.SubmitCoOpinion, now: datetime) -> None:
    _require_assigned(state, "submitting a co-opinion")
    assignment = _own_assignment(state, cmd.actor, "submitting a co-opinion")
    if assignment.role != UnitRole.co_handling:
        raise Conflict(f"unit {assignment.unit} is a {assignment.role.value} unit; only co-handling units send co-opinions")
    if assignment.co_opinion:
        raise Conflict(f"unit {assignment.unit} already sent its co-opinion")
    lead = next(t for t in state.tracks() if t.role == UnitRole.lead)
    if lead.stage != Stage.handling or lead.round != 1:
        raise Conflict("the lead unit's reply has already been drafted; the co-opinion comes too late to be included")
    late = _met_late(close_clock(state, DeadlineKind.co_opinion, assignment.unit, now), now)
    assignment.co_opinion = CoOpinion(
        unit=assignment.unit, text=cmd.text, submitted_by=cmd.actor.user, submitted_at=now, late=late
    )
    record(state, now, cmd.actor, "co_opinion_submitted", assignment.unit, late=late)


def request_extension(state: SuggestionState, cmd: c.RequestExtension, now: datetime) -> None:
    _require_assigned(state, "requesting an extension")
    assignment = _own_assignment(state, cmd.actor, "requesting an extension")
    if not assignment.replies_to_deputy:
        raise Conflict("a co-handling unit has no reply deadline to extend")
    if assignment.stage != Stage.handling or assignment.round != 1:
        raise Conflict("an extension can be asked only while the first reply is being handled")
    deadline = state.pending_deadline(DeadlineKind.reply, assignment.unit)
    if deadline is None:
        raise Conflict("the reply deadline has passed; an extension must be asked before it")
    if assignment.extension:
        raise Conflict("this unit has already asked for an extension; only one request is allowed")
    assignment.extension = Request(reason=cmd.reason, requested_by=cmd.actor.user, requested_at=now)
    record(state, now, cmd.actor, "extension_requested", assignment.unit, reason=cmd.reason)


def decide_extension(state: SuggestionState, cmd: c.DecideExtension, now: datetime) -> None:
    _require_role(cmd.actor, "deciding an extension request", Role.coordinator)
    _require_assigned(state, "deciding an extension request")
    waiting = [a for a in state.tracks() if a.extension and a.extension.approved is None]
    assignment = _pick_track(state, waiting, cmd.unit, "no extension request awaits a decision")
    if not cmd.approve and not cmd.reason:
        raise Invalid("refusing an extension needs a reason")
    request = assignment.extension
    request.approved, request.decided_by, request.decided_at = cmd.approve, cmd.actor.user, now
    request.decision_reason = cmd.reason
    if not cmd.approve:
        record(state, now, cmd.actor, "extension_refused", assignment.unit, reason=cmd.reason, deputy_informed=True)
        return
    # The long limit counts from assignment, like the short one (代表法第五十一条).
    old = _last_deadline(state, DeadlineKind.reply, assignment.unit)
    old.status, old.closed_at = DeadlineStatus.superseded, now
    assignment.overdue = False
    start_clock(
        state,
        DeadlineKind.reply,
        assignment.unit,
        assignment.assigned_at,
        state.policy.clocks.reply_extended,
        replaces=old.key,
    )
    record(state, now, cmd.actor, "extension_approved", assignment.unit, reason=cmd.reason, deputy_informed=True)


# --- reply (stage 6) ---------------------------------------------------------------------------


def _reply_deadline_kind(assignment: Assignment) -> DeadlineKind:
    return DeadlineKind.reply if assignment.round == 1 else DeadlineKind.second_reply


def draft_reply(state: SuggestionState, cmd: c.DraftReply, now: datetime) -> None:
    _require_assigned(state, "drafting a reply")
    _require_role(cmd.actor, "drafting a reply", Role.unit_handler)
    assignment = _own_assignment(state, cmd.actor, "drafting a reply")
    unit = assignment.unit
    if not assignment.replies_to_deputy:
        raise Conflict(f"unit {unit} co-handles this item: it sends a co-opinion to the lead unit, not a reply")
    if assignment.stage == Stage.rehandling and assignment.rehandling is None:
        raise Conflict("re-handling has not been ordered yet")
    if assignment.stage not in (Stage.handling, Stage.rehandling):
        raise Conflict(f"a reply can be drafted only while handling; unit {unit}'s part is {assignment.stage.value}")
    if not assignment.signed_at:
        raise Conflict(f"unit {unit} must sign for receipt before replying")
    if assignment.round == 1 and not any(x.unit == unit for x in state.contacts):
        raise Conflict(f"contact the deputy before replying (办前沟通): unit {unit} has logged no contact")
    if assignment.role == UnitRole.lead:
        for co in state.active_assignments():
            if co.role == UnitRole.co_handling and not co.co_opinion and state.pending_deadline(DeadlineKind.co_opinion, co.unit):
                due = state.pending_deadline(DeadlineKind.co_opinion, co.unit).due_at
                raise Conflict(
                    f"the reply must state the co-handling units' views: unit {co.unit}'s opinion is due by {_beijing(due)}"
                )
    if cmd.result_class.value not in state.policy.result_classes:
        allowed = ", ".join(state.policy.result_classes)
        raise Invalid(f"result class {cmd.result_class.value} is not used by policy {state.policy.ref} ({allowed})")
    if cmd.result_class == ResultClass.B and not cmd.commitments:
        raise Invalid("a class B reply must list its commitments, each with a target date")
    if any(x.due_on < local_date(now) for x in cmd.commitments):
        raise Invalid("a commitment's target date cannot be in the past")
    if cmd.face_to_face and not cmd.replied_by:
        raise Invalid("a face-to-face reply must say who gave it (replied_by)")
    if cmd.publish and not cmd.public_text:
        raise Invalid("a reply to be published needs public_text")
    if not cmd.publish and not cmd.no_publish_reason:
        raise Invalid("a reply not to be published needs no_publish_reason")
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
    _require_assigned(state, "signing off a reply")
    _require_role(cmd.actor, "signing off a reply", Role.unit_head)
    assignment = _own_assignment(state, cmd.actor, "signing off a reply")
    reply = state.current_reply(assignment.unit)
    if reply is None or reply.status != ReplyStatus.draft:
        raise Conflict(f"no drafted reply of unit {assignment.unit} awaits sign-off")
    reply.status, reply.signed_off_by, reply.signed_off_at = ReplyStatus.signed_off, cmd.actor.user, now
    kind = _reply_deadline_kind(assignment)
    reply.late = _met_late(close_clock(state, kind, assignment.unit, now), now)
    assignment.overdue = False
    record(state, now, cmd.actor, "reply_signed_off", assignment.unit, round=reply.round, late=reply.late)


def check_reply(state: SuggestionState, cmd: c.CheckReply, now: datetime) -> None:
    _require_role(cmd.actor, "checking a reply", Role.coordinator)
    _require_assigned(state, "checking a reply")
    signed = [
        a for a in state.tracks()
        if (r := state.current_reply(a.unit)) and r.status == ReplyStatus.signed_off
    ]
    drafts = [a.unit for a in state.tracks() if (r := state.current_reply(a.unit)) and r.status == ReplyStatus.draft]
    nothing = "no signed-off reply awaits your check"
    if drafts and not signed:
        nothing += f" (unit {', '.join(drafts)}'s reply is not signed off by its head yet)"
    assignment = _pick_track(state, signed, cmd.unit, nothing)
    reply = state.current_reply(assignment.unit)
    if not cmd.accept and not cmd.reason:
        raise Invalid("sending a reply back needs a reason")
    reply.checked_by, reply.checked_at, reply.check_reason = cmd.actor.user, now, cmd.reason
    if cmd.accept:
        reply.status = ReplyStatus.accepted
        assignment.stage = Stage.awaiting_feedback
        start_clock(state, DeadlineKind.feedback, assignment.unit, now, state.policy.clocks.feedback)
        record(state, now, cmd.actor, "reply_accepted", assignment.unit, round=reply.round, result_class=reply.result_class.value)
        return
    reply.status = ReplyStatus.sent_back
    assignment.stage = Stage.handling if assignment.round == 1 else Stage.rehandling
    # The reply is not given until it passes the check: its clock runs again.
    deadline = _last_deadline(state, _reply_deadline_kind(assignment), assignment.unit)
    if deadline and deadline.status == DeadlineStatus.met:
        deadline.status, deadline.closed_at = DeadlineStatus.pending, None
    record(state, now, cmd.actor, "reply_sent_back", assignment.unit, round=reply.round, reason=cmd.reason)


# --- feedback and second handling (stages 7–8) ------------------------------------------------


def give_feedback(state: SuggestionState, cmd: c.GiveFeedback, now: datetime) -> None:
    _require_role(cmd.actor, "rating a reply", Role.deputy)
    deputy = cmd.actor.deputy
    if deputy != state.lead_deputy and deputy not in state.co_signers:
        raise Forbidden("only the deputies who signed this suggestion rate its replies")
    _require_assigned(state, "rating a reply")
    waiting = [a for a in state.tracks() if a.stage == Stage.awaiting_feedback]
    assignment = _pick_track(state, waiting, cmd.unit, "no reply awaits your feedback")
    if cmd.verdict == Verdict.unsatisfied and not cmd.reasons.strip():
        raise Invalid("an 'unsatisfied' rating needs reasons")
    if any(
        f.deputy == deputy and f.unit == assignment.unit and f.round == assignment.round for f in state.feedback
    ):
        raise Conflict(f"you have already rated unit {assignment.unit}'s reply")
    state.feedback.append(
        Feedback(
            unit=assignment.unit,
            round=assignment.round,
            deputy=deputy,
            verdict=cmd.verdict,
            reasons=cmd.reasons,
            at=now,
        )
    )
    record(state, now, cmd.actor, "feedback_given", assignment.unit, round=assignment.round, verdict=cmd.verdict.value)
    # The lead deputy's rating moves the item on; co-signers' ratings are recorded beside it.
    if deputy == state.lead_deputy:
        close_clock(state, DeadlineKind.feedback, assignment.unit, now)
        _settle(state, assignment, cmd.verdict, now)


def _settle(state: SuggestionState, assignment: Assignment, verdict: Verdict | None, now: datetime) -> None:
    """What a rating (or its absence) means for the unit's track."""
    reply = state.current_reply(assignment.unit)
    deemed = verdict is None and state.policy.no_feedback_deemed_satisfied
    if verdict == Verdict.unsatisfied:
        if assignment.round == 1:
            assignment.stage = Stage.rehandling
            start_clock(state, DeadlineKind.rehandling_order, assignment.unit, now, state.policy.clocks.rehandling_order)
            return
        # A second "unsatisfied": key supervision and a face-to-face consultation (约见/面商).
        state.key_supervision = True
        state.key_supervision_reason = "second_unsatisfied"
        state.consultation_due = True
        assignment.stage = Stage.follow_up
        assignment.outcome = "unsatisfied_twice"
        record(state, now, SYSTEM, "key_supervision_marked", assignment.unit, reason="second_unsatisfied", consultation_due=True)
        return
    assignment.outcome = verdict.value if verdict else ("deemed_satisfied" if deemed else "no_feedback")
    if reply.result_class == ResultClass.A:
        assignment.stage = Stage.closed
    else:
        assignment.stage = Stage.follow_up


def order_rehandling(state: SuggestionState, cmd: c.OrderRehandling, now: datetime) -> None:
    _require_role(cmd.actor, "ordering re-handling", Role.coordinator)
    _require_assigned(state, "ordering re-handling")
    waiting = [a for a in state.tracks() if a.stage == Stage.rehandling and a.rehandling is None]
    assignment = _pick_track(state, waiting, cmd.unit, "no unsatisfied reply awaits a re-handling order")
    late = _met_late(close_clock(state, DeadlineKind.rehandling_order, assignment.unit, now), now)
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


def _deadline_passed(state: SuggestionState, deadline: Deadline, now: datetime) -> None:
    """What happens when one clock runs out: recorded, and the item moves on as DOMAIN.md says."""
    unit = deadline.unit
    detail = {"deadline": deadline.key, "due_at": _iso(deadline.due_at)}
    deadline.closed_at = now
    kind = deadline.kind
    if kind == DeadlineKind.adjustment_window:
        deadline.status = DeadlineStatus.expired
        record(state, now, SYSTEM, "adjustment_window_closed", unit, **detail)
    elif kind == DeadlineKind.feedback:
        deadline.status = DeadlineStatus.expired
        assignment = state.assignment(unit)
        state.feedback.append(
            Feedback(unit=unit, round=assignment.round, deputy=None, verdict=None, at=now)
        )
        record(state, now, SYSTEM, "no_feedback", unit, **detail)
        _settle(state, assignment, None, now)
    else:
        deadline.status = DeadlineStatus.missed
        if kind in (DeadlineKind.reply, DeadlineKind.second_reply):
            state.assignment(unit).overdue = True
        action = {
            DeadlineKind.assignment: "assignment_overdue",
            DeadlineKind.co_opinion: "co_opinion_late",
            DeadlineKind.reply: "reply_overdue",
            DeadlineKind.second_reply: "reply_overdue",
            DeadlineKind.rehandling_order: "rehandling_order_late",
        }[kind]
        record(state, now, SYSTEM, action, unit, **detail)


def on_time_passed(state: SuggestionState, now: datetime) -> None:
    """Handle every pending clock that has run out by `now`, earliest first."""
    due = sorted(
        (d for d in state.deadlines if d.status == DeadlineStatus.pending and d.due_at and d.due_at <= now),
        key=lambda d: d.due_at,
    )
    for deadline in due:
        if deadline.status == DeadlineStatus.pending:  # an earlier one may have settled it
            _deadline_passed(state, deadline, now)
    refresh(state, now)


# --- derived state ----------------------------------------------------------------------------------


def refresh(state: SuggestionState, now: datetime) -> None:
    """Recompute what follows from the tracks: stage, overdue, warning level; end clocks of an ended item."""
    tracks = state.tracks()
    if tracks:  # only assigned items have tracks
        state.stage = min((t.stage for t in tracks), key=TRACK_ORDER.index)
    state.overdue = any(t.overdue for t in tracks)
    state.warning_level = WarningLevel.red if state.overdue else WarningLevel.none
    if state.ended:
        for deadline in state.deadlines:
            if deadline.status == DeadlineStatus.pending:
                deadline.status, deadline.closed_at = DeadlineStatus.cancelled, now


ACTIONS: dict[type[c.Command], Callable[[SuggestionState, Any, datetime], None]] = {
    c.Accept: accept,
    c.ReturnForRevision: return_for_revision,
    c.Resubmit: resubmit,
    c.Convert: convert,
    c.Assign: assign,
    c.SignForReceipt: sign_for_receipt,
    c.RequestAdjustment: request_adjustment,
    c.DecideAdjustment: decide_adjustment,
    c.LogContact: log_contact,
    c.SubmitCoOpinion: submit_co_opinion,
    c.RequestExtension: request_extension,
    c.DecideExtension: decide_extension,
    c.DraftReply: draft_reply,
    c.SignOffReply: sign_off_reply,
    c.CheckReply: check_reply,
    c.GiveFeedback: give_feedback,
    c.OrderRehandling: order_rehandling,
}


def apply(state: SuggestionState, cmd: c.Command, now: datetime) -> None:
    """Perform one action on the state, or raise a Refusal saying why not."""
    if cmd.actor.role == Role.system:
        raise Forbidden("the system role cannot act through an update")
    ACTIONS[type(cmd)](state, cmd, now)
    refresh(state, now)
