"""Driving a suggestion workflow in tests the way staff and deputies would."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date, datetime, timedelta
from itertools import takewhile

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from core.config_files import load_policy
from domain import commands as c
from domain.actions import action_of
from domain.calendar import end_of_day, local_date
from domain.enums import ContactWay, Period, ResultClass, Role, Verdict
from domain.kinds import KINDS, Kind
from domain.models import Actor, Commitment, NewSuggestion, SuggestionState, suggestion_workflow_id
from domain.oversight_text import item_summary
from workflows.by_kind import WORKFLOW_FOR
from workflows.item import ItemWorkflow, starting_search_attributes

COORDINATOR = Actor(user="coord", role=Role.coordinator)
LEAD_DEPUTY = Actor(user="dep-lead", role=Role.deputy, deputy="D001")
CO_SIGNER = Actor(user="dep-co", role=Role.deputy, deputy="D002")
OTHER_DEPUTY = Actor(user="dep-other", role=Role.deputy, deputy="D999")
SUPERVISOR = Actor(user="sup", role=Role.supervisor)
COMMITTEE = Actor(user="committee", role=Role.proposal_committee)  # 政协提案委员会: a proposal's office
MEMBER = Actor(user="member-lead", role=Role.member, deputy="D001")  # 政协委员: a proposal's proposer
YEAR_END_MARGIN = timedelta(hours=1)  # no test item is registered in the last hour of a year


def handler(unit: str) -> Actor:
    return Actor(user=f"handler-{unit}", role=Role.unit_handler, unit=unit)


def head(unit: str) -> Actor:
    return Actor(user=f"head-{unit}", role=Role.unit_head, unit=unit)


def new_suggestion(
    number: str, period: Period = Period.session, policy: str = "national", received_on: date = date(2026, 3, 5)
) -> NewSuggestion:
    return NewSuggestion(
        number=number,
        year=2026,
        period=period,
        title="关于加强老旧小区加装电梯的建议",
        body="建议简化审批流程，加大财政补贴力度。",
        field="urban_management",
        lead_deputy="D001",
        co_signers=["D002"],
        delegation="城区代表团",
        received_on=received_on,
        policy=load_policy(policy),
        registered_by=COORDINATOR,
    )


def new_proposal(number: str) -> NewSuggestion:
    """A CPPCC member's proposal (政协提案), numbered ZX…; its proposer and co-signers are members (委员)."""
    number = number if number.startswith("ZX") else f"ZX{number}"[:12]
    return new_suggestion(number, policy="proposal").model_copy(update=dict(
        kind=Kind.proposal, title="关于推进社区嵌入式养老服务的提案",
        body="建议在老旧社区配建嵌入式养老服务站，提供助餐、助浴、日间照料服务。",
    ))


def file_proposal(item: "Item") -> Awaitable[SuggestionState]:
    """The three levels of review (全会初审, 会后再审, 各部门联审), then 立案."""
    async def filed() -> SuggestionState:
        for level in KINDS[Kind.proposal].filing_levels:
            await item.do(c.RecordFilingReview(actor=COMMITTEE, level=level, opinion="符合立案条件"))
        return await item.do(c.Accept(actor=COMMITTEE))
    return filed()


def new_deliberation(number: str) -> NewSuggestion:
    """The standing committee's deliberation opinions on a government report (审议意见), numbered SY…."""
    number = number if number.startswith("SY") else f"SY{number}"[:12]
    return new_suggestion(number, Period.closed, "deliberation", date(2026, 4, 28)).model_copy(update=dict(
        kind=Kind.deliberation, hearing="市人大常委会第十八次会议", co_signers=[],
        title="关于市政府城市生活垃圾分类工作情况报告的审议意见",
        body="一、加快分类收运体系建设；二、完善考核激励；三、加强宣传引导。",
    ))


def new_livelihood(number: str) -> NewSuggestion:
    """A candidate livelihood project (民生实事项目候选项目), collected from voters and deputies, numbered MS…."""
    number = number if number.startswith("MS") else f"MS{number}"[:12]
    return new_suggestion(number, policy="livelihood", received_on=date(2026, 1, 10)).model_copy(update=dict(
        kind=Kind.livelihood, co_signers=[], title="新建改建城区公办幼儿园10所",
        body="新增学位3000个，缓解城区入园难。",
    ))


def choose_project(item: "Item", votes_for: int = 180) -> Awaitable[SuggestionState]:
    """The three reviews (三审), then the deputies' vote at the session (票决)."""
    async def chosen() -> SuggestionState:
        for level in KINDS[Kind.livelihood].filing_levels:
            await item.do(c.RecordFilingReview(actor=COORDINATOR, level=level, opinion="同意列为候选项目"))
        return await item.do(c.RecordProjectVote(actor=COORDINATOR, votes_for=votes_for, votes_against=12,
                                                 abstentions=8))
    return chosen()


def new_inquiry(number: str) -> NewSuggestion:
    """A letter from a public hearing (问政交办函), as the coordinator registers it (numbered WZ…)."""
    number = number if number.startswith("WZ") else f"WZ{number}"[:12]
    return new_suggestion(number, Period.closed, "inquiry", date(2026, 4, 20)).model_copy(update=dict(
        kind=Kind.inquiry, hearing="2026年第二期“阳光问政”", title="关于城区背街小巷路灯长期不亮的问题",
        body="问政现场群众反映，城区多条背街小巷路灯长期不亮，请限期整改。",
    ))


