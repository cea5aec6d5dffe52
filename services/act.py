"""Sending an action to an item (办理操作): shared by the API, the console and the CLI.

Maps what Temporal answers to what staff should read: a refused update keeps the
workflow's own reason and becomes 409 / 403 / 422; an ended item is a 409.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from core.config_files import load_policy
from core.errors import Problem, conflict, invalid, not_found
from domain import commands as c
from domain.actions import action_of
from domain.guards import Refusal
from domain.models import Actor, Outcome, SuggestionState
from domain.policy import PolicyError
from ledger.queries import just_recorded

REFUSAL_STATUS = {
    "conflict": (409, "Conflict"),
    "forbidden": (403, "Forbidden"),
    "invalid": (422, "Invalid input"),
    "retry": (503, "Try again"),  # the item is switching runs at year end; nothing was done
}


def problem_of(refusal: Refusal) -> Problem:
    """A rule's refusal checked outside a workflow (a service's own check), as the API answers it."""
    status, title = REFUSAL_STATUS[refusal.kind]
    return Problem(status, title, refusal.message, zh=refusal.zh, code=refusal.code)


async def perform(client: Client, workflow_id: str, cmd: c.Command) -> Outcome:
    """Send one action to an item; a refusal comes back as a Problem carrying the workflow's reason.

    The answer is small (update results stay in the history). The workflow records every change
    in the ledger before it answers, so the item's whole state is then read there (`recorded_state`),
    not by a query: a query costs the worker and the server a workflow task each."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        return await handle.execute_update(action_of(cmd).update, cmd, result_type=Outcome)
    except WorkflowUpdateFailedError as failure:
        cause = failure.cause
        if isinstance(cause, ApplicationError) and cause.type in REFUSAL_STATUS:
            status, title = REFUSAL_STATUS[cause.type]
            headers = {"Retry-After": "2"} if status == 503 else None
            said = cause.details[0] if cause.details and isinstance(cause.details[0], dict) else {}
            raise Problem(status, title, cause.message, headers=headers, zh=said.get("zh"), code=said.get("code")) from None
        raise
    except RPCError as error:
        if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
            raise await _why_not_running(client, workflow_id) from None
        if error.status == RPCStatusCode.RESOURCE_EXHAUSTED:  # e.g. too many actions in flight on one item
            raise Problem(503, "Try again", f"suggestion {workflow_id} is busy: {error.message}",
                          headers={"Retry-After": "1"}) from None
        raise


def recorded_state(session: Session, workflow_id: str) -> SuggestionState:
    """The item's state as the ledger holds it (recent events and contacts not included)."""
    return SuggestionState.model_validate(just_recorded(session, workflow_id).state)


async def _why_not_running(client: Client, workflow_id: str) -> Problem:
    try:
        description = await client.get_workflow_handle(workflow_id).describe()
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return not_found(f"suggestion {workflow_id}")
        raise
    if description.status != WorkflowExecutionStatus.RUNNING:
        return conflict(f"suggestion {workflow_id} has ended; it takes no more actions")
    return Problem(503, "Try again", f"suggestion {workflow_id} could not take the action just now; try again",
                   zh="本件建议暂时无法办理，请稍后再试", code="item.busy")




async def migrate_policy(client: Client, workflow_id: str, profile: str, reason: str, actor: Actor) -> Outcome:
    """Move a running item to the current version of a policy profile (an operator's decision, recorded)."""
    try:
        policy = load_policy(profile)
    except PolicyError as error:
        raise invalid(str(error)) from None
    return await perform(client, workflow_id, c.MigratePolicy(actor=actor, policy=policy, reason=reason))
