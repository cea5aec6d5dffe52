"""Clocks of an item and its timeline: starting, finishing and reopening deadlines,
and recording events (with whom to notify)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.calendar import SHANGHAI
from domain.enums import (
    UNIT_ROLES,
    DeadlineKind,
    DeadlineStatus,
    Period,
    Rung,
    RungStatus,
    WarningLevel,
)
from domain.models import SYSTEM, Actor, Deadline, Event, LadderStep, SuggestionState
from domain.policy import Duration


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def beijing(value: datetime | None) -> str:
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
    on: date | None = None,
) -> Deadline:
    number = 1 + sum(1 for d in state.deadlines if d.kind == kind and d.unit == unit)
    deadline = Deadline(
        key=f"{kind}:{unit or '-'}:{number}",
        kind=kind,
        unit=unit,
        start=start,
        rule=f"on {on}" if on else str(rule),
        on=on,
        policy=state.policy.ref,
        replaces=replaces,
    )
    state.deadlines.append(deadline)
    return deadline


def reply_rule(state: SuggestionState) -> Duration:
    """The reply limit: 3 months (law), or a locality's shorter limit for items received between sessions."""
    clocks = state.policy.clocks
    if state.period == Period.closed and clocks.reply_between_sessions:
        return clocks.reply_between_sessions
    return clocks.reply


def end_clock(deadline: Deadline, status: DeadlineStatus, now: datetime) -> None:
    """Stop a clock and the reminders still ahead of it."""
    if deadline.status == DeadlineStatus.pending:
        deadline.status, deadline.closed_at = status, now
    deadline.level = WarningLevel.none
    for step in deadline.ladder:
        if step.status == RungStatus.pending:
            step.status = RungStatus.cancelled


def reopen(deadline: Deadline, now: datetime) -> None:
    """A duty counted as done is not done after all: its clock and the reminders still ahead run again."""
    if deadline.status == DeadlineStatus.met:
        deadline.status, deadline.closed_at = DeadlineStatus.pending, None
    missed = deadline.status == DeadlineStatus.missed
    for step in deadline.ladder:
        ahead = step.at > now or (missed and step.rung == Rung.escalation)
        if step.status == RungStatus.cancelled and ahead:
            step.status = RungStatus.pending
    if missed:
        deadline.level = WarningLevel.red


def finish_duty(state: SuggestionState, kind: DeadlineKind, unit: str | None, now: datetime) -> bool:
    """The duty behind a clock is done: stop the clock and its reminders. True if it was late."""
    overdue_before = False
    for earlier in state.deadlines:  # a periodic duty missed before is now done too: no longer red
        if earlier.kind == kind and earlier.unit == unit and earlier.status == DeadlineStatus.missed:
            overdue_before = overdue_before or earlier.level == WarningLevel.red
            earlier.level = WarningLevel.none
    deadline = last_deadline(state, kind, unit)
    if deadline is None or deadline.status in (DeadlineStatus.superseded, DeadlineStatus.cancelled):
        return overdue_before
    late = overdue_before or deadline.status == DeadlineStatus.missed or (
        deadline.due_at is not None and now > deadline.due_at
    )
    end_clock(deadline, DeadlineStatus.met, now)
    return late


def cancel_clocks(state: SuggestionState, now: datetime, unit: str | None = None) -> None:
    """Cancel every running clock (of one unit, or of the whole item)."""
    for deadline in state.deadlines:
        if unit is None or deadline.unit == unit:
            if deadline.status == DeadlineStatus.pending or deadline.level != WarningLevel.none:
                end_clock(deadline, DeadlineStatus.cancelled, now)


def last_deadline(state: SuggestionState, kind: DeadlineKind, unit: str | None) -> Deadline | None:
    return next((d for d in reversed(state.deadlines) if d.kind == kind and d.unit == unit), None)


UNIT_STAFF = [role.value for role in UNIT_ROLES]
LEVEL_ORDER = [WarningLevel.none, WarningLevel.blue, WarningLevel.orange, WarningLevel.red]


