"""Deadlines that bite (docs/process.md "Clocks, reminders and escalation", "Key supervision"):
escalation into key supervision (重点督办), its monthly reports and supervision actions,
and clocks paused while the unit waits on the deputy."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.clocks import finish_duty, iso, notify, raise_level, record, start_clock
from domain.enums import (
    DeadlineKind,
    DeadlineStatus,
    KeyStatus,
    Role,
    SupervisionActionKind,
    WarningLevel,
)
from domain.guards import (
    Conflict,
    Invalid,
    own_assignment,
    require_assigned,
    require_role,
)
from domain.models import (
    SYSTEM,
    Deadline,
    KeyReport,
    KeySupervision,
    Pause,
    SuggestionState,
    SupervisionAction,
    SupervisionOpinion,
)

# Clocks of the units' work, which stand still while the unit waits on the deputy.
PAUSABLE = (DeadlineKind.co_opinion, DeadlineKind.reply, DeadlineKind.second_reply)


def propose(state: SuggestionState, source: str, unit: str | None, now: datetime) -> None:
    """An escalation becomes a proposal the coordinator confirms or declines."""
    key = state.key
    if key and key.status in (KeyStatus.proposed, KeyStatus.designated):
        return
    state.key = KeySupervision(status=KeyStatus.proposed, source=source, proposed_at=now)
    record(
        state, now, SYSTEM, "key_supervision_proposed", unit, source=source,
        notify=notify(state, units=[unit], heads_only=True, coordinator=True),
    )


def escalate(state: SuggestionState, deadline: Deadline, now: datetime) -> None:
    """Still not done long after the deadline: propose key supervision, an interview (约谈) is due."""
    state.interview_due = True
    raise_level(deadline, WarningLevel.red)
    record(
        state, now, SYSTEM, "interview_due", deadline.unit, deadline=deadline.key, due_at=iso(deadline.due_at),
        notify=notify(state, units=[deadline.unit], heads_only=True, coordinator=True),
    )
    propose(state, "overdue", deadline.unit, now)


def designate_key_supervision(state: SuggestionState, cmd: c.DesignateKeySupervision, now: datetime) -> None:
    require_role(cmd.actor, "designating key supervision", Role.coordinator)
    require_assigned(state, "designating key supervision")
    key = state.key
    if key and key.status == KeyStatus.designated:
        raise Conflict(f"suggestion {state.number} is already under key supervision", f"第{state.number}号建议已列为重点督办", "key.already")
    source = key.source if key and key.status == KeyStatus.proposed else "council"
    state.key = KeySupervision(
        status=KeyStatus.designated, source=source, proposed_at=key.proposed_at if key else None,
        decided_at=now, decided_by=cmd.actor.user, reason=cmd.reason, council_member=cmd.council_member,
        government_leader=cmd.government_leader, theme=cmd.theme,
    )
    state.key_supervision = True
    for track in state.tracks():
        start_clock(state, DeadlineKind.key_report, track.unit, now, state.policy.clocks.key_report)
    record(
        state, now, cmd.actor, "key_supervision_designated", source=source, theme=cmd.theme,
        council_member=cmd.council_member, government_leader=cmd.government_leader,
        notify=notify(state, units=[t.unit for t in state.tracks()], coordinator=True),
    )


def track_monthly(state: SuggestionState, now: datetime) -> None:
    """A kind tracked monthly from its assignment (a livelihood project's 挂图作战, domain.kinds) is a key item
    from the start: the deputies' vote chose it, no council decides; each replying unit reports monthly."""
    state.key = KeySupervision(status=KeyStatus.designated, source="deputies_vote", decided_at=now, theme="民生实事项目")
    state.key_supervision = True
    for track in state.tracks():
        start_clock(state, DeadlineKind.key_report, track.unit, now, state.policy.clocks.key_report)
    record(state, now, SYSTEM, "key_supervision_designated", source="deputies_vote", theme="民生实事项目",
           notify=notify(state, units=[t.unit for t in state.tracks()], coordinator=True))


def decline_key_supervision(state: SuggestionState, cmd: c.DeclineKeySupervision, now: datetime) -> None:
    require_role(cmd.actor, "declining key supervision", Role.coordinator)
    require_assigned(state, "declining key supervision")
    if not state.key or state.key.status != KeyStatus.proposed:
        raise Conflict("no key-supervision proposal awaits a decision", "没有待决定的重点督办提议", "key.no_proposal")
    state.key.status, state.key.decided_at, state.key.decided_by = KeyStatus.declined, now, cmd.actor.user
    state.key.reason = cmd.reason
    record(state, now, cmd.actor, "key_supervision_declined", reason=cmd.reason)


def report_key_progress(state: SuggestionState, cmd: c.ReportKeyProgress, now: datetime) -> None:
    require_assigned(state, "reporting key-item progress")
    assignment = own_assignment(state, cmd.actor, "reporting key-item progress")
    if not state.key_supervision:
        raise Conflict(f"suggestion {state.number} is not under key supervision; no monthly report is due", f"第{state.number}号建议未列为重点督办，无需报送月度进展", "key.not_key")
    if not assignment.replies_to_deputy:
        raise Conflict("the replying unit reports a key item's progress, not a co-handling unit", "重点督办进展由答复单位报送，协办单位不报送", "key.co_unit")
    late = finish_duty(state, DeadlineKind.key_report, assignment.unit, now)
    state.key.reports.append(KeyReport(unit=assignment.unit, text=cmd.text, by=cmd.actor.user, at=now, late=late))
    start_clock(state, DeadlineKind.key_report, assignment.unit, now, state.policy.clocks.key_report)
    record(state, now, cmd.actor, "key_progress_reported", assignment.unit, late=late)


def key_report_missed(state: SuggestionState, deadline: Deadline, now: datetime) -> None:
    """A month passed without a report: the next month's clock starts anyway."""
    start_clock(state, DeadlineKind.key_report, deadline.unit, deadline.due_at, state.policy.clocks.key_report)


def record_supervision_action(state: SuggestionState, cmd: c.RecordSupervisionAction, now: datetime) -> None:
    require_role(cmd.actor, "recording a supervision action", Role.coordinator, Role.supervisor)
    require_assigned(state, "recording a supervision action")
    if cmd.when.tzinfo is None:
        raise Invalid("give the time with its time zone, e.g. 2026-05-05T10:00:00+08:00", "时间须带时区，如 2026-05-05T10:00:00+08:00", "time.no_zone")
    if cmd.when > now:
        raise Invalid("a supervision action cannot be recorded for a time in the future", "不能记录将来时间的督办活动", "time.future")
    action = SupervisionAction(
        kind=cmd.kind, when=cmd.when, summary=cmd.summary, participants=cmd.participants,
        recorded_by=cmd.actor.user, recorded_at=now,
    )
    if state.key is None:
        state.key = KeySupervision(status=KeyStatus.declined, source="none")  # holds the record only
    state.key.actions.append(action)
    if cmd.kind == SupervisionActionKind.interview:
        state.interview_due = False
    if cmd.kind == SupervisionActionKind.consultation:
        state.consultation_due = False
    record(state, now, cmd.actor, "supervision_action_recorded", kind=cmd.kind.value, when=iso(cmd.when))


def add_supervision_opinion(state: SuggestionState, cmd: c.AddSupervisionOpinion, now: datetime) -> None:
    require_role(cmd.actor, "adding a supervision opinion", Role.supervisor)
    require_assigned(state, "adding a supervision opinion")
    if not state.key_supervision:
        raise Conflict(f"suggestion {state.number} is not under key supervision", f"第{state.number}号建议未列为重点督办", "key.not_key")
    state.key.opinions.append(SupervisionOpinion(text=cmd.text, by=cmd.actor.user, at=now))
    record(state, now, cmd.actor, "supervision_opinion_added", notify=notify(state, units=[t.unit for t in state.tracks()]))


# --- pausing clocks ------------------------------------------------------------------------------


def _pausable(state: SuggestionState, unit: str | None) -> list[Deadline]:
    if unit is not None and state.assignment(unit) is None:
        raise Invalid(f"unit {unit} is not assigned this suggestion", f"单位{unit}未承办本件建议", "unit.not_assigned")
    return [
        d for d in state.deadlines
        if d.kind in PAUSABLE and d.status == DeadlineStatus.pending and (unit is None or d.unit == unit)
    ]


def pause_clock(state: SuggestionState, cmd: c.PauseClock, now: datetime) -> None:
    require_role(cmd.actor, "pausing a clock", Role.coordinator)
    require_assigned(state, "pausing a clock")
    running = [d for d in _pausable(state, cmd.unit) if not d.paused]
    if not running:
        raise Conflict("no running reply or co-opinion clock to pause", "没有正在计时的答复或协办意见期限可以暂停", "clock.none_running")
    for deadline in running:
        deadline.pauses.append(Pause(paused_at=now, reason=cmd.reason))
    record(
        state, now, cmd.actor, "clock_paused", cmd.unit, reason=cmd.reason, deadlines=[d.key for d in running],
        notify=notify(state, units=sorted({d.unit for d in running})),
    )


def resume_clock(state: SuggestionState, cmd: c.ResumeClock, now: datetime) -> None:
    require_role(cmd.actor, "resuming a clock", Role.coordinator)
    require_assigned(state, "resuming a clock")
    paused = [d for d in _pausable(state, cmd.unit) if d.paused]
    if not paused:
        raise Conflict("no paused clock to resume", "没有暂停中的期限可以恢复", "clock.none_paused")
    for deadline in paused:
        deadline.pauses[-1].resumed_at = now
        deadline.reschedule = f"resumed after a pause: {deadline.pauses[-1].reason}"
    record(state, now, cmd.actor, "clock_resumed", cmd.unit, reason=cmd.reason, deadlines=[d.key for d in paused])


def calendar_revised(state: SuggestionState, year: int, now: datetime) -> None:
    """Official holidays of a year were loaded or corrected: every running clock is computed again;
    only those whose instants change are recorded (as deadline_moved)."""
    for deadline in state.deadlines:
        if deadline.status == DeadlineStatus.pending and deadline.due_at is not None:
            deadline.reschedule = f"holiday calendar {year} revised"
