"""The kinds of item the offices chase on the one engine (docs/process.md "Other kinds of item").

A kind is a policy profile plus the steps that differ from a deputy's suggestion; everything else (clocks,
ladders, escalation, notices, carry-over, ledger, reports, console) is shared. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.enums import Role


class Kind(StrEnum):
    """What an item is. The value is the prefix of its workflow id (`inquiry-2026-0001`)."""

    suggestion = "suggestion"  # 人大代表建议
    inquiry = "inquiry"  # 问政交办函: a question a unit could not settle at a public hearing (问政)
    proposal = "proposal"  # 政协提案: a CPPCC member's proposal
    deliberation = "deliberation"  # 审议意见: the standing committee's opinions on a report of the government
    livelihood = "livelihood"  # 民生实事项目: a livelihood project chosen by the deputies' vote (票决) at the session


class FilingLevel(StrEnum):
    """The levels of review before an item is filed: a proposal's three (立案, Laoshan's "1333"), a candidate
    livelihood project's three (三审, Wancheng) before the deputies vote on it."""

    plenary = "plenary"  # 全会初审: first review at the plenary session
    after_session = "after_session"  # 会后再审: second review after the session
    joint = "joint"  # 各部门联审: joint review with the handling departments
    council = "council"  # 主任会议审查: the chairpersons' council of the standing committee
    party_committee = "party_committee"  # 党委常委会审议: the party committee's standing meeting
    standing_committee = "standing_committee"  # 常委会会议审议: the standing committee's meeting


FILING_LEVEL_LABELS = {"plenary": "全会初审", "after_session": "会后再审", "joint": "各部门联审",
                       "council": "人大常委会主任会议审查", "party_committee": "党委常委会会议审议",
                       "standing_committee": "人大常委会会议审议"}


@dataclass(frozen=True)
class KindRules:
    """How a kind differs: its names, the profile it runs under by default, and the steps it skips."""

    label: str  # what the item is called: 建议, 问政交办函
    workflow_type: str  # the Temporal workflow type (one per kind)
    default_policy: str | None  # the profile it runs under unless one is named; None: the deployment's
    number_prefix: str = ""  # its own series of numbers in a year (WZ0001 …); suggestions' have none
    reviewed: bool = True  # registration is followed by review (审查); else the item is accepted as registered
    needs_hearing: bool = False  # registration names the hearing (问政会) or meeting the item came from
    hearing_label: str = "问政会议"  # what that meeting is called
    voted: bool = False  # the reply is rated by the committee members' vote (满意度测评), not by a deputy
    filing_levels: tuple[FilingLevel, ...] = ()  # review levels recorded, in order, before it is accepted (立案)
    exemplary: bool = False  # the year's well-handled items are selected (优秀提案办理: domain.kind_steps)
    after_reviews: str = "立案"  # what follows the review levels: a proposal is filed, a project put to the vote
    reviews_label: str = "立案审查"  # what the review levels are called together
    deputies_vote: bool = False  # chosen by the deputies' vote at the session (票决) instead of accepted on review
    tracked_monthly: bool = False  # from assignment a key item reporting monthly (挂图作战), supervised throughout
    proposer: str = "领衔代表"  # who raised it, as the pages call them
    reply_label: str = "答复"  # what a unit's reply is called: 整改报告, 完成情况报告
    action_labels: tuple[tuple[str, str], ...] = ()  # actions this kind calls otherwise (accept → 立案)
    office: tuple[Role, Role] = (Role.coordinator, Role.deputy)  # who files and oversees it, who raises and rates it
    self_registered: bool = False  # its proposer may register it (a deputy's suggestion, a member's 掌上提案)

    def label_of(self, action: str, default: str) -> str:
        return dict(self.action_labels).get(action, default)

    def numbered(self, year: int, number: str) -> str:
        """How people cite an item: 2026年第0037号建议, 2026年第0003号问政交办函."""
        return f"{year}年第{number}号{self.label}"