def notify(
    state: SuggestionState,
    *,
    units: list[str | None] = (),
    heads_only: bool = False,
    coordinator: bool = False,
    deputies: bool = False,
) -> dict[str, list[str]]:
    """Whom an event is for (the ledger turns this into notifications); supervisors follow key items."""
    units = [u for u in units if u]
    roles = (["unit_head"] if heads_only else list(UNIT_STAFF)) if units else []
    if coordinator:
        roles.append("coordinator")
    if state.key_supervision:
        roles.append("supervisor")
    signers = [state.lead_deputy, *state.co_signers] if deputies else []
    return {"roles": roles, "units": units, "deputies": signers}


def clock_recipients(state: SuggestionState, deadline: Deadline, level: WarningLevel) -> dict[str, list[str]]:
    """Who is told when a clock climbs its ladder: whoever owes the duty, the coordinator from orange on."""
    if deadline.kind in (DeadlineKind.assignment, DeadlineKind.rehandling_order):
        return notify(state, coordinator=True)
    urgent = level in (WarningLevel.orange, WarningLevel.red)
    if deadline.kind == DeadlineKind.feedback:
        return notify(state, deputies=True, coordinator=urgent)
    return notify(state, units=[deadline.unit], coordinator=urgent)


def raise_level(deadline: Deadline, level: WarningLevel) -> None:
    if LEVEL_ORDER.index(level) > LEVEL_ORDER.index(deadline.level):
        deadline.level = level


def reach_rung(state: SuggestionState, deadline: Deadline, rung: Rung, now: datetime) -> None:
    """A blue or orange notice: the clock is running out."""
    level = WarningLevel(rung.value)
    raise_level(deadline, level)
    record(
        state, now, SYSTEM, f"reminder_{rung.value}", deadline.unit,
        deadline=deadline.key, kind=deadline.kind.value, level=level.value, due_at=iso(deadline.due_at),
        notify=clock_recipients(state, deadline, level),
    )


def warning_level(state: SuggestionState) -> WarningLevel:
    """The item's warning level: the highest of its clocks' (red while a duty is overdue)."""
    return max((d.level for d in state.deadlines), key=LEVEL_ORDER.index, default=WarningLevel.none)


def due_now(state: SuggestionState, now: datetime) -> list[tuple[datetime, Deadline, LadderStep | None]]:
    """Every clock (step None) and ladder step whose time has come, earliest first."""
    due = []
    for deadline in state.deadlines:
        if not deadline.running or deadline.due_at is None:
            continue
        if deadline.status == DeadlineStatus.pending and deadline.due_at <= now:
            due.append((deadline.due_at, deadline, None))
        due.extend((s.at, deadline, s) for s in deadline.ladder if s.status == RungStatus.pending and s.at <= now)
    # Rungs before the deadline itself at the same instant; escalation after it.
    return sorted(due, key=lambda item: (item[0], item[2] is None))


def set_schedule(state: SuggestionState, deadline: Deadline, due_at: datetime, ladder: list[LadderStep], now: datetime) -> None:
    """Give a clock its computed instants; recorded as deadline_set, or as deadline_moved (old and new)
    when a computed clock changes (a pause ended, the holiday calendar was revised)."""
    first = deadline.due_at is None
    reached = {s.rung: s.status for s in deadline.ladder if s.status != RungStatus.pending}
    for step in ladder:
        if first:
            # A rung whose time had passed when the clock started is not sounded late.
            step.status = RungStatus.skipped if step.at <= now else RungStatus.pending
        else:
            step.status = reached.get(step.rung, RungStatus.pending)
    old_due, old_ladder = deadline.due_at, [s.at for s in deadline.ladder]
    reason, deadline.reschedule = deadline.reschedule, None
    deadline.due_at, deadline.ladder = due_at, ladder
    basis = dict(
        deadline=deadline.key, kind=deadline.kind.value, start=deadline.start.isoformat(), rule=deadline.rule,
        policy=deadline.policy, due_at=due_at.isoformat(), ladder={s.rung.value: s.at.isoformat() for s in ladder},
    )
    if first:
        record(state, now, SYSTEM, "deadline_set", deadline.unit, **basis, replaces=deadline.replaces)
    elif old_due != due_at or old_ladder != [s.at for s in ladder]:
        record(
            state, now, SYSTEM, "deadline_moved", deadline.unit, **basis, old_due_at=iso(old_due), reason=reason,
            notify=clock_recipients(state, deadline, WarningLevel.none),
        )
