"""Every action on a suggestion (办理操作), declared once.

One line per action: its name (the API's path segment), its command (the input; the API's request
body is the command without the actor), the rule that checks and performs it, and its Chinese label.
The rest is derived from this table: the workflow registers one update per action (named `update`,
exactly as recorded histories have it) with a validator that runs the same rule on a copy; the API
adds one `POST /suggestions/{id}/<name>` per action; the README's list and docs/process.md are
checked against it (tests/test_actions.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Callable

from domain import commands as c
from domain import disclosure, follow_up, kind_steps, merging, process, supervision
from domain.enums import Role, Stage
from domain.guards import Conflict, Forbidden, Invalid, Refusal, role_zh
from domain.kinds import KINDS, Kind
from domain.models import Actor, SuggestionState
from domain.policy import PolicyProfile

Rule = Callable[[SuggestionState, Any, datetime], None]


@dataclass(frozen=True)
class Action:
    name: str  # in the API path: POST /api/v1/suggestions/{id}/<name>
    command: type[c.Command]
    rule: Rule  # checks the actor and the state (raising a Refusal that says why not), then changes the state
    label: str  # what people call it (Chinese; a kind may call it otherwise: domain.kinds.KindRules.label_of)
    after_end: bool = False  # an ended item still takes it during its feedback window
    unit_fields: tuple[str, ...] = ()  # command fields naming units, checked against the register before sending
    own_route: bool = False  # the API gives it a route of its own (its body differs from its command)
    via: str = ""  # the API route that sends it, for the halves of an operation on two items (merge, unmerge)
    kinds: tuple[Kind, ...] = tuple(Kind)  # the kinds of item that have this step (domain.kinds)

    @property
    def update(self) -> str:
        """The workflow update's name: the name with underscores (recorded histories hold these names)."""
        return self.name.replace("-", "_")


ACTIONS: tuple[Action, ...] = (
    # review (审查) and assignment (交办)
    Action("accept", c.Accept, process.accept, "审查受理", kinds=tuple(k for k in Kind if not KINDS[k].deputies_vote)),
    Action("return-for-revision", c.ReturnForRevision, process.return_for_revision, "退回完善"),
    Action("resubmit", c.Resubmit, process.resubmit, "修改后重新提交"),
    Action("convert", c.Convert, process.convert, "转为参阅件"),
    Action("record-filing-review", c.RecordFilingReview, kind_steps.record_filing_review, "记录立案审查",
           kinds=tuple(k for k in Kind if KINDS[k].filing_levels)),
    Action("record-project-vote", c.RecordProjectVote, kind_steps.record_project_vote, "记录代表票决结果",
           kinds=tuple(k for k in Kind if KINDS[k].deputies_vote)),
    Action("assign", c.Assign, process.assign, "交办", unit_fields=("lead_unit", "co_units", "separate_units")),
    # handling (办理) by the units
    Action("sign-for-receipt", c.SignForReceipt, process.sign_for_receipt, "签收"),
    Action("request-adjustment", c.RequestAdjustment, process.request_adjustment, "申请调整"),
    Action("decide-adjustment", c.DecideAdjustment, process.decide_adjustment, "审定调整申请", unit_fields=("new_unit",)),
    Action("log-contact", c.LogContact, process.log_contact, "记录与代表沟通"),
    Action("submit-co-opinion", c.SubmitCoOpinion, process.submit_co_opinion, "提交协办意见"),
    Action("request-extension", c.RequestExtension, process.request_extension, "申请延期答复"),
    Action("decide-extension", c.DecideExtension, process.decide_extension, "审定延期申请"),
    # the reply (答复) and the deputy's rating (代表评价)
    Action("draft-reply", c.DraftReply, process.draft_reply, "拟写答复"),
    Action("sign-off-reply", c.SignOffReply, process.sign_off_reply, "负责人审签答复"),
    Action("check-reply", c.CheckReply, process.check_reply, "审核答复"),
    Action("give-feedback", c.GiveFeedback, process.give_feedback, "评价答复", after_end=True,
           kinds=tuple(k for k in Kind if not KINDS[k].voted)),
    Action("record-satisfaction-vote", c.RecordSatisfactionVote, kind_steps.record_satisfaction_vote, "记录满意度测评",
           kinds=tuple(k for k in Kind if KINDS[k].voted)),
    Action("order-rehandling", c.OrderRehandling, process.order_rehandling, "交办二次办理"),
    # key supervision (重点督办) and the clocks
    Action("designate-key-supervision", c.DesignateKeySupervision, supervision.designate_key_supervision, "列为重点督办"),
    Action("decline-key-supervision", c.DeclineKeySupervision, supervision.decline_key_supervision, "不列为重点督办"),
    Action("report-key-progress", c.ReportKeyProgress, supervision.report_key_progress, "报送重点督办进展"),
    Action("record-supervision-action", c.RecordSupervisionAction, supervision.record_supervision_action, "记录督办活动"),
    Action("add-supervision-opinion", c.AddSupervisionOpinion, supervision.add_supervision_opinion, "提出督办意见"),
    Action("pause-clock", c.PauseClock, supervision.pause_clock, "暂停计时"),
    Action("resume-clock", c.ResumeClock, supervision.resume_clock, "恢复计时"),
    # follow-up (跟踪落实), publication (答复公开), policy
    Action("report-progress", c.ReportProgress, follow_up.report_progress, "报告落实进展"),
    Action("withdraw-publication", c.WithdrawPublication, disclosure.withdraw_publication, "撤回公开", after_end=True),
    Action("migrate-policy", c.MigratePolicy, follow_up.migrate_policy, "迁移办理规则", own_route=True),
    # merging (并案): each half of a merge and of its undoing, sent by services.merge_items to the two items
    Action("absorb-item", c.AbsorbItem, merging.absorb_item, "并案（主件）", own_route=True, via="merge"),
    Action("merge-into", c.MergeInto, merging.merge_into, "并案（并入件）", own_route=True, via="merge"),
    Action("release-item", c.ReleaseItem, merging.release_item, "撤销并案（主件）", own_route=True, via="unmerge"),
    Action("undo-merge", c.UndoMerge, merging.undo_merge, "撤销并案（并入件）", own_route=True, via="unmerge"),
)

