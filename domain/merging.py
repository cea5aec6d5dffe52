"""Merging (并案, docs/process.md "Merging"): a coordinator merges items on the same matter into one handled item.

The merged item keeps its number and shows where it went; its deputies become the main item's signers, so each
of them still rates the reply; the report counts the merged item once, with its main item. A merge can be undone
until the main item is assigned; the assignment settles it, and the merged item ends there.

Each merge touches two items, and each item is a workflow of its own: the service (services.merge_items) sends
each its half — the main item's first (absorb-item, release-item), then the merged item's (merge-into, undo-merge) —
and the main item's workflow tells its merged items when it is assigned (settle_merge). Pure: no I/O.
"""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.clocks import cancel_clocks, notify, record, start_clock
from domain.enums import DeadlineKind, Period, Role, Stage
from domain.guards import Conflict, Invalid, require_role, stage_zh
from domain.kinds import KINDS
from domain.models import SYSTEM, MergedItem, SuggestionState


def _name(state: SuggestionState) -> str:
    return KINDS[state.kind].numbered(state.year, state.number)


def merge_refusal(main: SuggestionState, item: SuggestionState) -> Conflict | Invalid | None:
    """Why `item` cannot be merged into `main` now, or None: two different items of one kind and year, both
    registered and not yet assigned, neither merged into another, and the merged one not itself a main item."""
    if main.workflow_id == item.workflow_id:
        return Invalid("an item cannot be merged into itself", "不能把一件建议并入它自己，请选择另一件", "merge.same_item")
    if main.kind != item.kind:
        return Invalid(f"a {item.kind.value} cannot be merged into a {main.kind.value}",
                       f"{KINDS[item.kind].label}不能并入{KINDS[main.kind].label}：并案只在同一种事项之间进行", "merge.kinds_differ")
    if main.handling_year != item.handling_year:
        return Invalid("items are merged within one handling year",
                       f"并案只在同一办理年度内进行：{_name(item)}在{item.handling_year}年度，{_name(main)}在{main.handling_year}年度",
                       "merge.years_differ")
    for state, role in ((main, "主件"), (item, "并入件")):
        if state.merged_into:
            return Conflict(f"{state.workflow_id} is already merged into {state.merged_into}",
                            f"{_name(state)}已并入第{state.merged_into_number}号，不能再作为{role}；如需调整，请先撤销原并案",
                            "merge.already_merged")
        if state.stage != Stage.registered:
            return Conflict(f"only items not yet assigned are merged; {state.workflow_id} is {state.stage.value}",
                            f"并案只在交办前进行：{_name(state)}目前为{stage_zh(state.stage)}", "merge.not_before_assignment")
    if item.merged:
        return Conflict(f"{item.workflow_id} has items merged into it: merge those into the main item instead",
                        f"{_name(item)}本身已有并入件：请先撤销这些并案，再一并并入{_name(main)}", "merge.has_merged")
    if any(m.workflow_id == item.workflow_id for m in main.merged):
        return Conflict("already merged", f"{_name(item)}已并入本件", "merge.already_merged")
    return None


def absorb_item(state: SuggestionState, cmd: c.AbsorbItem, now: datetime) -> None:
    """The main item takes in a merged one: its deputies become signers (each will rate the reply)."""
    require_role(cmd.actor, "merging items", Role.coordinator)
    if state.merged_into or state.stage != Stage.registered:
        raise Conflict(f"items are merged into an item not yet assigned; this one is {state.stage.value}",
                       f"并案只在交办前进行：{_name(state)}目前为{stage_zh(state.stage)}", "merge.not_before_assignment")
    if any(m.workflow_id == cmd.item for m in state.merged):
        raise Conflict("already merged", f"第{cmd.number}号已并入本件", "merge.already_merged")
    signers = {state.lead_deputy, *state.co_signers}
    added = [d for d in dict.fromkeys([cmd.lead_deputy, *cmd.co_signers]) if d not in signers]
    state.co_signers = [*state.co_signers, *added]
    state.merged.append(MergedItem(workflow_id=cmd.item, number=cmd.number, title=cmd.title, lead_deputy=cmd.lead_deputy,
                                   co_signers=cmd.co_signers, signers_added=added, merged_at=now,
                                   merged_by=cmd.actor.user))
    record(state, now, cmd.actor, "item_absorbed", item=cmd.item, number=cmd.number, signers_added=added,
           notify=notify(state, deputies=True))


