"""Policy profiles (办理规则配置): the per-locality numbers of the handling process.

Pure parsing and validation; reading the files is ``core.config_files``'s job.
A deployment chooses a profile; a running item keeps the ``ref`` (name@version)
it started with.
"""

from __future__ import annotations

import re
import tomllib
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

Unit = Literal["months", "days", "working_days"]

_DURATION = re.compile(r"^\s*(-?\d+)\s+([a-z_]+)\s*$")
_UNITS: dict[str, Unit] = {
    "month": "months",
    "months": "months",
    "day": "days",
    "days": "days",
    "working_day": "working_days",
    "working_days": "working_days",
}
# Only to compare durations of different units (e.g. reply vs reply_extended).
_NOMINAL_DAYS: dict[str, float] = {"months": 30.0, "days": 1.0, "working_days": 7 / 5}

NAME_PATTERN = re.compile(r"^[a-z0-9_-]+$")


class PolicyError(ValueError):
    """A policy profile that cannot be used; the message names profile and key."""


class Duration(BaseModel):
    """A clock length (期限), written in profiles as "3 months", "5 working_days", "20 days"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: int
    unit: Unit

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, (dict, Duration)):
            return value
        match = _DURATION.match(value) if isinstance(value, str) else None
        if not match or match.group(2) not in _UNITS:
            raise ValueError(
                f"not a duration: {value!r} (expected e.g. '3 months', '20 days', '5 working_days')"
            )
        return {"amount": int(match.group(1)), "unit": _UNITS[match.group(2)]}

    @field_validator("amount")
    @classmethod
    def _positive(cls, amount: int) -> int:
        if amount < 1:
            raise ValueError(f"duration must be at least 1, got {amount}")
        return amount

    @classmethod
    def parse(cls, text: str) -> Duration:
        return cls.model_validate(text)

    def nominal_days(self) -> float:
        """Rough length in calendar days, only for comparing durations."""
        return self.amount * _NOMINAL_DAYS[self.unit]

    def __str__(self) -> str:
        # "1 month" reads better than "1 months"; both parse back.
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{self.amount} {unit}"


class Clocks(BaseModel):
    """The deadlines of one profile (docs/process.md, "Clocks, reminders and escalation")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    assignment_between_sessions: Duration
    adjustment_window: Duration
    co_opinion: Duration
    reply: Duration
    reply_extended: Duration
    reply_between_sessions: Duration | None = None
    feedback: Duration
    rehandling_order: Duration
    second_reply: Duration
    key_report: Duration = Duration(amount=1, unit="months")  # key items report monthly (重点督办)
    follow_up_report: Duration = Duration(amount=3, unit="months")  # B items report at least quarterly (跟踪落实)
    c_review: Duration = Duration(amount=12, unit="months")  # C items are reviewed yearly
    publication: Duration = Duration(amount=20, unit="working_days")  # replies are published within (答复公开)

    @model_validator(mode="after")
    def _extension_is_longer(self) -> Clocks:
        if self.reply_extended.nominal_days() <= self.reply.nominal_days():
            raise ValueError(
                f"reply_extended ({self.reply_extended}) must be longer than reply ({self.reply})"
            )
        return self


class Ladder(BaseModel):
    """Reminder ladder of one clock: blue and orange notices before it runs out, red when it
    does (overdue), and an escalation to key supervision some time after."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    blue: Duration | None = None  # before the deadline
    orange: Duration | None = None  # before the deadline
    escalate_after: Duration | None = None  # after the deadline, still not done


LADDER_CLOCKS = (
    "assignment", "adjustment_window", "co_opinion", "reply", "feedback",
    "rehandling_order", "second_reply", "key_report", "follow_up_report",
)


class DrillScale(BaseModel):
    """Compressed time for rehearsals (演练): every clock runs in seconds, not on the calendar.

    The rehearsal clock is one for the whole system: rehearsed year `epoch_year` begins at the real instant
    `epoch` (set when the system starts, stamped on each item at registration), and every later year
    12 × `month_seconds` after the one before — so a rehearsed year ends for every item at once. Items
    registered before epochs were kept (epoch None) count their years from their own registration.
    With `final_year`, the rehearsal's years end up to that one; the next goes on to its calendar end
    (the demo's year stays the demo's year)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    month_seconds: int = Field(ge=1)
    day_seconds: int = Field(ge=1)  # a day or a working day
    epoch: datetime | None = None
    epoch_year: int | None = None
    final_year: int | None = None

    def year_begins(self, year: int) -> datetime | None:
        """The real instant rehearsed `year` begins on the shared clock (None without one, or past its final year)."""
        if self.epoch is None or self.epoch_year is None:
            return None
        if self.final_year is not None and year > self.final_year + 1:
            return None
        return self.epoch + timedelta(seconds=12 * self.month_seconds * (year - self.epoch_year))


