"""Pydantic models of a suggestion (人大代表建议) and everything recorded about it.

These are the workflow's state and the payloads of its updates, so they stay
plain data: no I/O, safe inside the workflow sandbox.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.enums import (
    AssignmentStatus,
    ContactPhase,
    ContactWay,
    DeadlineKind,
    DeadlineStatus,
    KeyStatus,
    Period,
    ReplyStatus,
    ResultClass,
    Role,
    Rung,
    RungStatus,
    Stage,
    SupervisionActionKind,
    UnitRole,
    Verdict,
    WarningLevel,
)
from domain.kinds import FilingLevel, Kind
from domain.policy import PolicyProfile

# A suggestion's public number: 1–6 digits (0123, what numbering allocates), or a letter and up to 11 more
# letters, digits or '-' (A001, ZX-12). One pattern and length: no number can stick the allocation.
NUMBER_PATTERN = re.compile(r"^(?:[0-9]{1,6}|[A-Za-z][A-Za-z0-9-]{0,11})$")
NUMBER_RULE = "1-6 digits (0123) or a letter followed by up to 11 letters, digits or '-' (A001)"
NUMBER_RULE_ZH = "1至6位数字（如0123），或一个字母后接至多11个字母、数字或“-”（如A001）"


def suggestion_workflow_id(year: int, number: str, kind: Kind = Kind.suggestion) -> str:
    """The workflow id of an item of any kind: from its kind and public number only, never personal data."""
    if not NUMBER_PATTERN.match(number):
        raise ValueError(f"suggestion number {number!r} must be {NUMBER_RULE}")
    return f"{kind.value}-{year}-{number}"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Actor(Model):
    """Who acts: the API fills this from the token, never from the request body."""

    user: str
    role: Role
    unit: str | None = None  # unit code, for unit roles
    deputy: str | None = None  # deputy code, for deputies


SYSTEM = Actor(user="system", role=Role.system)


class Unit(Model):
    """A handling unit (承办单位)."""

    code: str
    name: str
    head_name: str = ""


class Deputy(Model):
    """A people's-congress deputy (人大代表)."""

    code: str
    name: str
    delegation: str = ""
    phone: str = ""


class Commitment(Model):
    """What a B reply promises and by when (承诺事项)."""

    what: str = Field(min_length=1)
    due_on: date


class Contact(Model):
    """One contact with the deputy (办前/办中/答复时沟通)."""

    unit: str
    when: datetime
    way: ContactWay
    summary: str
    logged_by: str
    logged_at: datetime
    phase: ContactPhase | None = None  # 四沟通; None on contacts logged before phases were kept


class CoOpinion(Model):
    """A co-handling unit's opinion sent to the lead unit (协办意见)."""

    unit: str
    text: str
    submitted_by: str
    submitted_at: datetime
    late: bool = False


class Request(Model):
    """An adjustment or extension request and its decision."""

    reason: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    approved: bool | None = None
    decision_reason: str = ""


class RehandlingOrder(Model):
    """The coordinator's order to handle again (二次办理)."""

    reason: str
    leader_in_charge: str  # 领导包案
    ordered_by: str
    ordered_at: datetime


class Reply(Model):
    """A reply (答复): drafted by the handler, signed off by the head, checked by the coordinator."""

    unit: str
    round: int  # 1 for the first reply, 2 after re-handling
    text: str
    result_class: ResultClass
    commitments: list[Commitment] = []
    face_to_face: bool = False  # 面复
    replied_by: str = ""  # who gave it face to face
    publish: bool = True  # 答复公开
    public_text: str = ""
    no_publish_reason: str = ""
    status: ReplyStatus = ReplyStatus.draft
    drafted_by: str
    drafted_at: datetime
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None
    checked_by: str | None = None
    checked_at: datetime | None = None
    check_reason: str = ""
    late: bool = False
    published_at: datetime | None = None  # 答复公开
    withdrawn_at: datetime | None = None  # taken off the public pages


