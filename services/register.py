"""Registering a suggestion (登记): check the input, allocate a number, start the item's workflow.

Shared by the API, the console and the CLI (and the import). A number already taken is a 409.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timezone

from pydantic import Field
from sqlalchemy.orm import Session
from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from core.config_files import load_policy
from core.errors import conflict, invalid
from core.settings import Settings
from domain.enums import Period
from domain.fields import FIELDS, field_code
from domain.models import Actor, Model, NewSuggestion, Outcome, suggestion_workflow_id
from domain.policy import PolicyError
from ledger.queries import next_number, unknown_deputies
from workflows.suggestion import SuggestionWorkflow as W
from workflows.suggestion import starting_search_attributes


class SuggestionInput(Model):
    """What registering a suggestion takes; the number is allocated when not given."""

    year: int = Field(ge=2000, le=2100)
    period: Period
    title: str = Field(min_length=1, max_length=500)
    body: str = Field(min_length=1)
    field: str
    lead_deputy: str
    co_signers: list[str] = []
    received_on: date
    number: str | None = None
    delegation: str = ""
    policy: str | None = None  # a policy profile other than the deployment's, e.g. "drill" for rehearsals


def input_errors(session: Session, data: SuggestionInput) -> list[str]:
    """What is wrong with a registration before anything starts (unknown deputies or field)."""
    errors = []
    if field_code(data.field) is None:
        errors.append(f"unknown field {data.field!r}; use one of: {', '.join(FIELDS)}")
    missing = unknown_deputies(session, [data.lead_deputy, *data.co_signers])
    if missing:
        errors.append(f"unknown deputies: {', '.join(missing)}")
    if data.lead_deputy in data.co_signers:
        errors.append("the lead deputy cannot also be a co-signer")
    return errors


async def register(
    client: Client, session: Session, settings: Settings, data: SuggestionInput, actor: Actor
) -> Outcome:
    """登记: check the input, allocate a number if none was given, start the item."""
    errors = input_errors(session, data)
    if errors:
        raise invalid("; ".join(errors))
    try:
        policy = load_policy(data.policy or settings.huiyin_policy)
    except PolicyError as error:
        raise invalid(str(error)) from None
    new = NewSuggestion(
        **data.model_dump(exclude={"number", "field", "policy"}),
        number=data.number or next_number(session, data.year),
        field=field_code(data.field),
        policy=policy,
        registered_by=actor,
    )
    session.commit()  # give the connection back while the workflow starts
    return await start_suggestion(client, settings.temporal_task_queue, new)


async def start_suggestion(client: Client, task_queue: str, new: NewSuggestion) -> Outcome:
    """Register (登记): start the item's workflow; returns once it is recorded in the ledger."""
    try:
        workflow_id = suggestion_workflow_id(new.year, new.number)
    except ValueError as error:
        raise invalid(str(error)) from None
    # Started and asked in one request: the first workflow task already holds the question.
    start = WithStartWorkflowOperation(
        W.run,
        new,
        id=workflow_id,
        task_queue=task_queue,
        search_attributes=starting_search_attributes(new, workflow_id, datetime.now(timezone.utc)),
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )
    try:
        return await client.execute_update_with_start_workflow(W.current_state, start_workflow_operation=start)
    except (WorkflowAlreadyStartedError, RPCError) as error:
        if isinstance(error, RPCError) and error.status != RPCStatusCode.ALREADY_EXISTS:
            raise
        with contextlib.suppress(Exception):
            await start.workflow_handle()  # collect the start's own failure too (else asyncio logs it as unretrieved)
        raise conflict(f"suggestion number {new.number} already exists for {new.year}") from None
