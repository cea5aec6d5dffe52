import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from core.config_files import load_calendar
from domain.calendar import (
    CHINA_TIME,
    SHANGHAI,
    CalendarError,
    HolidayYear,
    WorkingCalendar,
    add_months,
    end_of_day,
    local_date,
    parse_holiday_override,
)

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"
D = date


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


# --- official data from chinese_calendar -------------------------------------


def test_2026_national_day_holiday_and_swapped_weekends(cal):
    for day in range(1, 8):
        assert not cal.is_working_day(D(2026, 10, day))
    assert cal.is_working_day(D(2026, 10, 8))
    # Swapped working weekends (调休): Sun 20 Sep and Sat 10 Oct 2026.
    assert D(2026, 9, 20).weekday() == 6 and cal.is_working_day(D(2026, 9, 20))
    assert D(2026, 10, 10).weekday() == 5 and cal.is_working_day(D(2026, 10, 10))
    assert not cal.is_working_day(D(2026, 10, 11))  # an ordinary Sunday
    assert cal.source(2026) == "chinese_calendar"


def test_2025_spring_festival_and_swapped_weekends(cal):
    day = D(2025, 1, 28)
    while day <= D(2025, 2, 4):
        assert not cal.is_working_day(day), day
        day += timedelta(days=1)
    assert cal.is_working_day(D(2025, 2, 5))
    assert cal.is_working_day(D(2025, 1, 26))  # Sunday, swapped
    assert cal.is_working_day(D(2025, 2, 8))  # Saturday, swapped


def test_agrees_with_chinese_calendar_for_every_day_it_knows(cal):
    day, last = D(2004, 1, 1), D(2026, 12, 31)
    while day <= last:
        assert cal.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


# --- counting working days ----------------------------------------------------


def test_three_month_reply_landing_in_2026_spring_festival_rolls_forward(cal):
    due = add_months(D(2025, 11, 17), 3)
    assert due == D(2026, 2, 17)  # 1st day of the lunar year
    assert cal.roll_forward(due) == D(2026, 2, 24)  # first working day after 15–23 Feb


def test_roll_forward_keeps_a_working_day(cal):
    assert cal.roll_forward(D(2026, 9, 30)) == D(2026, 9, 30)
    assert cal.roll_forward(D(2026, 9, 20)) == D(2026, 9, 20)  # swapped Sunday


def test_add_working_days_across_national_day(cal):
    assert cal.add_working_days(D(2026, 9, 29), 1) == D(2026, 9, 30)
    assert cal.add_working_days(D(2026, 9, 29), 2) == D(2026, 10, 8)
    assert cal.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)  # swapped Saturday
    # Counting starts the day after, even from inside the holiday.
    assert cal.add_working_days(D(2026, 10, 3), 5) == D(2026, 10, 13)


def test_add_working_days_across_the_year_end(cal):
    # 1–3 Jan 2026 off; Sunday 4 Jan 2026 is a swapped working day.
    assert cal.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert cal.add_working_days(D(2025, 12, 30), 2) == D(2026, 1, 4)


def test_zero_and_negative_working_days(cal):
    assert cal.add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 3)
    assert cal.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert cal.subtract_working_days(D(2026, 10, 8), 1) == D(2026, 9, 30)
    assert cal.subtract_working_days(D(2026, 10, 10), 3) == D(2026, 9, 30)
    assert cal.subtract_working_days(D(2026, 1, 4), 1) == D(2025, 12, 31)
    assert cal.subtract_working_days(D(2026, 9, 30), -2) == D(2026, 10, 9)


def test_add_and_subtract_are_inverse_on_working_days(cal):
    start = D(2025, 1, 2)
    for n in (1, 5, 15, 60, 130, 400):
        end = cal.add_working_days(start, n)
        assert cal.working_days_between(start, end) == n
        assert cal.subtract_working_days(end, n) == start


