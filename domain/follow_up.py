"""Across years (docs/process.md, steps 9–10): follow-up of B and C results until they are solved
(跟踪落实, 回头看), carry-over into the next handling year (跨年度结转), and moving a running
item to a newer policy version."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain import commands as c
from domain.calendar import add_months, end_of_day, local_date
from domain.clocks import finish_duty, notify, record, reply_rule, start_clock
from domain.enums import DeadlineKind, DeadlineStatus, ResultClass, Role, Stage, Verdict
from domain.guards import (
    Conflict,
    Invalid,
    own_assignment,
    require_assigned,
    require_role,
    stage_zh,
)
from domain.models import (
    SYSTEM,
    Assignment,
    ClassChange,
    Commitment,
    Deadline,
    ProgressReport,
    SuggestionState,
)
from domain.policy import Duration, PolicyProfile


def ask_for_rating(state: SuggestionState, assignment: Assignment, now: datetime) -> None:
    """Put the unit's result to the deputies: they rate it within the feedback window."""
    assignment.stage = Stage.awaiting_feedback
    assignment.feedback_requests += 1
    start_clock(state, DeadlineKind.feedback, assignment.unit, now, state.policy.clocks.feedback)


def set_class(
    state: SuggestionState, assignment: Assignment, to: ResultClass, commitments: list[Commitment], now: datetime
) -> None:
    """A unit's result takes a class (at the reply, or re-classified in follow-up); each change is kept."""
    if assignment.result_class != to:
        state.class_changes.append(ClassChange(unit=assignment.unit, at=now, from_class=assignment.result_class, to_class=to))
    assignment.result_class = to
    if commitments or to != ResultClass.B:
        assignment.commitments = list(commitments)


def _interval(state: SuggestionState, assignment: Assignment) -> Duration:
    clocks = state.policy.clocks
    return clocks.follow_up_report if assignment.result_class == ResultClass.B else clocks.c_review


