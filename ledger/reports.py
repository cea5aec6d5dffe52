"""The annual handling report (办理工作报告): every figure computed from the event log at an
instant (`as_of`), never from hand-kept counters, each with its numerator and denominator.

What is counted (also in DEFINITIONS, which the report carries):

- The year is the suggestions' year of registration. An item counts once it is registered
  (by `as_of`) and unless it was converted to a reference letter (转为参阅件) by then.
- A **track** is one replying unit's part in an item: the lead unit (主办) or a separately
  replying unit (分办), active at `as_of` (a unit reassigned away no longer has one).
  Co-handling units (协办) send an opinion, not a reply, and have no track.
- Year totals and field lines count **items**; an item's figure combines its tracks (it is
  replied when every track is, its class is its least solved track's). Unit lines count that
  unit's tracks. A unit role sees only its own tracks, so its totals are its unit's.
- Ratings count per track: the lead deputy's latest rating of that unit (feedback_given by the
  lead deputy), or "none" when the latest thing that happened was a feedback window closing
  without one (no_feedback). Co-signers' ratings are kept but not counted here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from itertools import groupby
from operator import attrgetter
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import invalid
from domain.calendar import SHANGHAI, local_date
from domain.enums import STAGE_LABELS, UNIT_ROLES
from domain.fields import FIELDS
from domain.models import Actor
from ledger.carry_over import Rate, carry_over_ledger
from ledger.history import CLASS_EVENTS, CLASS_ORDER, RAW_EVENT_COLUMNS, collector_paused, logged_event
from ledger.models import EventRow, ReplyRow, SuggestionRow, UnitRow
from ledger.queries import scoped

VERDICTS = ("satisfied", "basically_satisfied", "unsatisfied")
HEAD_RULE_LIMIT = 3  # Laoshan: ≤ 3 items → the principal head replies to all face to face; more → at least 3
# The actions item_facts reads; the others (deadlines set, reminders, contacts, carry-overs ...) are
# most of the log and are left in the database. An item's events are recorded in time order, so
# leaving some out does not move where a walk up to an instant stops.
REPORT_ACTIONS = (
    "registered", "converted", "assigned", "reassigned", "reply_drafted", "reply_signed_off", *CLASS_EVENTS,
    "feedback_given", "no_feedback", "reply_overdue", "rehandling_ordered", "key_supervision_proposed",
    "key_supervision_designated", "key_supervision_declined", "key_progress_reported",
)

DEFINITIONS: dict[str, str] = {
    "year": "the suggestions' year of registration",
    "as_of": "every figure is computed from the events recorded up to this instant",
    "suggestions": "items registered by as_of, less those converted to a reference letter (转为参阅件) by then; "
                   "per unit: the items in which the unit replies (lead or separate unit; co-handling units have no line)",
    "replied": "an item whose every replying unit's reply passed the coordinator's check (reply_accepted, any round)",
    "reply_rate": "replied / suggestions",
    "on_time_rate": "items whose first-round replies were all signed off in time (reply_signed_off late=false, the "
                    "sign-off of the reply that was accepted) / items due: replied, or still unreplied after their "
                    "reply deadline passed (reply_overdue kind=reply)",
    "face_to_face_rate": "replied items whose every replying unit gave an accepted reply face to face (面复) / replied",
    "principal_head_rule": "a unit with ≤ 3 suggestions: its principal head replies to all of them face to face; "
                           "more: to at least 3. A reply is by the principal head when it was face to face and its "
                           "replied_by contains the unit's registered head_name (units.head_name, spaces ignored); "
                           "a unit without a head_name cannot meet the rule",
    "classes": "replied items by result class at as_of: the class of the least solved replying unit, from the last "
               "reply_accepted / progress_reported / reclassification_disputed of each unit",
    "feedback": "per replying unit: the lead deputy's latest rating (feedback_given) or 'none' when a feedback "
                "window closed without one (no_feedback) after it; units not yet rated are not counted",
    "satisfaction_rate": "(satisfied + basically_satisfied) / (satisfied + basically_satisfied + unsatisfied)",
    "solved_rate": "replied items of class A / replied",
    "overdue": "items: items with a reply deadline (first or second reply) that passed unreplied (reply_overdue); "
               "open: of those, still unreplied at as_of; days: calendar days (Beijing dates) from each missed "
               "deadline's day to the sign-off of the reply, or to as_of when none yet, summed; max_days: the longest",
    "second_handling": "items: re-handling ordered (rehandling_ordered); replied: every re-handled unit's second reply "
                       "accepted; satisfied/basically_satisfied/unsatisfied/none: the lead deputy's latest rating of "
                       "each re-handled unit's second reply; pending: re-handled units not rated yet",
    "key_supervision": "items by their key-supervision status at as_of (the last key_supervision_proposed / "
                       "designated / declined); progress_reports: key_progress_reported events",
    "carried_in": "items carried into this year's carry-over ledger (跨年度跟踪督办台账, ledger.carry_over)",
    "carried_converted": "carried B/C items that became A during the year (up to as_of)",
    "carry_over_conversion_rate": "carried_converted / carried B and C items",
}


# --- what happened to one item, up to an instant -------------------------------------------------


@dataclass
class Overdue:
    round: int
    due_at: datetime
    closed_at: datetime | None = None  # the sign-off of the reply that ended it

    def days(self, instant: datetime) -> int:
        end = self.closed_at or instant
        return max(0, (local_date(end) - local_date(self.due_at)).days)


@dataclass
class Track:
    """One replying unit's part in an item."""

    unit: str
    role: str
    replied: bool = False
    first_late: bool | None = None  # the accepted first-round reply was signed off late
    face_to_face: bool = False  # some accepted reply was face to face
    by_head: bool = False  # ... and given by the unit's principal head
    result_class: str | None = None
    rating: str | None = None
    overdue: list[Overdue] = field(default_factory=list)
    rehandled: bool = False
    second_replied: bool = False
    second_rating: str | None = None
    key_reports: int = 0