def test_working_days_between(cal):
    # Paused 30 Sep → 10 Oct 2026: 8, 9 and (swapped) 10 Oct count.
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert cal.working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert cal.working_days_between(D(2026, 10, 8), D(2026, 10, 8)) == 0
    assert cal.working_days_between(D(2026, 10, 10), D(2026, 9, 30)) == 0
    assert cal.working_days_between(D(2025, 12, 31), D(2026, 1, 5)) == 2  # 4 and 5 Jan


def test_rejects_datetimes_where_dates_are_expected(cal):
    with pytest.raises(CalendarError, match="expected a date"):
        cal.is_working_day(datetime(2026, 10, 1, tzinfo=UTC))


# --- overrides and fallback ---------------------------------------------------


def test_override_takes_precedence_over_the_package():
    correction = HolidayYear(
        year=2026,
        holidays=frozenset({D(2026, 10, 8)}),
        workdays=frozenset(),
        source="2026.toml",
    )
    cal = WorkingCalendar({2026: correction})
    assert not cal.is_working_day(D(2026, 10, 8))
    # The override replaces the year entirely: package data for 2026 is not used.
    assert cal.is_working_day(D(2026, 10, 1))
    assert cal.source(2026) == "2026.toml"
    assert cal.source(2025) == "chinese_calendar"


def test_2027_override_file_loads():
    cal = load_calendar(CONFIG_DIR, reload=True)
    assert cal.source(2027) == "2027.toml"
    for day in [D(2027, 1, 1), D(2027, 2, 5), D(2027, 2, 8), D(2027, 4, 5), D(2027, 6, 9),
                D(2027, 9, 15), D(2027, 10, 1)]:
        assert not cal.is_working_day(day), day
    assert cal.is_working_day(D(2027, 2, 9))
    assert cal.roll_forward(D(2027, 2, 5)) == D(2027, 2, 9)
    assert load_calendar(CONFIG_DIR) is cal  # cached


def test_2027_override_is_provisional_statutory_days_only():
    text = (CONFIG_DIR / "holidays" / "2027.toml").read_text(encoding="utf-8")
    year = parse_holiday_override(text, "2027.toml")
    assert year.provisional
    assert year.workdays == frozenset()
    assert len(year.holidays) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3 statutory days


