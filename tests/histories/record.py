"""Record workflow histories for the replay tests (a program, not a test).

    .venv/bin/python -m tests.histories.record --tag v1

Runs each scenario below on the time-skipping server with a throwaway ledger and writes
`tests/histories/<tag>-<scenario>.json` (every run of a continued item: `-run1`, `-run2`…).
Record new histories whenever the workflow's code changes what it does (see docs/versioning.md);
never re-record old ones: they are what running items were started with.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from domain import commands as c
from domain.enums import DeadlineKind, ResultClass, Rung, SupervisionActionKind, Verdict
from domain.follow_up import year_end
from domain.models import CalendarRevision, Commitment
from ledger.schema import upgrade_database
from tests.conftest import binary, register_search_attributes
from tests.helpers import (
    CO_SIGNER,
    COORDINATOR,
    LEAD_DEPUTY,
    SUPERVISOR,
    Item,
    choose_project,
    draft,
    file_proposal,
    handler,
    head,
    new_deliberation,
    new_inquiry,
    new_livelihood,
    new_proposal,
    new_suggestion,
)
from worker import build_worker
from workflows.suggestion import SuggestionWorkflow as W

HERE = Path(__file__).parent


async def closed_after_satisfied(item: Item) -> None:
    await item.accept_and_assign(lead="U01", co=["U02"])
    await item.prepare_reply("U01")
    await item.do(c.SubmitCoOpinion(actor=handler("U02"), text="同意"))
    await item.reply("U01", ResultClass.A)
    await item.rate(Verdict.satisfied)


async def co_signer_rates_after_closing(item: Item) -> None:
    """The lead deputy's rating closes the item; a co-signer still rates within the window (patch
    co-signers-rate-after-closing)."""
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    await item.reply("U01", ResultClass.A)
    await item.rate(Verdict.satisfied)
    await item.pass_days(2)
    await item.rate(Verdict.basically_satisfied, actor=CO_SIGNER)


async def returned_then_converted(item: Item) -> None:
    await item.do(c.ReturnForRevision(actor=COORDINATOR, reason="不够具体"))
    await item.do(c.Resubmit(actor=LEAD_DEPUTY, title="修改稿", body="具体措施"))
    await item.do(c.Convert(actor=COORDINATOR, reason="转为来信"))


async def adjusted_extended_overdue_escalated(item: Item) -> None:
    await item.accept_and_assign(lead="U01")
    await item.do(c.RequestAdjustment(actor=handler("U01"), reason="非本单位职责"))
    await item.do(c.DecideAdjustment(actor=COORDINATOR, unit="U01", approve=True, new_unit="U02"))
    await item.do(c.RequestExtension(actor=handler("U02"), reason="涉及面广"))
    state = await item.do(c.DecideExtension(actor=COORDINATOR, approve=True))
    reply = state.pending_deadline(DeadlineKind.reply, "U02")
    escalation = next(s.at for s in reply.ladder if s.rung == Rung.escalation)
    await item.pass_until(escalation)  # blue, orange, red, escalation
    await item.do(c.DesignateKeySupervision(
        actor=COORDINATOR, council_member="副主任", government_leader="副市长", theme="民生"))
    await item.do(c.RecordSupervisionAction(
        actor=SUPERVISOR, kind=SupervisionActionKind.interview, when=await item.now(), summary="约谈"))
    await item.do(c.ReportKeyProgress(actor=handler("U02"), text="进展"))
    await item.prepare_reply("U02")
    await item.reply("U02", ResultClass.A)
    await item.rate(Verdict.satisfied)


async def unsatisfied_twice(item: Item) -> None:
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    await item.reply("U01", ResultClass.A)
    await item.rate(Verdict.unsatisfied, reasons="未解决")
    await item.do(c.OrderRehandling(actor=COORDINATOR, reason="不满意", leader_in_charge="局长"))
    await item.reply("U01", ResultClass.C)
    await item.rate(Verdict.unsatisfied, reasons="仍未解决")
    await item.do(c.DeclineKeySupervision(actor=COORDINATOR, reason="已面商"))


async def separate_units_sent_back_published(item: Item) -> None:
    await item.accept_and_assign(lead=None, separate=["U01", "U02"])
    for unit in ("U01", "U02"):
        await item.prepare_reply(unit)
    await item.do(draft("U01"))
    await item.do(c.SignOffReply(actor=head("U01")))
    await item.do(c.CheckReply(actor=COORDINATOR, accept=False, reason="格式不符", unit="U01"))
    await item.reply("U01", ResultClass.A)
    await item.reply("U02", ResultClass.B)
    await item.rate(Verdict.satisfied, unit="U01")
    await item.pass_days(40)  # no feedback from U02's reply; publication timers fire


async def paused_and_calendar_revised(item: Item) -> None:
    await item.accept_and_assign(lead="U01")
    await item.pass_days(3)
    await item.do(c.PauseClock(actor=COORDINATOR, reason="等待代表补充"))
    await item.pass_days(7)
    await item.do(c.ResumeClock(actor=COORDINATOR))
    await item.handle.signal(W.calendar_revised, CalendarRevision(year=2027))
    await item.pass_days(1)
    await item.handle.terminate("recorded")


async def b_item_carried_over_into_a_new_year(item: Item) -> None:
    await item.accept_and_assign(lead="U01")
    await item.prepare_reply("U01")
    due = (await item.now()).date() + timedelta(days=60)
    await item.reply("U01", ResultClass.B, commitments=[Commitment(what="完成改造", due_on=due)])
    state = await item.rate(Verdict.basically_satisfied)
    await item.pass_until(state.pending_deadline(DeadlineKind.follow_up_report, "U01").due_at - timedelta(days=1))
    await item.do(c.ReportProgress(actor=handler("U01"), text="按计划推进"))
    state = await item.state()
    await item.pass_until(year_end(state) + timedelta(hours=1))  # carried over: continue-as-new
    await item.do(c.ReportProgress(actor=handler("U01"), text="已完成", result_class=ResultClass.A))
    await item.rate(Verdict.satisfied)


async def inquiry_answered_in_a_month(item: Item) -> None:
    """An inquiry letter (问政交办函): accepted as registered, issued to its unit, answered, rated."""
    await item.do(c.Assign(actor=COORDINATOR, lead_unit="U02"))
    await item.prepare_reply("U02")
    await item.reply("U02", ResultClass.A)
    await item.rate(Verdict.satisfied)


async def inquiry_overdue_b_carried_over(item: Item) -> None:
    state = await item.do(c.Assign(actor=COORDINATOR, lead_unit="U03"))
    await item.pass_until(state.pending_deadline(DeadlineKind.reply, "U03").due_at)  # red: the month ran out
    await item.prepare_reply("U03")
    due = (await item.now()).date() + timedelta(days=400)
    await item.reply("U03", ResultClass.B, commitments=[Commitment(what="完成线路改造", due_on=due)])
    state = await item.rate(Verdict.basically_satisfied)
    await item.pass_until(year_end(state) + timedelta(hours=1))  # carried over: continue-as-new
    await item.do(c.ReportProgress(actor=handler("U03"), text="已完成", result_class=ResultClass.A))
    await item.rate(Verdict.satisfied)


async def proposal_filed_answered_face_to_face(item: Item) -> None:
    """A CPPCC proposal (政协提案): three levels of review, filed, answered face to face, rated."""
    await file_proposal(item)
    await item.do(c.Assign(actor=item.staff, lead_unit="U01", co_units=["U02"]))
    await item.prepare_reply("U01")
    await item.do(c.SubmitCoOpinion(actor=handler("U02"), text="同意"))
    await item.reply("U01", ResultClass.A)
    await item.rate(Verdict.satisfied)


async def proposal_unsatisfied_rehandled_carried_over(item: Item) -> None:
    await file_proposal(item)
    await item.do(c.Assign(actor=item.staff, lead_unit="U02"))
    await item.prepare_reply("U02")
    await item.reply("U02", ResultClass.C)
    await item.rate(Verdict.unsatisfied, reasons="未作实质答复")
    await item.do(c.OrderRehandling(actor=item.staff, reason="委员不满意", leader_in_charge="分管副局长"))
    due = (await item.now()).date() + timedelta(days=400)
    await item.reply("U02", ResultClass.B, commitments=[Commitment(what="建成10个服务站", due_on=due)])
    state = await item.rate(Verdict.basically_satisfied)
    await item.pass_until(year_end(state) + timedelta(hours=1))  # carried over: continue-as-new
    await item.do(c.ReportProgress(actor=handler("U02"), text="已建成", result_class=ResultClass.A))
    await item.rate(Verdict.satisfied)


async def deliberation_voted_unsatisfied_then_satisfied(item: Item) -> None:
    """Deliberation opinions (审议意见): handed over, a rectification report, the members' vote unsatisfied,
    rectified again, voted satisfied."""
    await item.do(c.Assign(actor=COORDINATOR, lead_unit="U01"))
    await item.prepare_reply("U01")
    await item.reply("U01", ResultClass.B)
    await item.do(c.RecordSatisfactionVote(actor=COORDINATOR, satisfied=10, basically_satisfied=12, unsatisfied=23))
    await item.do(c.OrderRehandling(actor=COORDINATOR, reason="整改不到位", leader_in_charge="分管副市长"))
    await item.reply("U01", ResultClass.A)
    await item.do(c.RecordSatisfactionVote(actor=COORDINATOR, satisfied=31, basically_satisfied=12, unsatisfied=2))


async def livelihood_project_voted_tracked_carried_over(item: Item) -> None:
    """A livelihood project (民生实事项目): three reviews, chosen by the deputies' vote, reporting monthly from its
    assignment, inspected, unfinished at its completion report (B), rated basically satisfied, carried over."""
    await choose_project(item)
    await item.do(c.Assign(actor=COORDINATOR, lead_unit="U01"))
    await item.prepare_reply("U01")
    await item.do(c.ReportKeyProgress(actor=handler("U01"), text="完成选址3处"))
    await item.pass_days(35)
    await item.do(c.RecordSupervisionAction(actor=SUPERVISOR, kind=SupervisionActionKind.field_inspection,
                                            when=await item.now(), summary="年中视察"))
    await item.reply("U01", ResultClass.B)
    await item.do(c.RecordSatisfactionVote(actor=COORDINATOR, satisfied=90, basically_satisfied=60, unsatisfied=50))
    state = await item.state()
    await item.pass_until(year_end(state))


async def merged_then_main_assigned(item: Item) -> dict[str, Item]:
    """并案: a second suggestion merged into this one, whose assignment then settles the merge (patch merges: the
    main item signals the merged one). Both items' histories are kept."""
    other = await Item.start(item.env, TASK_QUEUE[0], new_suggestion(f"H{uuid.uuid4().hex[:8]}"))
    state = await other.state()
    await item.do(c.AbsorbItem(actor=COORDINATOR, item=other.handle.id, number=state.number, title=state.title,
                               lead_deputy="D003", co_signers=state.co_signers))
    main = await item.state()
    await other.do(c.MergeInto(actor=COORDINATOR, into=item.handle.id, into_number=main.number))
    await item.accept_and_assign(lead="U01")
    assert (await other.handle.result()).merge_settled
    return {"merged": other}