@dataclass
class ItemFacts:
    id: str
    number: str
    title: str
    field: str
    stage: str  # the item's stage now (the projection's)
    registered: bool = False
    converted: bool = False
    key_status: str | None = None
    tracks: dict[str, Track] = field(default_factory=dict)
    classes_at: list[str | None] = field(default_factory=list)  # its class in the classes line at each mark

    @property
    def counted(self) -> bool:
        return self.registered and not self.converted


def _squash(text: str) -> str:
    return "".join(text.split())


def item_facts(
    row: Any, events: list[Any], instant: datetime, heads: dict[str, str], replied_by: dict[tuple[str, int], str],
    marks: Sequence[datetime] = (), only_unit: str | None = None,
) -> ItemFacts:
    """Walk an item's events (in sequence order) up to `instant`.

    `row` has the suggestion's workflow_id, number, title, field, stage and lead_deputy; `replied_by`
    is who gave each accepted reply, by (unit, round). `marks` (ascending, none after `instant`) are
    instants at which the walk also notes the item's class in the classes line (`classes_at`, as
    `only_unit` sees it): the state there is the one the walk has when it passes the mark, so one
    walk gives every month end."""
    facts = ItemFacts(id=row.workflow_id, number=row.number, title=row.title, field=row.field, stage=row.stage)
    pending = list(marks)
    roles: dict[str, str] = {}
    rounds: dict[str, int] = defaultdict(lambda: 1)
    drafts: dict[tuple[str, int], bool] = {}
    signoffs: dict[tuple[str, int], bool] = {}
    lead_deputy = row.lead_deputy

    def add(unit: str | None, role: str) -> None:
        if unit:
            roles[unit] = role
            if role in ("lead", "separate"):
                facts.tracks[unit] = Track(unit=unit, role=role)

    for e in events:
        if pending and pending[0] < e.at:  # the walk passes marks: their class is the one it has now
            now_class = _line_class(facts, only_unit)
            while pending and pending[0] < e.at:
                pending.pop(0)
                facts.classes_at.append(now_class)
        if e.at > instant:
            break
        p, unit, action = e.payload or {}, e.unit, e.action
        track = facts.tracks.get(unit) if unit else None
        if action == "registered":
            facts.registered = True
        elif action == "converted":
            facts.converted = True
        elif action == "assigned":
            add(p.get("lead_unit"), "lead")
            for u in p.get("co_units") or []:
                add(u, "co_handling")
            for u in p.get("separate_units") or []:
                add(u, "separate")
        elif action == "reassigned":
            facts.tracks.pop(unit, None)
            add(p.get("new_unit"), p.get("role") or roles.get(unit, "lead"))
        elif action == "reply_drafted":
            drafts[(unit, p.get("round", 1))] = bool(p.get("face_to_face"))
        elif action == "reply_signed_off":
            round_ = p.get("round", 1)
            signoffs[(unit, round_)] = bool(p.get("late"))
            if track:
                for o in track.overdue:
                    if o.round == round_ and o.closed_at is None:
                        o.closed_at = e.at
        elif action == "reply_accepted" and track:
            round_ = p.get("round", 1)
            if round_ == 1 or not track.replied:
                track.first_late = signoffs.get((unit, round_), False)
            track.replied = True
            if round_ >= 2:
                track.second_replied = True
            track.result_class = p.get("result_class") or track.result_class
            if drafts.get((unit, round_)):
                track.face_to_face = True
                head = _squash(heads.get(unit, ""))
                if head and head in _squash(replied_by.get((unit, round_)) or ""):
                    track.by_head = True
        elif action in ("progress_reported", "reclassification_disputed") and track:
            track.result_class = p.get("result_class") or track.result_class
        elif action == "feedback_given" and track and e.actor_deputy == lead_deputy:
            track.rating = p.get("verdict")
            if p.get("round", 1) >= 2:
                track.second_rating = track.rating
        elif action == "no_feedback" and track:
            track.rating = "none"
            if rounds[unit] >= 2:
                track.second_rating = "none"
        elif action == "reply_overdue" and track:
            due = p.get("due_at")
            due_at = datetime.fromisoformat(due) if due else e.at
            track.overdue.append(Overdue(round=2 if p.get("kind") == "second_reply" else 1, due_at=due_at))
        elif action == "rehandling_ordered" and track:
            track.rehandled = True
            rounds[unit] = 2
        elif action == "key_supervision_proposed":
            facts.key_status = "proposed"
        elif action == "key_supervision_designated":
            facts.key_status = "designated"
        elif action == "key_supervision_declined":
            facts.key_status = "declined"
        elif action == "key_progress_reported" and track:
            track.key_reports += 1
    if pending:  # nothing changes after the last event read
        facts.classes_at += [_line_class(facts, only_unit)] * len(pending)
    return facts