KINDS: dict[Kind, KindRules] = {
    Kind.suggestion: KindRules(label="建议", workflow_type="SuggestionWorkflow", default_policy=None,
                               self_registered=True),
    # The hearing already put the question to the unit: no review, the letter (交办函) is issued at once;
    # answered within one month (inquiry.toml), then followed through like a suggestion between sessions.
    Kind.inquiry: KindRules(label="问政交办函", workflow_type="InquiryWorkflow", default_policy="inquiry",
                            number_prefix="WZ", reviewed=False, needs_hearing=True, proposer="提出问题的代表"),
    # A CPPCC member's proposal (政协提案), handled by the proposals committee (提案委, in the coordinator's role)
    # with the members (委员, in the deputy's role): reviewed at three levels before it is filed (立案), answered
    # within 3 months, face to face where it can be (提案面复率), handled again on "unsatisfied"; each year the
    # best handled ones are selected (优秀提案办理).
    Kind.proposal: KindRules(
        label="政协提案", workflow_type="ProposalWorkflow", default_policy="proposal", number_prefix="ZX",
        filing_levels=(FilingLevel.plenary, FilingLevel.after_session, FilingLevel.joint), exemplary=True,
        proposer="提案委员", office=(Role.proposal_committee, Role.member), self_registered=True,
        action_labels=(("accept", "立案"), ("return-for-revision", "退回修改"),
                       ("convert", "不予立案（转社情民意信息或委员来信）"), ("resubmit", "修改后重新提交提案"),
                       ("log-contact", "记录与委员沟通")),
    ),
    # The standing committee's deliberation opinions (审议意见) on a report of the government: handed to the
    # government as adopted at the meeting (no review), a rectification report (整改报告) within 3 months, rated by
    # the committee members' satisfaction vote (满意度测评) at a later meeting, what is still open followed up.
    Kind.deliberation: KindRules(
        label="审议意见", workflow_type="DeliberationWorkflow", default_policy="deliberation", number_prefix="SY",
        reviewed=False, needs_hearing=True, hearing_label="常委会会议", voted=True, proposer="牵头的专门委员会负责人（代表）",
        reply_label="整改报告",
        action_labels=(("log-contact", "记录与常委会工作机构沟通"), ("draft-reply", "拟写整改报告"),
                       ("sign-off-reply", "负责人审签整改报告"), ("check-reply", "审核整改报告"),
                       ("order-rehandling", "交办继续整改")),
    ),
    # A livelihood project voted by the deputies (民生实事项目票决制, Wancheng): a candidate collected from the voters
    # and deputies (征集), reviewed three times (三审), chosen by the deputies' vote at the session (票决); the chosen
    # project is assigned to the government's units, reports its progress monthly as a key item (挂图作战), is
    # inspected mid-year, reports its completion by year end and is rated by the deputies' vote (满意度测评);
    # an unfinished project is followed up and carried into the next year.
    Kind.livelihood: KindRules(
        label="民生实事项目", workflow_type="LivelihoodWorkflow", default_policy="livelihood", number_prefix="MS",
        filing_levels=(FilingLevel.council, FilingLevel.party_committee, FilingLevel.standing_committee),
        after_reviews="提交代表票决", reviews_label="三审", deputies_vote=True, voted=True, tracked_monthly=True,
        proposer="提出项目的代表（征集来源）", reply_label="完成情况报告",
        action_labels=(("convert", "不列入候选项目"), ("record-filing-review", "记录三审意见"),
                       ("assign", "交办实施"), ("draft-reply", "拟写年度完成情况报告"),
                       ("sign-off-reply", "负责人审签完成情况报告"), ("check-reply", "审核完成情况报告"),
                       ("report-key-progress", "报送月度进展（挂图作战）"), ("order-rehandling", "交办继续实施")),
    ),
}


def number_problem(kind: Kind, number: str) -> tuple[str, str] | None:
    """Why `number` is not in `kind`'s series (in English and Chinese), or None: a kind with a prefix numbers
    under it, and no other kind takes a number under someone else's prefix."""
    prefix = KINDS[kind].number_prefix
    if prefix and not number.upper().startswith(prefix):
        return (f"an {kind.value}'s number starts with {prefix} (e.g. {prefix}0001)",
                f"{KINDS[kind].label}的编号以{prefix}开头（如{prefix}0001），或留空自动编号")
    for other, rules in KINDS.items():
        if other != kind and rules.number_prefix and number.upper().startswith(rules.number_prefix):
            return (f"numbers starting with {rules.number_prefix} belong to {other.value} items",
                    f"以{rules.number_prefix}开头的编号留给{rules.label}，请换一个编号或留空自动编号")
    return None