class Feedback(Model):
    """A deputy's rating of a reply (代表反馈); verdict None records that none came in time."""

    unit: str
    round: int
    deputy: str | None
    verdict: Verdict | None
    reasons: str = ""
    at: datetime
    request: int = 1  # the nth time this unit's result was put to the deputies


class ProgressReport(Model):
    """A unit's follow-up report on a B or C item (跟踪落实 / 回头看)."""

    unit: str
    text: str
    by: str
    at: datetime
    result_class: ResultClass  # the class after this report
    late: bool = False


class ClassChange(Model):
    """A unit's result moving between classes (e.g. B → A when the work is done)."""

    unit: str
    at: datetime
    from_class: ResultClass | None
    to_class: ResultClass


class LadderStep(Model):
    """One rung of a clock's reminder ladder, a durable timer of its own."""

    rung: Rung
    at: datetime
    status: RungStatus = RungStatus.pending


class Pause(Model):
    """A stretch in which a clock stood still (the unit waited on the deputy)."""

    paused_at: datetime
    resumed_at: datetime | None = None
    reason: str = ""


class Deadline(Model):
    """A clock of the item: computed once when it starts, recorded with its basis."""

    key: str  # unique within the item, e.g. "reply:U01:1"
    kind: DeadlineKind
    unit: str | None = None
    start: datetime
    rule: str  # e.g. "3 months"
    on: date | None = None  # a fixed last day instead (a B reply's commitment date)
    policy: str  # policy profile and version, e.g. "national@2025.1"
    due_at: datetime | None = None  # None only until the deadline activity has computed it
    status: DeadlineStatus = DeadlineStatus.pending
    closed_at: datetime | None = None
    replaces: str | None = None  # key of the deadline this one superseded
    ladder: list[LadderStep] = []
    level: WarningLevel = WarningLevel.none  # the highest rung reached
    pauses: list[Pause] = []
    reschedule: str | None = None  # why its instants must be computed again (pause ended, calendar revised)

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].resumed_at is None

    @property
    def running(self) -> bool:
        """Its timers run: pending (or missed with an escalation still to come) and not paused."""
        return not self.paused and (
            self.status == DeadlineStatus.pending
            or (self.status == DeadlineStatus.missed and any(s.status == RungStatus.pending for s in self.ladder))
        )

    def next_instant(self) -> datetime | None:
        """When this clock next needs the workflow's attention."""
        if not self.running or self.due_at is None:
            return None
        times = [s.at for s in self.ladder if s.status == RungStatus.pending]
        if self.status == DeadlineStatus.pending:
            times.append(self.due_at)
        return min(times) if times else None


class Assignment(Model):
    """One unit's part in handling the item (交办), with its own track when it replies."""

    unit: str
    role: UnitRole
    status: AssignmentStatus = AssignmentStatus.active
    assigned_at: datetime
    signed_by: str | None = None  # 签收
    signed_at: datetime | None = None
    adjustment: Request | None = None
    extension: Request | None = None
    co_opinion: CoOpinion | None = None
    # Track of a replying unit (lead or separate); None for co-handling units.
    stage: Stage | None = None
    round: int = 1
    rehandling: RehandlingOrder | None = None
    overdue: bool = False
    outcome: str = ""  # how the track ended: satisfied, basically_satisfied, no_feedback, ...
    result_class: ResultClass | None = None  # current class of this unit's result
    commitments: list[Commitment] = []  # current commitments of a B result
    feedback_requests: int = 0  # times the result was put to the deputies for rating
    rerating: bool = False  # re-classified to A: the deputies rate again

    @property
    def replies_to_deputy(self) -> bool:
        return self.role in (UnitRole.lead, UnitRole.separate)


class SupervisionAction(Model):
    """督办活动: field inspection, meeting, interview, consultation."""

    kind: SupervisionActionKind
    when: datetime
    summary: str
    participants: str = ""
    recorded_by: str
    recorded_at: datetime