def _line_class(facts: ItemFacts, only_unit: str | None) -> str | None:
    """The class the item adds to the classes line (None: it adds none); a unit role counts its own track."""
    if not facts.counted:
        return None
    if only_unit is None:
        return _joint_class(list(facts.tracks.values()))
    return _joint_class([facts.tracks[only_unit]]) if only_unit in facts.tracks else None


# --- figures over a set of subjects ---------------------------------------------------------------


@dataclass
class Subject:
    """What one line counts once: an item (all its tracks) or one unit's track of an item."""

    item: ItemFacts
    tracks: list[Track]
    replied: bool = field(init=False)
    result_class: str | None = field(init=False)

    def __post_init__(self) -> None:
        # Worked out once: every line asks many times, and the tracks do not change after.
        self.replied = bool(self.tracks) and all(t.replied for t in self.tracks)
        self.result_class = _joint_class(self.tracks)


def _joint_class(tracks: list[Track]) -> str | None:
    """The class of tracks counted together: once every one is replied, the least solved one's."""
    if not tracks or not all(t.replied for t in tracks):
        return None
    classes = [t.result_class for t in tracks if t.result_class]
    return max(classes, key=_class_rank) if classes else None


def _class_rank(value: str) -> int:
    return CLASS_ORDER.index(value) if value in CLASS_ORDER else len(CLASS_ORDER)


class Counts(BaseModel):
    satisfied: int = 0
    basically_satisfied: int = 0
    unsatisfied: int = 0
    none: int = 0


class OverdueTotals(BaseModel):
    items: int
    open: int
    days: int
    max_days: int


