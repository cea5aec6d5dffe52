"""The Chinese the Temporal UI shows of an item (监督台摘要): its summary, its details, its timers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from domain import commands as c
from domain import process
from domain.actions import apply
from domain.clocks import set_schedule
from domain.enums import Rung
from domain.models import LadderStep
from domain.oversight_text import current_details, item_line, item_summary, wait_summary
from tests.helpers import COORDINATOR, new_suggestion

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)
YEAR_END = datetime(2026, 12, 31, 15, 59, 59, tzinfo=timezone.utc)  # 31 Dec, 23:59:59 Beijing time


def test_a_long_title_is_cut_to_one_line():
    assert item_summary(2026, "0037", "关于加强老旧小区加装电梯的建议") == "2026年第0037号 关于加强老旧小区加装电梯的建议"
    summary = item_summary(2026, "0037", "关" * 80)
    assert summary == "2026年第0037号 " + "关" * 59 + "…"


def test_a_timer_names_its_clock_last_day_rung_and_unit_or_the_year_end():
    state = process.register(new_suggestion("S1"), "suggestion-2026-S1", NOW)
    assert wait_summary(state, YEAR_END, YEAR_END) == "年度结转 2026-12-31"
    apply(state, c.Accept(actor=COORDINATOR), NOW)
    apply(state, c.Assign(actor=COORDINATOR, lead_unit="U01"), NOW)
    reply = next(d for d in state.deadlines if d.kind == "reply")
    due = datetime(2026, 6, 10, 15, 59, 59, tzinfo=timezone.utc)
    orange = due - timedelta(days=10)
    set_schedule(state, reply, due, [LadderStep(rung=Rung.orange, at=orange)], NOW)
    assert wait_summary(state, orange, YEAR_END) == "答复期限 2026-06-10 · 橙色预警（U01）"
    state.deadlines[state.deadlines.index(reply)].ladder[0].status = "fired"
    assert wait_summary(state, due, YEAR_END) == "答复期限 2026-06-10 · 到期（U01）"


def test_the_details_say_stage_holder_due_date_level_and_years_and_name_no_deputy():
    state = process.register(new_suggestion("S2"), "suggestion-2026-S2", NOW)
    apply(state, c.Accept(actor=COORDINATOR), NOW)
    apply(state, c.Assign(actor=COORDINATOR, lead_unit="U01", co_units=["U02"]), NOW)
    for deadline in state.deadlines:
        if deadline.due_at is None:
            set_schedule(state, deadline, datetime(2026, 6, 10, 15, 59, 59, tzinfo=timezone.utc), [], NOW)
    details = current_details(state)
    assert details.splitlines()[0] == "**2026年第S2号 关于加强老旧小区加装电梯的建议**"
    for line in ("- 办理阶段：办理中", "- 当前承办：承办单位 U01、U02", "- 主办单位：U01", "- 答复期限：2026-06-10",
                 "- 预警等级：正常", "- 重点督办：否", "- 办理年度：2026年（2026年提出，已结转0次）"):
        assert line in details.splitlines(), (line, details)
    assert "D001" not in details and "城区代表团" not in details


def test_the_list_line_says_number_stage_level_lead_unit_and_no_title():
    state = process.register(new_suggestion("S3"), "suggestion-2026-S3", NOW)
    assert item_line(state) == "2026年第S3号 · 已登记 · 正常"
    apply(state, c.Accept(actor=COORDINATOR), NOW)
    apply(state, c.Assign(actor=COORDINATOR, lead_unit="U01"), NOW)
    state.carry_over_count = 2
    line = item_line(state)
    assert line == "2026年第S3号 · 办理中 · 正常 · 主办U01 · 结转2次" and state.title not in line


def test_a_missed_reply_deadline_still_shows_its_day():
    state = process.register(new_suggestion("S4"), "suggestion-2026-S4", NOW)
    apply(state, c.Accept(actor=COORDINATOR), NOW)
    apply(state, c.Assign(actor=COORDINATOR, lead_unit="U01"), NOW)
    reply = next(d for d in state.deadlines if d.kind == "reply")
    set_schedule(state, reply, datetime(2026, 6, 10, 15, 59, 59, tzinfo=timezone.utc), [], NOW)
    reply.status = "missed"
    assert "- 答复期限：2026-06-10（已过）" in current_details(state).splitlines()