class Item:
    """One suggestion under test, on the time-skipping server."""

    def __init__(self, env: WorkflowEnvironment, handle: WorkflowHandle):
        self.env, self.handle = env, handle
        proposal = handle.id.startswith(f"{Kind.proposal.value}-")
        # Who files it and who raised it: the proposals committee and a member for a proposal (domain.kinds).
        self.staff, self.proposer = (COMMITTEE, MEMBER) if proposal else (COORDINATOR, LEAD_DEPUTY)

    @classmethod
    async def start(cls, env: WorkflowEnvironment, task_queue: str, new: NewSuggestion) -> "Item":
        # The time-skipping clock runs on across the session: register in its current year, as an
        # office would, so a test's item does not start by carrying over the years it skipped.
        now = await env.get_current_time()
        year_end = end_of_day(date(local_date(now).year, 12, 31))
        if year_end - now < YEAR_END_MARGIN:
            # Waiting tests skip to the next timer, often the running items' year end: an item registered
            # there would carry over while the test looks (a query during continue-as-new times out).
            await env.sleep(year_end - now + YEAR_END_MARGIN)
            now = await env.get_current_time()
        new = new.model_copy(update={"year": local_date(now).year})
        workflow_id = suggestion_workflow_id(new.year, new.number, new.kind)
        handle = await env.client.start_workflow(  # as services.register.start_suggestion starts it
            WORKFLOW_FOR[new.kind].run,
            new,
            id=workflow_id,
            task_queue=task_queue,
            search_attributes=starting_search_attributes(new, workflow_id, now),
            static_summary=item_summary(new.year, new.number, new.title, new.kind),
        )
        return cls(env, handle)

    async def do(self, cmd: c.Command) -> SuggestionState:
        """Act (the command's update: domain.actions), then read the whole state (updates return only a small outcome)."""
        await self.handle.execute_update(action_of(cmd).update, cmd)
        return await self.state()

    async def refused(self, cmd: c.Command, kind: str, text: str) -> None:
        with pytest.raises(WorkflowUpdateFailedError) as failure:
            await self.handle.execute_update(action_of(cmd).update, cmd)
        cause = failure.value.cause
        assert isinstance(cause, ApplicationError), cause
        assert cause.type == kind, f"{cause.type}: {cause.message}"
        assert text in cause.message, cause.message

    async def state(self) -> SuggestionState:
        return await self.handle.query(ItemWorkflow.get_state)

    async def now(self) -> datetime:
        return await self.env.get_current_time()

    async def pass_days(self, days: float) -> SuggestionState:
        await self.env.sleep(timedelta(days=days))
        return await self.state()

    async def pass_until(self, instant: datetime, after: timedelta = timedelta(minutes=1)) -> SuggestionState:
        """Let time run until just after `instant`."""
        await self.env.sleep(instant + after - await self.now())
        return await self.state()

    # --- common stretches of the process -------------------------------------------------

    async def accept_and_assign(self, lead: str | None = "U01", co: list[str] = (), separate: list[str] = ()) -> SuggestionState:
        await self.do(c.Accept(actor=self.staff))
        return await self.do(
            c.Assign(actor=self.staff, lead_unit=lead, co_units=list(co), separate_units=list(separate)),
        )

    async def prepare_reply(self, unit: str) -> None:
        """Sign for receipt and contact the deputy (办前沟通)."""
        await self.do(c.SignForReceipt(actor=handler(unit)))
        await self.contact(unit)

    async def contact(self, unit: str) -> SuggestionState:
        when = await self.now() - timedelta(hours=1)
        return await self.do(
            c.LogContact(actor=handler(unit), when=when, way=ContactWay.visit, summary="上门走访代表，了解诉求"),
        )

    async def reply(self, unit: str, result_class: ResultClass = ResultClass.A, **extra) -> SuggestionState:
        """Draft, sign off and pass the coordinator's check."""
        if result_class == ResultClass.B and "commitments" not in extra:
            due_on = (await self.now()).date() + timedelta(days=365)
            extra["commitments"] = [Commitment(what="完成首批50台加装", due_on=due_on)]
        await self.do(draft(unit, result_class, **extra))
        await self.do(c.SignOffReply(actor=head(unit)))
        return await self.do(c.CheckReply(actor=self.staff, accept=True, unit=unit))

    async def rate(self, verdict: Verdict, unit: str | None = None, reasons: str = "", actor: Actor | None = None
                   ) -> SuggestionState:
        return await self.do(c.GiveFeedback(actor=actor or self.proposer, verdict=verdict, reasons=reasons, unit=unit))


def draft(unit: str, result_class: ResultClass = ResultClass.A, **extra) -> c.DraftReply:
    fields = dict(
        actor=handler(unit),
        text="经研究，已将加装电梯纳入年度民生实事，补贴标准提高至每台20万元。",
        result_class=result_class,
        face_to_face=True,
        replied_by="局长 王某",
        publish=True,
        public_text="已纳入年度民生实事。",
    )
    fields.update(extra)
    return c.DraftReply(**fields)


UPSERT = EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
CHANGE_VERSION = "TemporalChangeVersion"  # the SDK's own note of the patches a run took (workflow.patched)


def upserted(event) -> set[str]:
    """The search attributes an event upserted, but the SDK's note of patches: ours."""
    if event.event_type != UPSERT:
        return set()
    return set(event.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields) - {CHANGE_VERSION}


async def first_task_upserts(handle) -> set[str]:
    """The search attributes of ours that the run's first workflow task upserted."""
    events = list((await handle.fetch_history()).events)
    types = [e.event_type for e in events]
    start = types.index(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) + 1
    first = takewhile(lambda e: e.event_type != EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, events[start:])
    return set().union(*(upserted(e) for e in first))