class SecondHandling(BaseModel):
    items: int
    replied: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    none: int
    pending: int


class KeySupervisionTotals(BaseModel):
    designated: int
    proposed: int
    declined: int
    progress_reports: int


class Totals(BaseModel):
    suggestions: int
    replied: int
    converted: int
    classes: dict[str, int]
    feedback: Counts
    overdue: OverdueTotals
    second_handling: SecondHandling
    key_supervision: KeySupervisionTotals
    carried_in: int
    carried_converted: int


class Rates(BaseModel):
    reply_rate: Rate
    on_time_rate: Rate
    face_to_face_rate: Rate
    satisfaction_rate: Rate
    solved_rate: Rate
    carry_over_conversion_rate: Rate


class PrincipalHead(BaseModel):
    """Laoshan's rule for one unit: how many face-to-face replies its principal head must give and gave."""

    head_name: str
    suggestions: int
    required: int
    actual: int
    satisfied: bool


class UnitLine(BaseModel):
    unit: str
    name: str
    totals: Totals
    rates: Rates
    principal_head: PrincipalHead


class FieldLine(BaseModel):
    field: str
    label: str
    totals: Totals
    rates: Rates


class HeadRule(BaseModel):
    rule: str
    units_breaking: list[str]


class ClassPoint(BaseModel):
    at: datetime
    date: date
    classes: dict[str, int]


class ItemLine(BaseModel):
    """One item in the item sheet (its stage is the one it has now)."""

    id: str
    number: str
    title: str
    field: str
    units: list[str]
    stage: str
    stage_label: str
    result_class: str | None
    replied: bool
    on_time: bool | None
    face_to_face: bool
    ratings: dict[str, str | None]
    overdue_days: int
    second_handling: bool
    key_status: str | None


class AnnualReport(BaseModel):
    year: int
    as_of: datetime
    scope: str  # "all", or the unit code a unit role's report is limited to
    totals: Totals
    rates: Rates
    principal_head_rule: HeadRule
    units: list[UnitLine]
    fields: list[FieldLine]
    classes_over_time: list[ClassPoint]
    definitions: dict[str, str]
    items: list[ItemLine] = []


@dataclass
class Carried:
    """The carry-over ledger's lines that a group of subjects covers."""

    items: int = 0
    converted: int = 0
    open_bc: int = 0


def _totals_and_rates(subjects: list[Subject], instant: datetime, carried: Carried, converted: int) -> tuple[Totals, Rates]:
    """Every count of a line in one pass over its subjects (a report makes some seventy lines)."""
    counted = replied = on_time = due = face = 0
    classes: dict[str, int] = {"A": 0, "B": 0, "C": 0}
    ratings: Counter[str | None] = Counter()
    overdue_items = overdue_open = overdue_days = max_days = 0
    second_items = second_replied = pending = 0
    second_ratings: Counter[str] = Counter()
    key_status: Counter[str | None] = Counter()
    progress_reports = 0
    for s in subjects:
        if not s.item.counted:
            continue
        counted += 1
        tracks = s.tracks
        if s.replied:
            replied += 1
            if s.result_class:
                classes[s.result_class] = classes.get(s.result_class, 0) + 1
            on_time += all(t.first_late is False for t in tracks)
            face += all(t.face_to_face for t in tracks)
        elif any(o.round == 1 for t in tracks for o in t.overdue):
            due += 1  # unreplied after its first reply deadline passed
        if overdue := [o for t in tracks for o in t.overdue]:
            overdue_items += 1
            overdue_open += any(o.closed_at is None for o in overdue)
            for o in overdue:
                days = o.days(instant)
                overdue_days, max_days = overdue_days + days, max(max_days, days)
        if rehandled := [t for t in tracks if t.rehandled]:
            second_items += 1
            second_replied += all(t.second_replied for t in rehandled)
            for t in rehandled:
                if t.second_rating is None:
                    pending += 1
                else:
                    second_ratings[t.second_rating] += 1
        for t in tracks:
            ratings[t.rating] += 1
            progress_reports += t.key_reports
        key_status[s.item.key_status] += 1
    due += replied
    feedback = Counts(**{v: ratings[v] for v in (*VERDICTS, "none")})
    overdue = OverdueTotals(items=overdue_items, open=overdue_open, days=overdue_days, max_days=max_days)
    second = SecondHandling(
        items=second_items, replied=second_replied, **{v: second_ratings[v] for v in (*VERDICTS, "none")}, pending=pending,
    )
    key = KeySupervisionTotals(
        designated=key_status["designated"], proposed=key_status["proposed"], declined=key_status["declined"],
        progress_reports=progress_reports,
    )
    totals = Totals(
        suggestions=counted, replied=replied, converted=converted, classes=classes, feedback=feedback,
        overdue=overdue, second_handling=second, key_supervision=key,
        carried_in=carried.items, carried_converted=carried.converted,
    )
    rated = feedback.satisfied + feedback.basically_satisfied + feedback.unsatisfied
    rates = Rates(
        reply_rate=Rate.of(replied, counted),
        on_time_rate=Rate.of(on_time, due),
        face_to_face_rate=Rate.of(face, replied),
        satisfaction_rate=Rate.of(feedback.satisfied + feedback.basically_satisfied, rated),
        solved_rate=Rate.of(classes.get("A", 0), replied),
        carry_over_conversion_rate=Rate.of(carried.converted, carried.open_bc),
    )
    return totals, rates


