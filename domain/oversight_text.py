"""What the Temporal UI says of an item (监督台摘要): its summary at start, its current details, and a summary
on each timer and activity — in Chinese, so that an operator reads an item at a glance.

They are payloads (user metadata), encrypted by the codec like the rest; ids and search attributes stay free of
personal data. Units appear by their codes: the workflow does not keep the registers' names.
"""

from __future__ import annotations

from datetime import datetime

from domain.calendar import local_date
from domain.enums import STAGE_LABELS, DeadlineKind, DeadlineStatus, ReplyStatus, RungStatus, Stage
from domain.kinds import KINDS, Kind
from domain.labels import DEADLINE_LABELS, LEVEL_LABELS, RUNG_LABELS
from domain.models import Deadline, SuggestionState

REPLY_CLOCKS = (DeadlineKind.reply, DeadlineKind.second_reply)
TITLE_CHARS = 60  # the UI shows a summary on one line
RECORD_SUMMARY = "写入台账"  # the local activity that records a change in the ledger
SCHEDULE_SUMMARY = "计算期限"  # the one that computes new clocks on the working-day calendar
YEAR_END_SUMMARY = "年度结转"


def item_summary(year: int, number: str, title: str, kind: Kind = Kind.suggestion) -> str:
    """The item's summary, given at start: `2026年第0037号 关于…的建议`; another kind says which
    (`问政交办函 2026年第0003号 …`)."""
    short = title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"
    return f"{_kind_prefix(kind)}{year}年第{number}号 {short}"


def _kind_prefix(kind: Kind) -> str:
    return "" if kind == Kind.suggestion else f"{KINDS[kind].label} "


def item_line(state: SuggestionState) -> str:
    """The item in one line of Chinese with nothing personal in it (a search attribute, not encrypted):
    `2026年第0037号 · 办理中 · 橙色预警 · 主办U01 · 重点督办 · 结转1次`."""
    parts = [f"{_kind_prefix(state.kind)}{state.year}年第{state.number}号", STAGE_LABELS[state.stage],
             LEVEL_LABELS[state.warning_level.value]]
    if lead := state.lead_unit():
        parts.append(f"主办{lead}")
    if state.key_supervision:
        parts.append("重点督办")
    if state.carry_over_count:
        parts.append(f"结转{state.carry_over_count}次")
    return " · ".join(parts)


def holder(state: SuggestionState) -> str:
    """Who the item waits on now (在谁手中)."""
    units = "、".join(state.unit_codes()) or "—"
    if state.stage == Stage.reply_review:
        unsigned = [r.unit for r in state.replies if r.status in (ReplyStatus.draft, ReplyStatus.sent_back)]
        if unsigned:
            return f"承办单位负责人 {'、'.join(dict.fromkeys(unsigned))}（签发答复）"
    return {
        Stage.registered: "交办督办机构（审查、交办）",
        Stage.returned_for_revision: "领衔代表（修改后重新提交）",
        Stage.handling: f"承办单位 {units}",
        Stage.reply_review: "交办督办机构（审核答复）",
        Stage.awaiting_feedback: "代表（满意度评价）",
        Stage.rehandling: f"承办单位 {units}（二次办理）",
        Stage.follow_up: f"承办单位 {units}（跟踪落实）",
    }.get(state.stage, "—（已办结）")


def current_details(state: SuggestionState) -> str:
    """The item as it stands, in Markdown (the UI renders it): stage, holder, next due date, warning level,
    key supervision, carry-overs."""
    due = state.reply_due_at()
    missed = [d.due_at for d in state.deadlines if d.kind in REPLY_CLOCKS and d.status == DeadlineStatus.missed]
    due_text = local_date(due).isoformat() if due else (f"{local_date(max(missed)).isoformat()}（已过）" if missed else "—")
    lines = [
        f"**{item_summary(state.year, state.number, state.title, state.kind)}**",
        "",
        f"- 办理阶段：{STAGE_LABELS[state.stage]}",
        f"- 当前承办：{holder(state)}",
        f"- 主办单位：{state.lead_unit() or '尚未交办'}",
        f"- 答复期限：{due_text}",
        f"- 预警等级：{LEVEL_LABELS[state.warning_level.value]}" + ("（已超期）" if state.overdue else ""),
        f"- 重点督办：{'是' if state.key_supervision else '否'}",
        f"- 办理年度：{state.handling_year}年（{state.year}年提出，已结转{state.carry_over_count}次）",
    ]
    return "\n".join(lines)


def wait_summary(state: SuggestionState, due: datetime, year_end: datetime) -> str:
    """The summary of the timer that wakes the item at `due`: which clock, its last day and the rung, e.g.
    `答复期限 2027-03-05 · 橙色预警（U01）`; or the year end."""
    parts = [_clock_text(d, due) for d in state.deadlines if d.next_instant() == due]
    if due == year_end:
        parts.append(f"{YEAR_END_SUMMARY} {local_date(due).isoformat()}")
    return "；".join(parts) or f"下一时点 {local_date(due).isoformat()}"


def _clock_text(deadline: Deadline, due: datetime) -> str:
    rung = next((s.rung.value for s in deadline.ladder if s.status == RungStatus.pending and s.at == due), None)
    if rung is None and deadline.status == DeadlineStatus.pending and deadline.due_at == due:
        rung = "red"
    label = DEADLINE_LABELS.get(deadline.kind.value, deadline.kind.value)
    last_day = local_date(deadline.due_at).isoformat() if deadline.due_at else "—"
    unit = f"（{deadline.unit}）" if deadline.unit else ""
    return f"{label} {last_day} · {RUNG_LABELS.get(rung, '到期')}{unit}"


def co_signers_window_summary(window_end: datetime) -> str:
    return f"附议代表评价期 至 {local_date(window_end).isoformat()}"