class SupervisionOpinion(Model):
    """督办意见 of a supervisor."""

    text: str
    by: str
    at: datetime


class KeyReport(Model):
    """Monthly progress report of a key item."""

    unit: str
    text: str
    by: str
    at: datetime
    late: bool = False


class KeySupervision(Model):
    """重点督办: proposed by escalation or designated by the chairperson's council."""

    status: KeyStatus
    source: str  # "council", "overdue", "second_unsatisfied"
    proposed_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str = ""
    council_member: str = ""  # 领衔督办的主任会议成员
    government_leader: str = ""  # 领办的政府领导
    theme: str = ""  # groups several items
    actions: list[SupervisionAction] = []
    opinions: list[SupervisionOpinion] = []
    reports: list[KeyReport] = []


class FilingReview(Model):
    """One level of a proposal's review before filing (立案审查), as recorded."""

    level: FilingLevel
    opinion: str
    by: str
    at: datetime


class SatisfactionVote(Model):
    """The committee members' vote on a unit's rectification report (满意度测评) and what it means."""

    unit: str
    round: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    verdict: Verdict
    at: datetime


class ProjectVote(Model):
    """The deputies' vote at the session on a candidate livelihood project (票决) and whether it chose it."""

    votes_for: int
    votes_against: int
    abstentions: int
    chosen: bool
    at: datetime


class MergedItem(Model):
    """An item merged into this one (并案): it keeps its number; its deputies became this item's signers."""

    workflow_id: str
    number: str
    title: str
    lead_deputy: str
    co_signers: list[str] = []
    signers_added: list[str]  # the deputies who became signers through it (taken away again on undo)
    merged_at: datetime
    merged_by: str


class Event(Model):
    """One line of the item's timeline; the ledger keeps it with id = workflow id + seq."""

    seq: int
    at: datetime
    action: str
    actor: Actor
    unit: str | None = None
    detail: dict[str, Any] = {}


class SuggestionFacts(Model):
    """What a suggestion is, as registered (登记): its number, text, signers and policy profile."""

    number: str
    year: int  # year of registration: with the number, the item's identity
    period: Period
    title: str
    body: str
    field: str
    lead_deputy: str
    co_signers: list[str] = []
    delegation: str = ""
    received_on: date
    policy: PolicyProfile
    kind: Kind = Kind.suggestion  # 建议, or another kind the offices chase on the same engine (domain.kinds)
    hearing: str = ""  # an inquiry's hearing (问政会), where the question was put to the unit


class NewSuggestion(SuggestionFacts):
    """What registering a suggestion needs; the starter loads the policy profile."""

    registered_by: Actor
    # Set only when a run continues as new (year end, long history): the item's whole state goes on.
    carried: SuggestionState | None = None
    # ... and the search attributes it showed, which the new run starts with (none to upsert at its start).
    carried_attributes: bool = False