def _head_rule(unit: str, head_name: str, subjects: list[Subject]) -> PrincipalHead:
    counted = [s for s in subjects if s.item.counted]
    n = len(counted)
    required = n if n <= HEAD_RULE_LIMIT else HEAD_RULE_LIMIT
    actual = sum(1 for s in counted for t in s.tracks if t.unit == unit and t.by_head)
    return PrincipalHead(head_name=head_name, suggestions=n, required=required, actual=actual, satisfied=actual >= required)


# --- the report --------------------------------------------------------------------------------------


def as_of_instant(value: date | datetime | None, year: int, now: datetime | None = None) -> datetime:
    """A date means the end of that day, Beijing time; nothing means now."""
    if value is None:
        return now or datetime.now(timezone.utc)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    return datetime.combine(value + timedelta(days=1), time(0), SHANGHAI).astimezone(timezone.utc) - timedelta(microseconds=1)


def parse_as_of(value: str | None, year: int) -> datetime | None:
    """`as_of` as the API takes it: a date (the end of that day, Beijing time) or an ISO instant
    (without a zone: Beijing time); None or empty: now. 422 for anything else."""
    if not value:
        return None
    try:
        return as_of_instant(date.fromisoformat(value), year)
    except ValueError:
        pass
    try:
        return as_of_instant(datetime.fromisoformat(value), year)
    except ValueError:
        raise invalid(f"as_of {value!r} is neither a date (2025-06-30) nor an ISO instant (2025-06-30T18:00:00+08:00)")


def month_ends(year: int, until: datetime) -> list[datetime]:
    """The last instant of each month of `year` up to `until`, then `until` itself."""
    points = []
    for month in range(1, 13):
        first_next = date(year + (month == 12), month % 12 + 1, 1)
        end = as_of_instant(first_next - timedelta(days=1), year)
        if end > until:
            break
        points.append(end)
    if not points or points[-1] < until:
        points.append(until)
    return points