RATER_GROUPS = ("deputies", "supervisors")


class EvaluationRule(BaseModel):
    """How a unit's yearly grade (单位评议: 优秀/良好/一般) follows from its ratings, per rater
    group and overall (docs/process.md "Evaluation and figures"). Shares are of the ratings counted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    excellent_min_excellent: float = Field(default=0.6, ge=0, le=1)  # 优秀: at least this share rated excellent
    excellent_max_average: float = Field(default=0.1, ge=0, le=1)  # ... and at most this share rated average
    good_min_good_or_better: float = Field(default=0.7, ge=0, le=1)  # 良好: excellent + good at least this; else 一般
    min_ratings: int = Field(default=1, ge=1)  # a group with fewer ratings gives no grade
    # Overall grade: each group's shares weighted (groups without enough ratings left out, the rest rescaled).
    weights: dict[str, float] = Field(default_factory=lambda: {"deputies": 0.5, "supervisors": 0.5})

    @field_validator("weights")
    @classmethod
    def _known_groups(cls, weights: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(weights) - set(RATER_GROUPS))
        if unknown:
            raise ValueError(f"weights for unknown rater groups {unknown}; known: {', '.join(RATER_GROUPS)}")
        if any(w < 0 for w in weights.values()) or not sum(weights.values()) > 0:
            raise ValueError("weights must be ≥ 0 and add up to more than 0")
        return weights


class PolicyProfile(BaseModel):
    """One locality's handling rules, versioned so running items keep theirs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    result_classes: list[str] = Field(default_factory=lambda: ["A", "B", "C"])
    no_feedback_deemed_satisfied: bool = False
    clocks: Clocks
    ladders: dict[str, Ladder] = {}
    drill: DrillScale | None = None
    evaluation: EvaluationRule = Field(default_factory=EvaluationRule)  # unit grades (单位评议)

    @field_validator("ladders")
    @classmethod
    def _known_clocks(cls, ladders: dict[str, Ladder]) -> dict[str, Ladder]:
        unknown = sorted(set(ladders) - set(LADDER_CLOCKS))
        if unknown:
            raise ValueError(f"ladders for unknown clocks {unknown}; known: {', '.join(LADDER_CLOCKS)}")
        return ladders

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        if not NAME_PATTERN.match(name):
            raise ValueError(f"name {name!r} must match [a-z0-9_-]+")
        return name

    @field_validator("result_classes")
    @classmethod
    def _has_abc(cls, classes: list[str]) -> list[str]:
        missing = [c for c in ("A", "B", "C") if c not in classes]
        if missing:
            raise ValueError(f"result_classes must include A, B and C; missing {', '.join(missing)}")
        if len(set(classes)) != len(classes):
            raise ValueError(f"result_classes has duplicates: {classes}")
        return classes

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


def parse_policy(text: str, name: str) -> PolicyProfile:
    """Parse and validate profile ``name`` from TOML text; PolicyError on any problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"policy {name!r}: not valid TOML: {exc}") from exc

    declared = data.setdefault("name", name)
    if declared != name:
        raise PolicyError(f"policy {name!r}: file declares name = {declared!r}; they must match")
    try:
        return PolicyProfile.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(f"policy {name!r}: {_describe(exc)}") from exc


def _describe(exc: ValidationError) -> str:
    """One line per problem, 'key: what is wrong', without pydantic's noise."""
    lines = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "missing required key"
        else:
            message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{key}: {message}")
    return "; ".join(lines)
