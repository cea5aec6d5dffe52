"""Working-day calendar (工作日历) and date arithmetic for deadlines.

Pure code: no file or network I/O, so it can be imported inside the Temporal
workflow sandbox. Operator override files are read by ``core.config_files``
and handed in as text or as ``HolidayYear`` values.

A day is a working day when it is a swapped working weekend (调休上班), or when it
is Monday–Friday and not an official day off. Official data comes from the
``chinese_calendar`` package (2004–2026 in version 1.11); an operator override
for a year wins over the package; a year with neither counts Monday–Friday and
logs a loud warning.
"""

from __future__ import annotations

import bisect
import logging
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Asia/Shanghai has been a fixed UTC+8 without daylight saving since 1991. The
# arithmetic below uses this fixed offset because inside the Temporal sandbox a
# ZoneInfo is wrapped in a proxy that datetime refuses as a tzinfo.
CHINA_TIME = timezone(timedelta(hours=8), "CST")

SOURCE_PACKAGE = "chinese_calendar"
SOURCE_FALLBACK = "weekday_fallback"

log = logging.getLogger("huiyin.calendar")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_OVERRIDE_KEYS = {"year", "provisional", "holidays", "workdays"}


class CalendarError(ValueError):
    """A holiday override or a calendar request that cannot be used."""


@dataclass(frozen=True)
class HolidayYear:
    """One year's official schedule (节假日安排).

    ``holidays`` are the official days off (weekdays or weekends); ``workdays``
    are the weekends that become working days (调休). ``provisional`` marks data
    that is known to be incomplete (e.g. statutory days only, before the State
    Council notice is published).
    """

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str
    provisional: bool = False


# --- override files ---------------------------------------------------------