def test_year_without_data_counts_weekdays_and_warns_once(caplog):
    cal = WorkingCalendar()
    with caplog.at_level(logging.WARNING, logger="huiyin.calendar"):
        assert cal.is_working_day(D(2031, 1, 1))  # a Wednesday; no holiday known
        assert not cal.is_working_day(D(2031, 1, 4))  # Saturday
        assert cal.source(2031) == "weekday_fallback"
        assert cal.add_working_days(D(2031, 1, 2), 1) == D(2031, 1, 3)
    warnings = [r for r in caplog.records if "2031" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "NO OFFICIAL HOLIDAY CALENDAR FOR 2031" in warnings[0].getMessage()


def test_parse_override_accepts_strings_and_toml_dates():
    year = parse_holiday_override(
        'year = 2030\nholidays = ["2030-01-01", 2030-10-01]\nworkdays = ["2030-09-29"]\n',
        "2030.toml",
    )
    assert year.holidays == {D(2030, 1, 1), D(2030, 10, 1)}
    assert year.workdays == {D(2030, 9, 29)}
    assert year.source == "2030.toml"
    assert not year.provisional


@pytest.mark.parametrize(
    "text, message",
    [
        ('holidays = ["2027-01-01"]', "'year' is missing"),
        ('year = "2027"', "'year' is missing or not an integer"),
        ('year = 2027\nholidays = ["2028-01-01"]', "2028-01-01 is not in year 2027"),
        ('year = 2027\nholidays = ["2027-13-01"]', "bad date '2027-13-01'"),
        ('year = 2027\nholidays = ["1 Jan 2027"]', "bad date '1 Jan 2027'"),
        ('year = 2027\nholidays = ["2027-02-06"]\nworkdays = ["2027-02-06"]',
         "2027-02-06 listed both in holidays and workdays"),
        ('year = 2027\nworkdays = ["2027-02-08"]', "fall on Monday–Friday"),
        ('year = 2027\nholiday = ["2027-01-01"]', "unknown key(s) holiday"),
        ('year = 2027\nholidays = "2027-01-01"', "'holidays' must be a list"),
        ('year = 2027\nprovisional = "yes"', "'provisional' must be true or false"),
        ("year = 2027\nholidays = [", "not valid TOML"),
    ],
)
def test_malformed_override_refused(text, message):
    with pytest.raises(CalendarError) as err:
        parse_holiday_override(text, "bad.toml")
    assert message in str(err.value)
    assert "bad.toml" in str(err.value)


def test_override_file_must_match_its_year(tmp_path):
    (tmp_path / "holidays").mkdir()
    (tmp_path / "holidays" / "2028.toml").write_text('year = 2027\n', encoding="utf-8")
    with pytest.raises(CalendarError, match="2028.toml declares year 2027"):
        load_calendar(tmp_path, reload=True)


def test_load_calendar_picks_up_new_and_changed_files_without_restart(tmp_path):
    holidays = tmp_path / "holidays"
    holidays.mkdir()
    first = load_calendar(tmp_path)
    assert first.source(2032) == "weekday_fallback"
    assert load_calendar(tmp_path) is first  # unchanged files: the cached calendar
    (holidays / "2032.toml").write_text('year = 2032\nholidays = ["2032-01-01"]\n', "utf-8")
    assert load_calendar(tmp_path).source(2032) == "2032.toml"
    assert not load_calendar(tmp_path).is_working_day(date(2032, 1, 1))
    (holidays / "2032.toml").write_text('year = 2032\nholidays = ["2032-01-01", "2032-01-02"]\n', "utf-8")
    assert not load_calendar(tmp_path).is_working_day(date(2032, 1, 2))


# --- months and instants ------------------------------------------------------


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (D(2025, 3, 3), 3, D(2025, 6, 3)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 3, 31), 0, D(2025, 3, 31)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_end_of_day_is_utc():
    end = end_of_day(D(2026, 2, 24))
    assert end == datetime(2026, 2, 24, 15, 59, 59, tzinfo=UTC)
    assert end.utcoffset() == timedelta(0)
    assert end.astimezone(SHANGHAI).hour == 23


def test_local_date_uses_shanghai():
    assert local_date(datetime(2026, 2, 23, 16, 30, tzinfo=UTC)) == D(2026, 2, 24)
    assert local_date(datetime(2026, 2, 23, 15, 59, 59, tzinfo=UTC)) == D(2026, 2, 23)
    assert local_date(end_of_day(D(2026, 10, 8))) == D(2026, 10, 8)


def test_fixed_offset_matches_asia_shanghai():
    # The arithmetic uses a fixed UTC+8 (sandbox-safe); Shanghai has had no DST since 1991.
    for year in range(1992, 2101):
        for month in (1, 7):
            moment = datetime(year, month, 1, 12, tzinfo=UTC)
            assert moment.astimezone(SHANGHAI).utcoffset() == CHINA_TIME.utcoffset(moment)


def test_local_date_refuses_naive_datetimes():
    with pytest.raises(CalendarError, match="naive datetime"):
        local_date(datetime(2026, 2, 23, 16, 30))


def test_two_overrides_for_one_year_refused(tmp_path):
    holidays = tmp_path / "holidays"
    holidays.mkdir()
    (holidays / "2030.toml").write_text("year = 2030\n", encoding="utf-8")
    (holidays / "correction.toml").write_text("year = 2030\n", encoding="utf-8")
    with pytest.raises(CalendarError, match="two holiday overrides for 2030: 2030.toml and correction.toml"):
        load_calendar(tmp_path, reload=True)


def test_provisional_override_warns(caplog):
    year = parse_holiday_override("year = 2030\nprovisional = true\n", "2030.toml")
    cal = WorkingCalendar({2030: year})
    with caplog.at_level(logging.WARNING, logger="huiyin.calendar"):
        cal.is_working_day(D(2030, 1, 2))
    assert any("PROVISIONAL override 2030.toml" in r.getMessage() for r in caplog.records)
