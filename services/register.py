"""Registering an item of any kind (登记): check the input, allocate a number, start the kind's workflow.

Shared by the API, the console and the CLI (and the import). A number already taken is a 409.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timezone
from typing import Annotated

from pydantic import Field, model_validator
from sqlalchemy.orm import Session
from temporalio.client import Client, WithStartWorkflowOperation, WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from core.config_files import load_policy, with_drill_clock
from core.errors import Problem, conflict, forbidden, invalid
from core.settings import Settings
from domain import limits
from domain.enums import Period
from domain.fields import FIELDS, field_code
from domain.kinds import KINDS, Kind, number_problem
from domain.labels import ROLE_LABELS
from domain.models import (
    NUMBER_PATTERN,
    NUMBER_RULE,
    NUMBER_RULE_ZH,
    Actor,
    Model,
    NewSuggestion,
    Outcome,
    suggestion_workflow_id,
)
from domain.oversight_text import item_summary
from domain.policy import PolicyError, PolicyProfile
from ledger.queries import next_number, unknown_deputies
from workflows.by_kind import WORKFLOW_FOR
from workflows.item import starting_search_attributes

Code = Annotated[str, Field(min_length=1, max_length=limits.CODE)]


class SuggestionInput(Model):
    """What registering a suggestion takes; the number is allocated when not given (docs/limits.md)."""

    year: int = Field(ge=2000, le=2100)
    period: Period
    title: str = Field(min_length=1, max_length=limits.TITLE)
    body: str = Field(min_length=1, max_length=limits.LONG_TEXT)
    field: str = Field(max_length=limits.NAME, description="a field's code or its Chinese name")
    lead_deputy: Code
    co_signers: list[Code] = Field(default=[], max_length=limits.LIST)
    received_on: date = Field(description="within the year or the year before")
    number: str | None = Field(default=None, description=NUMBER_RULE,
                               json_schema_extra={"pattern": NUMBER_PATTERN.pattern, "maxLength": 12})
    delegation: str = Field(default="", max_length=limits.NAME)
    policy: str | None = Field(default=None, max_length=64, description='another policy profile, e.g. "drill"')
    kind: Kind = Field(default=Kind.suggestion, description="suggestion (建议), inquiry (问政交办函), proposal (政协提案) "
                                                             "or deliberation (审议意见)")
    hearing: str = Field(default="", max_length=limits.NAME,
                         description="an inquiry's hearing (问政会) or a deliberation opinion's meeting (常委会会议): required")

    @model_validator(mode="after")
    def _plausible(self) -> "SuggestionInput":
        problems = [p for name in ("title", "body", "field", "delegation", "hearing")
                    if (p := limits.text_problem(name, getattr(self, name)))]
        if self.number is not None and (wrong := number_problem(self.kind, self.number)):
            problems.append(limits.Fault(*wrong))
        if KINDS[self.kind].needs_hearing and not self.hearing.strip():
            rules = KINDS[self.kind]
            problems.append(limits.Fault(f"an {self.kind.value} names the hearing or meeting it came from (hearing)",
                                         f"{rules.label}须写明来自哪次{rules.hearing_label}（hearing）"))
        if self.number is not None and not NUMBER_PATTERN.match(self.number):
            problems.append(limits.Fault(f"number {self.number!r} must be {NUMBER_RULE}",
                                         f"编号“{self.number}”不符合规则：应为{NUMBER_RULE_ZH}"))
        earliest, latest = date(self.year - 1, 1, 1), date(self.year, 12, 31)
        if not earliest <= self.received_on <= latest:
            problems.append(limits.Fault(
                f"received_on {self.received_on.isoformat()} is not within {self.year} or the year before "
                f"({earliest.isoformat()} to {latest.isoformat()})",
                f"收到日期{self.received_on.isoformat()}应在{self.year}年或上一年内"
                f"（{earliest.isoformat()}至{latest.isoformat()}）"))
        if problems:
            raise limits.schema_refusal(problems)
        return self


def input_errors(session: Session, data: SuggestionInput) -> list[tuple[str, str]]:
    """What is wrong with a registration before anything starts (unknown deputies or field), in English and Chinese."""
    errors = []
    if field_code(data.field) is None:
        errors.append((f"unknown field {data.field!r}; use one of: {', '.join(FIELDS)}",
                       f"没有“{data.field}”这个领域，请从以下选择：{'、'.join(FIELDS.values())}"))
    missing = unknown_deputies(session, [data.lead_deputy, *data.co_signers])
    if missing:
        errors.append((f"unknown deputies: {', '.join(missing)}", f"没有这些代表：{'、'.join(missing)}"))
    if data.lead_deputy in data.co_signers:
        errors.append(("the lead deputy cannot also be a co-signer", "领衔代表不能同时是附议代表"))
    return errors


def registration_refusal(actor: Actor, kind: Kind, lead_deputy: str | None) -> Problem | None:
    """Why `actor` may not register an item of `kind` led by `lead_deputy`, or None: the kind's office registers
    it (the coordinator; the proposals committee a proposal), and a proposer their own suggestion or proposal
    (`lead_deputy` None: any lead, as a form asks before it is filled)."""
    staff, proposer = KINDS[kind].office
    label, staff_zh = KINDS[kind].label, ROLE_LABELS[staff.value]
    if actor.role == staff:
        return None
    if actor.role == proposer and KINDS[kind].self_registered:
        if lead_deputy not in (None, actor.deputy):
            return forbidden(f"a {proposer.value} registers a {kind.value} only as its proposer",
                             f"{ROLE_LABELS[proposer.value]}只能以本人为{KINDS[kind].proposer}登记{label}", "deputy.not_lead")
        return None
    by = f"{staff_zh}或{ROLE_LABELS[proposer.value]}本人" if KINDS[kind].self_registered else staff_zh
    return forbidden(f"a {kind.value} is registered by the {staff.value}" + (
        f" or its {proposer.value}" if KINDS[kind].self_registered else ""),
        f"{label}由{by}登记，您的身份是{ROLE_LABELS.get(actor.role.value, actor.role.value)}", "register.role")


async def register(
    client: Client, session: Session, settings: Settings, data: SuggestionInput, actor: Actor,
    policy: PolicyProfile | None = None,
) -> Outcome:
    """登记: check the input, allocate a number if none was given, start the item (under `policy` when the caller
    has one ready — the demo's, on its own rehearsal clock — else the one named, or the deployment's)."""
    errors = input_errors(session, data)
    if errors:
        raise invalid("; ".join(en for en, _ in errors), "；".join(zh for _, zh in errors), "register.input")
    try:
        named = data.policy or KINDS[data.kind].default_policy or settings.huiyin_policy
        policy = policy or with_drill_clock(load_policy(named), settings.huiyin_drill_epoch)
    except PolicyError as error:
        raise invalid(str(error)) from None
    number = data.number or next_number(session, data.year, KINDS[data.kind].number_prefix)
    if number is None:
        raise conflict(f"every number of {data.year} up to 999999 is taken; give this item a number such as A0001",
                       f"{data.year}年的编号已用完，请手动填写编号，如 A0001", "number.exhausted")
    new = NewSuggestion(
        **data.model_dump(exclude={"number", "field", "policy"}),
        number=number,
        field=field_code(data.field),
        policy=policy,
        registered_by=actor,
    )
    session.commit()  # give the connection back while the workflow starts
    return await start_suggestion(client, settings.temporal_task_queue, new)


async def start_suggestion(client: Client, task_queue: str, new: NewSuggestion) -> Outcome:
    """Register (登记): start the item's workflow (its kind's type); returns once it is recorded in the ledger."""
    try:
        workflow_id = suggestion_workflow_id(new.year, new.number, new.kind)
    except ValueError as error:
        raise invalid(str(error)) from None
    kind_workflow, cited = WORKFLOW_FOR[new.kind], KINDS[new.kind].numbered(new.year, new.number)
    # Started and asked in one request: the first workflow task already holds the question.
    start = WithStartWorkflowOperation(
        kind_workflow.run,
        new,
        id=workflow_id,
        task_queue=task_queue,
        search_attributes=starting_search_attributes(new, workflow_id, datetime.now(timezone.utc)),
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        # A registration that failed (below) leaves its number free; any other item keeps its number for ever.
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        static_summary=item_summary(new.year, new.number, new.title, new.kind),  # the Temporal UI's line for it (a payload)
    )
    try:
        return await client.execute_update_with_start_workflow(kind_workflow.current_state, start_workflow_operation=start)
    except WorkflowUpdateFailedError:
        why = await _why_it_failed(start)
        raise invalid(f"{new.kind.value} {new.number} could not be registered: {why}", f"{cited}未能登记：{why}",
                      "register.failed") from None
    except (WorkflowAlreadyStartedError, RPCError) as error:
        if isinstance(error, RPCError) and error.status != RPCStatusCode.ALREADY_EXISTS:
            raise
        with contextlib.suppress(Exception):
            await start.workflow_handle()  # collect the start's own failure too (else asyncio logs it as unretrieved)
        raise conflict(f"{new.kind.value} number {new.number} already exists for {new.year}", f"{cited}已存在",
                       "number.taken") from None


async def _why_it_failed(start: WithStartWorkflowOperation) -> str:
    """The reason a new item's workflow failed at its start (e.g. a clock no calendar holds), as its failure says."""
    try:
        await (await start.workflow_handle()).result()
    except WorkflowFailureError as failure:
        cause = failure.cause
        while cause.__cause__ is not None:
            cause = cause.__cause__
        return getattr(cause, "message", None) or str(cause)
    return "it ended at once"