class SuggestionState(SuggestionFacts):
    """The whole state of one suggestion, as the workflow holds it and the query returns it."""

    workflow_id: str
    origin_year: int
    handling_year: int  # the handling year it is in now (跨年度结转 moves it on)
    registered_at: datetime
    carry_over_count: int = 0
    stage: Stage = Stage.registered
    accepted_at: datetime | None = None
    revisions: int = 0
    end_reason: str = ""
    assignments: list[Assignment] = []
    deadlines: list[Deadline] = []
    contacts: list[Contact] = []
    replies: list[Reply] = []
    feedback: list[Feedback] = []
    progress: list[ProgressReport] = []
    class_changes: list[ClassChange] = []
    overdue: bool = False
    key_supervision: bool = False  # designated (重点督办)
    key: KeySupervision | None = None
    interview_due: bool = False  # 约谈 of the unit head, after escalation from overdue
    consultation_due: bool = False  # 约见/面商 required after a second "unsatisfied"
    filing_reviews: list[FilingReview] = []  # a proposal's review levels before filing (domain.kinds)
    votes: list[SatisfactionVote] = []  # a deliberation opinion's satisfaction votes (满意度测评)
    project_vote: ProjectVote | None = None  # a livelihood project's vote at the session (票决)
    merged_into: str | None = None  # 并案: the workflow id of the item this one was merged into
    merged_into_number: str = ""
    merge_settled: bool = False  # that item was assigned: the merge is final and this item has ended
    merged: list[MergedItem] = []  # the items merged into this one
    warning_level: WarningLevel = WarningLevel.none
    events: list[Event] = []
    last_event_seq: int = 0

    @property
    def ended(self) -> bool:
        return self.stage in (Stage.converted, Stage.closed) or (self.stage == Stage.merged and self.merge_settled)

    def active_assignments(self) -> list[Assignment]:
        return [a for a in self.assignments if a.status == AssignmentStatus.active]

    def tracks(self) -> list[Assignment]:
        """The active units that reply to the deputy (lead or separate)."""
        return [a for a in self.active_assignments() if a.replies_to_deputy]

    def assignment(self, unit: str | None) -> Assignment | None:
        return next((a for a in self.active_assignments() if a.unit == unit), None)

    def lead_unit(self) -> str | None:
        return next((a.unit for a in self.active_assignments() if a.role == UnitRole.lead), None)

    def unit_codes(self) -> list[str]:
        return [a.unit for a in self.active_assignments()]

    def pending_deadline(self, kind: DeadlineKind, unit: str | None = None) -> Deadline | None:
        return next(
            (
                d
                for d in self.deadlines
                if d.kind == kind and d.unit == unit and d.status == DeadlineStatus.pending
            ),
            None,
        )

    def current_reply(self, unit: str) -> Reply | None:
        """The latest reply of a unit's current round."""
        track = self.assignment(unit)
        round_ = track.round if track else None
        return next(
            (r for r in reversed(self.replies) if r.unit == unit and r.round == round_), None
        )

    def result_class(self) -> ResultClass | None:
        """The item's class now: its least solved unit's (A only when every replying unit is A)."""
        classes = [t.result_class for t in self.tracks() if t.result_class]
        return max(classes, key=list(ResultClass).index) if classes else None

    def next_due_at(self) -> datetime | None:
        """The next deadline itself (for the ledger)."""
        due = [d.due_at for d in self.deadlines if d.status == DeadlineStatus.pending and d.due_at and not d.paused]
        return min(due) if due else None

    def next_wake_at(self) -> datetime | None:
        """The next instant a clock or a reminder rung needs the workflow."""
        times = [t for d in self.deadlines if (t := d.next_instant())]
        return min(times) if times else None

    def reply_due_at(self) -> datetime | None:
        due = [
            d.due_at
            for d in self.deadlines
            if d.kind in (DeadlineKind.reply, DeadlineKind.second_reply)
            and d.status == DeadlineStatus.pending
            and d.due_at
        ]
        return min(due) if due else None


class ItemChanges(Model):
    """What the workflow hands the ledger after each change: its state (without the event
    list), the events not yet recorded and — as they only grow — just the new contacts."""

    state: SuggestionState
    events: list[Event]
    new_contacts: list[Contact] | None = None  # None: state.contacts holds them all
    contact_count: int | None = None  # with new_contacts: how many there are in all

    @classmethod
    def since(cls, state: "SuggestionState", event_seq: int, contacts: int) -> "ItemChanges":
        return cls(
            state=state.model_copy(update={"events": [], "contacts": []}),
            events=[e for e in state.events if e.seq > event_seq],
            new_contacts=state.contacts[contacts:],
            contact_count=len(state.contacts),
        )


class Outcome(Model):
    """What an action returns: kept small, because update results stay in the workflow's history.
    The whole state comes from the query (or the ledger)."""

    workflow_id: str
    stage: Stage
    last_event_seq: int
    events: list[Event]  # the events this action produced


class CalendarRevision(Model):
    """Signal to running items: the official holidays of a year were loaded or corrected."""

    year: int


NewSuggestion.model_rebuild()