def _year_facts(
    session: Session, actor: Actor, year: int, instant: datetime, heads: dict[str, str], marks: Sequence[datetime],
    only_unit: str | None,
) -> list[ItemFacts]:
    """What happened to each of the year's items that `actor` sees, in number order (item_facts).

    Plain rows of the columns needed (ORM objects, the state JSON and the events the report ignores were
    most of the time at 200,000 items), and the events read on the session's connection as a stream in
    item order, each item walked as its events arrive: one item's events are held at a time."""
    seen = scoped(select(SuggestionRow.workflow_id), actor).where(SuggestionRow.year == year)
    rows = {r.workflow_id: r for r in session.execute(
        scoped(select(SuggestionRow.workflow_id, SuggestionRow.number, SuggestionRow.title, SuggestionRow.field,
                      SuggestionRow.stage, SuggestionRow.lead_deputy), actor)
        .where(SuggestionRow.year == year).order_by(SuggestionRow.number)
    )}
    # The first accepted reply per unit and round, as the state's reply list has them (same order).
    replied_by: dict[str, dict[tuple[str, int], str]] = defaultdict(dict)
    for r in session.execute(
        select(ReplyRow.workflow_id, ReplyRow.unit, ReplyRow.round, ReplyRow.replied_by)
        .where(ReplyRow.workflow_id.in_(seen), ReplyRow.status == "accepted").order_by(ReplyRow.id)
    ):
        replied_by[r.workflow_id].setdefault((r.unit, r.round), r.replied_by)
    events = session.connection().execute(
        select(*RAW_EVENT_COLUMNS)
        .where(EventRow.workflow_id.in_(seen), EventRow.action.in_(REPORT_ACTIONS))
        .order_by(EventRow.workflow_id, EventRow.seq)
    )
    facts = {}
    for wid, item_events in groupby(events, key=attrgetter("workflow_id")):
        if wid in rows:
            walked = [logged_event(e) for e in item_events]
            facts[wid] = item_facts(rows[wid], walked, instant, heads, replied_by[wid], marks, only_unit)
    return [facts.get(wid) or item_facts(row, [], instant, heads, {}, marks, only_unit) for wid, row in rows.items()]


def _subjects(facts: list[ItemFacts], only_unit: str | None) -> list[Subject]:
    if only_unit is None:
        return [Subject(f, list(f.tracks.values())) for f in facts]
    return [Subject(f, [f.tracks[only_unit]]) for f in facts if only_unit in f.tracks]


def annual_report(
    session: Session, actor: Actor, year: int, as_of: datetime | None = None, now: datetime | None = None,
    with_items: bool = False,
) -> AnnualReport:
    """The year's report as `actor` may see it (a unit role: its own unit's tracks only)."""
    with collector_paused():
        return _annual_report(session, actor, year, as_of, now, with_items)


