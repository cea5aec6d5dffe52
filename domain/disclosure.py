"""Public disclosure of replies (答复公开): a publishable reply goes public on its timer,
within the policy's limit of the reply; one marked not for publication records why and never does."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.clocks import end_clock, record, start_clock
from domain.enums import DeadlineKind, DeadlineStatus, Role, Stage
from domain.guards import Conflict, pick_track, require_role
from domain.models import SYSTEM, Deadline, Reply, SuggestionState


def schedule(state: SuggestionState, unit: str, reply: Reply, now: datetime) -> None:
    """At the reply: its publication clock starts, or the reason it stays private is recorded."""
    if reply.publish:
        start_clock(state, DeadlineKind.publication, unit, now, state.policy.clocks.publication)
    else:
        record(state, now, SYSTEM, "reply_not_published", unit, round=reply.round, reason=reply.no_publish_reason)


def publish(state: SuggestionState, deadline: Deadline, now: datetime) -> None:
    """The reply goes public: the event carries the text to publish (contact details are masked
    by the public pages)."""
    end_clock(deadline, DeadlineStatus.met, now)
    reply = next(r for r in reversed(state.replies) if r.unit == deadline.unit and r.publish)
    reply.published_at = now
    record(
        state, now, SYSTEM, "reply_published", deadline.unit, round=reply.round,
        result_class=reply.result_class.value, public_text=reply.public_text, field=state.field,
        title=state.title, number=state.number, year=state.year,
    )


def publish_now(state: SuggestionState, now: datetime) -> None:
    for deadline in state.deadlines:
        if deadline.kind == DeadlineKind.publication and deadline.status == DeadlineStatus.pending:
            publish(state, deadline, now)


def withdraw_publication(state: SuggestionState, cmd: c.WithdrawPublication, now: datetime) -> None:
    require_role(cmd.actor, "withdrawing a reply from publication", Role.coordinator)
    # A closed item's reply may still be taken off the public pages while its workflow runs.
    if state.stage in (Stage.registered, Stage.returned_for_revision, Stage.converted):
        raise Conflict(f"withdrawing a reply from publication: suggestion {state.number} has no reply", f"撤回公开：第{state.number}号建议还没有答复", "reply.none")
    public = {r.unit for r in state.replies if r.published_at and not r.withdrawn_at}
    pending = {d.unit for d in state.deadlines if d.kind == DeadlineKind.publication and d.status == DeadlineStatus.pending}
    candidates = [t for t in state.active_assignments() if t.unit in public | pending]
    track = pick_track(state, candidates, cmd.unit, "no published or scheduled reply to withdraw")
    for deadline in state.deadlines:
        if deadline.kind == DeadlineKind.publication and deadline.unit == track.unit:
            end_clock(deadline, DeadlineStatus.cancelled, now)
    for reply in state.replies:
        if reply.unit == track.unit and reply.publish and not reply.withdrawn_at:
            reply.withdrawn_at = now
    record(state, now, cmd.actor, "publication_withdrawn", track.unit, reason=cmd.reason)