BY_NAME: dict[str, Action] = {a.name: a for a in ACTIONS}
BY_COMMAND: dict[type[c.Command], Action] = {a.command: a for a in ACTIONS}


def action_of(cmd: c.Command) -> Action:
    return BY_COMMAND[type(cmd)]


OFFICE_ROLES = (Role.coordinator, Role.deputy, Role.proposal_committee, Role.member)


def office_refusal(state: SuggestionState, actor: Actor) -> Forbidden | None:
    """Why this actor may not act on this kind of item at all, or None: the congress's coordinators and deputies act
    on its items, the CPPCC's proposals committee and members on proposals (domain.kinds KindRules.office).

    Checked before an action is taken (the workflow's validator, the pages' offers), not in `apply`: an update a
    history recorded before the proposals had roles of their own replays as it ran."""
    office = KINDS[state.kind].office
    if actor.role not in OFFICE_ROLES or actor.role in office:
        return None
    names = "和".join(role_zh(role) for role in office)
    return Forbidden(f"a {state.kind.value} is handled by the {' and '.join(r.value for r in office)}",
                     f"{KINDS[state.kind].label}由{names}办理，您的身份是{role_zh(actor.role)}", "role.other_office")


def apply(state: SuggestionState, cmd: c.Command, now: datetime) -> None:
    """Perform one action on the state, or raise a Refusal saying why not."""
    if cmd.actor.role == Role.system:
        raise Forbidden("the system role cannot act through an update", "系统角色不能通过操作办理", "role.system")
    action = action_of(cmd)
    if state.kind not in action.kinds:  # a step this kind of item does not have (domain.kinds)
        rules = KINDS[state.kind]
        raise Conflict(f"a {state.kind.value} has no step {action.name}",
                       f"{rules.label}没有“{rules.label_of(action.name, action.label)}”这一环节", "kind.no_such_step")
    if state.stage == Stage.merged and action.name != "undo-merge":  # handled as part of its main item (并案)
        raise Conflict(f"this item is merged into {state.merged_into_number}: act on that item",
                       f"本件已并入第{state.merged_into_number}号，请在该件上办理；如需单独办理，请先撤销并案", "merge.merged")
    action.rule(state, cmd, now)
    process.refresh(state, now)


