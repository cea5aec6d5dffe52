"""The four contacts with the deputy (四沟通): a contact's phase follows the unit's progress unless given."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from domain import commands as c
from domain import process
from domain.actions import apply
from domain.clocks import set_schedule
from domain.enums import ContactPhase, ContactWay
from tests.helpers import COORDINATOR, draft, handler, head, new_suggestion

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)


def assigned():
    state = process.register(new_suggestion("C1"), "suggestion-2026-C1", NOW)
    apply(state, c.Accept(actor=COORDINATOR), NOW)
    apply(state, c.Assign(actor=COORDINATOR, lead_unit="U01"), NOW)
    for deadline in state.deadlines:
        if deadline.due_at is None:
            set_schedule(state, deadline, NOW + timedelta(days=60), [], NOW)
    apply(state, c.SignForReceipt(actor=handler("U01")), NOW)
    return state


def contact(state, at: datetime, phase: ContactPhase | None = None) -> ContactPhase:
    apply(state, c.LogContact(actor=handler("U01"), when=at - timedelta(hours=1), way=ContactWay.phone,
                              summary="电话沟通。", phase=phase), at)
    return state.contacts[-1].phase


def test_contacts_are_before_during_at_reply_and_after_as_the_unit_goes():
    state = assigned()
    assert contact(state, NOW + timedelta(days=1)) == ContactPhase.before
    assert contact(state, NOW + timedelta(days=2)) == ContactPhase.during
    apply(state, draft("U01"), NOW + timedelta(days=3))
    assert contact(state, NOW + timedelta(days=4)) == ContactPhase.at_reply
    apply(state, c.SignOffReply(actor=head("U01")), NOW + timedelta(days=5))
    apply(state, c.CheckReply(actor=COORDINATOR, accept=True), NOW + timedelta(days=5))
    assert contact(state, NOW + timedelta(days=6)) == ContactPhase.after
    assert state.events[-1].detail["phase"] == "after"  # the timeline says which contact it was


def test_a_phase_given_is_kept():
    state = assigned()
    assert contact(state, NOW + timedelta(days=1), ContactPhase.during) == ContactPhase.during
