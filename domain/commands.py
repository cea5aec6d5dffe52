"""The staff's and deputies' actions on a suggestion: one model per workflow update.

Every command names its actor. The API's request bodies are the same models
without the actor, which the API fills in from the token.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from domain.enums import ContactPhase, ContactWay, ResultClass, SupervisionActionKind, Verdict
from domain.kinds import FilingLevel
from domain.models import Actor, Commitment, Model
from domain.policy import PolicyProfile


class Command(Model):
    actor: Actor


class Accept(Command):
    """Accept as a suggestion (审查通过)."""


class ReturnForRevision(Command):
    """Return to the deputy to revise and resubmit (退回完善)."""

    reason: str = Field(min_length=1)


class Resubmit(Command):
    title: str = Field(min_length=1)
    body: str = Field(min_length=1)


class Convert(Command):
    """Convert to a reference letter (转为参阅件); ends the item."""

    reason: str = Field(min_length=1)


class Assign(Command):
    """Assign (交办) to one lead unit with co-handling units, or to separate units (分办)."""

    lead_unit: str | None = None
    co_units: list[str] = []
    separate_units: list[str] = []


class SignForReceipt(Command):
    """签收"""


class RequestAdjustment(Command):
    """A unit asks to return an item it thinks is not its responsibility (申请调整)."""

    reason: str = Field(min_length=1)


class DecideAdjustment(Command):
    unit: str
    approve: bool
    new_unit: str | None = None
    reason: str = ""


class LogContact(Command):
    """A contact with the deputy (与代表沟通); its phase (四沟通) follows the item's progress unless given."""

    when: datetime
    way: ContactWay
    summary: str = Field(min_length=1)
    phase: ContactPhase | None = Field(default=None, description="before | during | at_reply | after (四沟通); "
                                       "left out: before until the unit's first contact, during after it, "
                                       "at_reply while its reply is in the making, after once it is delivered")


class SubmitCoOpinion(Command):
    text: str = Field(min_length=1)


class RequestExtension(Command):
    """Ask for the reply deadline to be extended to the long limit (延期)."""

    reason: str = Field(min_length=1)


class DecideExtension(Command):
    approve: bool
    reason: str = ""
    unit: str | None = None  # needed only when several units have asked


class DraftReply(Command):
    text: str = Field(min_length=1)
    result_class: ResultClass
    commitments: list[Commitment] = []
    face_to_face: bool = False
    replied_by: str = ""
    publish: bool = True
    public_text: str = ""
    no_publish_reason: str = ""


class SignOffReply(Command):
    """The unit head signs off the reply (审签)."""


class CheckReply(Command):
    """The coordinator checks the reply before it reaches the deputy."""

    accept: bool
    reason: str = ""
    unit: str | None = None  # needed only when several units' replies await the check


class GiveFeedback(Command):
    verdict: Verdict
    reasons: str = ""
    unit: str | None = None  # needed only when several units replied separately


class OrderRehandling(Command):
    reason: str = Field(min_length=1)
    leader_in_charge: str = Field(min_length=1)
    unit: str | None = None  # needed only when several units await the order


class DesignateKeySupervision(Command):
    """Record the chairperson's council's decision (主任会议决定) to supervise this item as a key item;
    confirms a pending escalation proposal if there is one."""

    council_member: str = Field(min_length=1)  # 领衔督办
    government_leader: str = Field(min_length=1)  # 领办
    theme: str = ""
    reason: str = ""


class DeclineKeySupervision(Command):
    """Decline an escalation proposal (the item stays under ordinary supervision)."""

    reason: str = Field(min_length=1)


class ReportKeyProgress(Command):
    """A key item's monthly progress report by a replying unit."""

    text: str = Field(min_length=1)


class RecordSupervisionAction(Command):
    """督办活动: field inspection, deputy–unit meeting, interview of the unit head, consultation."""

    kind: SupervisionActionKind
    when: datetime
    summary: str = Field(min_length=1)
    participants: str = ""


class AddSupervisionOpinion(Command):
    """A supervisor's opinion on a key item (督办意见)."""

    text: str = Field(min_length=1)


class PauseClock(Command):
    """Stop the units' clocks while they wait on the deputy for a clarification the coordinator agreed to."""

    reason: str = Field(min_length=1)
    unit: str | None = None  # only this unit's clocks; all units when omitted


class ResumeClock(Command):
    reason: str = ""
    unit: str | None = None


class ReportProgress(Command):
    """A unit's follow-up report on a B or C item (跟踪落实); may re-classify it (e.g. B → A when done)."""

    text: str = Field(min_length=1)
    result_class: ResultClass | None = None
    commitments: list[Commitment] = []  # new commitments when re-classified to B


class MigratePolicy(Command):
    """Move a running item to a newer policy version; its future deadlines are computed again."""

    policy: PolicyProfile
    reason: str = Field(min_length=1)


class WithdrawPublication(Command):
    """Take a reply off the public pages, or stop it going there (e.g. it touches a personal matter)."""

    reason: str = Field(min_length=1)
    unit: str | None = None  # needed only when several units' replies are public


class RecordFilingReview(Command):
    """Record one level of a proposal's review before it is filed (立案审查: 全会初审, 会后再审, 各部门联审)."""

    level: FilingLevel | None = None  # the next level still to be recorded when not given
    opinion: str = Field(min_length=1)


class RecordSatisfactionVote(Command):
    """Record the committee members' satisfaction vote on a rectification report (满意度测评): how many voted
    satisfied, basically satisfied and unsatisfied."""

    satisfied: int = Field(ge=0, le=1000)
    basically_satisfied: int = Field(ge=0, le=1000)
    unsatisfied: int = Field(ge=0, le=1000)
    unit: str | None = None  # needed only when several units report separately


class RecordProjectVote(Command):
    """Record the deputies' vote at the session on a candidate livelihood project (民生实事项目票决): how many voted
    for, against and abstained. More than half of the votes cast for it chooses it; else it is not chosen."""

    votes_for: int = Field(ge=0, le=10000)
    votes_against: int = Field(ge=0, le=10000)
    abstentions: int = Field(ge=0, le=10000)


class MergeInto(Command):
    """并案, the merged item's half: it is handled as part of `into` from now on (the coordinator's merge)."""

    into: str = Field(min_length=1)  # the workflow id of the item it is merged into
    into_number: str = Field(min_length=1)


class AbsorbItem(Command):
    """并案, the main item's half: `item` is merged into this one; its deputies become this item's signers."""

    item: str = Field(min_length=1)  # the merged item's workflow id
    number: str = Field(min_length=1)
    title: str = ""
    lead_deputy: str = Field(min_length=1)
    co_signers: list[str] = []


class UndoMerge(Command):
    """撤销并案, the merged item's half: handled on its own again, as registered."""


class ReleaseItem(Command):
    """撤销并案, the main item's half: `item` leaves, and the signers it brought with it."""

    item: str = Field(min_length=1)