def parse_holiday_override(text: str, source: str = "override") -> HolidayYear:
    """Parse an operator's TOML override for one year; refuse anything doubtful."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarError(f"holiday override {source}: not valid TOML: {exc}") from exc

    unknown = sorted(set(data) - _OVERRIDE_KEYS)
    if unknown:
        raise CalendarError(
            f"holiday override {source}: unknown key(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(_OVERRIDE_KEYS))}"
        )
    year = data.get("year")
    # bool is a subclass of int; `year = true` is a typo, not a year.
    if not isinstance(year, int) or isinstance(year, bool):
        raise CalendarError(f"holiday override {source}: 'year' is missing or not an integer")
    if not 1900 <= year <= 2200:
        raise CalendarError(f"holiday override {source}: year {year} is out of range")
    provisional = data.get("provisional", False)
    if not isinstance(provisional, bool):
        raise CalendarError(f"holiday override {source}: 'provisional' must be true or false")

    holidays = _parse_dates(data.get("holidays", []), "holidays", year, source)
    workdays = _parse_dates(data.get("workdays", []), "workdays", year, source)

    both = sorted(holidays & workdays)
    if both:
        listed = ", ".join(d.isoformat() for d in both)
        raise CalendarError(
            f"holiday override {source}: {listed} listed both in holidays and workdays"
        )
    weekdays = sorted(d for d in workdays if d.weekday() < 5)
    if weekdays:
        listed = ", ".join(d.isoformat() for d in weekdays)
        raise CalendarError(
            f"holiday override {source}: workdays {listed} fall on Monday–Friday; "
            "workdays lists only weekends that become working days (调休)"
        )
    return HolidayYear(year, frozenset(holidays), frozenset(workdays), source, provisional)


def _parse_dates(raw: object, key: str, year: int, source: str) -> set[date]:
    if not isinstance(raw, list):
        raise CalendarError(f"holiday override {source}: '{key}' must be a list of dates")
    days: set[date] = set()
    for item in raw:
        day = _parse_one_date(item, key, source)
        if day.year != year:
            raise CalendarError(
                f"holiday override {source}: {key} date {day.isoformat()} is not in year {year}"
            )
        days.add(day)
    return days


def _parse_one_date(item: object, key: str, source: str) -> date:
    # TOML has native dates (2027-01-01) as well as strings ("2027-01-01").
    if isinstance(item, date) and not isinstance(item, datetime):
        return item
    if isinstance(item, str) and _ISO_DATE.match(item):
        try:
            return date.fromisoformat(item)
        except ValueError:
            pass
    raise CalendarError(
        f"holiday override {source}: bad date {item!r} in '{key}' (expected YYYY-MM-DD)"
    )


# --- the working calendar ---------------------------------------------------


def _package_years() -> range:
    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


_PACKAGE_YEARS = _package_years()


def _package_year(year: int) -> HolidayYear:
    return HolidayYear(
        year=year,
        holidays=frozenset(d for d in chinese_calendar.holidays if d.year == year),
        workdays=frozenset(d for d in chinese_calendar.workdays if d.year == year),
        source=SOURCE_PACKAGE,
    )


class WorkingCalendar:
    """China's working days (工作日), with operator overrides per year.

    Per-year data is cached as a sorted list of working-day ordinals, so the
    counting methods are a few bisections rather than day-by-day loops.
    """

    def __init__(self, overrides: Mapping[int, HolidayYear] | None = None) -> None:
        self._overrides: dict[int, HolidayYear] = dict(overrides or {})
        for year, override in self._overrides.items():
            if override.year != year:
                raise CalendarError(
                    f"override {override.source} is for {override.year}, given as {year}"
                )
        self._years: dict[int, HolidayYear | None] = {}
        self._working: dict[int, list[int]] = {}

    @classmethod
    def from_overrides(cls, overrides: Iterable[HolidayYear]) -> WorkingCalendar:
        """Build from a list of overrides, refusing two for the same year."""
        by_year: dict[int, HolidayYear] = {}
        for override in overrides:
            if override.year in by_year:
                raise CalendarError(
                    f"two holiday overrides for {override.year}: "
                    f"{by_year[override.year].source} and {override.source}"
                )
            by_year[override.year] = override
        return cls(by_year)

    # -- per-year data --

    def _year(self, year: int) -> HolidayYear | None:
        """The official data for a year, or None for the weekday fallback."""
        if year not in self._years:
            self._years[year] = self._load_year(year)
        return self._years[year]

    def _load_year(self, year: int) -> HolidayYear | None:
        if year in self._overrides:
            override = self._overrides[year]
            if override.provisional:
                log.warning(
                    "holiday calendar %s comes from PROVISIONAL override %s: swapped "
                    "working days and bridging days are missing; replace it with the "
                    "State Council notice",
                    year,
                    override.source,
                )
            return override
        if year in _PACKAGE_YEARS:
            return _package_year(year)
        log.warning(
            "NO OFFICIAL HOLIDAY CALENDAR FOR %s: counting Monday–Friday as working days; "
            "add config/holidays/%s.toml from the State Council notice",
            year,
            year,
        )
        return None

    def _working_ordinals(self, year: int) -> list[int]:
        if year not in self._working:
            first = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            self._working[year] = [
                n for n in range(first, last + 1) if self._is_working(date.fromordinal(n))
            ]
        return self._working[year]

    def _is_working(self, day: date) -> bool:
        data = self._year(day.year)
        if data is not None:
            if day in data.workdays:
                return True
            if day in data.holidays:
                return False
        return day.weekday() < 5

    # -- public API --

    def source(self, year: int) -> str:
        """Where a year's data comes from: package, override source, or fallback."""
        data = self._year(year)
        return SOURCE_FALLBACK if data is None else data.source

    def is_working_day(self, day: date) -> bool:
        day = _as_date(day)
        ordinals = self._working_ordinals(day.year)
        i = bisect.bisect_left(ordinals, day.toordinal())
        return i < len(ordinals) and ordinals[i] == day.toordinal()

    def roll_forward(self, day: date) -> date:
        """The day itself if it is a working day, else the next working day."""
        day = _as_date(day)
        return day if self.is_working_day(day) else self.add_working_days(day, 1)

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (``day`` itself not counted).

        n = 0 returns ``day`` unchanged (a zero shift); n < 0 counts backwards.
        """
        day = _as_date(day)
        if n < 0:
            return self.subtract_working_days(day, -n)
        year, after = day.year, day.toordinal()
        while n > 0:
            ordinals = self._working_ordinals(year)
            start = bisect.bisect_right(ordinals, after)
            available = len(ordinals) - start
            if n <= available:
                return date.fromordinal(ordinals[start + n - 1])
            n -= available
            year += 1
        return day

    def subtract_working_days(self, day: date, n: int) -> date:
        """The n-th working day before ``day`` (``day`` itself not counted).

        n = 0 returns ``day`` unchanged; n < 0 counts forwards.
        """
        day = _as_date(day)
        if n < 0:
            return self.add_working_days(day, -n)
        year, before = day.year, day.toordinal()
        while n > 0:
            ordinals = self._working_ordinals(year)
            end = bisect.bisect_left(ordinals, before)
            if n <= end:
                return date.fromordinal(ordinals[end - n])
            n -= end
            year -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (0 if end <= start).

        Used to shift later deadlines by the working time a clock was paused.
        """
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        total = 0
        for year in range(start.year, end.year + 1):
            ordinals = self._working_ordinals(year)
            lo = bisect.bisect_right(ordinals, start.toordinal())
            hi = bisect.bisect_right(ordinals, end.toordinal())
            total += hi - lo
        return total


def _as_date(day: date) -> date:
    # A datetime is a date subclass; silently dropping its time would hide bugs.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise CalendarError(f"expected a date, got {day!r}; use local_date() for instants")
    return day


# --- months and instants ----------------------------------------------------


def add_months(day: date, n: int) -> date:
    """Calendar months from ``day``, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _days_in_month(year, month)))


def _days_in_month(year: int, month: int) -> int:
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return (next_month - timedelta(days=1)).day


def local_date(instant: datetime) -> date:
    """The Asia/Shanghai calendar date of an aware instant."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise CalendarError(f"naive datetime {instant!r}: instants must carry a time zone")
    return instant.astimezone(CHINA_TIME).date()


def end_of_day(day: date) -> datetime:
    """23:59:59 Asia/Shanghai on ``day``, as an aware UTC datetime (a deadline's end)."""
    day = _as_date(day)
    return datetime.combine(day, time(23, 59, 59), tzinfo=CHINA_TIME).astimezone(UTC)
