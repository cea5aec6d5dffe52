"""Refusals and the checks every action starts with: who may act, and on what.

A refusal says why in Chinese (what people read, by default) and in English, with a stable `code` beside them
for programs (the API's problem details carry all three)."""

from __future__ import annotations

from domain.enums import STAGE_LABELS, STANDS_IN_FOR, UNIT_ROLES, Role, Stage, UnitRole
from domain.kinds import FILING_LEVEL_LABELS, KINDS
from domain.labels import ROLE_LABELS, UNIT_ROLE_LABELS
from domain.models import Actor, Assignment, SuggestionState


class Refusal(Exception):
    """An action the state or the actor does not allow; `kind` tells the API which 4xx."""

    kind = "conflict"

    def __init__(self, message: str, zh: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message  # English
        self.zh = zh or message
        self.code = code or self.kind


class Conflict(Refusal):
    """The state does not allow it now (409)."""

    kind = "conflict"


class Forbidden(Refusal):
    """This actor may not do it (403)."""

    kind = "forbidden"


class Invalid(Refusal):
    """The input itself is wrong (422)."""

    kind = "invalid"


def require_review(state: SuggestionState) -> None:
    """Review (审查: accept, return, convert) is for kinds that have it; an inquiry letter was put to its unit at
    the hearing (domain.kinds)."""
    rules = KINDS[state.kind]
    if not rules.reviewed:
        raise Conflict(
            f"a {state.kind.value} is not reviewed: it was put to a unit at its hearing or meeting; assign it to that unit",
            f"{rules.label}不经审查受理、退回或转参阅件：{rules.hearing_label}上已交由承办单位，请直接交办", "kind.not_reviewed",
        )


def missing_levels(state: SuggestionState) -> list[str]:
    """The review levels (in order) still to be recorded before the item can be filed (accepted)."""
    done = {r.level for r in state.filing_reviews}
    return [level.value for level in KINDS[state.kind].filing_levels if level not in done]


def require_filing_reviews(state: SuggestionState) -> None:
    """立案 only after every level of review (a kind without levels has nothing to wait for)."""
    if missing := missing_levels(state):
        rules = KINDS[state.kind]
        names, levels = ("、".join(FILING_LEVEL_LABELS[level] for level in some) for some in (missing, rules.filing_levels))
        raise Conflict(f"a {state.kind.value} is filed only after its review levels; still missing: {', '.join(missing)}",
                       f"{rules.label}须经{levels}三级审查后方可{rules.after_reviews}；尚缺：{names}",
                       "filing.levels_missing")


# What each check names the action (English as the rules write it) in Chinese.
DOING = {
    "accepting a suggestion": "审查受理建议", "adding a supervision opinion": "提出督办意见",
    "assigning a suggestion": "交办建议", "checking a reply": "审核答复", "converting a suggestion": "转为参阅件",
    "deciding an adjustment request": "审定调整申请", "deciding an extension request": "审定延期申请",
    "declining key supervision": "决定不列为重点督办", "designating key supervision": "列为重点督办",
    "drafting a reply": "拟写答复", "logging a contact": "记录与代表沟通", "migrating an item's policy": "迁移办理规则",
    "ordering re-handling": "交办二次办理", "pausing a clock": "暂停计时", "rating a reply": "评价答复",
    "recording a supervision action": "记录督办活动", "reporting follow-up progress": "报告落实进展",
    "reporting key-item progress": "报送重点督办进展", "requesting an adjustment": "申请调整",
    "requesting an extension": "申请延期答复", "resubmitting a suggestion": "重新提交建议", "resuming a clock": "恢复计时",
    "returning a suggestion for revision": "退回完善", "signing for receipt": "签收", "signing off a reply": "审签答复",
    "submitting a co-opinion": "提交协办意见", "withdrawing a reply from publication": "撤回公开",
    "recording a filing review": "记录立案审查", "recording a satisfaction vote": "记录满意度测评",
    "recording the deputies' vote": "记录代表票决结果", "merging items": "并案", "undoing a merge": "撤销并案",
}
# What pick_track says when no unit qualifies.
NOTHING = {
    "no extension request awaits a decision": "没有待决定的延期申请",
    "no published or scheduled reply to withdraw": "没有已公开或待公开的答复可以撤回",
    "no reply awaits your feedback": "没有等待您评价的答复",
    "no unsatisfied reply awaits a re-handling order": "没有评价为不满意、待交办二次办理的答复",
    "no signed-off reply awaits your check": "没有已审签、待审核的答复",
}


def role_zh(role: Role | str) -> str:
    return ROLE_LABELS.get(str(role), str(role))


def stage_zh(stage: Stage | str | None) -> str:
    return STAGE_LABELS.get(stage, str(stage)) if stage else "协办"


def unit_role_zh(role: UnitRole | str) -> str:
    return UNIT_ROLE_LABELS.get(str(role), str(role))


def require_role(actor: Actor, action: str, *roles: Role) -> None:
    """The actor has one of `roles`, or stands in for one on its own kind of item (政协提案委员会 for the coordinator,
    政协委员 for the deputy: which kind is domain.actions.office_refusal's to say)."""
    if actor.role not in roles and STANDS_IN_FOR.get(actor.role) not in roles:
        allowed = " or ".join(r.value for r in roles)
        stand_ins = {v: k for k, v in STANDS_IN_FOR.items()} if actor.role in STANDS_IN_FOR else {}
        names = "或".join(role_zh(stand_ins.get(r, r)) for r in roles)
        raise Forbidden(f"{action} is done by the {allowed}, not by a {actor.role.value}",
                        f"{DOING.get(action, action)}由{names}办理，您的身份是{role_zh(actor.role)}", "role.not_allowed")


def own_assignment(state: SuggestionState, actor: Actor, action: str) -> Assignment:
    """The actor's unit's part in this item; another unit's item is not theirs to touch."""
    require_role(actor, action, *UNIT_ROLES)
    assignment = state.assignment(actor.unit)
    if assignment is None:
        raise Forbidden(f"suggestion {state.number} is not assigned to unit {actor.unit}",
                        f"第{state.number}号建议未交由单位{actor.unit}承办", "unit.not_assigned")
    return assignment


def require_open(state: SuggestionState, action: str) -> None:
    if state.ended:
        raise Conflict(f"{action}: suggestion {state.number} has ended ({state.stage.value})",
                       f"{DOING.get(action, action)}：第{state.number}号建议已{stage_zh(state.stage)}，不能再办理", "item.ended")


def require_assigned(state: SuggestionState, action: str) -> None:
    require_open(state, action)
    if state.stage in (Stage.registered, Stage.returned_for_revision):
        raise Conflict(f"{action}: suggestion {state.number} has not been assigned yet",
                       f"{DOING.get(action, action)}：第{state.number}号建议尚未交办", "item.not_assigned")


def pick_track(
    state: SuggestionState,
    candidates: list[Assignment],
    unit: str | None,
    nothing: str,
    nothing_zh: str | None = None,
) -> Assignment:
    """Choose the unit a coordinator's or deputy's action is about."""
    if unit is not None:
        candidates = [a for a in candidates if a.unit == unit]
    if not candidates:
        zh = nothing_zh or NOTHING.get(nothing, nothing)
        raise Conflict(nothing + (f" for unit {unit}" if unit else ""), zh + (f"（单位{unit}）" if unit else ""),
                       "unit.nothing_waiting")
    if len(candidates) > 1:
        units = ", ".join(a.unit for a in candidates)
        raise Invalid(f"several units qualify ({units}): name the unit", f"有多个单位符合（{units}）：请指明单位",
                      "unit.ambiguous")
    return candidates[0]
