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
from domain.models import Actor, Outcome, SuggestionState
from domain.policy import PolicyError
from ledger.queries import just_recorded
from workflows.suggestion import SuggestionWorkflow as W

# Action name in the API path → (workflow update, command model).
ACTIONS = {
    "accept": (W.accept, c.Accept),
    "return-for-revision": (W.return_for_revision, c.ReturnForRevision),
    "resubmit": (W.resubmit, c.Resubmit),
    "convert": (W.convert, c.Convert),
    "assign": (W.assign, c.Assign),
    "sign-for-receipt": (W.sign_for_receipt, c.SignForReceipt),
    "request-adjustment": (W.request_adjustment, c.RequestAdjustment),
    "decide-adjustment": (W.decide_adjustment, c.DecideAdjustment),
    "log-contact": (W.log_contact, c.LogContact),
    "submit-co-opinion": (W.submit_co_opinion, c.SubmitCoOpinion),
    "request-extension": (W.request_extension, c.RequestExtension),
    "decide-extension": (W.decide_extension, c.DecideExtension),
    "draft-reply": (W.draft_reply, c.DraftReply),
    "sign-off-reply": (W.sign_off_reply, c.SignOffReply),
    "check-reply": (W.check_reply, c.CheckReply),
    "give-feedback": (W.give_feedback, c.GiveFeedback),
    "order-rehandling": (W.order_rehandling, c.OrderRehandling),
    "designate-key-supervision": (W.designate_key_supervision, c.DesignateKeySupervision),
    "decline-key-supervision": (W.decline_key_supervision, c.DeclineKeySupervision),
    "report-key-progress": (W.report_key_progress, c.ReportKeyProgress),
    "record-supervision-action": (W.record_supervision_action, c.RecordSupervisionAction),
    "add-supervision-opinion": (W.add_supervision_opinion, c.AddSupervisionOpinion),
    "pause-clock": (W.pause_clock, c.PauseClock),
    "resume-clock": (W.resume_clock, c.ResumeClock),
    "report-progress": (W.report_progress, c.ReportProgress),
    "withdraw-publication": (W.withdraw_publication, c.WithdrawPublication),
    "migrate-policy": (W.migrate_policy, c.MigratePolicy),  # its body names a profile: see migrate_policy below
}

REFUSAL_STATUS = {
    "conflict": (409, "Conflict"),
    "forbidden": (403, "Forbidden"),
    "invalid": (422, "Invalid input"),
    "retry": (503, "Try again"),  # the item is switching runs at year end; nothing was done
}



async def perform(client: Client, workflow_id: str, action: str, cmd: c.Command) -> Outcome:
    """Send one action to an item; a refusal comes back as a Problem carrying the workflow's reason.

    The answer is small (update results stay in the history). The workflow records every change
    in the ledger before it answers, so the item's whole state is then read there (`recorded_state`),
    not by a query: a query costs the worker and the server a workflow task each."""
    update, _ = ACTIONS[action]
    handle = client.get_workflow_handle(workflow_id)
    try:
        return await handle.execute_update(update, cmd)
    except WorkflowUpdateFailedError as failure:
        cause = failure.cause
        if isinstance(cause, ApplicationError) and cause.type in REFUSAL_STATUS:
            status, title = REFUSAL_STATUS[cause.type]
            headers = {"Retry-After": "2"} if status == 503 else None
            raise Problem(status, title, cause.message, headers=headers) from None
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
    return Problem(503, "Try again", f"suggestion {workflow_id} could not take the action just now; try again")




async def migrate_policy(client: Client, workflow_id: str, profile: str, reason: str, actor: Actor) -> Outcome:
    """Move a running item to the current version of a policy profile (an operator's decision, recorded)."""
    try:
        policy = load_policy(profile)
    except PolicyError as error:
        raise invalid(str(error)) from None
    return await perform(client, workflow_id, "migrate-policy", c.MigratePolicy(actor=actor, policy=policy, reason=reason))