def _annual_report(
    session: Session, actor: Actor, year: int, as_of: datetime | None, now: datetime | None, with_items: bool
) -> AnnualReport:
    instant = as_of or now or datetime.now(timezone.utc)
    only_unit = actor.unit if actor.role in UNIT_ROLES else None
    units = {u.code: u for u in session.scalars(select(UnitRow))}
    heads = {code: u.head_name for code, u in units.items()}
    moments = month_ends(year, instant)
    facts = _year_facts(session, actor, year, instant, heads, moments, only_unit)
    subjects = _subjects(facts, only_unit)
    converted = sum(1 for s in subjects if s.item.registered and s.item.converted)

    ledger = carry_over_ledger(session, actor, year, now=instant)
    carried_lines = [i for i in ledger.items if only_unit is None or i.unit == only_unit]

    def carried(chosen: list) -> Carried:
        bc = [i for i in chosen if i.class_at_carry_over in ("B", "C")]
        return Carried(items=len(chosen), converted=sum(i.converted for i in bc), open_bc=len(bc))

    carried_by_unit, carried_by_field = defaultdict(list), defaultdict(list)  # in ledger order, in one pass
    for i in carried_lines:
        carried_by_unit[i.unit].append(i)
        carried_by_field[i.field].append(i)
    totals, rates = _totals_and_rates(subjects, instant, carried(carried_lines), converted)

    unit_codes = sorted({t.unit for s in subjects for t in s.tracks} | {i.unit for i in carried_lines if i.unit})
    if only_unit:
        unit_codes = [only_unit]
    by_unit: dict[str, list[Subject]] = defaultdict(list)  # each unit's tracks, in item order, in one pass
    for f in facts:
        for code, track in f.tracks.items():
            by_unit[code].append(Subject(f, [track]))
    unit_lines = []
    for code in unit_codes:
        mine = by_unit[code]
        t, r = _totals_and_rates(
            mine, instant, carried(carried_by_unit[code]),
            sum(1 for s in mine if s.item.registered and s.item.converted),
        )
        unit = units.get(code)
        head = unit.head_name if unit else ""
        unit_lines.append(UnitLine(unit=code, name=unit.name if unit else code, totals=t, rates=r,
                                   principal_head=_head_rule(code, head, mine)))

    by_field: dict[str, list[Subject]] = defaultdict(list)  # in item order, in one pass
    for subject in subjects:
        by_field[subject.item.field].append(subject)
    field_codes = sorted(set(by_field) | {i.field for i in carried_lines})
    field_lines = []
    for code in field_codes:
        mine = by_field[code]
        t, r = _totals_and_rates(
            mine, instant, carried(carried_by_field[code]),
            sum(1 for s in mine if s.item.registered and s.item.converted),
        )
        field_lines.append(FieldLine(field=code, label=FIELDS.get(code, code), totals=t, rates=r))

    over_time = []
    at_each_moment = zip(*(f.classes_at for f in facts)) if facts else [()] * len(moments)
    for moment, classes in zip(moments, at_each_moment):  # each item's class at this moment, counted at once
        counted = Counter(classes)
        counted.pop(None, None)  # items without a class then
        counts = {"A": 0, "B": 0, "C": 0, **counted}
        over_time.append(ClassPoint(at=moment, date=local_date(moment), classes=counts))

    items = []
    if with_items:
        for s in subjects:
            late = [t.first_late for t in s.tracks]
            items.append(ItemLine(
                id=s.item.id, number=s.item.number, title=s.item.title, field=s.item.field,
                units=[t.unit for t in s.tracks], stage=s.item.stage,
                stage_label=STAGE_LABELS.get(s.item.stage, s.item.stage),
                result_class=s.result_class, replied=s.replied,
                on_time=(all(x is False for x in late) if s.replied else None),
                face_to_face=s.replied and all(t.face_to_face for t in s.tracks),
                ratings={t.unit: t.rating for t in s.tracks},
                overdue_days=sum(o.days(instant) for t in s.tracks for o in t.overdue),
                second_handling=any(t.rehandled for t in s.tracks), key_status=s.item.key_status,
            ))

    return AnnualReport(
        year=year, as_of=instant, scope=only_unit or "all", totals=totals, rates=rates,
        principal_head_rule=HeadRule(
            rule=DEFINITIONS["principal_head_rule"],
            units_breaking=[u.unit for u in unit_lines if not u.principal_head.satisfied],
        ),
        units=unit_lines, fields=field_lines, classes_over_time=over_time, definitions=DEFINITIONS, items=items,
    )


def report_json(report: AnnualReport) -> dict[str, Any]:
    """The API's JSON: the report without the item list."""
    return report.model_dump(mode="json", exclude={"items"})

# --- labels and the spreadsheet ---------------------------------------------------------------------

RATE_LABELS = {
    "reply_rate": "办复率",
    "on_time_rate": "按时办复率",
    "face_to_face_rate": "面复率",
    "satisfaction_rate": "满意率（满意＋基本满意）",
    "solved_rate": "解决率（A类占已答复）",
    "carry_over_conversion_rate": "结转B/C类转为A类比率",
}
FEEDBACK_LABELS = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意", "none": "未反馈"}
KEY_LABELS = {"designated": "已列入重点督办", "proposed": "提议重点督办（待定）", "declined": "不予重点督办",
              "progress_reports": "重点督办进展报告（次）"}


def count_rows(totals: Totals) -> list[tuple[str, int]]:
    """The counts of a line, labelled in Chinese, in the order the report prints them."""
    t = totals
    rows = [("建议件数", t.suggestions), ("已答复", t.replied), ("转为参阅件", t.converted)]
    rows += [(f"{c}类", n) for c, n in t.classes.items()]
    rows += [(f"评价：{FEEDBACK_LABELS[k]}", getattr(t.feedback, k)) for k in FEEDBACK_LABELS]
    rows += [("超期件数", t.overdue.items), ("仍超期未答复", t.overdue.open), ("超期天数合计", t.overdue.days),
             ("最长超期天数", t.overdue.max_days)]
    s = t.second_handling
    rows += [("二次办理件数", s.items), ("二次办理已答复", s.replied)]
    rows += [(f"二次办理评价：{FEEDBACK_LABELS[k]}", getattr(s, k)) for k in FEEDBACK_LABELS]
    rows += [("二次办理待评价", s.pending)]
    rows += [(label, getattr(t.key_supervision, k)) for k, label in KEY_LABELS.items()]
    rows += [("结转入本年度台账", t.carried_in), ("结转件已转A类", t.carried_converted)]
    return rows