# Records that are only ever appended: a trial shares them instead of copying (an item may have thousands).
APPEND_ONLY = ("contacts", "feedback", "progress", "class_changes")


def trial(state: SuggestionState, cmd: c.Command, now: datetime) -> SuggestionState:
    """The action applied to a copy of the state (a Refusal says why not; the state itself is untouched)."""
    copy = working_copy(state)
    apply(copy, cmd, now)
    return copy


def working_copy(state: SuggestionState) -> SuggestionState:
    """A copy to try actions on. The append-only records are shared, not copied, and so is the policy (two
    thirds of a new item's state): it is frozen, and only ever replaced."""
    shared = {name: getattr(state, name) for name in APPEND_ONLY}
    copy = state.model_copy(update={"events": [], "policy": None, **{name: [] for name in APPEND_ONLY}}).model_copy(deep=True)
    copy.policy = state.policy
    for name, records in shared.items():
        setattr(copy, name, list(records))
    return copy


# Tests set this: every refusal that availability meets is checked to have left its copy as it was.
CHECK_REFUSALS_TOUCH_NOTHING = False


def availability(state: SuggestionState, actor: Actor, now: datetime) -> dict[str, str | None]:
    """Each action's answer for this actor now, by the rules themselves: None when it may be taken (its form
    asks for the rest), else why not (the rule's own Forbidden or Conflict, in Chinese). An action that only wants better
    input (Invalid) may be taken. Actions that name a unit are tried for each of the item's units.

    A rule checks before it changes anything, so a refusal leaves its copy as it was: the next action is tried
    on the same copy, and a new one is made only after an action went through (a worklist asks this of every
    item it shows; a copy for each of the ~35 tries was nine tenths of its time)."""
    answers: dict[str, str | None] = {}
    if refusal := office_refusal(state, actor):
        return {action.name: refusal.zh for action in ACTIONS}
    units = [None, *state.unit_codes()]
    scratch: SuggestionState | None = None
    for action in ACTIONS:
        if state.kind not in action.kinds:  # a step this kind does not have (domain.kinds)
            answers[action.name] = f"{KINDS[state.kind].label}没有这一环节"
            continue
        if action.via:  # half of a merge: taken with the other item, through the merge itself
            answers[action.name] = "由“并案”或“撤销并案”一并办理"
            continue
        reason = "—"
        for unit in units if "unit" in action.command.model_fields else [None]:
            scratch = scratch or working_copy(state)
            try:
                apply(scratch, _placeholder(action.command, actor, unit, state, now), now)
            except Invalid:
                reason, scratch = None, None
            except Refusal as refusal:
                reason = refusal.zh  # what people read
                if CHECK_REFUSALS_TOUCH_NOTHING:
                    _check_untouched(scratch, state, action.name)
                continue
            else:
                reason, scratch = None, None
            break
        answers[action.name] = reason
    return answers


def _check_untouched(scratch: SuggestionState, state: SuggestionState, name: str) -> None:
    if scratch.model_dump(exclude={"events"}) != state.model_dump(exclude={"events"}):
        raise AssertionError(f"the rule of {name} changed the state before refusing")


def _placeholder(command: type[c.Command], actor: Actor, unit: str | None, state: SuggestionState,
                 now: datetime) -> c.Command:
    """A command with stand-in values for what a person would type: enough for the rule to say whether this
    actor may act on this state now."""
    values: dict[str, Any] = {"actor": actor}
    for name, field in command.model_fields.items():
        if name == "actor":
            continue
        if name == "unit":
            values[name] = unit
        elif field.is_required():
            values[name] = _stand_in(field.annotation, state, now)
    return command.model_construct(**values)


def _stand_in(annotation: Any, state: SuggestionState, now: datetime) -> Any:
    if annotation is bool:
        return True
    if annotation is int:  # a count (a vote's)
        return 1
    if annotation is str:
        return "…"
    if annotation is datetime:
        return now
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return next(iter(annotation))
    if annotation is PolicyProfile:
        return state.policy
    return None
