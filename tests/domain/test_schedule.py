"""Deadline maths with ladders, pauses, fixed dates and drill time (pure, no server)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from core.config_files import load_calendar, load_policy
from core.settings import CONFIG_DIR
from domain.calendar import SHANGHAI, end_of_day
from domain.deadlines import schedule
from domain.enums import Rung
from domain.models import Pause
from domain.policy import DrillScale, Duration, Ladder, PolicyError, parse_policy

CAL = load_calendar()
REPLY_LADDER = Ladder(blue=Duration.parse("15 days"), orange=Duration.parse("5 days"),
                      escalate_after=Duration.parse("10 working_days"))


def beijing(year, month, day, hour=10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


def test_reply_ladder_around_national_day_2026():
    # Assigned 1 July 2026: 3 months → 1 Oct, a holiday (1–7 Oct) → 8 Oct.
    result = schedule(beijing(2026, 7, 1), Duration.parse("3 months"), REPLY_LADDER, [], None, CAL)
    assert result.due_at == end_of_day(date(2026, 10, 8))
    steps = {s.rung: s.at for s in result.ladder}
    assert steps[Rung.blue] == beijing(2026, 9, 23, 9)  # 15 days before, 09:00 Beijing
    assert steps[Rung.orange] == beijing(2026, 10, 3, 9)  # 5 days before (a holiday: notices go anyway)
    # 10 working days after 8 Oct: 9 Oct, Sat 10 Oct (a swapped working day), 12–16, 19, 20, 21 Oct → 21 Oct.
    assert steps[Rung.escalation] == end_of_day(date(2026, 10, 21))


def test_a_pause_shifts_the_deadline_by_the_working_days_it_lasted():
    start = beijing(2026, 3, 2)
    plain = schedule(start, Duration.parse("3 months"), None, [], None, CAL)
    # Paused Monday 9 March, resumed Monday 16 March: 5 working days (10–16 March) stood still.
    paused = schedule(start, Duration.parse("3 months"), None,
                      [Pause(paused_at=beijing(2026, 3, 9), resumed_at=beijing(2026, 3, 16))], None, CAL)
    assert plain.due_at == end_of_day(date(2026, 6, 2))
    assert paused.due_at == end_of_day(CAL.add_working_days(date(2026, 6, 2), 5))
    # A pause still running does not move it yet.
    running = schedule(start, Duration.parse("3 months"), None, [Pause(paused_at=beijing(2026, 3, 9))], None, CAL)
    assert running.due_at == plain.due_at


def test_a_fixed_date_rolls_to_the_next_working_day():
    result = schedule(beijing(2026, 3, 2), None, None, [], None, CAL, on=date(2026, 10, 1))
    assert result.due_at == end_of_day(date(2026, 10, 8))


def test_drill_time_compresses_months_days_and_rungs():
    drill = DrillScale(month_seconds=120, day_seconds=5)
    start = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    result = schedule(start, Duration.parse("3 months"), REPLY_LADDER,
                      [Pause(paused_at=start, resumed_at=start + timedelta(seconds=30))], drill, CAL)
    assert result.due_at == start + timedelta(seconds=360 + 30)
    steps = {s.rung: s.at for s in result.ladder}
    assert steps[Rung.blue] == result.due_at - timedelta(seconds=75)
    assert steps[Rung.escalation] == result.due_at + timedelta(seconds=50)


def test_profiles_carry_ladders_and_the_drill_profile_is_compressed():
    national = load_policy("national")
    assert national.ladders["reply"] == REPLY_LADDER and national.drill is None
    assert str(national.clocks.publication) == "20 working_days"
    drill = load_policy("drill")
    assert drill.drill == DrillScale(month_seconds=120, day_seconds=5)
    assert drill.clocks == national.clocks  # the same numbers, in compressed time


def test_a_ladder_for_an_unknown_clock_is_refused():
    text = (CONFIG_DIR / "policies" / "national.toml").read_text("utf-8")
    with pytest.raises(PolicyError, match="ladders for unknown clocks"):
        parse_policy(text + '\n[ladders.lunch]\norange = "1 day"\n', "national")