def _sheet_title(text: str, taken: set[str]) -> str:
    clean = "".join("_" if ch in '[]:*?/\\' else ch for ch in text)[:31]
    title, n = clean, 2
    while title in taken:
        suffix = f"~{n}"
        title, n = clean[:31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def _line_sheet(sheet, heading: str, totals: Totals, rates: Rates) -> None:
    from openpyxl.styles import Font

    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(["指标", "分子", "分母", "比率"])
    for key, label in RATE_LABELS.items():
        rate = getattr(rates, key)
        sheet.append([label, rate.numerator, rate.denominator, rate.value])
        if rate.value is not None:
            sheet.cell(row=sheet.max_row, column=4).number_format = "0.00%"
    sheet.append([])
    sheet.append(["项目", "数值"])
    for label, value in count_rows(totals):
        sheet.append([label, value])
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value in ("指标", "分子", "分母", "比率", "项目", "数值"):
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 30
    for column in "BCD":
        sheet.column_dimensions[column].width = 12


def annual_xlsx(report: AnnualReport) -> bytes:
    """One sheet for the totals (with every definition), one per field summary, one per unit,
    and one listing every item with its stage."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    as_of = report.as_of.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    book = Workbook()
    taken: set[str] = set()
    totals = book.active
    totals.title = _sheet_title("总体", taken)
    scope = "全部" if report.scope == "all" else f"单位 {report.scope}"
    _line_sheet(totals, f"{report.year}年度代表建议办理情况（截至{as_of}，北京时间；范围：{scope}）", report.totals, report.rates)
    totals.append([])
    totals.append(["未落实“主要负责人面复”要求的单位", "、".join(report.principal_head_rule.units_breaking) or "无"])
    totals.append([])
    totals.append(["口径", "说明"])
    totals.cell(row=totals.max_row, column=1).font = Font(bold=True)
    for key, text in report.definitions.items():
        totals.append([key, text])

    fields = book.create_sheet(_sheet_title("领域", taken))
    fields.append(["领域", "代码", "建议件数", "已答复", "A", "B", "C", *RATE_LABELS.values()])
    for line in report.fields:
        fields.append([line.label, line.field, line.totals.suggestions, line.totals.replied,
                       *(line.totals.classes.get(c, 0) for c in "ABC"),
                       *(getattr(line.rates, k).value for k in RATE_LABELS)])
    fields.column_dimensions["A"].width = 18

    for line in report.units:
        sheet = book.create_sheet(_sheet_title(f"{line.unit} {line.name}", taken))
        _line_sheet(sheet, f"{line.name}（{line.unit}）", line.totals, line.rates)
        head = line.principal_head
        sheet.append([])
        sheet.append(["主要负责人面复", f"应面复 {head.required} 件，实际 {head.actual} 件，"
                      f"{'达到要求' if head.satisfied else '未达到要求'}（负责人：{head.head_name or '未登记'}）"])

    items = book.create_sheet(_sheet_title("建议清单", taken))
    items.append(["编号", "标题", "领域", "答复单位", "当前阶段", "类别（截至日）", "已答复", "按时", "面复",
                  "领衔代表评价", "超期天数", "二次办理", "重点督办"])
    yes = {True: "是", False: "否", None: ""}
    for item in report.items:
        items.append([
            item.number, item.title, FIELDS.get(item.field, item.field), "、".join(item.units), item.stage_label,
            item.result_class or "", yes[item.replied], yes[item.on_time], yes[item.face_to_face],
            "；".join(f"{u}:{FEEDBACK_LABELS.get(v, '') if v else '未评价'}" for u, v in item.ratings.items()),
            item.overdue_days, yes[item.second_handling], KEY_LABELS.get(item.key_status, "") if item.key_status else "",
        ])
    for cell in items[1]:
        cell.font = Font(bold=True)
    items.column_dimensions["B"].width = 40
    items.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