def _roughly(day: date, rule: Duration) -> date:
    """Where a rule lands, near enough to compare with a commitment date (no calendar needed)."""
    if rule.unit == "months":
        return add_months(day, rule.amount)
    return day + timedelta(days=rule.amount if rule.unit == "days" else rule.amount * 7 // 5)


def start(state: SuggestionState, assignment: Assignment, now: datetime) -> None:
    """The unit's result stays open: its next progress report is due at the next commitment
    date, or at the policy's interval (quarterly for B, yearly for C), whichever comes first."""
    assignment.stage = Stage.follow_up
    rule = _interval(state, assignment)
    today = local_date(now)
    ahead = sorted(x.due_on for x in assignment.commitments if x.due_on > today)
    if ahead and not state.policy.drill and ahead[0] <= _roughly(today, rule):
        start_clock(state, DeadlineKind.follow_up_report, assignment.unit, now, rule, on=ahead[0])
    else:
        start_clock(state, DeadlineKind.follow_up_report, assignment.unit, now, rule)


def report_missed(state: SuggestionState, deadline: Deadline, now: datetime) -> None:
    """A report did not come: recorded red; the next report's clock starts from the missed date."""
    assignment = state.assignment(deadline.unit)
    start(state, assignment, deadline.due_at)
    assignment.stage = Stage.follow_up


def report_progress(state: SuggestionState, cmd: c.ReportProgress, now: datetime) -> None:
    require_assigned(state, "reporting follow-up progress")
    assignment = own_assignment(state, cmd.actor, "reporting follow-up progress")
    if assignment.stage != Stage.follow_up:
        stage = assignment.stage.value if assignment.stage else "co-handling"
        raise Conflict(f"only a B or C result in follow-up reports progress; unit {assignment.unit}'s part is {stage}", f"只有跟踪落实中的B类、C类件报告落实进展；单位{assignment.unit}的办理阶段是{stage_zh(assignment.stage)}", "progress.not_in_follow_up")
    to = cmd.result_class or assignment.result_class
    if to.value not in state.policy.result_classes:
        raise Invalid(f"result class {to.value} is not used by policy {state.policy.ref}", f"办理规则{state.policy.ref}不使用{to.value}类", "class.not_in_policy")
    if to == ResultClass.B and to != assignment.result_class and not cmd.commitments:
        raise Invalid("re-classifying to B needs the commitments, each with a target date", "改为B类须列明承诺事项及各自的完成时限", "commitments.missing")
    if any(x.due_on < local_date(now) for x in cmd.commitments):
        raise Invalid("a commitment's target date cannot be in the past", "承诺事项的完成时限不能早于今天", "commitments.past")
    late = finish_duty(state, DeadlineKind.follow_up_report, assignment.unit, now)
    before = assignment.result_class
    state.progress.append(
        ProgressReport(unit=assignment.unit, text=cmd.text, by=cmd.actor.user, at=now, result_class=to, late=late)
    )
    set_class(state, assignment, to, cmd.commitments, now)
    record(
        state, now, cmd.actor, "progress_reported", assignment.unit, late=late,
        from_class=before.value, result_class=to.value,
    )
    if to == ResultClass.A:
        # Solved now: the deputies rate again, and a satisfied rating closes it.
        assignment.rerating = True
        ask_for_rating(state, assignment, now)
        record(state, now, SYSTEM, "reclassified", assignment.unit, from_class=before.value, result_class="A",
               notify=notify(state, deputies=True))
        return
    start(state, assignment, now)


def rerated(state: SuggestionState, assignment: Assignment, verdict: Verdict | None, now: datetime) -> None:
    """The deputies' rating of a result re-classified to A."""
    assignment.rerating = False
    if verdict == Verdict.unsatisfied:
        # Not solved in the deputy's eyes: back to the class it had, and follow-up goes on.
        previous = next(
            (x.from_class for x in reversed(state.class_changes) if x.unit == assignment.unit and x.to_class == ResultClass.A),
            ResultClass.B,
        )
        set_class(state, assignment, previous, assignment.commitments, now)
        record(state, now, SYSTEM, "reclassification_disputed", assignment.unit, result_class=previous.value)
        start(state, assignment, now)
        return
    assignment.outcome = verdict.value if verdict else "no_feedback"
    assignment.stage = Stage.closed


# --- carry-over into the next handling year -------------------------------------------------------


def year_end(state: SuggestionState) -> datetime:
    """The end of the item's handling year: 31 Dec, 23:59:59 Beijing time. Under a drill profile a year is
    twelve compressed months: on the system's shared rehearsal clock, or (items from before it) from the
    item's registration; past the clock's final year (the demo's), the calendar's end again."""
    drill = state.policy.drill
    if drill and (next_year := drill.year_begins(state.handling_year + 1)) is not None:
        return next_year
    if drill and drill.final_year is None:
        years = state.handling_year - state.year + 1
        return state.registered_at + timedelta(seconds=12 * drill.month_seconds * years)
    return end_of_day(date(state.handling_year, 12, 31))


def carry_over(state: SuggestionState, now: datetime) -> None:
    """The item moves into the next handling year — every year whose end has passed — the same
    item with its history (跨年度结转). Open B and C results and overdue items go on the
    carry-over ledger (跨年度跟踪督办台账)."""
    while now >= year_end(state):
        result_class = state.result_class()
        tracked = state.overdue or result_class in (ResultClass.B, ResultClass.C, ResultClass.D)
        record(
            state, now, SYSTEM, "carried_over", state.lead_unit(),
            from_year=state.handling_year, to_year=state.handling_year + 1,
            result_class=result_class.value if result_class else None, overdue=state.overdue, tracked=tracked,
            units=[t.unit for t in state.tracks()],
        )
        state.handling_year += 1
        state.carry_over_count += 1


# --- policy versions ---------------------------------------------------------------------------------


def _rule_for(state: SuggestionState, deadline: Deadline) -> Duration | None:
    """The rule a clock of this kind has under the item's (new) policy; None for fixed dates."""
    clocks, kind = state.policy.clocks, deadline.kind
    if deadline.on:
        return None
    if kind == DeadlineKind.reply:
        return clocks.reply_extended if deadline.replaces else reply_rule(state)
    if kind == DeadlineKind.follow_up_report:
        return _interval(state, state.assignment(deadline.unit))
    return {
        DeadlineKind.assignment: clocks.assignment_between_sessions,
        DeadlineKind.adjustment_window: clocks.adjustment_window,
        DeadlineKind.co_opinion: clocks.co_opinion,
        DeadlineKind.feedback: clocks.feedback,
        DeadlineKind.rehandling_order: clocks.rehandling_order,
        DeadlineKind.second_reply: clocks.second_reply,
        DeadlineKind.key_report: clocks.key_report,
        DeadlineKind.publication: clocks.publication,
    }[kind]


def _on_the_same_clock(new: PolicyProfile, old: PolicyProfile) -> PolicyProfile:
    """A drill profile given without a rehearsal clock keeps the item's: its years go on ending with the others'."""
    if new.drill is None or new.drill.epoch is not None or old.drill is None or old.drill.epoch is None:
        return new
    clock = {"epoch": old.drill.epoch, "epoch_year": old.drill.epoch_year}
    return new.model_copy(update={"drill": new.drill.model_copy(update=clock)})


def migrate_policy(state: SuggestionState, cmd: c.MigratePolicy, now: datetime) -> None:
    """An operator moves a running item to another policy version, with a recorded reason;
    its running clocks are computed again under the new rules."""
    require_role(cmd.actor, "migrating an item's policy", Role.admin)
    if state.ended:
        raise Conflict(f"suggestion {state.number} has ended; its policy stays as it was", f"第{state.number}号建议已办结，办理规则不再变更", "item.ended")
    if cmd.policy.ref == state.policy.ref:
        raise Conflict(f"suggestion {state.number} already runs under {state.policy.ref}", f"第{state.number}号建议已在按{state.policy.ref}办理", "policy.same")
    old = state.policy.ref
    state.policy = _on_the_same_clock(cmd.policy, state.policy)
    for deadline in state.deadlines:
        if deadline.status == DeadlineStatus.pending and deadline.due_at is not None:
            rule = _rule_for(state, deadline)
            if rule is not None:
                deadline.rule = str(rule)
            deadline.policy = cmd.policy.ref
            deadline.reschedule = f"policy migrated from {old} to {cmd.policy.ref}"
    record(state, now, cmd.actor, "policy_migrated", from_policy=old, to_policy=cmd.policy.ref, reason=cmd.reason)