def merge_into(state: SuggestionState, cmd: c.MergeInto, now: datetime) -> None:
    """The merged item hands its handling to the main item; it waits there until that one is assigned."""
    require_role(cmd.actor, "merging items", Role.coordinator)
    if state.merged_into:
        raise Conflict("already merged", f"{_name(state)}已并入第{state.merged_into_number}号", "merge.already_merged")
    if state.stage != Stage.registered:
        raise Conflict(f"only items not yet assigned are merged; this one is {state.stage.value}",
                       f"并案只在交办前进行：{_name(state)}目前为{stage_zh(state.stage)}", "merge.not_before_assignment")
    if state.merged:
        raise Conflict("an item with items merged into it is not merged itself",
                       f"{_name(state)}本身已有并入件，请先撤销这些并案", "merge.has_merged")
    state.stage, state.merged_into, state.merged_into_number = Stage.merged, cmd.into, cmd.into_number
    state.end_reason = f"并入第{cmd.into_number}号办理"
    cancel_clocks(state, now)
    record(state, now, cmd.actor, "merged", into=cmd.into, into_number=cmd.into_number,
           notify=notify(state, deputies=True))


def require_main_not_assigned(state: SuggestionState) -> None:
    if state.stage != Stage.registered:
        raise Conflict("a merge is undone only before the main item is assigned",
                       f"{_name(state)}已交办，并案已生效，不能撤销", "merge.settled")


def release_item(state: SuggestionState, cmd: c.ReleaseItem, now: datetime) -> None:
    """The main item lets a merged one go again (before it is assigned), with the signers it brought."""
    require_role(cmd.actor, "undoing a merge", Role.coordinator)
    require_main_not_assigned(state)
    merged = next((m for m in state.merged if m.workflow_id == cmd.item), None)
    if merged is None:
        raise Conflict(f"{cmd.item} is not merged into this item", "该件未并入本件", "merge.not_merged")
    state.merged = [m for m in state.merged if m.workflow_id != cmd.item]
    still = {d for m in state.merged for d in (m.lead_deputy, *m.co_signers)}  # deputies of the items still merged
    leaving = [d for d in merged.signers_added if d not in still]
    state.co_signers = [d for d in state.co_signers if d not in leaving]
    for m in state.merged:  # who stays for another merged item is counted as brought by it from now on
        m.signers_added += [d for d in merged.signers_added if d not in leaving and d in (m.lead_deputy, *m.co_signers)
                            and d not in m.signers_added]
    record(state, now, cmd.actor, "item_released", item=cmd.item, number=merged.number)


def undo_merge(state: SuggestionState, cmd: c.UndoMerge, now: datetime) -> None:
    """The merged item is handled on its own again, as registered (and between sessions its assignment clock
    starts again, as after a resubmission)."""
    require_role(cmd.actor, "undoing a merge", Role.coordinator)
    if state.stage != Stage.merged or state.merge_settled:
        why = "并案已生效（主件已交办）" if state.merge_settled else "本件未并案"
        raise Conflict("only a merge not yet settled is undone", f"不能撤销并案：{why}", "merge.not_undoable")
    into = state.merged_into_number
    state.stage, state.merged_into, state.merged_into_number, state.end_reason = Stage.registered, None, "", ""
    if state.period == Period.closed:
        start_clock(state, DeadlineKind.assignment, None, now, state.policy.clocks.assignment_between_sessions)
    record(state, now, cmd.actor, "merge_undone", from_number=into, notify=notify(state, deputies=True))


def settle_merge(state: SuggestionState, main_id: str, now: datetime) -> bool:
    """The main item was assigned (or ended before, as a candidate project not chosen by the vote): the merge is
    final and this item ends with it. False when this item is no longer merged into it (the merge was undone
    meanwhile): nothing changes."""
    if state.stage != Stage.merged or state.merged_into != main_id or state.merge_settled:
        return False
    state.merge_settled = True
    record(state, now, SYSTEM, "merge_settled", into=main_id, into_number=state.merged_into_number)
    return True


def require_no_merged(state: SuggestionState, doing: str) -> None:
    """A main item is not returned or converted while items are merged into it: they would lose their handling."""
    if state.merged:
        numbers = "、".join(f"第{m.number}号" for m in state.merged)
        raise Conflict("items are merged into this one: undo those merges first",
                       f"本件有并入件（{numbers}），请先撤销并案，再{doing}", "merge.has_merged")
