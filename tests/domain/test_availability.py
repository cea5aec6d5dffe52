"""What each person may do with an item now, as the rules themselves answer (domain.actions.availability):
the console shows these actions as forms, and the others with the rule's reason."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from domain import commands as c
from domain import process
from domain.actions import ACTIONS, apply, availability
from domain.clocks import set_schedule
from tests.helpers import COORDINATOR, LEAD_DEPUTY, handler, head, new_suggestion

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)


def registered():
    state = process.register(new_suggestion("A1"), "suggestion-2026-A1", NOW)
    for deadline in state.deadlines:
        set_schedule(state, deadline, NOW + timedelta(days=30), [], NOW)
    return state


def allowed(answers: dict[str, str | None]) -> set[str]:
    return {name for name, reason in answers.items() if reason is None}


def test_a_registered_item_offers_the_coordinator_the_review_and_no_one_else_anything():
    state = registered()
    coordinator = availability(state, COORDINATOR, NOW)
    assert allowed(coordinator) == {"accept", "return-for-revision", "convert"}
    assert coordinator["assign"] == "请先审查受理，再交办"
    assert allowed(availability(state, handler("U01"), NOW)) == set()
    assert availability(state, handler("U01"), NOW)["accept"] == "审查受理建议由交办督办机构办理，您的身份是承办单位经办人"
    assert set(availability(state, COORDINATOR, NOW)) == {a.name for a in ACTIONS}
    assert state == registered().model_copy(update={"registered_at": state.registered_at})  # untouched


def test_after_assignment_the_unit_signs_and_the_head_cannot_draft():
    state = registered()
    apply(state, c.Accept(actor=COORDINATOR), NOW)
    apply(state, c.Assign(actor=COORDINATOR, lead_unit="U01"), NOW)
    for deadline in state.deadlines:
        if deadline.due_at is None:
            set_schedule(state, deadline, NOW + timedelta(days=30), [], NOW)
    handler_may = allowed(availability(state, handler("U01"), NOW))
    assert {"sign-for-receipt", "log-contact", "request-adjustment", "request-extension"} <= handler_may
    assert "draft-reply" not in handler_may  # not signed for yet
    assert "由承办单位经办人办理" in availability(state, head("U01"), NOW)["draft-reply"]
    assert availability(state, handler("U02"), NOW)["sign-for-receipt"] == "第A1号建议未交由单位U02承办"
    assert allowed(availability(state, LEAD_DEPUTY, NOW)) == set()