# Each scenario with the kind of item it starts (tests.helpers: new_suggestion, new_inquiry …); the rest suggestions.
STARTS = {
    inquiry_answered_in_a_month: new_inquiry, inquiry_overdue_b_carried_over: new_inquiry,
    proposal_filed_answered_face_to_face: new_proposal, proposal_unsatisfied_rehandled_carried_over: new_proposal,
    deliberation_voted_unsatisfied_then_satisfied: new_deliberation,
    livelihood_project_voted_tracked_carried_over: new_livelihood,
}

SCENARIOS = [
    closed_after_satisfied,
    co_signer_rates_after_closing,
    returned_then_converted,
    adjusted_extended_overdue_escalated,
    unsatisfied_twice,
    separate_units_sent_back_published,
    paused_and_calendar_revised,
    b_item_carried_over_into_a_new_year,
    inquiry_answered_in_a_month,
    inquiry_overdue_b_carried_over,
    proposal_filed_answered_face_to_face,
    proposal_unsatisfied_rehandled_carried_over,
    deliberation_voted_unsatisfied_then_satisfied,
    livelihood_project_voted_tracked_carried_over,
    merged_then_main_assigned,
]
TASK_QUEUE: list[str] = []  # the recorder's task queue, for scenarios that start a second item


async def record(tag: str, only: list[str]) -> None:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"), data_converter=pydantic_data_converter
    )
    await register_search_attributes(env.client)
    ledger = Path(tempfile.mkdtemp()) / "ledger.db"
    upgrade_database(f"sqlite:///{ledger}")
    settings = Settings(huiyin_database_url=f"sqlite:///{ledger}", temporal_task_queue=f"record-{uuid.uuid4().hex[:6]}")
    TASK_QUEUE[:] = [settings.temporal_task_queue]
    with ThreadPoolExecutor(4) as executor:
        async with build_worker(env.client, settings, executor):
            for scenario in SCENARIOS:
                if only and scenario.__name__ not in only:
                    continue
                start = STARTS.get(scenario, new_suggestion)
                new = start(f"H{uuid.uuid4().hex[:8]}")
                item = await Item.start(env, settings.temporal_task_queue, new)
                others = await scenario(item) or {}
                await save(env, item, f"{tag}-{scenario.__name__}")
                for name, other in others.items():
                    await save(env, other, f"{tag}-{scenario.__name__}-{name}")
    await env.shutdown()


async def save(env: WorkflowEnvironment, item: Item, name: str) -> None:
    """Every run of the item, oldest first (a carried item has one per handling year)."""
    histories = []
    run_id = item.handle.result_run_id
    while run_id:
        history = await env.client.get_workflow_handle(item.handle.id, run_id=run_id).fetch_history()
        histories.append(history)
        last = history.events[-1]
        run_id = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id or None
    for n, history in enumerate(histories, start=1):
        suffix = f"-run{n}" if len(histories) > 1 else ""
        (HERE / f"{name}{suffix}.json").write_text(history.to_json(), encoding="utf-8")
        print(f"wrote {name}{suffix}.json ({len(history.events)} events)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tag", required=True, help="prefix of the files, e.g. v1")
    parser.add_argument("--only", nargs="*", default=[], help="scenario names to record")
    args = parser.parse_args()
    asyncio.run(record(args.tag, args.only))
