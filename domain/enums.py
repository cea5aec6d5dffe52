"""Stable English values for the process; Chinese labels are for display only."""

from enum import StrEnum


class Period(StrEnum):
    """When a suggestion was received: during the congress session (会议期间) or between sessions (闭会期间)."""

    session = "session"
    closed = "closed"


class Stage(StrEnum):
    """Where a suggestion stands. Overdue, key supervision and warning level are flags, not stages."""

    registered = "registered"  # 登记
    returned_for_revision = "returned_for_revision"  # 退回完善
    converted = "converted"  # 转为参阅件 (ended)
    merged = "merged"  # 并案: merged into another item, handled there (ended once that item is assigned)
    handling = "handling"  # 办理
    reply_review = "reply_review"  # 答复审签、审核
    awaiting_feedback = "awaiting_feedback"  # 代表反馈
    rehandling = "rehandling"  # 二次办理
    follow_up = "follow_up"  # 跟踪落实 (B/C)
    closed = "closed"  # 办结


STAGE_LABELS = {
    Stage.registered: "已登记",
    Stage.returned_for_revision: "退回完善",
    Stage.converted: "已转参阅件",
    Stage.merged: "已并案",
    Stage.handling: "办理中",
    Stage.reply_review: "答复审核中",
    Stage.awaiting_feedback: "待代表反馈",
    Stage.rehandling: "二次办理",
    Stage.follow_up: "跟踪落实",
    Stage.closed: "已办结",
}

# Order in which a unit's track moves on; an item's stage is its least advanced track.
TRACK_ORDER = [
    Stage.handling,
    Stage.reply_review,
    Stage.awaiting_feedback,
    Stage.rehandling,
    Stage.follow_up,
    Stage.closed,
]


class Role(StrEnum):
    deputy = "deputy"  # 人大代表
    coordinator = "coordinator"  # 交办/督办机构
    unit_handler = "unit_handler"  # 承办单位经办人
    unit_head = "unit_head"  # 承办单位负责人
    supervisor = "supervisor"  # 督办人
    admin = "admin"
    system = "system"  # timers: the workflow acting on its own clocks
    proposal_committee = "proposal_committee"  # 政协提案委员会: files and oversees CPPCC proposals (as coordinators do)
    member = "member"  # 政协委员: raises and rates proposals (as deputies do their suggestions)


UNIT_ROLES = (Role.unit_handler, Role.unit_head)
DEPUTY_ROLES = (Role.deputy, Role.member)  # who raise items and rate their replies (人大代表, 政协委员)
# Each office role and the role it stands in for on its own kind of item: the proposals committee does for proposals
# what the congress's coordinators do for suggestions, a CPPCC member what a deputy does (domain.kinds).
STANDS_IN_FOR = {Role.proposal_committee: Role.coordinator, Role.member: Role.deputy}


class UnitRole(StrEnum):
    lead = "lead"  # 主办
    co_handling = "co_handling"  # 协办
    separate = "separate"  # 分办


class ResultClass(StrEnum):
    A = "A"  # 已解决或基本解决
    B = "B"  # 正在解决或列入计划逐步解决
    C = "C"  # 条件不具备、暂时无法办理
    D = "D"  # only in four-class profiles


class Verdict(StrEnum):
    satisfied = "satisfied"  # 满意
    basically_satisfied = "basically_satisfied"  # 基本满意
    unsatisfied = "unsatisfied"  # 不满意


class ContactWay(StrEnum):
    visit = "visit"
    meeting = "meeting"
    phone = "phone"
    liaison_station = "liaison_station"
    other = "other"


class ContactPhase(StrEnum):
    """Which of the four contacts with the deputy (四沟通) a contact is."""

    before = "before"  # 办前: before handling starts
    during = "during"  # 办中: while handling
    at_reply = "at_reply"  # 答复时: when the reply is given
    after = "after"  # 办后: after the reply, on how it is carried out


class DeadlineKind(StrEnum):
    assignment = "assignment"  # between sessions: assign within N working days of receipt
    adjustment_window = "adjustment_window"  # 申请调整
    co_opinion = "co_opinion"  # 协办意见
    reply = "reply"  # 答复
    feedback = "feedback"  # 代表反馈
    rehandling_order = "rehandling_order"  # coordinator orders second handling
    second_reply = "second_reply"  # 二次答复
    key_report = "key_report"  # monthly progress report of a key item (重点督办)
    follow_up_report = "follow_up_report"  # progress of a B or C item (跟踪落实)
    publication = "publication"  # a publishable reply goes public (答复公开)


class DeadlineStatus(StrEnum):
    pending = "pending"
    met = "met"
    missed = "missed"  # the clock ran out before the duty was done
    expired = "expired"  # a window (not a duty) closed
    superseded = "superseded"  # replaced by a new deadline (extension)
    cancelled = "cancelled"  # no longer relevant (unit withdrawn, item ended)


class WarningLevel(StrEnum):
    none = "none"
    blue = "blue"
    orange = "orange"
    red = "red"


class Rung(StrEnum):
    """A step of a clock's reminder ladder; red is the deadline itself."""

    blue = "blue"
    orange = "orange"
    escalation = "escalation"  # proposed for key supervision after the deadline


class RungStatus(StrEnum):
    pending = "pending"
    fired = "fired"
    skipped = "skipped"  # its time had passed when the clock started
    cancelled = "cancelled"  # the duty was done (or the clock ended) first


class KeyStatus(StrEnum):
    """Key supervision (重点督办) of an item."""

    proposed = "proposed"  # escalated, awaiting the coordinator's decision
    designated = "designated"  # decided by the chairperson's council (主任会议)
    declined = "declined"


class SupervisionActionKind(StrEnum):
    field_inspection = "field_inspection"  # 实地视察
    meeting = "meeting"  # 代表与承办单位座谈
    interview = "interview"  # 约谈承办单位负责人
    consultation = "consultation"  # 约见/面商 with the deputy, the unit head and the supervisor


class ReplyStatus(StrEnum):
    draft = "draft"  # drafted by the handler
    signed_off = "signed_off"  # 审签 by the unit head, awaiting the coordinator's check
    sent_back = "sent_back"  # the coordinator asked for it to be redone
    accepted = "accepted"  # delivered to the deputy


class AssignmentStatus(StrEnum):
    active = "active"
    withdrawn = "withdrawn"  # reassigned to another unit after an adjustment request
