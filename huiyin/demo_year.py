"""The demo's year (演示年度), played on its own rehearsal clock in about two and a half minutes.

Every item runs under the `demo` profile (the national rules, a month lasting 30 seconds, a day 3). The demo
stamps one rehearsal clock on all of them (domain.policy.DrillScale): last year ends a minute into the demo,
so last year's B and C items carry over into this year — and the two items of the year before, twice —
while this year never ends early: after the demo it runs on to its calendar end. What the demo does to each
item is its story (STORIES); the stories are played in phases timed so that, when the demo ends, items
stand at every stage, some blue, some orange, some red, overdue items escalated to key supervision, replies
published, second handling after an "unsatisfied", B and C items reporting progress.

The year lives on afterwards: its clocks keep running at the demo's pace (blue turns orange, then red).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session
from temporalio.client import Client

from core.config_files import load_policy
from core.errors import Problem
from core.lanes import in_lanes
from core.settings import Settings
from domain import commands as c
from domain.enums import ContactWay, Period, ResultClass, Role, SupervisionActionKind, Verdict
from domain.kinds import KINDS, FilingLevel, Kind
from domain.models import Actor, SuggestionState
from domain.policy import PolicyProfile
from huiyin import demo
from ledger.queries import just_recorded, number_taken
from services import merge_items
from services.act import perform, recorded_state
from services.exemplary_selection import select_exemplary as choose_exemplary
from services.register import register

DEMO_POLICY = "demo"
# Each kind's profile, on the demo's clock (a proposal's numbers are the national ones: the demo profile's).
DEMO_POLICIES = {Kind.suggestion: DEMO_POLICY, Kind.inquiry: "demo_inquiry", Kind.proposal: DEMO_POLICY,
                 Kind.deliberation: DEMO_POLICY, Kind.livelihood: DEMO_POLICY}
LAST_YEAR_ENDS = 60.0  # seconds into the demo: last year's items are replied by then
ESCALATION_MARGIN = 3.0  # seconds past a computed instant before looking for what it brought
PARALLEL = 6  # items acted on at once
CARRY_OVER_POLLS = 150  # at most 30 s of waiting for the year-end carry-overs to be recorded
SUPERVISOR = Actor(user="demo-supervisor", role=Role.supervisor)


@dataclass(frozen=True)
class Clock:
    """The demo's now and its waiting: the real ones, or a test server's skipping clock."""

    now: Callable[[], Awaitable[datetime]]
    sleep: Callable[[float], Awaitable[None]]


async def _real_now() -> datetime:
    return datetime.now(timezone.utc)


REAL_CLOCK = Clock(_real_now, asyncio.sleep)


@dataclass(frozen=True)
class Story:
    """What the demo does with one item (an index into demo.SUGGESTIONS, or its kind's list: demo.INQUIRIES …)."""

    index: int
    plan: str
    years_ago: int = 0
    period: Period = Period.session
    kind: Kind = Kind.suggestion

    @property
    def source(self) -> tuple:
        """Its title, body, field, lead unit and co-handling unit."""
        return SOURCES.get(self.kind, demo.SUGGESTIONS)[self.index]


SOURCES = {Kind.inquiry: demo.INQUIRIES, Kind.proposal: demo.PROPOSALS, Kind.deliberation: demo.DELIBERATIONS,
           Kind.livelihood: demo.LIVELIHOODS}
INPUTS = {Kind.inquiry: demo.inquiry_input, Kind.proposal: demo.proposal_input,
          Kind.deliberation: demo.deliberation_input, Kind.livelihood: demo.livelihood_input}


# This year's 38 items, last year's 10 and the year before's 2. Plans: see the phases below.
THIS_YEAR = [
    "red_key", "red_key", "red_declined", "red_proposed", "b_follow_up", "key_a", "closed", "second_handling",
    "closed", "c_follow_up", "awaiting_feedback", "no_feedback", "orange", "closed", "rehandling", "blue",
    "b_follow_up", "drafted", "orange", "signed_off", "blue", "fresh", "closed", "awaiting_feedback",
    "c_follow_up", "registered", "accepted", "returned", "converted", "closed_private", "blue", "orange",
    "registered", "closed", "awaiting_feedback", "b_follow_up", "fresh", "signed",
]
CLOSED_PERIOD = {25, 26, 32, 37}  # received between sessions (闭会期间)
LAST_YEAR = ["last_b_to_a", "last_b_to_a", "last_b", "last_b", "last_c", "last_c", "last_closed", "last_closed",
             "last_b", "last_c_to_a"]
YEAR_BEFORE = ["last_b", "last_b_to_a"]
# This year's hearing left 6 letters (问政交办函), answered within a month: played like suggestions' plans.
INQUIRIES = ["closed", "b_follow_up", "red_proposed", "closed", "awaiting_feedback", "fresh"]
# And 6 CPPCC proposals (政协提案), each reviewed at three levels and filed before it is assigned; one still
# under review (its first level recorded).
PROPOSALS = ["closed", "second_handling", "b_follow_up", "closed", "awaiting_feedback", "reviewing"]
# And the standing committee's 3 deliberation opinions (审议意见): rectified, then voted on (满意度测评).
DELIBERATIONS = ["closed", "b_follow_up", "awaiting_feedback"]
# And 4 candidate livelihood projects (民生实事项目): three reviews, the deputies' vote; the chosen ones report monthly
# and are inspected; one completed and rated, one unfinished (B, followed up), one under way, one not chosen.
LIVELIHOODS = ["closed", "b_follow_up", "fresh", "not_chosen"]
# This year's suggestions 51 and 52 are on one matter: 52 is merged into 51 (并案), which is then handled.
MERGED = ["merge_main", "merged"]
STORIES = (
    [Story(i, plan, 0, Period.closed if i in CLOSED_PERIOD else Period.session) for i, plan in enumerate(THIS_YEAR)]
    + [Story(38 + i, plan, 1) for i, plan in enumerate(LAST_YEAR)]
    + [Story(48 + i, plan, 2) for i, plan in enumerate(YEAR_BEFORE)]
    + [Story(i, plan, 0, Period.closed, Kind.inquiry) for i, plan in enumerate(INQUIRIES)]
    + [Story(i, plan, 0, Period.session, Kind.proposal) for i, plan in enumerate(PROPOSALS)]
    + [Story(i, plan, 0, Period.closed, Kind.deliberation) for i, plan in enumerate(DELIBERATIONS)]
    + [Story(i, plan, 0, Period.session, Kind.livelihood) for i, plan in enumerate(LIVELIHOODS)]
    + [Story(50 + i, plan, 0) for i, plan in enumerate(MERGED)]
)
EARLY = {"red_key", "red_declined", "red_proposed", "b_follow_up", "key_a", "closed", "second_handling", "rehandling",
         "c_follow_up", "no_feedback", "closed_private", "registered", "accepted", "returned", "converted", "reviewing",
         "not_chosen", "merge_main"}
RED = ("red_key", "red_declined", "red_proposed")


def demo_clock(profile: PolicyProfile, start: datetime, year: int) -> PolicyProfile:
    """The demo profile on the demo's rehearsal clock: last year (`year` - 1) ends LAST_YEAR_ENDS seconds after
    `start`, this year is the clock's last (it ends on the calendar)."""
    year_length = timedelta(seconds=12 * profile.drill.month_seconds)
    epoch = start + timedelta(seconds=LAST_YEAR_ENDS) - year_length
    clock = {"epoch": epoch, "epoch_year": year - 1, "final_year": year - 1}
    return profile.model_copy(update={"drill": profile.drill.model_copy(update=clock)})


class DemoYear:
    """Plays the stories against the real system, phase by phase."""

    def __init__(self, client: Client, session: Session, settings: Settings, year: int, clock: Clock,
                 progress: Callable[[str, float], None]):
        self.client, self.session, self.settings, self.year = client, session, settings, year
        self.clock, self.progress = clock, progress
        self.ids: dict[Story, str] = {}  # story → workflow id
        self.start: datetime | None = None
        self.month = self.day = 0.0

    # --- timing ------------------------------------------------------------------------------------

    async def at(self, seconds: float) -> None:
        """Wait until `seconds` into the demo."""
        left = (self.start + timedelta(seconds=seconds) - await self.clock.now()).total_seconds()
        if left > 0:
            await self.clock.sleep(left)

    async def elapsed(self) -> float:
        return (await self.clock.now() - self.start).total_seconds()

    # --- the phases -------------------------------------------------------------------------------

    async def play(self) -> int:
        """Register every story's item and play the year; returns how many items were moved forward."""
        self.start = await self.clock.now()
        policies = {kind: demo_clock(load_policy(name, self.settings.huiyin_config_dir), self.start, self.year)
                    for kind, name in DEMO_POLICIES.items()}
        self.month, self.day = policies[Kind.suggestion].drill.month_seconds, policies[Kind.suggestion].drill.day_seconds
        self.progress("登记建议、问政交办函、政协提案、审议意见和民生实事候选项目", 0.05)
        await self.each(STORIES, lambda s: self.register(s, policies[s.kind]))
        self.progress("办理去年和前年的建议", 0.15)
        red_at = await self.elapsed()
        # The end: after the red items' escalation (their 3-month reply clock, then 10 working days), and late
        # enough that the orange batch (assigned 80 s before it) comes after last year's end and what follows it.
        end = max(red_at + 3 * self.month + 10 * self.day + 2 * ESCALATION_MARGIN, LAST_YEAR_ENDS + 95)
        await self.each(self.of(*RED), self.to_handling)
        await self.each([s for s in STORIES if s.years_ago], self.last_years)
        self.progress("办理今年较早交办的建议", 0.3)
        await self.each(self.of(*(EARLY - set(RED))), self.early)
        self.progress("等待去年年终结转", 0.4)
        await self.at(LAST_YEAR_ENDS + ESCALATION_MARGIN)
        await self.carried_into_this_year()
        self.progress("结转后的跟踪落实与二次办理", 0.5)
        await self.each([s for s in STORIES if s.plan in ("last_b_to_a", "last_c_to_a", "last_b")], self.carried)
        await self.each(self.of("b_follow_up", "c_follow_up"), self.follow_up)
        await self.batch(end - 80, "orange", 0.6)  # orange at the end: 75–90 s into a 90 s reply clock
        await self.batch(end - 55, "blue", 0.7)  # blue at the end: 45–75 s into it
        await self.batch(end - 35, ("awaiting_feedback", "drafted", "signed_off"), 0.75)
        await self.batch(end - 25, ("fresh", "signed"), 0.8)
        self.progress("等待超期件提议重点督办", 0.85)
        await self.at(end - ESCALATION_MARGIN)
        await self.key_decisions()
        await self.select_exemplary()
        self.progress("完成", 1.0)
        return len([s for s in STORIES if s.plan != "registered"])

    async def carried_into_this_year(self) -> None:
        """Wait (in real time: the rehearsal clock stands still meanwhile) until every open item of the years before
        is in this year's run, so that what the demo does next reaches the new runs, not runs that are ending."""
        earlier = [self.ids[s] for s in STORIES if s.years_ago and s.plan != "last_closed"]
        for _ in range(CARRY_OVER_POLLS):
            years = [just_recorded(self.session, wid).handling_year for wid in earlier]
            self.session.commit()
            if all(year == self.year for year in years):
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)  # the last ones recorded their carry-over and are starting their new runs

    async def batch(self, at: float, plans: str | tuple[str, ...], share: float) -> None:
        await self.at(at)
        self.progress("交办新的建议", share)
        await self.each(self.of(*((plans,) if isinstance(plans, str) else plans)), self.late)

    def of(self, *plans: str) -> list[Story]:
        return [s for s in STORIES if s.plan in plans and s.years_ago == 0]

    async def each(self, stories: Iterable[Story], act: Callable[[Story], Awaitable[None]]) -> None:
        """Act on several items at once, a few at a time."""
        await in_lanes(stories, act, PARALLEL)

    # --- registering ------------------------------------------------------------------------------

    async def register(self, story: Story, policy: PolicyProfile) -> None:
        year = self.year - story.years_ago
        if story.kind in INPUTS:
            data = INPUTS[story.kind](story.index, year)
        else:
            data = demo.suggestion_input(story.index, year).model_copy(update={"period": story.period})
        outcome = await register(self.client, self.session, self.settings, data, demo.office(story.kind), policy=policy)
        self.ids[story] = outcome.workflow_id

    # --- what each plan does ----------------------------------------------------------------------

    async def last_years(self, story: Story) -> None:
        """Last year's items (and the year before's): replied B or C before last year ends, or closed."""
        result = ResultClass.A if story.plan == "last_closed" else ResultClass.C if "last_c" in story.plan else ResultClass.B
        await self.replied(story, result)
        await self.rate(story, Verdict.satisfied if result != ResultClass.C else Verdict.basically_satisfied)

    async def early(self, story: Story) -> None:
        """This year's items handled from the start: at every stage by the end."""
        plan, coordinator = story.plan, demo.office(story.kind)
        if plan == "accepted":
            await self.act(story, c.Accept(actor=coordinator))
        elif plan == "reviewing":  # a proposal through its first level of review (全会初审)
            await self.act(story, c.RecordFilingReview(actor=coordinator, level=FilingLevel.plenary,
                                                       opinion="属于政协履职范围，提交会后再审。"))
        elif plan == "returned":
            await self.act(story, c.ReturnForRevision(actor=coordinator, reason="请补充建议所涉小区的具体名单和现状数据。"))
        elif plan == "converted":
            await self.act(story, c.Convert(actor=coordinator, reason="内容属于工作意见，转为参阅件供有关部门研究。"))
        elif plan == "not_chosen":  # a candidate project the deputies did not choose (票决未入选)
            await self.reviewed(story)
            await self.act(story, c.RecordProjectVote(actor=coordinator, votes_for=61, votes_against=98, abstentions=37))
        elif plan == "merge_main":
            await self.merge_and_handle(story)
        elif plan == "key_a":  # a key item from the start: replied on time, solved, satisfied
            await self.to_handling(story)
            await self.act(story, c.DesignateKeySupervision(
                actor=coordinator, council_member="常委会副主任 高志远", government_leader="副市长 方国强",
                theme="城市更新", reason="群众关注度高，列入年度重点督办。"))
            await self.reply(story, ResultClass.A)
            await self.check(story)
            await self.rate(story, Verdict.satisfied)
        elif plan in ("closed", "closed_private"):
            await self.replied(story, ResultClass.A, publish=plan == "closed")
            await self.rate(story, Verdict.satisfied if story.index % 2 else Verdict.basically_satisfied)
        elif plan in ("b_follow_up", "c_follow_up"):
            await self.replied(story, ResultClass.B if plan == "b_follow_up" else ResultClass.C)
            await self.rate(story, Verdict.satisfied if plan == "b_follow_up" else Verdict.basically_satisfied)
        elif plan in ("second_handling", "rehandling"):
            await self.second_handling(story)
        elif plan == "no_feedback":
            await self.replied(story, ResultClass.A)  # the deputy lets the feedback window pass

    async def second_handling(self, story: Story) -> None:
        """Unsatisfied, ordered to handle again at once; replied again and rated, or the second handling under way."""
        await self.replied(story, ResultClass.A)
        await self.rate(story, Verdict.unsatisfied)
        lead = self.lead(story)
        await self.act(story, c.OrderRehandling(actor=demo.office(story.kind), reason="代表对答复不满意，要求进一步落实。",
                                                leader_in_charge=f"{demo.UNIT_NAMES[lead]}副局长"))
        if story.plan == "second_handling":
            await self.reply(story, ResultClass.A, contact=False)
            await self.check(story)
            await self.rate(story, Verdict.satisfied)

    async def merge_and_handle(self, story: Story) -> None:
        """并案: the other suggestion on the same matter is merged into this one, which is handled and answered; its
        lead deputy and the merged one's each rate the reply."""
        merged = next(s for s in STORIES if s.plan == "merged")
        await merge_items.merge(self.client, self.session, demo.COORDINATOR, self.ids[story], self.ids[merged])
        await self.replied(story, ResultClass.A)
        await self.rate(story, Verdict.satisfied)
        other_lead = demo.suggestion_input(merged.index, self.year).lead_deputy
        await self.act(story, c.GiveFeedback(actor=demo.deputy(other_lead), verdict=Verdict.basically_satisfied))

    async def carried(self, story: Story) -> None:
        """After the year end: carried items report progress; some are now solved (A)."""
        to_a = story.plan.endswith("_to_a")
        await self.act(story, c.ReportProgress(
            actor=demo.handler(self.lead(story)), result_class=ResultClass.A if to_a else None,
            text="已完成建议所提主要措施，群众反映良好。" if to_a else "按计划推进，已完成年度任务的六成。"))
        if to_a:
            await self.rate(story, Verdict.satisfied)

    async def follow_up(self, story: Story) -> None:
        await self.act(story, c.ReportProgress(actor=demo.handler(self.lead(story)),
                                               text="已完成阶段性任务，下一步将按承诺时限推进。"))

    async def late(self, story: Story) -> None:
        """Assigned near the end: blue, orange or new items, and replies in the making."""
        await self.to_handling(story)
        if story.plan in ("awaiting_feedback", "drafted", "signed_off"):
            await self.contact(story)
            await self.draft(story, ResultClass.A if story.index % 3 else ResultClass.B)
            if story.plan != "drafted":
                await self.act(story, c.SignOffReply(actor=demo.head(self.lead(story))))
            if story.plan == "awaiting_feedback":
                await self.check(story)

    async def key_decisions(self) -> None:
        """The escalated overdue items: two designated (one reporting progress, one with an opinion), one declined,
        one left for the council to decide."""
        for story in self.of(*RED):
            for _ in range(20):  # the escalation comes with the red items' ladder; give it a moment if late
                if just_recorded(self.session, self.ids[story]).key_status == "proposed":
                    break
                self.session.commit()
                await self.clock.sleep(1.0)
            if story.plan == "red_key":
                await self.act(story, c.DesignateKeySupervision(
                    actor=demo.COORDINATOR, council_member="常委会副主任 高志远", government_leader="副市长 方国强",
                    theme="老旧小区改造", reason="逾期未答复，主任会议决定列入重点督办。"))
                if story.index == 0 and story.kind == Kind.suggestion:
                    await self.act(story, c.ReportKeyProgress(actor=demo.handler(self.lead(story)),
                                                              text="已成立专班，完成加装电梯需求摸排。"))
                else:
                    await self.act(story, c.AddSupervisionOpinion(actor=SUPERVISOR, text="请加快推进，按月报送进展。"))
                    await self.act(story, c.RecordSupervisionAction(
                        actor=SUPERVISOR, kind=SupervisionActionKind.field_inspection, when=await self.clock.now(),
                        summary="实地察看老城区停车场建设点位。", participants="督办组"))
            elif story.plan == "red_declined":
                await self.act(story, c.DeclineKeySupervision(actor=demo.COORDINATOR,
                                                              reason="已明确答复时间，不列入重点督办。"))

    async def select_exemplary(self) -> None:
        """The committee picks the first closed proposal as one of the year's exemplary handled ones (优秀提案办理)."""
        story = next(s for s in STORIES if s.kind == Kind.proposal and s.plan == "closed")
        choose_exemplary(self.session, demo.COMMITTEE, self.ids[story], self.year, "面复到位，委员满意，建设进度快。",
                         now=await self.clock.now())

    # --- steps ------------------------------------------------------------------------------------

    def lead(self, story: Story) -> str:
        return story.source[3]

    async def act(self, story: Story, cmd: c.Command) -> None:
        await perform(self.client, self.ids[story], cmd)

    def state(self, story: Story) -> SuggestionState:
        state = recorded_state(self.session, self.ids[story])
        self.session.commit()  # end the read: the worker writes the ledger meanwhile
        return state

    async def reviewed(self, story: Story) -> None:
        """The levels of review a kind has before it is filed or voted on (立案审查, 三审)."""
        opinions = {Kind.proposal: ("属于政协履职范围。", "内容具体，建议可行。", "承办单位无异议，同意立案。"),
                    Kind.livelihood: demo.THREE_REVIEWS}
        for level, opinion in zip(KINDS[story.kind].filing_levels, opinions.get(story.kind, ())):
            await self.act(story, c.RecordFilingReview(actor=demo.office(story.kind), level=level, opinion=opinion))

    async def to_handling(self, story: Story) -> None:
        rules = KINDS[story.kind]
        await self.reviewed(story)
        if rules.deputies_vote:  # a livelihood project is chosen by the deputies' vote (票决)
            await self.act(story, c.RecordProjectVote(actor=demo.COORDINATOR, votes_for=172, votes_against=15,
                                                      abstentions=9))
        elif rules.reviewed:  # an inquiry letter or deliberation opinion is accepted as registered (domain.kinds)
            await self.act(story, c.Accept(actor=demo.office(story.kind)))
        await self.assign(story)
        if rules.tracked_monthly:  # a chosen project reports monthly (挂图作战) and is inspected (视察)
            await self.act(story, c.ReportKeyProgress(actor=demo.handler(self.lead(story)),
                                                      text="已完成选址和立项，开工建设中，进度符合计划。"))
            await self.act(story, c.RecordSupervisionAction(
                actor=SUPERVISOR, kind=SupervisionActionKind.field_inspection, when=await self.clock.now(),
                summary="代表视察项目建设现场，听取进展汇报。", participants="人大代表视察组"))

    async def assign(self, story: Story) -> None:
        """Assigned, signed for by the lead and any co-handling unit, which sends its opinion at once."""
        _, _, _, lead, co = story.source
        await self.act(story, c.Assign(actor=demo.office(story.kind), lead_unit=lead, co_units=[co] if co else []))
        await self.act(story, c.SignForReceipt(actor=demo.handler(lead)))
        if co:
            await self.act(story, c.SignForReceipt(actor=demo.handler(co)))
            await self.act(story, c.SubmitCoOpinion(actor=demo.handler(co), text=(
                f"{demo.UNIT_NAMES[co]}协办意见：同意主办单位的办理思路，将在职责范围内做好配合工作。")))

    async def contact(self, story: Story) -> None:
        way = demo.CONTACT_WAYS[story.index % len(demo.CONTACT_WAYS)]
        await self.act(story, c.LogContact(
            actor=demo.handler(self.lead(story)), when=await self.clock.now() - timedelta(seconds=1), way=way,
            summary="与代表当面交流，听取对建议办理的具体意见和期望。" if way != ContactWay.phone else "电话沟通办理思路。"))

    async def replied(self, story: Story, result: ResultClass, publish: bool = True) -> None:
        """Assigned, contacted, replied, signed off and accepted by the coordinator."""
        await self.to_handling(story)
        await self.reply(story, result, publish=publish)
        await self.check(story)

    async def reply(self, story: Story, result: ResultClass, contact: bool = True, publish: bool = True) -> None:
        if contact:
            await self.contact(story)
        await self.draft(story, result, publish=publish)
        await self.act(story, c.SignOffReply(actor=demo.head(self.lead(story))))

    async def draft(self, story: Story, result: ResultClass, publish: bool = True) -> None:
        draft = demo.reply_draft(self.state(story), story.source[0], self.lead(story), result, story.index)
        if not publish:
            draft = draft.model_copy(update={"publish": False, "public_text": "",
                                             "no_publish_reason": "答复涉及个人信息，不宜公开。"})
        await self.act(story, draft)

    async def check(self, story: Story) -> None:
        await self.act(story, c.CheckReply(actor=demo.office(story.kind), accept=True))

    async def rate(self, story: Story, verdict: Verdict) -> None:
        await self.act(story, demo.feedback(self.state(story), verdict))


async def play_year(client: Client, session: Session, settings: Settings, year: int, clock: Clock = REAL_CLOCK,
                    progress: Callable[[str, float], None] = lambda step, share: None) -> tuple[int, int]:
    """Play the demo year unless its items are there already; (items registered, items moved forward)."""
    if number_taken(session, year, demo.suggestion_input(0, year).number):
        return 0, 0
    session.commit()
    try:
        driven = await DemoYear(client, session, settings, year, clock, progress).play()
    except Problem as refusal:  # a step the rules refused: say which, in Chinese and English
        raise Problem(refusal.status, refusal.title, f"the demo stopped: {refusal.detail}",
                      zh=f"演示数据中断：{refusal.zh or refusal.detail}", code=refusal.code) from refusal
    return len(STORIES), driven

