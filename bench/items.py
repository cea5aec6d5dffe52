"""Suggestions for the benchmarks that drive workflows directly (no API): actors, registrations and
the drill-scaled policies that put many items' clocks on one instant."""

from __future__ import annotations

from datetime import date, timedelta

from core.config_files import load_policy
from domain.enums import Period, Role
from domain.models import Actor, NewSuggestion
from domain.policy import DrillScale, Duration, PolicyProfile

COORDINATOR = Actor(user="coord", role=Role.coordinator)
ADMIN = Actor(user="admin", role=Role.admin)
HANDLER = Actor(user="h-u01", role=Role.unit_handler, unit="U01")
HEAD = Actor(user="head-u01", role=Role.unit_head, unit="U01")
LEAD_DEPUTY = Actor(user="dep1", role=Role.deputy, deputy="D001")
YEAR = 2026


def new_suggestion(number: str, policy: PolicyProfile | None = None, year: int = YEAR) -> NewSuggestion:
    return NewSuggestion(
        number=number,
        year=year,
        period=Period.session,
        title="关于加强老旧小区加装电梯的建议",
        body="建议简化审批流程，加大财政补贴力度，建立加装电梯后续维护资金。",
        field="urban_management",
        lead_deputy="D001",
        co_signers=["D002"],
        delegation="城区代表团",
        received_on=date(year, 3, 5),
        policy=policy or load_policy("national"),
        registered_by=COORDINATOR,
    )


def burst_policy(reply_seconds: int) -> PolicyProfile:
    """The national rules with compressed time in which the reply clock lasts exactly
    `reply_seconds` (one drill day = 1 s) and every other clock (months) lasts weeks, with no
    reminder rungs: migrated onto an assigned item, its reply deadline lands on a chosen second."""
    national = load_policy("national")
    clocks = national.clocks.model_copy(update={
        "reply": Duration(amount=reply_seconds, unit="days"),
        "reply_extended": Duration(amount=36, unit="months"),
        "adjustment_window": Duration(amount=1, unit="months"),
    })
    return national.model_copy(update={
        "name": "bench-burst", "version": f"reply-{reply_seconds}s", "clocks": clocks, "ladders": {},
        "drill": DrillScale(month_seconds=1_000_000, day_seconds=1),
    })


def year_policy(month_seconds: int) -> PolicyProfile:
    """The drill profile's numbers with a chosen month length: a handling year lasts
    12 × month_seconds from registration (domain.follow_up.year_end). Drill days last an hour so
    that no day-based clock (publication, feedback, adjustment window) fires during the benchmark."""
    drill = load_policy("drill")
    return drill.model_copy(update={"version": f"bench-{month_seconds}s",
                                    "drill": DrillScale(month_seconds=month_seconds, day_seconds=3600)})


def seconds(delta: timedelta) -> float:
    return delta.total_seconds()


# --- items built by the domain's own functions, for starting as carried runs ---------------------------
#
# A workflow started with NewSuggestion.carried = state goes on from that state (as after a year-end
# continue-as-new). The benchmarks use this to put many items' clocks on one instant: the state is
# built here with the same domain functions and deadline maths the workflow applies
# (process.register / actions.apply, then what SuggestionWorkflow._schedule_clocks does), and its
# events are written to the ledger with ledger.writes.record_changes, as the workflow's local
# activity would have. The carried run then has nothing to compute or record at its start.


def schedule_clocks(state, now, config_dir=None) -> None:
    """What SuggestionWorkflow._schedule_clocks + activities.scheduling.compute_schedules do."""
    from activities.scheduling import DueRequest
    from core.config_files import load_calendar
    from domain.clocks import set_schedule
    from domain.deadlines import schedule

    todo = [d for d in state.deadlines if d.due_at is None or d.reschedule]
    if not todo:
        return
    calendar = load_calendar(config_dir)
    policy = state.policy
    for deadline in todo:
        r = DueRequest(start=deadline.start, rule=None if deadline.on else deadline.rule, on=deadline.on,
                       ladder=policy.ladders.get(deadline.kind), pauses=deadline.pauses, drill=policy.drill)
        s = schedule(r.start, r.rule, r.ladder, r.pauses, r.drill, calendar, r.on)
        set_schedule(state, deadline, s.due_at, s.ladder, now)


def build(number: str, policy: PolicyProfile, steps: list[tuple["datetime", object]], registered_at,
          year: int = YEAR) -> "SuggestionState":
    """Register at `registered_at`, then apply each (instant, command) as the workflow would."""
    from domain import actions, process
    from domain.models import suggestion_workflow_id

    new = new_suggestion(number, policy, year)
    state = process.register(new, suggestion_workflow_id(new.year, number), registered_at)
    schedule_clocks(state, registered_at)
    for at, cmd in steps:
        actions.apply(state, cmd, at)
        schedule_clocks(state, at)
    return state


def assigned(number: str, policy: PolicyProfile, at) -> "SuggestionState":
    """Registered, accepted and assigned to U01 at `at`: the reply clock runs from `at`."""
    from domain import commands as c

    return build(number, policy, [
        (at - timedelta(seconds=1), c.Accept(actor=COORDINATOR)),
        (at, c.Assign(actor=COORDINATOR, lead_unit="U01")),
    ], at - timedelta(seconds=2))


def b_in_follow_up(number: str, policy: PolicyProfile, registered_at, acted_at) -> "SuggestionState":
    """A B result the deputy rated satisfied, in follow-up (跟踪落实), with a commitment."""
    from domain import commands as c
    from domain.enums import ContactWay, ResultClass, Verdict
    from domain.models import Commitment

    t = lambda k: acted_at + timedelta(seconds=k)  # noqa: E731
    reply = c.DraftReply(
        actor=HANDLER, text="已列入明年改造计划，分批推进。", result_class=ResultClass.B, face_to_face=True,
        replied_by="局长", publish=False, no_publish_reason="涉及未公开的预算安排",
        commitments=[Commitment(what="完成首批50台加装", due_on=date(YEAR + 2, 6, 30))],
    )
    return build(number, policy, [
        (t(0), c.Accept(actor=COORDINATOR)),
        (t(1), c.Assign(actor=COORDINATOR, lead_unit="U01")),
        (t(2), c.SignForReceipt(actor=HANDLER)),
        (t(3), c.LogContact(actor=HANDLER, when=t(2), way=ContactWay.visit, summary="上门走访代表，了解诉求")),
        (t(4), reply),
        (t(5), c.SignOffReply(actor=HEAD)),
        (t(6), c.CheckReply(actor=COORDINATOR, accept=True)),
        (t(7), c.GiveFeedback(actor=LEAD_DEPUTY, verdict=Verdict.satisfied)),
    ], registered_at)


def record_in_ledger(sessions, states) -> None:
    """Every event of each state into the ledger, as the workflow's local activity writes them."""
    from domain.models import ItemChanges
    from ledger.writes import record_changes

    with sessions() as session:
        for state in states:
            record_changes(session, ItemChanges.since(state, 0, 0))


def carried(state) -> NewSuggestion:
    """The workflow input that makes a run go on from `state`."""
    from domain.models import NewSuggestion as N

    new = new_suggestion(state.number, state.policy, state.year)
    return N.model_validate({**new.model_dump(), "policy": state.policy, "carried": state})
